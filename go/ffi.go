package kiln

// #cgo LDFLAGS: -lwasm
// #include <stdlib.h>
// #include <kiln.h>
import "C"

import (
	"errors"
	"runtime"
	"unsafe"
)

// errClosed is what methods of a closed object report.
var errClosed = errors.New("object has been closed already")

// cBytes points C at b's bytes for the length of a cgo call, without a copy;
// nil for an empty slice (every C function reading it takes a length).
func cBytes(b []byte) *C.uint8_t {
	if len(b) == 0 {
		return nil
	}
	// SAFETY: b's bytes are Go memory without Go pointers, which cgo lets C
	// read for the length of the call; callers keep b alive (KeepAlive).
	return (*C.uint8_t)(unsafe.Pointer(&b[0]))
}

// cStr points C at s's bytes for the length of a cgo call, without a copy
// (C takes a length; the bytes need no terminator).
func cStr(s string) *C.uint8_t {
	// SAFETY: a string's bytes are immutable Go memory without pointers;
	// C only reads them during the call, and callers keep s alive.
	return (*C.uint8_t)(unsafe.Pointer(unsafe.StringData(s)))
}

// goBytes takes the contents of an owned C byte vector, releasing it.
func goBytes(vec *C.wasm_byte_vec_t) []byte {
	// SAFETY: an owned C vector holds size readable bytes at data.
	out := C.GoBytes(unsafe.Pointer(vec.data), C.int(vec.size))
	C.wasm_byte_vec_delete(vec)
	return out
}

// goMessage takes a null-terminated owned C message, releasing it.
func goMessage(vec *C.wasm_byte_vec_t) string {
	n := int(vec.size)
	// SAFETY: byte n-1 is the vector's last, within its size.
	if n > 0 && *(*byte)(unsafe.Add(unsafe.Pointer(vec.data), n-1)) == 0 {
		n--
	}
	out := C.GoStringN(vec.data, C.int(n))
	C.wasm_byte_vec_delete(vec)
	return out
}

// cName is a C byte vector (a wasm name) copying s, to release with
// C.wasm_byte_vec_delete.
func cName(s string) C.wasm_byte_vec_t {
	var vec C.wasm_byte_vec_t
	C.wasm_byte_vec_new(&vec, C.size_t(len(s)), (*C.wasm_byte_t)(unsafe.Pointer(cStr(s))))
	runtime.KeepAlive(s)
	return vec
}

// takeError turns an owned kiln_error_t into an *Error (nil for none).
func takeError(err *C.kiln_error_t) error {
	if err == nil {
		return nil
	}
	var msg C.wasm_byte_vec_t
	C.kiln_error_message(err, &msg)
	out := &Error{message: goMessage(&msg)}
	var status C.int32_t
	if C.kiln_error_exit_status(err, &status) {
		out.exitStatus, out.exited = int32(status), true
	}
	C.kiln_error_delete(err)
	return out
}

// unsafeSlice views n elements of a C array as a Go slice, for the length
// of the C object's life.
func unsafeSlice[T any](data *T, n int) []T {
	if n == 0 || data == nil {
		return nil
	}
	// SAFETY: C vectors hold n elements at data, alive while the vector
	// is, which callers do not outlive.
	return unsafe.Slice(data, n)
}

func cBytesChar(b []byte) *C.char {
	return (*C.char)(unsafe.Pointer(cBytes(b)))
}
