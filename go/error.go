package kiln

import "fmt"

// Error is a failure that is not a wasm trap: invalid or unlinkable
// modules, wrong arguments, a trap a host function returned (its message),
// and a WASI program's exit (ExitStatus).
type Error struct {
	message    string
	exitStatus int32
	exited     bool
}

// Error returns the message.
func (e *Error) Error() string {
	return e.message
}

// ExitStatus returns the status a WASI program exited with, and whether
// this error is such an exit.
func (e *Error) ExitStatus() (int32, bool) {
	return e.exitStatus, e.exited
}

// Close exists for wasmtime-go compatibility: an Error holds no native
// resources.
func (e *Error) Close() {}

func errorf(format string, args ...any) *Error {
	return &Error{message: fmt.Sprintf(format, args...)}
}
