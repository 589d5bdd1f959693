package kiln

/*
#include <kiln.h>
extern void kilnGoDeleteHandle(void*);
*/
import "C"

import (
	"runtime/cgo"
	"unsafe"
)

func ptrToHandle(p unsafe.Pointer) cgo.Handle {
	return cgo.Handle(uintptr(p))
}

//export kilnGoDeleteHandle
func kilnGoDeleteHandle(p unsafe.Pointer) {
	ptrToHandle(p).Delete()
}
