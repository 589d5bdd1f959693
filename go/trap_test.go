package kiln

import (
	"errors"
	"testing"
)

func TestTrapCodes(t *testing.T) {
	store := NewStore(NewEngine())
	instance := instantiate(t, store, `(module
	  (memory 1)
	  (table 1 funcref)
	  (type $v (func))
	  (func (export "unreachable") unreachable)
	  (func (export "oob") (drop (i32.load (i32.const 70000))))
	  (func (export "div") (drop (i32.div_s (i32.const 1) (i32.const 0))))
	  (func (export "overflow") (drop (i32.div_s (i32.const 0x80000000) (i32.const -1))))
	  (func (export "convert") (drop (i32.trunc_f32_s (f32.const nan))))
	  (func (export "null") (call_indirect (type $v) (i32.const 0)))
	  (func (export "undefined") (call_indirect (type $v) (i32.const 5))))`)
	for name, want := range map[string]TrapCode{
		"unreachable": UnreachableCodeReached,
		"oob":         MemoryOutOfBounds,
		"div":         IntegerDivisionByZero,
		"overflow":    IntegerOverflow,
		"convert":     BadConversionToInteger,
		"null":        IndirectCallToNull,
		"undefined":   TableOutOfBounds,
	} {
		_, err := instance.GetFunc(store, name).Call(store)
		var trap *Trap
		if !errors.As(err, &trap) || trap.Code() == nil || *trap.Code() != want {
			t.Errorf("%s: got %v", name, err)
			continue
		}
		if len(trap.Frames()) != 1 || trap.Frames()[0].ModuleOffset() == 0 {
			t.Errorf("%s: frames %v", name, trap.Frames())
		}
	}
}

func TestNewTrap(t *testing.T) {
	trap := NewTrap("x")
	if trap.Message() != "x" || trap.Code() != nil || len(trap.Frames()) != 0 {
		t.Fatalf("%+v", trap)
	}
	trap.Close()
	trap.Close()
}
