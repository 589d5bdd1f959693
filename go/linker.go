package kiln

// #include <stdlib.h>
// #include "kiln_go.h"
import "C"

import (
	"runtime"
	"runtime/cgo"
	"unsafe"
)

// Linker resolves a module's imports by module and name from what was
// defined in it, and instantiates modules. Host functions defined in a
// linker (FuncWrap, FuncNew) serve every store of its engine.
type Linker struct {
	ptr    *C.kiln_linker_t
	Engine *Engine
}

// NewLinker returns a linker with no definitions for engine's stores.
func NewLinker(engine *Engine) *Linker {
	l := &Linker{ptr: C.kiln_linker_new(engine.live()), Engine: engine}
	runtime.KeepAlive(engine)
	runtime.SetFinalizer(l, (*Linker).Close)
	return l
}

// Close releases the linker. Safe to call twice.
func (l *Linker) Close() {
	if l.ptr == nil {
		return
	}
	runtime.SetFinalizer(l, nil)
	C.kiln_linker_delete(l.ptr)
	l.ptr = nil
}

func (l *Linker) live() *C.kiln_linker_t {
	if l.ptr == nil {
		panic(errClosed)
	}
	return l.ptr
}

// cstrs are C copies of strings, released together.
type cstrs []*C.char

func (c *cstrs) of(s string) *C.char {
	p := C.CString(s)
	*c = append(*c, p)
	return p
}

func (c cstrs) free() {
	for _, p := range c {
		C.free(unsafe.Pointer(p))
	}
}

// AllowShadowing sets whether a definition may replace an earlier one of
// the same name.
func (l *Linker) AllowShadowing(allow bool) {
	C.kiln_linker_allow_shadowing(l.live(), C.bool(allow))
	runtime.KeepAlive(l)
}

// Define defines module.name as item, an extern of store.
func (l *Linker) Define(store Storelike, module, name string, item AsExtern) error {
	ext := item.AsExtern()
	err := store.store().useErr(func(ptr *C.wasm_store_t) error {
		var s cstrs
		defer s.free()
		return takeError(C.kiln_linker_define(l.live(), ptr, s.of(module), s.of(name), ext.ptr))
	})
	runtime.KeepAlive(ext)
	runtime.KeepAlive(item)
	runtime.KeepAlive(l)
	return err
}

// DefineFunc defines module.name as WrapFunc(store, f).
func (l *Linker) DefineFunc(store Storelike, module, name string, f any) error {
	return l.Define(store, module, name, WrapFunc(store, f))
}

// DefineInstance defines every export of instance under module.
func (l *Linker) DefineInstance(store Storelike, module string, instance *Instance) error {
	err := store.store().useErr(func(ptr *C.wasm_store_t) error {
		var s cstrs
		defer s.free()
		return takeError(C.kiln_linker_define_instance(l.live(), ptr, s.of(module), instance.ptr))
	})
	runtime.KeepAlive(instance)
	runtime.KeepAlive(l)
	return err
}

// DefineModule instantiates module with the linker's definitions and
// defines its exports under name.
func (l *Linker) DefineModule(store Storelike, name string, module *Module) error {
	instance, err := l.Instantiate(store, module)
	if err != nil {
		return err
	}
	return l.DefineInstance(store, name, instance)
}

// DefineWasi defines WASI preview 1 (wasi_snapshot_preview1); in each
// store it acts as Store.SetWasi configured it.
func (l *Linker) DefineWasi() error {
	err := takeError(C.kiln_linker_define_wasi(l.live()))
	runtime.KeepAlive(l)
	return err
}

// FuncNew defines module.name as a host function of type ty, for every
// store.
func (l *Linker) FuncNew(module, name string, ty *FuncType, f func(*Caller, []Val) ([]Val, *Trap)) error {
	return l.defineHost(module, name, newHostFuncOf(ty, f))
}

// FuncWrap defines module.name as a host function made from a Go function
// as WrapFunc makes it, for every store.
func (l *Linker) FuncWrap(module, name string, f any) error {
	return l.defineHost(module, name, wrapHostFunc(f))
}

func (l *Linker) defineHost(module, name string, hf *hostFunc) error {
	var s cstrs
	defer s.free()
	cty := hf.ty.cFuncType()
	defer C.wasm_functype_delete(cty)
	h := cgo.NewHandle(hf)
	// The C finalizer deletes the handle, also when the definition fails.
	err := takeError(C.kiln_go_linker_define(l.live(), s.of(module), s.of(name), cty,
		C.bool(hf.numeric), C.uintptr_t(h)))
	runtime.KeepAlive(l)
	return err
}

// DefineUnknownImportsAsTraps defines every function import of module the
// linker lacks as a function that traps when called.
func (l *Linker) DefineUnknownImportsAsTraps(module *Module) error {
	err := takeError(C.kiln_linker_define_unknown_imports_as_traps(l.live(), module.live()))
	runtime.KeepAlive(l)
	runtime.KeepAlive(module)
	return err
}

// DefineUnknownImportsAsDefaultValues defines every function import of
// module the linker lacks as a function returning zeros.
func (l *Linker) DefineUnknownImportsAsDefaultValues(store Storelike, module *Module) error {
	err := takeError(C.kiln_linker_define_unknown_imports_as_default_values(l.live(), module.live()))
	runtime.KeepAlive(l)
	runtime.KeepAlive(module)
	return err
}

// Get returns the definition of module.name in store, or nil.
func (l *Linker) Get(store Storelike, module, name string) *Extern {
	s := store.store()
	var out *Extern
	s.use(func(ptr *C.wasm_store_t) {
		var cs cstrs
		defer cs.free()
		var ext *C.wasm_extern_t
		if C.kiln_linker_get(l.live(), ptr, cs.of(module), cs.of(name), &ext) {
			out = newExtern(s, ext)
		}
	})
	runtime.KeepAlive(l)
	return out
}

// GetDefault returns the default function of module name: its export ""
// or "_start", or a function doing nothing if there is no such module.
func (l *Linker) GetDefault(store Storelike, name string) (*Func, error) {
	s := store.store()
	var out *Func
	err := s.useErr(func(ptr *C.wasm_store_t) error {
		var cs cstrs
		defer cs.free()
		var f *C.wasm_func_t
		if err := takeError(C.kiln_linker_get_default(l.live(), ptr, cs.of(name), &f)); err != nil {
			return err
		}
		out = newFunc(s, f)
		return nil
	})
	runtime.KeepAlive(l)
	return out, err
}

// Instantiate instantiates module in store, resolving its imports from
// the linker's definitions. A trap in the start function is a *Trap.
func (l *Linker) Instantiate(store Storelike, module *Module) (*Instance, error) {
	s := store.store()
	var out *Instance
	err := s.useErr(func(ptr *C.wasm_store_t) error {
		var inst *C.wasm_instance_t
		var trap *C.wasm_trap_t
		s.depth++
		cerr := C.kiln_linker_instantiate(l.live(), ptr, module.live(), &inst, &trap)
		s.depth--
		runtime.KeepAlive(module)
		if trap != nil {
			err := takeTrap(trap)
			s.repanic()
			return err
		}
		if err := takeError(cerr); err != nil {
			s.repanic()
			return err
		}
		out = newInstance(s, inst)
		return nil
	})
	runtime.KeepAlive(l)
	if err != nil {
		return nil, err
	}
	return out, nil
}
