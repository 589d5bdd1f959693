package kiln

// #include <kiln.h>
import "C"

import (
	"os"
	"runtime"
)

// Module is a compiled WebAssembly module, ready to instantiate in any
// store of its engine. It is safe to share between goroutines.
type Module struct {
	ptr    *C.wasm_module_t
	engine *Engine
}

func newModule(engine *Engine, ptr *C.wasm_module_t) *Module {
	m := &Module{ptr: ptr, engine: engine}
	runtime.SetFinalizer(m, (*Module).Close)
	return m
}

// NewModule compiles wasm (the binary or the text format) with engine.
func NewModule(engine *Engine, wasm []byte) (*Module, error) {
	var ptr *C.wasm_module_t
	err := takeError(C.kiln_module_new(engine.live(), cBytes(wasm), C.size_t(len(wasm)), &ptr))
	runtime.KeepAlive(engine)
	runtime.KeepAlive(wasm)
	if err != nil {
		return nil, err
	}
	return newModule(engine, ptr), nil
}

// NewModuleFromFile compiles the module in file.
func NewModuleFromFile(engine *Engine, file string) (*Module, error) {
	wasm, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	return NewModule(engine, wasm)
}

// ModuleValidate returns why wasm is not a valid module for engine, or nil.
func ModuleValidate(engine *Engine, wasm []byte) error {
	err := takeError(C.kiln_module_validate(engine.live(), cBytes(wasm), C.size_t(len(wasm))))
	runtime.KeepAlive(engine)
	runtime.KeepAlive(wasm)
	return err
}

// NewModuleDeserialize loads a module Module.Serialize made with an engine
// of the same Kiln version and settings. The bytes are trusted: load only
// what this program (or one it trusts) serialized.
func NewModuleDeserialize(engine *Engine, encoded []byte) (*Module, error) {
	// The standard C API deserializes into a store; the module does not
	// belong to it.
	store := C.wasm_store_new(engine.live())
	defer C.wasm_store_delete(store)
	var vec C.wasm_byte_vec_t
	C.wasm_byte_vec_new(&vec, C.size_t(len(encoded)), (*C.wasm_byte_t)(cBytesChar(encoded)))
	ptr := C.wasm_module_deserialize(store, &vec)
	C.wasm_byte_vec_delete(&vec)
	runtime.KeepAlive(engine)
	runtime.KeepAlive(encoded)
	if ptr == nil {
		return nil, errorf("cannot deserialize the module: the bytes are not a module this engine serialized")
	}
	return newModule(engine, ptr), nil
}

// NewModuleDeserializeFile is NewModuleDeserialize of path's contents.
func NewModuleDeserializeFile(engine *Engine, path string) (*Module, error) {
	encoded, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return NewModuleDeserialize(engine, encoded)
}

// Close releases the module's handle. Safe to call twice.
func (m *Module) Close() {
	if m.ptr == nil {
		return
	}
	runtime.SetFinalizer(m, nil)
	C.wasm_module_delete(m.ptr)
	m.ptr = nil
}

func (m *Module) live() *C.wasm_module_t {
	if m.ptr == nil {
		panic(errClosed)
	}
	return m.ptr
}

// Serialize returns the compiled module's bytes, for NewModuleDeserialize.
func (m *Module) Serialize() ([]byte, error) {
	var vec C.wasm_byte_vec_t
	C.wasm_module_serialize(m.live(), &vec)
	runtime.KeepAlive(m)
	if vec.size == 0 {
		return nil, errorf("cannot serialize the module")
	}
	return goBytes(&vec), nil
}

func goName(name *C.wasm_name_t) string {
	return C.GoStringN((*C.char)(name.data), C.int(name.size))
}

// Imports returns the module's imports, in order.
func (m *Module) Imports() []*ImportType {
	var vec C.wasm_importtype_vec_t
	C.wasm_module_imports(m.live(), &vec)
	runtime.KeepAlive(m)
	var out []*ImportType
	for _, it := range unsafeSlice(vec.data, int(vec.size)) {
		out = append(out, &ImportType{
			module: goName(C.wasm_importtype_module(it)),
			name:   goName(C.wasm_importtype_name(it)),
			ty:     goExternType(C.wasm_importtype_type(it)),
		})
	}
	C.wasm_importtype_vec_delete(&vec)
	return out
}

// Exports returns the module's exports, in order.
func (m *Module) Exports() []*ExportType {
	var vec C.wasm_exporttype_vec_t
	C.wasm_module_exports(m.live(), &vec)
	runtime.KeepAlive(m)
	var out []*ExportType
	for _, et := range unsafeSlice(vec.data, int(vec.size)) {
		out = append(out, &ExportType{
			name: goName(C.wasm_exporttype_name(et)),
			ty:   goExternType(C.wasm_exporttype_type(et)),
		})
	}
	C.wasm_exporttype_vec_delete(&vec)
	return out
}
