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

// ptrToHandle reads back a cgo.Handle passed through C (kiln_go.h).
func ptrToHandle(p unsafe.Pointer) cgo.Handle {
	// SAFETY: p is an integer C carried, not a pointer; nothing reads
	// through it.
	return cgo.Handle(uintptr(p))
}

//export kilnGoDeleteHandle
func kilnGoDeleteHandle(p unsafe.Pointer) {
	ptrToHandle(p).Delete()
}
