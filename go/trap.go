package kiln

// #include "kiln_go.h"
import "C"

import (
	"runtime"
	"runtime/cgo"
)

// Trap is a WebAssembly trap: wasm stopped at runtime (unreachable code, an
// out-of-bounds access, an interrupt, running out of fuel, ...). Traps that
// wasm raises carry a Code and their wasm Frames; NewTrap makes one for a
// host function to return.
type Trap struct {
	// message is Wasmtime's text for the trap: the backtrace and cause
	// for wasm's traps, the message alone for NewTrap's.
	message string
	code    *TrapCode
	frames  []*Frame
	// cause is why the trap happened when Go knows more than wasm: the
	// context that CallContext was cancelled with.
	cause error
}

// Frame is one wasm frame of a trap's backtrace, innermost first.
type Frame struct {
	funcIndex    uint32
	funcName     *string
	moduleName   *string
	funcOffset   uint
	moduleOffset uint
}

// TrapCode says why wasm trapped; the numbers are wasmtime-go's.
type TrapCode uint8

const (
	// StackOverflow: the call stack was exhausted.
	StackOverflow TrapCode = iota
	// MemoryOutOfBounds: a load or store outside linear memory.
	MemoryOutOfBounds
	// HeapMisaligned: an atomic access at a misaligned address.
	HeapMisaligned
	// TableOutOfBounds: a table access (or call_indirect) out of bounds.
	TableOutOfBounds
	// IndirectCallToNull: call_indirect on a null element.
	IndirectCallToNull
	// BadSignature: call_indirect whose callee has another signature.
	BadSignature
	// IntegerOverflow: integer overflow.
	IntegerOverflow
	// IntegerDivisionByZero: integer division or remainder by zero.
	IntegerDivisionByZero
	// BadConversionToInteger: conversion of NaN to an integer.
	BadConversionToInteger
	// UnreachableCodeReached: the unreachable instruction.
	UnreachableCodeReached
	// Interrupt: the store's epoch deadline passed.
	Interrupt
	// OutOfFuel: the store's fuel ran out.
	OutOfFuel
	// NullReference: a null reference was dereferenced (Kiln only).
	NullReference
	// AtomicWaitNonSharedMemory: memory.atomic.wait on an unshared memory
	// (Kiln only).
	AtomicWaitNonSharedMemory
)

// trapCodes maps Kiln's KILN_TRAP_CODE_* numbers to wasmtime-go's codes.
var trapCodes = map[C.kiln_trap_code_t]TrapCode{
	C.KILN_TRAP_CODE_STACK_OVERFLOW:                StackOverflow,
	C.KILN_TRAP_CODE_MEMORY_OUT_OF_BOUNDS:          MemoryOutOfBounds,
	C.KILN_TRAP_CODE_TABLE_OUT_OF_BOUNDS:           TableOutOfBounds,
	C.KILN_TRAP_CODE_UNDEFINED_ELEMENT:             TableOutOfBounds,
	C.KILN_TRAP_CODE_UNINITIALIZED_ELEMENT:         IndirectCallToNull,
	C.KILN_TRAP_CODE_INDIRECT_CALL_TYPE_MISMATCH:   BadSignature,
	C.KILN_TRAP_CODE_INTEGER_OVERFLOW:              IntegerOverflow,
	C.KILN_TRAP_CODE_INTEGER_DIVISION_BY_ZERO:      IntegerDivisionByZero,
	C.KILN_TRAP_CODE_BAD_CONVERSION_TO_INTEGER:     BadConversionToInteger,
	C.KILN_TRAP_CODE_UNREACHABLE:                   UnreachableCodeReached,
	C.KILN_TRAP_CODE_NULL_REFERENCE:                NullReference,
	C.KILN_TRAP_CODE_OUT_OF_FUEL:                   OutOfFuel,
	C.KILN_TRAP_CODE_INTERRUPT:                     Interrupt,
	C.KILN_TRAP_CODE_HEAP_MISALIGNED:               HeapMisaligned,
	C.KILN_TRAP_CODE_ATOMIC_WAIT_NON_SHARED_MEMORY: AtomicWaitNonSharedMemory,
}

// NewTrap makes a trap with message, for a host function to return: the
// call into wasm that led to the host function then fails with an *Error
// whose Error() is message.
func NewTrap(message string) *Trap {
	return &Trap{message: message}
}

// Message returns the trap's text, in Wasmtime's format for traps raised
// by wasm ("wasm trap: ..." after the "wasm backtrace:" lines).
func (t *Trap) Message() string {
	return t.message
}

// Error returns Message, so a *Trap is an error.
func (t *Trap) Error() string {
	return t.message
}

// Unwrap returns the trap's cause when Go knows one: for an interrupt
// that CallContext caused, the context's error, so errors.Is(err,
// context.Canceled) holds.
func (t *Trap) Unwrap() error {
	return t.cause
}

// Code returns why wasm trapped; nil for a trap made by NewTrap.
func (t *Trap) Code() *TrapCode {
	return t.code
}

// Frames returns the wasm frames active when wasm trapped, innermost first.
func (t *Trap) Frames() []*Frame {
	return t.frames
}

// Close exists for wasmtime-go compatibility: a Trap holds no native
// resources.
func (t *Trap) Close() {}

// FuncIndex is the function's index in its module.
func (f *Frame) FuncIndex() uint32 { return f.funcIndex }

// FuncName is the function's name in the module's name section, or nil.
func (f *Frame) FuncName() *string { return f.funcName }

// ModuleName is the module's name in its name section, or nil.
func (f *Frame) ModuleName() *string { return f.moduleName }

// FuncOffset is the instruction's offset from the start of the function.
func (f *Frame) FuncOffset() uint { return f.funcOffset }

// ModuleOffset is the instruction's offset in the module's bytes.
func (f *Frame) ModuleOffset() uint { return f.moduleOffset }

// takeTrap turns an owned C trap into the Go error it stands for, releasing
// it: a *Trap when wasm trapped, otherwise an *Error (a host function's
// trap, a WASI exit, a call with wrong arguments).
func takeTrap(trap *C.wasm_trap_t) error {
	defer C.wasm_trap_delete(trap)
	if h := C.kiln_go_trap_error(trap); h != 0 {
		// A component host function's own error (errorTrap), which the
		// trap's finalizer releases after this copy.
		return cgo.Handle(h).Value().(error)
	}
	var status C.int32_t
	if C.kiln_trap_exit_status(trap, &status) {
		// Wasmtime's text: "Exited with i32 exit status N".
		var msg C.wasm_byte_vec_t
		C.kiln_trap_report(trap, &msg)
		return &Error{message: goMessage(&msg), exitStatus: int32(status), exited: true}
	}
	var code C.kiln_trap_code_t
	if !C.kiln_trap_code(trap, &code) || code == C.KILN_TRAP_CODE_HOST_ERROR {
		var msg C.wasm_byte_vec_t
		C.wasm_trap_message(trap, &msg)
		return &Error{message: goMessage(&msg)}
	}
	var report C.wasm_byte_vec_t
	C.kiln_trap_report(trap, &report)
	out := &Trap{message: goMessage(&report)}
	if c, ok := trapCodes[code]; ok {
		out.code = &c
	}
	var vec C.wasm_frame_vec_t
	C.wasm_trap_trace(trap, &vec)
	frames := unsafeSlice(vec.data, int(vec.size))
	for _, f := range frames {
		frame := &Frame{
			funcIndex:    uint32(C.wasm_frame_func_index(f)),
			funcOffset:   uint(C.wasm_frame_func_offset(f)),
			moduleOffset: uint(C.wasm_frame_module_offset(f)),
		}
		var name C.wasm_byte_vec_t
		if C.kiln_frame_func_name(f, &name) {
			s := string(goBytes(&name))
			frame.funcName = &s
		}
		if C.kiln_frame_module_name(f, &name) {
			s := string(goBytes(&name))
			frame.moduleName = &s
		}
		out.frames = append(out.frames, frame)
	}
	C.wasm_frame_vec_delete(&vec)
	runtime.KeepAlive(frames)
	return out
}

// cTrap makes an owned C trap with t's message in store, for a host
// function to return.
func cTrap(store *C.wasm_store_t, message string) *C.wasm_trap_t {
	msg := cName(message)
	trap := C.wasm_trap_new(store, &msg)
	C.wasm_byte_vec_delete(&msg)
	return trap
}
