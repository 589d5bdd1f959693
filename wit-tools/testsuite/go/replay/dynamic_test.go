package replay

// The dynamic path on the corpus's guests: exports called with
// kiln.ComponentVal values (ComponentFunc.Call), and host functions of
// values (ComponentLinker.FuncNew).

import (
	"errors"
	"math"
	"reflect"
	"testing"

	kiln "github.com/kiln-wasm/kiln/go"
	"github.com/kiln-wasm/kiln/wit-tools/golden/go/lists"
	"github.com/kiln-wasm/kiln/wit-tools/golden/go/resources"
	"github.com/kiln-wasm/kiln/wit-tools/golden/go/scalars"
	"github.com/kiln-wasm/kiln/wit-tools/golden/go/variants"
)

// dynamicInstance instantiates the world's guest with the imports add
// defines.
func dynamicInstance(t *testing.T, world string, add func(*kiln.ComponentLinker) error) *kiln.ComponentInstance {
	t.Helper()
	inst := instantiate(t, world, add, func(s *kiln.Store, l *kiln.ComponentLinker, c *kiln.Component) (*kiln.ComponentInstance, error) {
		return l.Instantiate(s, c)
	})
	t.Cleanup(inst.Close)
	return inst
}

// callDynamic calls iface#name with args and fails the test on an error.
func callDynamic(t *testing.T, inst *kiln.ComponentInstance, iface, name string, args ...kiln.ComponentVal) kiln.ComponentVal {
	t.Helper()
	f, err := inst.Func(iface, name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out, err := f.Call(args...)
	if err != nil {
		t.Fatalf("%s#%s: %v", iface, name, err)
	}
	return out
}

// Each value of every kind goes into the guest and comes back unchanged.
func TestDynamicEchoesEveryKind(t *testing.T) {
	sc := dynamicInstance(t, "scalars", func(l *kiln.ComponentLinker) error { return scalars.AddToLinker(l, &scalarsHost{}) })
	const sapi = "kiln:corpus/scalar-api"
	for name, v := range map[string]kiln.ComponentVal{
		"echo-bool": kiln.ComponentBool(true),
		"echo-s8":   kiln.ComponentS8(-128),
		"echo-u8":   kiln.ComponentU8(255),
		"echo-s16":  kiln.ComponentS16(-32768),
		"echo-u16":  kiln.ComponentU16(65535),
		"echo-s32":  kiln.ComponentS32(math.MinInt32),
		"echo-u32":  kiln.ComponentU32(math.MaxUint32),
		"echo-s64":  kiln.ComponentS64(math.MinInt64),
		"echo-u64":  kiln.ComponentU64(math.MaxUint64),
		"echo-f32":  kiln.ComponentF32(1.5),
		"echo-f64":  kiln.ComponentF64(-0.1),
		"echo-char": kiln.ComponentChar('😀'),
	} {
		if got := callDynamic(t, sc, sapi, name, v); got != v {
			t.Errorf("%s(%#v) = %#v", name, v, got)
		}
	}

	li := dynamicInstance(t, "lists", func(l *kiln.ComponentLinker) error { return lists.AddToLinker(l, listsHost{}) })
	const lapi = "kiln:corpus/list-api"
	strs := kiln.ComponentList{kiln.ComponentString(""), kiln.ComponentString("héllo"), kiln.ComponentString("a\x00b")}
	scores := kiln.ComponentList{
		kiln.ComponentRecord{{Name: "name", Value: kiln.ComponentString("ann")}, {Name: "value", Value: kiln.ComponentF64(2.5)}},
		kiln.ComponentRecord{{Name: "name", Value: kiln.ComponentString("bo")}, {Name: "value", Value: kiln.ComponentF64(7)}},
	}
	triple := kiln.ComponentTuple{kiln.ComponentU8(7), kiln.ComponentString("seven"), kiln.ComponentF64(7.5)}
	for _, c := range []struct {
		name string
		v    kiln.ComponentVal
	}{
		{"echo-strings", strs},
		{"echo-strings", kiln.ComponentList{}},
		{"echo-scores", scores},
		{"echo-triple", triple},
	} {
		if got := callDynamic(t, li, lapi, c.name, c.v); !reflect.DeepEqual(got, c.v) {
			t.Errorf("%s(%#v) = %#v", c.name, c.v, got)
		}
	}
	if got := callDynamic(t, li, lapi, "best-name", scores); got != kiln.ComponentString("bo") {
		t.Errorf("best-name = %#v, want bo", got)
	}
	if got := callDynamic(t, li, lapi, "swap-pair", kiln.ComponentTuple{kiln.ComponentString("x"), kiln.ComponentU32(9)}); !reflect.DeepEqual(got, kiln.ComponentTuple{kiln.ComponentU32(9), kiln.ComponentString("x")}) {
		t.Errorf("swap-pair = %#v", got)
	}

	va := dynamicInstance(t, "variants", func(l *kiln.ComponentLinker) error { return variants.AddToLinker(l, variantsHost{}) })
	const vapi = "kiln:corpus/variant-api"
	polygon := kiln.ComponentVariant{Case: "polygon", Payload: kiln.ComponentList{
		kiln.ComponentRecord{{Name: "x", Value: kiln.ComponentS32(1)}, {Name: "y", Value: kiln.ComponentS32(-2)}},
	}}
	for _, c := range []struct {
		name string
		v    kiln.ComponentVal
	}{
		{"echo-shape", kiln.ComponentVariant{Case: "empty"}},
		{"echo-shape", polygon},
		{"echo-shape", kiln.ComponentVariant{Case: "rect", Payload: kiln.ComponentTuple{kiln.ComponentF32(1), kiln.ComponentF32(2)}}},
		{"echo-direction", kiln.ComponentEnum("west")},
		{"echo-small", kiln.ComponentFlags{"a", "c"}},
		{"echo-small", kiln.ComponentFlags{}},
		{"echo-option-u32", kiln.ComponentOption{}},
		{"echo-option-u32", kiln.ComponentOption{Value: kiln.ComponentU32(4)}},
		{"echo-triple-option", kiln.ComponentOption{Value: kiln.ComponentOption{}}},
		{"echo-triple-option", kiln.ComponentOption{Value: kiln.ComponentOption{Value: kiln.ComponentOption{Value: kiln.ComponentString("deep")}}}},
		{"echo-result", kiln.ComponentResult{Value: kiln.ComponentString("fine")}},
		{"echo-result", kiln.ComponentResult{IsErr: true, Value: kiln.ComponentU32(404)}},
	} {
		if got := callDynamic(t, va, vapi, c.name, c.v); !reflect.DeepEqual(got, c.v) {
			t.Errorf("%s(%#v) = %#v", c.name, c.v, got)
		}
	}
	if got := callDynamic(t, va, vapi, "invert-full", kiln.ComponentFlags{"f0"}); len(got.(kiln.ComponentFlags)) != 31 {
		t.Errorf("invert-full([f0]) = %#v, want the 31 other flags", got)
	}
	want := kiln.ComponentResult{IsErr: true, Value: kiln.ComponentEnum("divide-by-zero")}
	if got := callDynamic(t, va, vapi, "safe-div", kiln.ComponentS32(1), kiln.ComponentS32(0)); !reflect.DeepEqual(got, want) {
		t.Errorf("safe-div(1, 0) = %#v, want %#v", got, want)
	}
}

// Resources the guest makes come back as handles the host passes back,
// borrows and drops.
func TestDynamicResources(t *testing.T) {
	inst := dynamicInstance(t, "resources", func(l *kiln.ComponentLinker) error {
		return resources.AddToLinker(l, &resourcesHost{blobs: map[uint32][]byte{}})
	})
	const api = "kiln:corpus/counters"
	c, ok := callDynamic(t, inst, api, "[constructor]counter", kiln.ComponentS64(5)).(*kiln.ComponentResource)
	if !ok {
		t.Fatal("the constructor did not return a resource")
	}
	if got := callDynamic(t, inst, api, "[method]counter.add", c, kiln.ComponentS64(3)); got != kiln.ComponentS64(8) {
		t.Errorf("add = %#v, want 8", got)
	}
	named := callDynamic(t, inst, api, "name-counter", kiln.ComponentString("n"), kiln.ComponentS64(2)).(kiln.ComponentRecord)
	if named[0] != (kiln.ComponentField{Name: "name", Value: kiln.ComponentString("n")}) {
		t.Errorf("name-counter's name = %#v", named[0])
	}
	if got := callDynamic(t, inst, api, "[static]counter.live"); got != kiln.ComponentU32(2) {
		t.Errorf("live = %#v, want 2", got)
	}
	// Passing it as own moves it into the guest, which drops it.
	if got := callDynamic(t, inst, api, "[static]counter.consume", c); got != kiln.ComponentS64(8) {
		t.Errorf("consume = %#v, want 8", got)
	}
	if err := named[1].Value.(*kiln.ComponentResource).Drop(inst.Store()); err != nil {
		t.Fatal(err)
	}
	if got := callDynamic(t, inst, api, "[static]counter.live"); got != kiln.ComponentU32(0) {
		t.Errorf("live after consume and drop = %#v, want 0", got)
	}
	f, err := inst.Func(api, "[method]counter.get")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	c.Close()
	if _, err := f.Call(c); err == nil || err.Error() != "argument 0: resource handle has been dropped or closed already" {
		t.Errorf("a closed handle: %v", err)
	}
}

// Wrong arguments are errors that name them and leave the instance
// usable; a trap leaves it unable to be entered.
func TestDynamicErrors(t *testing.T) {
	inst := dynamicInstance(t, "traps", func(l *kiln.ComponentLinker) error {
		if err := l.DefineInstance("kiln:corpus/variant-types"); err != nil {
			return err
		}
		if err := l.FuncNew("kiln:corpus/trap-host", "note", func(*kiln.Store, []kiln.ComponentVal) (kiln.ComponentVal, error) {
			return nil, nil
		}); err != nil {
			return err
		}
		return l.FuncNew("kiln:corpus/trap-host", "fail", func(*kiln.Store, []kiln.ComponentVal) (kiln.ComponentVal, error) {
			return nil, errors.New("unused")
		})
	})
	echo, err := inst.Func("", "echo")
	if err != nil {
		t.Fatal(err)
	}
	defer echo.Close()
	for _, c := range []struct {
		args []kiln.ComponentVal
		want string
	}{
		{[]kiln.ComponentVal{kiln.ComponentString("1")}, "type mismatch for parameter `x`: expected `u32`, found a value of kind `string`"},
		{nil, "function expects 1 arguments, got 0"},
		{[]kiln.ComponentVal{nil}, "argument 0: nil value"},
		{[]kiln.ComponentVal{kiln.ComponentString("\xff")}, "argument 0: string is not UTF-8"},
		{[]kiln.ComponentVal{kiln.ComponentChar(0xD800)}, "argument 0: char 0xd800 is not a Unicode scalar value"},
	} {
		_, err := echo.Call(c.args...)
		var kerr *kiln.Error
		if !errors.As(err, &kerr) || err.Error() != c.want {
			t.Errorf("echo(%#v): %v, want *kiln.Error %q", c.args, err, c.want)
		}
	}
	if got, err := echo.Call(kiln.ComponentU32(41)); err != nil || got != kiln.ComponentU32(41) {
		t.Fatalf("echo(41) after the errors = %#v, %v", got, err)
	}
	bad, err := inst.Func("", "bad-utf8")
	if err != nil {
		t.Fatal(err)
	}
	defer bad.Close()
	if _, err = bad.Call(); err == nil || err.Error() != "invalid utf-8 string" {
		t.Fatalf("bad-utf8: %v, want the lifting error", err)
	}
	if _, err := echo.Call(kiln.ComponentU32(1)); err == nil || err.Error() != "cannot enter component instance" {
		t.Errorf("echo after the trap: %v", err)
	}
}

// Host functions of values receive the guest's arguments, and their
// results and errors reach the guest and the export's caller.
func TestDynamicHostFunctions(t *testing.T) {
	var notes []kiln.ComponentVal
	failure := errors.New("the host says no")
	inst := dynamicInstance(t, "traps", func(l *kiln.ComponentLinker) error {
		if err := l.DefineInstance("kiln:corpus/variant-types"); err != nil {
			return err
		}
		if err := l.FuncNew("kiln:corpus/trap-host", "note", func(s *kiln.Store, args []kiln.ComponentVal) (kiln.ComponentVal, error) {
			if s == nil {
				return nil, errors.New("no store")
			}
			notes = append(notes, args...)
			return nil, nil
		}); err != nil {
			return err
		}
		return l.FuncNew("kiln:corpus/trap-host", "fail", func(_ *kiln.Store, args []kiln.ComponentVal) (kiln.ComponentVal, error) {
			if args[0] != kiln.ComponentString("boom") {
				return nil, errors.New("unexpected message")
			}
			return nil, failure
		})
	})
	if _, err := callDynamicErr(inst, "fail-via-host", kiln.ComponentU32(3), kiln.ComponentString("boom")); err != failure {
		t.Errorf("fail-via-host: %v, want the host's own error", err)
	}
	if !reflect.DeepEqual(notes, []kiln.ComponentVal{kiln.ComponentU32(3)}) {
		t.Errorf("notes = %#v, want [3]", notes)
	}

	// A host function returning a value of the wrong type traps the guest
	// with an error naming it.
	wrong := dynamicInstance(t, "traps", func(l *kiln.ComponentLinker) error {
		if err := l.DefineInstance("kiln:corpus/variant-types"); err != nil {
			return err
		}
		if err := l.FuncNew("kiln:corpus/trap-host", "note", func(*kiln.Store, []kiln.ComponentVal) (kiln.ComponentVal, error) {
			return kiln.ComponentU32(1), nil
		}); err != nil {
			return err
		}
		return l.FuncNew("kiln:corpus/trap-host", "fail", func(*kiln.Store, []kiln.ComponentVal) (kiln.ComponentVal, error) {
			return nil, nil
		})
	})
	_, err := callDynamicErr(wrong, "trap-after-import", kiln.ComponentU32(3))
	if err == nil || err.Error() != "the host function returned kiln.ComponentU32, but the function has no result" {
		t.Errorf("a result from a function without one: %v", err)
	}
}

// callDynamicErr calls the root export name with args.
func callDynamicErr(inst *kiln.ComponentInstance, name string, args ...kiln.ComponentVal) (kiln.ComponentVal, error) {
	f, err := inst.Func("", name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return f.Call(args...)
}
