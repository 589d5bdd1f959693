package kiln

// #include <stdlib.h>
// #include "kiln_go.h"
import "C"

import (
	"errors"
	"math"
	"runtime"
	"runtime/cgo"
	"unsafe"
)

// Component is a compiled WebAssembly component, ready to instantiate in
// any store of its engine with a ComponentLinker. It is safe to share
// between goroutines.
//
// Calls into a component's instance go through the typed glue that
// `kiln bindgen --lang go` generates: the glue lowers and lifts values
// itself over a ComponentCall, and the host only sees Go types.
type Component struct {
	ptr *C.kiln_component_t
}

// NewComponent compiles the component binary wasm with engine.
func NewComponent(engine *Engine, wasm []byte) (*Component, error) {
	var ptr *C.kiln_component_t
	err := takeError(C.kiln_component_new(engine.live(), cBytes(wasm), C.size_t(len(wasm)), &ptr))
	runtime.KeepAlive(engine)
	runtime.KeepAlive(wasm)
	if err != nil {
		return nil, err
	}
	c := &Component{ptr: ptr}
	runtime.SetFinalizer(c, (*Component).Close)
	return c, nil
}

// Close releases the component; its instances live on. Safe to call twice.
func (c *Component) Close() {
	if c.ptr == nil {
		return
	}
	runtime.SetFinalizer(c, nil)
	C.kiln_component_delete(c.ptr)
	c.ptr = nil
}

// ComponentLinker holds host definitions, by interface and name, for
// instantiating components in any store of its engine: flat host
// functions and host resource types. The typed glue defines a world's
// imports in one with its AddToLinker function.
type ComponentLinker struct {
	ptr    *C.kiln_component_linker_t
	engine *Engine
}

// NewComponentLinker returns a linker with no definitions.
func NewComponentLinker(engine *Engine) *ComponentLinker {
	l := &ComponentLinker{ptr: C.kiln_component_linker_new(engine.live()), engine: engine}
	runtime.KeepAlive(engine)
	runtime.SetFinalizer(l, (*ComponentLinker).Close)
	return l
}

// Close releases the linker and the host functions it holds. Safe to call
// twice.
func (l *ComponentLinker) Close() {
	if l.ptr == nil {
		return
	}
	runtime.SetFinalizer(l, nil)
	C.kiln_component_linker_delete(l.ptr)
	l.ptr = nil
}

// cOptStr is a C copy of s, or nil for "" (the root instance); release it
// with C.free.
func cOptStr(s string) *C.char {
	if s == "" {
		return nil
	}
	return C.CString(s)
}

// DefineInstance defines the instance iface (an interface of types only,
// which a component imports for its types) if nothing defines it yet.
func (l *ComponentLinker) DefineInstance(iface string) error {
	if l.ptr == nil {
		return errClosed
	}
	ciface := C.CString(iface)
	defer C.free(unsafe.Pointer(ciface))
	err := takeError(C.kiln_component_linker_define_instance(l.ptr, ciface))
	runtime.KeepAlive(l)
	return err
}

// ComponentHostFunc is the body of a flat host function: it receives the
// call (its memory, realloc and handles) and the flat parameters in
// slots (a pointer to them in memory when there are more than 16), and
// writes the flat results from slots[0] on (none when they go through
// memory, whose address is then the last parameter). An error it returns
// traps the guest; the export call that led to it returns that error.
type ComponentHostFunc func(call *ComponentCall, slots []RawSlot) error

// DefineFunc defines the function name of the instance iface ("": the
// root) as f, a flat host function (see ComponentHostFunc).
func (l *ComponentLinker) DefineFunc(iface, name string, f ComponentHostFunc) error {
	return l.define(iface, name, func(ciface, cname *C.char) *C.kiln_error_t {
		return C.kiln_go_component_define_func(l.ptr, ciface, cname, C.uintptr_t(cgo.NewHandle(f)))
	})
}

// define runs define with C copies of the instance name iface ("": the
// root, NULL) and the item name.
func (l *ComponentLinker) define(iface, name string, define func(ciface, cname *C.char) *C.kiln_error_t) error {
	if l.ptr == nil {
		return errClosed
	}
	ciface, cname := cOptStr(iface), C.CString(name)
	defer C.free(unsafe.Pointer(ciface))
	defer C.free(unsafe.Pointer(cname))
	err := takeError(define(ciface, cname))
	runtime.KeepAlive(l)
	return err
}

// DefineResource defines the resource type name of the instance iface
// ("": the root) as the host resource type ty. destructor (if not nil)
// runs with a resource's representation when the guest drops its last
// owned handle, or the host drops one the guest gave back; an error it
// returns traps the guest.
func (l *ComponentLinker) DefineResource(iface, name string, ty *ComponentResourceType, destructor func(rep uint32) error) error {
	return l.define(iface, name, func(ciface, cname *C.char) *C.kiln_error_t {
		var h cgo.Handle
		if destructor != nil {
			h = cgo.NewHandle(destructor)
		}
		return C.kiln_go_component_define_resource(l.ptr, ciface, cname, ty.ptr, C.uintptr_t(h))
	})
}

// Instantiate instantiates component in store with the linker's
// definitions.
func (l *ComponentLinker) Instantiate(store *Store, component *Component) (*ComponentInstance, error) {
	if l.ptr == nil || component.ptr == nil {
		return nil, errClosed
	}
	var ptr *C.kiln_component_instance_t
	err := store.useErr(func(s *C.wasm_store_t) error {
		return takeError(C.kiln_component_linker_instantiate(l.ptr, s, component.ptr, &ptr))
	})
	runtime.KeepAlive(l)
	runtime.KeepAlive(component)
	if err != nil {
		return nil, err
	}
	inst := &ComponentInstance{ptr: ptr, store: store}
	runtime.SetFinalizer(inst, (*ComponentInstance).Close)
	return inst, nil
}

// ComponentInstance is an instance of a component in a store.
type ComponentInstance struct {
	ptr   *C.kiln_component_instance_t
	store *Store
}

// Store returns the store the instance lives in.
func (i *ComponentInstance) Store() *Store { return i.store }

// Close releases the instance handle and the resource types borrowed from
// it (the store keeps what the instance made). Safe to call twice.
func (i *ComponentInstance) Close() {
	if i.ptr == nil {
		return
	}
	runtime.SetFinalizer(i, nil)
	C.kiln_component_instance_delete(i.ptr)
	i.ptr = nil
}

// Func returns the exported function name of the instance iface ("": the
// root).
func (i *ComponentInstance) Func(iface, name string) (*ComponentFunc, error) {
	if i.ptr == nil {
		return nil, errClosed
	}
	ciface, cname := cOptStr(iface), C.CString(name)
	defer C.free(unsafe.Pointer(ciface))
	defer C.free(unsafe.Pointer(cname))
	var ptr *C.kiln_component_func_t
	err := i.store.useErr(func(s *C.wasm_store_t) error {
		return takeError(C.kiln_component_instance_get_func(i.ptr, s, ciface, cname, &ptr))
	})
	runtime.KeepAlive(i)
	if err != nil {
		return nil, err
	}
	f := &ComponentFunc{ptr: ptr, instance: i}
	runtime.SetFinalizer(f, (*ComponentFunc).Close)
	return f, nil
}

// ResourceType returns the resource type name that the instance exports
// from iface ("": the root). It is valid while the instance is open.
func (i *ComponentInstance) ResourceType(iface, name string) (*ComponentResourceType, error) {
	if i.ptr == nil {
		return nil, errClosed
	}
	ciface, cname := cOptStr(iface), C.CString(name)
	defer C.free(unsafe.Pointer(ciface))
	defer C.free(unsafe.Pointer(cname))
	var ptr *C.kiln_component_resource_type_t
	err := i.store.useErr(func(s *C.wasm_store_t) error {
		return takeError(C.kiln_component_instance_get_resource_type(i.ptr, s, ciface, cname, &ptr))
	})
	runtime.KeepAlive(i)
	if err != nil {
		return nil, err
	}
	return &ComponentResourceType{ptr: ptr, instance: i}, nil
}

// ComponentFunc is an exported function of a component instance, called
// through the typed glue in steps (Enter, then ComponentCall's methods),
// or with values (Call).
type ComponentFunc struct {
	ptr      *C.kiln_component_func_t
	instance *ComponentInstance
	// The number of results, for Call, read on its first use.
	nresults   int
	arityKnown bool
}

// Close releases the function handle. Safe to call twice.
func (f *ComponentFunc) Close() {
	if f.ptr == nil {
		return
	}
	runtime.SetFinalizer(f, nil)
	C.kiln_component_func_delete(f.ptr)
	f.ptr = nil
}

// Enter begins a call of the function and claims its store for the
// calling goroutine until Exit. The glue lowers the arguments into the
// call's memory (Memory, Realloc, LowerResource), runs it (Call), lifts
// the results and ends it (Exit). An error means the call did not begin
// (the instance has trapped before, say).
func (f *ComponentFunc) Enter() (*ComponentCall, error) {
	if f.ptr == nil {
		return nil, errClosed
	}
	s := f.instance.store
	claimed, err := s.enter()
	if err != nil {
		return nil, err
	}
	var cx *C.kiln_component_cx_t
	trap := C.kiln_component_func_enter(f.ptr, s.ptr, &cx)
	runtime.KeepAlive(f)
	if trap != nil {
		s.leave(claimed)
		return nil, takeTrap(trap)
	}
	return &ComponentCall{ptr: cx, store: s, owned: true, claimed: claimed}, nil
}

// RawSlot is one flat core value of a component call (kiln_val_raw_t):
// an i32, i64, f32 or f64 in its low bytes.
type RawSlot struct {
	lo, hi uint64
}

// I32 reads the slot as an i32.
func (r *RawSlot) I32() int32 { return int32(uint32(r.lo)) }

// I64 reads the slot as an i64.
func (r *RawSlot) I64() int64 { return int64(r.lo) }

// F32 reads the slot as an f32.
func (r *RawSlot) F32() float32 { return math.Float32frombits(uint32(r.lo)) }

// F64 reads the slot as an f64.
func (r *RawSlot) F64() float64 { return math.Float64frombits(r.lo) }

// SetI32 writes an i32 to the slot.
func (r *RawSlot) SetI32(v int32) { r.lo, r.hi = uint64(uint32(v)), 0 }

// SetI64 writes an i64 to the slot.
func (r *RawSlot) SetI64(v int64) { r.lo, r.hi = uint64(v), 0 }

// SetF32 writes an f32 to the slot.
func (r *RawSlot) SetF32(v float32) { r.lo, r.hi = uint64(math.Float32bits(v)), 0 }

// SetF64 writes an f64 to the slot.
func (r *RawSlot) SetF64(v float64) { r.lo, r.hi = math.Float64bits(v), 0 }

// ComponentCall is a call between the host and a component in progress:
// the component's memory, realloc and handle table. A host function
// borrows one for the length of its body; the glue calling an export owns
// the one Enter made until Exit.
type ComponentCall struct {
	ptr     *C.kiln_component_cx_t
	store   *Store
	owned   bool
	claimed bool
}

var errCallDone = errors.New("the component call has ended")

// Store returns the store of the call.
func (c *ComponentCall) Store() *Store { return c.store }

// Memory returns the guest's linear memory (nil if it has none). The
// slice is a view, not a copy: it is invalid after anything that may grow
// the memory (Call, Realloc), so fetch it again after each.
func (c *ComponentCall) Memory() []byte {
	if c.ptr == nil {
		return nil
	}
	var n C.size_t
	base := C.kiln_component_cx_memory(c.ptr, &n)
	if base == nil || n == 0 {
		return nil
	}
	// SAFETY: the engine's memory holds n bytes at base until the next
	// call into wasm, which the documentation tells callers to wait for.
	return unsafe.Slice((*byte)(unsafe.Pointer(base)), int(n))
}

// Realloc allocates size bytes aligned to align in the guest with its
// realloc, returning the address.
func (c *ComponentCall) Realloc(align, size uint32) (uint32, error) {
	if c.ptr == nil {
		return 0, errCallDone
	}
	var out C.uint32_t
	if trap := C.kiln_component_cx_realloc(c.ptr, 0, 0, C.uint32_t(align), C.uint32_t(size), &out); trap != nil {
		return 0, takeTrap(trap)
	}
	return uint32(out), nil
}

// ReallocMany allocates a block aligned to align for each of sizes with
// the guest's realloc, in order, writing their addresses to out (which
// must be as long): one call into C for a list's strings.
func (c *ComponentCall) ReallocMany(align uint32, sizes, out []uint32) error {
	if c.ptr == nil {
		return errCallDone
	}
	if len(out) != len(sizes) {
		return errors.New("ReallocMany: out and sizes differ in length")
	}
	if len(sizes) == 0 {
		return nil
	}
	// SAFETY: both slices are Go memory without Go pointers, which C may
	// use for the length of the call.
	trap := C.kiln_component_cx_realloc_many(c.ptr, C.uint32_t(align), (*C.uint32_t)(unsafe.Pointer(&sizes[0])), C.size_t(len(sizes)), (*C.uint32_t)(unsafe.Pointer(&out[0])))
	runtime.KeepAlive(sizes)
	runtime.KeepAlive(out)
	if trap != nil {
		return takeTrap(trap)
	}
	return nil
}

// Call runs the core function of an export call with its flat parameters
// in slots (which must also have room for the flat results, which it
// writes from slots[0] on). After an error, end the call with
// Exit(true).
func (c *ComponentCall) Call(slots []RawSlot) error {
	if c.ptr == nil || !c.owned {
		return errCallDone
	}
	var p *C.kiln_val_raw_t
	if len(slots) > 0 {
		// SAFETY: RawSlot has kiln_val_raw_t's size (16) and alignment
		// (8), and slots is Go memory without Go pointers, which C may
		// use for the length of the call.
		p = (*C.kiln_val_raw_t)(unsafe.Pointer(&slots[0]))
	}
	trap := C.kiln_component_cx_call(c.ptr, p, C.size_t(len(slots)))
	runtime.KeepAlive(slots)
	if trap != nil {
		return takeTrap(trap)
	}
	return nil
}

// Exit ends an export call begun with Enter and releases its store. When
// failed is false the component's post-return runs and the call's borrows
// are checked, and a trap in either is returned; a failed call (a trap,
// or a value the glue could not lift) leaves the instance unusable.
func (c *ComponentCall) Exit(failed bool) error {
	if c.ptr == nil || !c.owned {
		return errCallDone
	}
	trap := C.kiln_component_cx_exit(c.ptr, C.bool(failed))
	c.ptr = nil
	c.store.leave(c.claimed)
	if trap != nil {
		return takeTrap(trap)
	}
	return nil
}

// LiftResource takes the guest's handle of the resource type ty: an owned
// handle leaves the guest's table, a borrow is valid for the call. A
// handle of another type, or none, is an error.
func (c *ComponentCall) LiftResource(ty *ComponentResourceType, handle uint32, own bool) (*ComponentResource, error) {
	if c.ptr == nil {
		return nil, errCallDone
	}
	var out *C.kiln_component_resource_t
	if trap := C.kiln_component_cx_resource_lift(c.ptr, ty.ptr, C.uint32_t(handle), C.bool(own), &out); trap != nil {
		return nil, takeTrap(trap)
	}
	return newComponentResource(out), nil
}

// LowerResource gives the guest a handle of type ty to r: an owned one
// moves r into the guest (r is spent afterwards, though still Closed), a
// borrow lasts for the call.
func (c *ComponentCall) LowerResource(ty *ComponentResourceType, r *ComponentResource, own bool) (uint32, error) {
	if c.ptr == nil {
		return 0, errCallDone
	}
	if r == nil || r.ptr == nil {
		return 0, errResourceClosed
	}
	var out C.uint32_t
	trap := C.kiln_component_cx_resource_lower(c.ptr, ty.ptr, r.ptr, C.bool(own), &out)
	runtime.KeepAlive(r)
	if trap != nil {
		return 0, takeTrap(trap)
	}
	return uint32(out), nil
}

// ComponentResourceType is a resource type: one an instance exports, or a
// host resource type from NewHostResourceType.
type ComponentResourceType struct {
	ptr      *C.kiln_component_resource_type_t
	instance *ComponentInstance
}

// NewHostResourceType returns a new host resource type named name, for a
// linker to define (DefineResource) and NewHostResource to make handles
// of. Each call makes a distinct type, which lives as long as the process:
// make one per resource, once.
func NewHostResourceType(name string) *ComponentResourceType {
	// The key is an address nothing else owns, kept for the process's
	// lifetime (the C API keys host types by address).
	key := C.malloc(1)
	cname := C.CString(name)
	defer C.free(unsafe.Pointer(cname))
	return &ComponentResourceType{ptr: C.kiln_component_resource_type_host(key, cname)}
}

var errResourceClosed = errors.New("resource handle has been dropped or closed already")

// ComponentResource is the host's handle to a resource: a guest's (which
// the host drops with Drop) or the host's own (NewHostResource). Close
// releases the handle object without dropping the resource; a finalizer
// does that as a backstop.
type ComponentResource struct {
	ptr *C.kiln_component_resource_t
}

func newComponentResource(ptr *C.kiln_component_resource_t) *ComponentResource {
	r := &ComponentResource{ptr: ptr}
	runtime.SetFinalizer(r, (*ComponentResource).Close)
	return r
}

// NewHostResource returns a handle to the host resource rep of the host
// resource type ty: an owned one if own, else a borrow.
func NewHostResource(ty *ComponentResourceType, rep uint32, own bool) *ComponentResource {
	ptr := C.kiln_component_resource_new_host(ty.ptr, C.uint32_t(rep), C.bool(own))
	if ptr == nil {
		return nil
	}
	return newComponentResource(ptr)
}

// HostRep returns the representation of a host resource, and whether r is
// one (false for a guest's resource).
func (r *ComponentResource) HostRep() (uint32, bool) {
	if r.ptr == nil {
		return 0, false
	}
	var rep C.uint32_t
	ok := C.kiln_component_resource_host_rep(r.ptr, &rep)
	runtime.KeepAlive(r)
	return uint32(rep), bool(ok)
}

// Drop drops the resource in store: a guest's destructor runs (a trap in
// it is returned). The handle is released either way; dropping it again is
// an error, not a crash.
func (r *ComponentResource) Drop(store *Store) error {
	if r.ptr == nil {
		return errResourceClosed
	}
	runtime.SetFinalizer(r, nil)
	ptr := r.ptr
	r.ptr = nil
	return store.useErr(func(s *C.wasm_store_t) error {
		return takeError(C.kiln_component_resource_drop(s, ptr))
	})
}

// Close releases the handle object without dropping the resource. Safe to
// call twice.
func (r *ComponentResource) Close() {
	if r.ptr == nil {
		return
	}
	runtime.SetFinalizer(r, nil)
	C.kiln_component_resource_delete(r.ptr)
	r.ptr = nil
}
