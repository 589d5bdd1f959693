/*
 * wasm.h: the WebAssembly C API, as implemented by Kiln (libwasm).
 *
 * This header is source-compatible with the standard wasm-c-api header
 * (https://github.com/WebAssembly/wasm-c-api): the same type names, function
 * names, signatures, ownership annotations, vector types, inline helpers and
 * macros. It declares only what Kiln implements; every function declared here
 * is implemented by libwasm.
 *
 * Ownership
 * ---------
 * `own` marks ownership, read like a `const` qualifier:
 *   - `own wasm_xxx_t*` owns the pointed-to object; release it with
 *     `wasm_xxx_delete`.
 *   - `own wasm_xxx_vec_t` owns the vector and its elements; release it with
 *     `wasm_xxx_vec_delete`.
 *   - an `own` parameter passes ownership from caller to callee;
 *   - an `own` result passes ownership from callee to caller;
 *   - `own` pointer parameters named `out` are output parameters: the callee
 *     writes an owned value there and the caller must release it.
 * Pointers without `own` are borrowed: the callee does not keep them past the
 * call, and a borrowed result lives as long as the object it came from.
 *
 * Stores
 * ------
 * Every runtime object (functions, globals, tables, memories, externs,
 * instances, references, traps) belongs to the store it was created in and
 * must not be used after that store is deleted. Delete the objects first,
 * then the store, then the engine. Objects of one store must not be used
 * with another store. A store is not thread-safe: use it from one thread at
 * a time.
 *
 * Null pointers
 * -------------
 * Passing NULL where an object is expected does not crash: functions that
 * return a pointer return NULL, `bool` functions return false, and the others
 * do nothing (an `out` vector is set to empty).
 */

#ifndef WASM_H
#define WASM_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <string.h>
#include <assert.h>

#ifndef WASM_API_EXTERN
#define WASM_API_EXTERN
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ======================================================================== */
/* Auxiliaries                                                              */
/* ======================================================================== */

/* Machine types */

typedef char byte_t;
typedef float float32_t;
typedef double float64_t;

/* Ownership annotation: expands to nothing. */

#define own

/* Declares an opaque object type and its destructor. */

#define WASM_DECLARE_OWN(name) \
  typedef struct wasm_##name##_t wasm_##name##_t; \
  \
  WASM_API_EXTERN void wasm_##name##_delete(own wasm_##name##_t*);

/*
 * Vectors: `size` elements at `data` (NULL when empty). For object types the
 * elements are pointers (`ptr_or_none` is `*`).
 *   - `_new_empty` makes an empty vector;
 *   - `_new_uninitialized` makes one of `size` elements (null pointers,
 *     zero bytes, or i32 zero values);
 *   - `_new` takes ownership of the `size` elements at the given address
 *     (the array itself is copied, not owned);
 *   - `_copy` copies the vector and each element;
 *   - `_delete` releases the vector and each element, and sets it to empty.
 */

#define WASM_DECLARE_VEC(name, ptr_or_none) \
  typedef struct wasm_##name##_vec_t { \
    size_t size; \
    wasm_##name##_t ptr_or_none* data; \
  } wasm_##name##_vec_t; \
  \
  WASM_API_EXTERN void wasm_##name##_vec_new_empty(own wasm_##name##_vec_t* out); \
  WASM_API_EXTERN void wasm_##name##_vec_new_uninitialized( \
    own wasm_##name##_vec_t* out, size_t); \
  WASM_API_EXTERN void wasm_##name##_vec_new( \
    own wasm_##name##_vec_t* out, \
    size_t, own wasm_##name##_t ptr_or_none const[]); \
  WASM_API_EXTERN void wasm_##name##_vec_copy( \
    own wasm_##name##_vec_t* out, const wasm_##name##_vec_t*); \
  WASM_API_EXTERN void wasm_##name##_vec_delete(own wasm_##name##_vec_t*);

/* Byte vectors */

typedef byte_t wasm_byte_t;
WASM_DECLARE_VEC(byte, )

/* Names: byte vectors, not null-terminated. */

typedef wasm_byte_vec_t wasm_name_t;

#define wasm_name wasm_byte_vec
#define wasm_name_new wasm_byte_vec_new
#define wasm_name_new_empty wasm_byte_vec_new_empty
#define wasm_name_new_uninitialized wasm_byte_vec_new_uninitialized
#define wasm_name_new_new_uninitialized wasm_byte_vec_new_uninitialized
#define wasm_name_copy wasm_byte_vec_copy
#define wasm_name_delete wasm_byte_vec_delete

static inline void wasm_name_new_from_string(
  own wasm_name_t* out, own const char* s
) {
  wasm_name_new(out, strlen(s), s);
}

static inline void wasm_name_new_from_string_nt(
  own wasm_name_t* out, own const char* s
) {
  wasm_name_new(out, strlen(s) + 1, s);
}


/* ======================================================================== */
/* Runtime Environment                                                      */
/* ======================================================================== */

/* Configuration: Kiln's defaults (all WebAssembly 2.0 features and SIMD). */

WASM_DECLARE_OWN(config)

WASM_API_EXTERN own wasm_config_t* wasm_config_new(void);

/* Engine: compilation settings and the native code generator. Returns NULL
 * if the host CPU is not supported. */

WASM_DECLARE_OWN(engine)

WASM_API_EXTERN own wasm_engine_t* wasm_engine_new(void);
WASM_API_EXTERN own wasm_engine_t* wasm_engine_new_with_config(own wasm_config_t*);

/* Store: owns every runtime object created in it. The engine must outlive
 * the store, and the store must outlive every object created in it. */

WASM_DECLARE_OWN(store)

WASM_API_EXTERN own wasm_store_t* wasm_store_new(wasm_engine_t*);


/* ======================================================================== */
/* Type Representations                                                     */
/* ======================================================================== */

/* Type attributes */

typedef uint8_t wasm_mutability_t;
enum wasm_mutability_enum {
  WASM_CONST,
  WASM_VAR,
};

typedef struct wasm_limits_t {
  uint32_t min;
  uint32_t max;
} wasm_limits_t;

/* `max` when there is no maximum. */
static const uint32_t wasm_limits_max_default = 0xffffffff;

/* Generic: every type is owned, copyable, and has a vector type. */

#define WASM_DECLARE_TYPE(name) \
  WASM_DECLARE_OWN(name) \
  WASM_DECLARE_VEC(name, *) \
  \
  WASM_API_EXTERN own wasm_##name##_t* wasm_##name##_copy(const wasm_##name##_t*);

/* Value types */

WASM_DECLARE_TYPE(valtype)

typedef uint8_t wasm_valkind_t;
enum wasm_valkind_enum {
  WASM_I32,
  WASM_I64,
  WASM_F32,
  WASM_F64,
  WASM_EXTERNREF = 128,
  WASM_FUNCREF,
};

/* Returns NULL for an unknown kind. */
WASM_API_EXTERN own wasm_valtype_t* wasm_valtype_new(wasm_valkind_t);

WASM_API_EXTERN wasm_valkind_t wasm_valtype_kind(const wasm_valtype_t*);

static inline bool wasm_valkind_is_num(wasm_valkind_t k) {
  return k < WASM_EXTERNREF;
}
static inline bool wasm_valkind_is_ref(wasm_valkind_t k) {
  return k >= WASM_EXTERNREF;
}

static inline bool wasm_valtype_is_num(const wasm_valtype_t* t) {
  return wasm_valkind_is_num(wasm_valtype_kind(t));
}
static inline bool wasm_valtype_is_ref(const wasm_valtype_t* t) {
  return wasm_valkind_is_ref(wasm_valtype_kind(t));
}

/* Function types. `wasm_functype_new` takes ownership of both vectors (and
 * their elements); the results of `_params` and `_results` are borrowed
 * from the function type. */

WASM_DECLARE_TYPE(functype)

WASM_API_EXTERN own wasm_functype_t* wasm_functype_new(
  own wasm_valtype_vec_t* params, own wasm_valtype_vec_t* results);

WASM_API_EXTERN const wasm_valtype_vec_t* wasm_functype_params(const wasm_functype_t*);
WASM_API_EXTERN const wasm_valtype_vec_t* wasm_functype_results(const wasm_functype_t*);

/* Global types */

WASM_DECLARE_TYPE(globaltype)

WASM_API_EXTERN own wasm_globaltype_t* wasm_globaltype_new(
  own wasm_valtype_t*, wasm_mutability_t);

WASM_API_EXTERN const wasm_valtype_t* wasm_globaltype_content(const wasm_globaltype_t*);
WASM_API_EXTERN wasm_mutability_t wasm_globaltype_mutability(const wasm_globaltype_t*);

/* Table types */

WASM_DECLARE_TYPE(tabletype)

WASM_API_EXTERN own wasm_tabletype_t* wasm_tabletype_new(
  own wasm_valtype_t*, const wasm_limits_t*);

WASM_API_EXTERN const wasm_valtype_t* wasm_tabletype_element(const wasm_tabletype_t*);
WASM_API_EXTERN const wasm_limits_t* wasm_tabletype_limits(const wasm_tabletype_t*);

/* Memory types */

WASM_DECLARE_TYPE(memorytype)

WASM_API_EXTERN own wasm_memorytype_t* wasm_memorytype_new(const wasm_limits_t*);

WASM_API_EXTERN const wasm_limits_t* wasm_memorytype_limits(const wasm_memorytype_t*);

/* Extern types. The `_as_` conversions return views of the same object
 * (borrowed, not owned); converting to the wrong kind returns NULL. */

WASM_DECLARE_TYPE(externtype)

typedef uint8_t wasm_externkind_t;
enum wasm_externkind_enum {
  WASM_EXTERN_FUNC,
  WASM_EXTERN_GLOBAL,
  WASM_EXTERN_TABLE,
  WASM_EXTERN_MEMORY,
};

WASM_API_EXTERN wasm_externkind_t wasm_externtype_kind(const wasm_externtype_t*);

WASM_API_EXTERN wasm_externtype_t* wasm_functype_as_externtype(wasm_functype_t*);
WASM_API_EXTERN wasm_externtype_t* wasm_globaltype_as_externtype(wasm_globaltype_t*);
WASM_API_EXTERN wasm_externtype_t* wasm_tabletype_as_externtype(wasm_tabletype_t*);
WASM_API_EXTERN wasm_externtype_t* wasm_memorytype_as_externtype(wasm_memorytype_t*);

WASM_API_EXTERN wasm_functype_t* wasm_externtype_as_functype(wasm_externtype_t*);
WASM_API_EXTERN wasm_globaltype_t* wasm_externtype_as_globaltype(wasm_externtype_t*);
WASM_API_EXTERN wasm_tabletype_t* wasm_externtype_as_tabletype(wasm_externtype_t*);
WASM_API_EXTERN wasm_memorytype_t* wasm_externtype_as_memorytype(wasm_externtype_t*);

WASM_API_EXTERN const wasm_externtype_t* wasm_functype_as_externtype_const(const wasm_functype_t*);
WASM_API_EXTERN const wasm_externtype_t* wasm_globaltype_as_externtype_const(const wasm_globaltype_t*);
WASM_API_EXTERN const wasm_externtype_t* wasm_tabletype_as_externtype_const(const wasm_tabletype_t*);
WASM_API_EXTERN const wasm_externtype_t* wasm_memorytype_as_externtype_const(const wasm_memorytype_t*);

WASM_API_EXTERN const wasm_functype_t* wasm_externtype_as_functype_const(const wasm_externtype_t*);
WASM_API_EXTERN const wasm_globaltype_t* wasm_externtype_as_globaltype_const(const wasm_externtype_t*);
WASM_API_EXTERN const wasm_tabletype_t* wasm_externtype_as_tabletype_const(const wasm_externtype_t*);
WASM_API_EXTERN const wasm_memorytype_t* wasm_externtype_as_memorytype_const(const wasm_externtype_t*);

/* Import types. `_new` takes ownership of both names and the type. */

WASM_DECLARE_TYPE(importtype)

WASM_API_EXTERN own wasm_importtype_t* wasm_importtype_new(
  own wasm_name_t* module, own wasm_name_t* name, own wasm_externtype_t*);

WASM_API_EXTERN const wasm_name_t* wasm_importtype_module(const wasm_importtype_t*);
WASM_API_EXTERN const wasm_name_t* wasm_importtype_name(const wasm_importtype_t*);
WASM_API_EXTERN const wasm_externtype_t* wasm_importtype_type(const wasm_importtype_t*);

/* Export types. `_new` takes ownership of the name and the type. */

WASM_DECLARE_TYPE(exporttype)

WASM_API_EXTERN own wasm_exporttype_t* wasm_exporttype_new(
  own wasm_name_t*, own wasm_externtype_t*);

WASM_API_EXTERN const wasm_name_t* wasm_exporttype_name(const wasm_exporttype_t*);
WASM_API_EXTERN const wasm_externtype_t* wasm_exporttype_type(const wasm_exporttype_t*);


/* ======================================================================== */
/* Runtime Objects                                                          */
/* ======================================================================== */

/* Values. A value of a reference kind owns its `ref` (which may be NULL). */

struct wasm_ref_t;

typedef struct wasm_val_t {
  wasm_valkind_t kind;
  union {
    int32_t i32;
    int64_t i64;
    float32_t f32;
    float64_t f64;
    struct wasm_ref_t* ref;
  } of;
} wasm_val_t;

/* Releases the reference a value owns, if any. */
WASM_API_EXTERN void wasm_val_delete(own wasm_val_t* v);
/* Copies a value, and its reference if any. */
WASM_API_EXTERN void wasm_val_copy(own wasm_val_t* out, const wasm_val_t*);

WASM_DECLARE_VEC(val, )

/*
 * References. Every runtime object is a reference: functions, globals,
 * tables, memories, externs, instances, modules, traps and foreign objects.
 * `wasm_xxx_as_ref` and `wasm_ref_as_xxx` convert between a reference and
 * its object without copying (the result is borrowed from the argument);
 * converting to the wrong kind returns NULL. A value of kind
 * `WASM_FUNCREF` holds a function, one of kind `WASM_EXTERNREF` a foreign
 * object (or NULL).
 *
 * `_same` tells whether two handles refer to the same object (two NULLs are
 * the same).
 *
 * Host info is a pointer the host attaches to an object. It belongs to the
 * object, not the handle: every handle to the object sees it, including a
 * reference to a foreign object that wasm hands back. Setting it again
 * replaces it, and runs the finalizer of the info it replaces. The
 * finalizer runs once the object can no longer be reached: for functions,
 * globals, tables, memories, externs and instances when their store is
 * deleted; for a foreign object when no handle to it is left and wasm holds
 * it nowhere (at the latest when its store is deleted); for modules and
 * traps when their last copy is deleted.
 */

#define WASM_DECLARE_REF_BASE(name) \
  WASM_DECLARE_OWN(name) \
  \
  WASM_API_EXTERN own wasm_##name##_t* wasm_##name##_copy(const wasm_##name##_t*); \
  WASM_API_EXTERN bool wasm_##name##_same(const wasm_##name##_t*, const wasm_##name##_t*); \
  \
  WASM_API_EXTERN void* wasm_##name##_get_host_info(const wasm_##name##_t*); \
  WASM_API_EXTERN void wasm_##name##_set_host_info(wasm_##name##_t*, void*); \
  WASM_API_EXTERN void wasm_##name##_set_host_info_with_finalizer( \
    wasm_##name##_t*, void*, void (*)(void*));

#define WASM_DECLARE_REF(name) \
  WASM_DECLARE_REF_BASE(name) \
  \
  WASM_API_EXTERN wasm_ref_t* wasm_##name##_as_ref(wasm_##name##_t*); \
  WASM_API_EXTERN wasm_##name##_t* wasm_ref_as_##name(wasm_ref_t*); \
  WASM_API_EXTERN const wasm_ref_t* wasm_##name##_as_ref_const(const wasm_##name##_t*); \
  WASM_API_EXTERN const wasm_##name##_t* wasm_ref_as_##name##_const(const wasm_ref_t*);

#define WASM_DECLARE_SHARABLE_REF(name) \
  WASM_DECLARE_REF(name) \
  WASM_DECLARE_OWN(shared_##name) \
  \
  WASM_API_EXTERN own wasm_shared_##name##_t* wasm_##name##_share(const wasm_##name##_t*); \
  WASM_API_EXTERN own wasm_##name##_t* wasm_##name##_obtain(wasm_store_t*, const wasm_shared_##name##_t*);

WASM_DECLARE_REF_BASE(ref)

/* Frames: one wasm frame of a trap's backtrace. */

WASM_DECLARE_OWN(frame)
WASM_DECLARE_VEC(frame, *)
WASM_API_EXTERN own wasm_frame_t* wasm_frame_copy(const wasm_frame_t*);

/* The instance the frame's function belongs to (borrowed from the frame), or
 * NULL when unknown (traps made with `wasm_trap_new`). Kiln currently
 * reports the instance whose export `wasm_func_call` called for every frame
 * of the trace, so in a trace that crosses into another instance the inner
 * frames name the outer instance (their offsets are their own module's). */
WASM_API_EXTERN struct wasm_instance_t* wasm_frame_instance(const wasm_frame_t*);
WASM_API_EXTERN uint32_t wasm_frame_func_index(const wasm_frame_t*);
/* Offset of the trapping instruction from the start of its function body. */
WASM_API_EXTERN size_t wasm_frame_func_offset(const wasm_frame_t*);
/* Offset of the trapping instruction from the start of the module binary. */
WASM_API_EXTERN size_t wasm_frame_module_offset(const wasm_frame_t*);

/* Traps */

typedef wasm_name_t wasm_message_t;  /* null-terminated */

WASM_DECLARE_REF(trap)

/* `message` is null-terminated (a trailing NUL is accepted, not required). */
WASM_API_EXTERN own wasm_trap_t* wasm_trap_new(wasm_store_t* store, const wasm_message_t*);

/* The message, null-terminated. */
WASM_API_EXTERN void wasm_trap_message(const wasm_trap_t*, own wasm_message_t* out);
/* The innermost frame, or NULL when the trap has no wasm frames. */
WASM_API_EXTERN own wasm_frame_t* wasm_trap_origin(const wasm_trap_t*);
/* The wasm frames, innermost first. */
WASM_API_EXTERN void wasm_trap_trace(const wasm_trap_t*, own wasm_frame_vec_t* out);

/* Foreign objects: host objects that wasm can hold as `externref`s. They
 * carry nothing but host info. */

WASM_DECLARE_REF(foreign)

WASM_API_EXTERN own wasm_foreign_t* wasm_foreign_new(wasm_store_t*);

/* Modules. A module belongs to the engine: it stays usable after the store
 * it was compiled in is deleted, in any store of the same engine. To use it
 * from another thread, `wasm_module_share` it and `wasm_module_obtain` it
 * there (NULL if the store's engine is another one). */

WASM_DECLARE_SHARABLE_REF(module)

/* Compiles a module from the binary format; NULL if it is invalid. */
WASM_API_EXTERN own wasm_module_t* wasm_module_new(
  wasm_store_t*, const wasm_byte_vec_t* binary);

WASM_API_EXTERN bool wasm_module_validate(wasm_store_t*, const wasm_byte_vec_t* binary);

WASM_API_EXTERN void wasm_module_imports(const wasm_module_t*, own wasm_importtype_vec_t* out);
WASM_API_EXTERN void wasm_module_exports(const wasm_module_t*, own wasm_exporttype_vec_t* out);

/* The module as native code Kiln can load again without compiling, with the
 * Kiln version and engine settings it needs (empty if the module is NULL). */
WASM_API_EXTERN void wasm_module_serialize(const wasm_module_t*, own wasm_byte_vec_t* out);
/* Loads what `wasm_module_serialize` made; NULL if the bytes come from
 * another Kiln version, target or engine settings, or are truncated. The
 * bytes are native code that is run as it is: only pass bytes that
 * `wasm_module_serialize` made and that nobody else could alter. */
WASM_API_EXTERN own wasm_module_t* wasm_module_deserialize(
  wasm_store_t*, const wasm_byte_vec_t*);

/* Function instances */

WASM_DECLARE_REF(func)

/*
 * A host function receives its arguments (borrowed) and a results vector of
 * the right size, whose values it sets (results it sets are owned by the
 * caller, so references in them are released after the call); it returns
 * NULL, or an owned trap that ends the call: the caller of `wasm_func_call`
 * then receives a trap with the same message. A host function may call
 * `wasm_func_call` on functions of its store.
 */
typedef own wasm_trap_t* (*wasm_func_callback_t)(
  const wasm_val_vec_t* args, own wasm_val_vec_t* results);
typedef own wasm_trap_t* (*wasm_func_callback_with_env_t)(
  void* env, const wasm_val_vec_t* args, wasm_val_vec_t* results);

WASM_API_EXTERN own wasm_func_t* wasm_func_new(
  wasm_store_t*, const wasm_functype_t*, wasm_func_callback_t);
/* `finalizer`, if not NULL, is called with `env` when the store is deleted
 * (or at once, if the function cannot be created). */
WASM_API_EXTERN own wasm_func_t* wasm_func_new_with_env(
  wasm_store_t*, const wasm_functype_t* type, wasm_func_callback_with_env_t,
  void* env, void (*finalizer)(void*));

WASM_API_EXTERN own wasm_functype_t* wasm_func_type(const wasm_func_t*);
WASM_API_EXTERN size_t wasm_func_param_arity(const wasm_func_t*);
WASM_API_EXTERN size_t wasm_func_result_arity(const wasm_func_t*);

/* Calls the function. `args` must have one value per parameter and `results`
 * one slot per result (a vector of the right size; the values are
 * overwritten, and the caller owns the results). Returns NULL on success, or
 * an owned trap (also for wrong argument counts or types). */
WASM_API_EXTERN own wasm_trap_t* wasm_func_call(
  const wasm_func_t*, const wasm_val_vec_t* args, wasm_val_vec_t* results);

/* Global instances */

WASM_DECLARE_REF(global)

/* NULL if the value does not match the type. */
WASM_API_EXTERN own wasm_global_t* wasm_global_new(
  wasm_store_t*, const wasm_globaltype_t*, const wasm_val_t*);

WASM_API_EXTERN own wasm_globaltype_t* wasm_global_type(const wasm_global_t*);

WASM_API_EXTERN void wasm_global_get(const wasm_global_t*, own wasm_val_t* out);
/* Does nothing if the global is immutable or the value has the wrong type. */
WASM_API_EXTERN void wasm_global_set(wasm_global_t*, const wasm_val_t*);

/* Table instances */

WASM_DECLARE_REF(table)

typedef uint32_t wasm_table_size_t;

/* `init` (borrowed, may be NULL for a null reference) fills the table. */
WASM_API_EXTERN own wasm_table_t* wasm_table_new(
  wasm_store_t*, const wasm_tabletype_t*, wasm_ref_t* init);

WASM_API_EXTERN own wasm_tabletype_t* wasm_table_type(const wasm_table_t*);

/* NULL for a null element or an index out of bounds. */
WASM_API_EXTERN own wasm_ref_t* wasm_table_get(const wasm_table_t*, wasm_table_size_t index);
/* The reference is borrowed; false if out of bounds or of the wrong type. */
WASM_API_EXTERN bool wasm_table_set(wasm_table_t*, wasm_table_size_t index, wasm_ref_t*);

WASM_API_EXTERN wasm_table_size_t wasm_table_size(const wasm_table_t*);
WASM_API_EXTERN bool wasm_table_grow(wasm_table_t*, wasm_table_size_t delta, wasm_ref_t* init);

/* Memory instances */

WASM_DECLARE_REF(memory)

typedef uint32_t wasm_memory_pages_t;

static const size_t MEMORY_PAGE_SIZE = 0x10000;

WASM_API_EXTERN own wasm_memory_t* wasm_memory_new(wasm_store_t*, const wasm_memorytype_t*);

WASM_API_EXTERN own wasm_memorytype_t* wasm_memory_type(const wasm_memory_t*);

/* The memory's bytes. Kiln reserves the whole 32-bit range up front, so the
 * pointer stays valid across `wasm_memory_grow`, but portable programs
 * should fetch it again after growing, as the standard requires. */
WASM_API_EXTERN byte_t* wasm_memory_data(wasm_memory_t*);
WASM_API_EXTERN size_t wasm_memory_data_size(const wasm_memory_t*);

WASM_API_EXTERN wasm_memory_pages_t wasm_memory_size(const wasm_memory_t*);
WASM_API_EXTERN bool wasm_memory_grow(wasm_memory_t*, wasm_memory_pages_t delta);

/* Externals. The `_as_` conversions return views of the same object
 * (borrowed, not owned); converting to the wrong kind returns NULL. */

WASM_DECLARE_REF(extern)
WASM_DECLARE_VEC(extern, *)

WASM_API_EXTERN wasm_externkind_t wasm_extern_kind(const wasm_extern_t*);
WASM_API_EXTERN own wasm_externtype_t* wasm_extern_type(const wasm_extern_t*);

WASM_API_EXTERN wasm_extern_t* wasm_func_as_extern(wasm_func_t*);
WASM_API_EXTERN wasm_extern_t* wasm_global_as_extern(wasm_global_t*);
WASM_API_EXTERN wasm_extern_t* wasm_table_as_extern(wasm_table_t*);
WASM_API_EXTERN wasm_extern_t* wasm_memory_as_extern(wasm_memory_t*);

WASM_API_EXTERN wasm_func_t* wasm_extern_as_func(wasm_extern_t*);
WASM_API_EXTERN wasm_global_t* wasm_extern_as_global(wasm_extern_t*);
WASM_API_EXTERN wasm_table_t* wasm_extern_as_table(wasm_extern_t*);
WASM_API_EXTERN wasm_memory_t* wasm_extern_as_memory(wasm_extern_t*);

WASM_API_EXTERN const wasm_extern_t* wasm_func_as_extern_const(const wasm_func_t*);
WASM_API_EXTERN const wasm_extern_t* wasm_global_as_extern_const(const wasm_global_t*);
WASM_API_EXTERN const wasm_extern_t* wasm_table_as_extern_const(const wasm_table_t*);
WASM_API_EXTERN const wasm_extern_t* wasm_memory_as_extern_const(const wasm_memory_t*);

WASM_API_EXTERN const wasm_func_t* wasm_extern_as_func_const(const wasm_extern_t*);
WASM_API_EXTERN const wasm_global_t* wasm_extern_as_global_const(const wasm_extern_t*);
WASM_API_EXTERN const wasm_table_t* wasm_extern_as_table_const(const wasm_extern_t*);
WASM_API_EXTERN const wasm_memory_t* wasm_extern_as_memory_const(const wasm_extern_t*);

/* Module instances */

WASM_DECLARE_REF(instance)

/* Instantiates `module` with `imports` (borrowed), in the order of
 * `wasm_module_imports`. On failure returns NULL and, if `trap` is not NULL,
 * stores an owned trap there: the start function's trap, or a trap whose
 * message describes the link or instantiation error. On success `*trap` is
 * set to NULL. */
WASM_API_EXTERN own wasm_instance_t* wasm_instance_new(
  wasm_store_t*, const wasm_module_t*, const wasm_extern_vec_t* imports,
  own wasm_trap_t** trap);

/* The exports, in the module's order. */
WASM_API_EXTERN void wasm_instance_exports(const wasm_instance_t*, own wasm_extern_vec_t* out);


/* ======================================================================== */
/* Convenience                                                              */
/* ======================================================================== */

/* Vectors */

#define WASM_EMPTY_VEC {0, NULL}
#define WASM_ARRAY_VEC(array) {sizeof(array)/sizeof(*(array)), array}

/* Value type construction short-hands */

static inline own wasm_valtype_t* wasm_valtype_new_i32(void) {
  return wasm_valtype_new(WASM_I32);
}
static inline own wasm_valtype_t* wasm_valtype_new_i64(void) {
  return wasm_valtype_new(WASM_I64);
}
static inline own wasm_valtype_t* wasm_valtype_new_f32(void) {
  return wasm_valtype_new(WASM_F32);
}
static inline own wasm_valtype_t* wasm_valtype_new_f64(void) {
  return wasm_valtype_new(WASM_F64);
}
static inline own wasm_valtype_t* wasm_valtype_new_externref(void) {
  return wasm_valtype_new(WASM_EXTERNREF);
}
static inline own wasm_valtype_t* wasm_valtype_new_funcref(void) {
  return wasm_valtype_new(WASM_FUNCREF);
}

/* Function type construction short-hands: `wasm_functype_new_P_R` takes P
 * parameter types and R result types, all owned. */

static inline own wasm_functype_t* kiln_functype_new_from_arrays_(
  size_t np, own wasm_valtype_t* const ps[], size_t nr, own wasm_valtype_t* const rs[]
) {
  wasm_valtype_vec_t params, results;
  wasm_valtype_vec_new(&params, np, ps);
  wasm_valtype_vec_new(&results, nr, rs);
  return wasm_functype_new(&params, &results);
}

static inline own wasm_functype_t* wasm_functype_new_0_0(void) {
  return kiln_functype_new_from_arrays_(0, NULL, 0, NULL);
}
static inline own wasm_functype_t* wasm_functype_new_1_0(own wasm_valtype_t* p) {
  wasm_valtype_t* ps[1] = {p};
  return kiln_functype_new_from_arrays_(1, ps, 0, NULL);
}
static inline own wasm_functype_t* wasm_functype_new_2_0(
  own wasm_valtype_t* p1, own wasm_valtype_t* p2
) {
  wasm_valtype_t* ps[2] = {p1, p2};
  return kiln_functype_new_from_arrays_(2, ps, 0, NULL);
}
static inline own wasm_functype_t* wasm_functype_new_3_0(
  own wasm_valtype_t* p1, own wasm_valtype_t* p2, own wasm_valtype_t* p3
) {
  wasm_valtype_t* ps[3] = {p1, p2, p3};
  return kiln_functype_new_from_arrays_(3, ps, 0, NULL);
}
static inline own wasm_functype_t* wasm_functype_new_0_1(own wasm_valtype_t* r) {
  wasm_valtype_t* rs[1] = {r};
  return kiln_functype_new_from_arrays_(0, NULL, 1, rs);
}
static inline own wasm_functype_t* wasm_functype_new_1_1(
  own wasm_valtype_t* p, own wasm_valtype_t* r
) {
  wasm_valtype_t* ps[1] = {p};
  wasm_valtype_t* rs[1] = {r};
  return kiln_functype_new_from_arrays_(1, ps, 1, rs);
}
static inline own wasm_functype_t* wasm_functype_new_2_1(
  own wasm_valtype_t* p1, own wasm_valtype_t* p2, own wasm_valtype_t* r
) {
  wasm_valtype_t* ps[2] = {p1, p2};
  wasm_valtype_t* rs[1] = {r};
  return kiln_functype_new_from_arrays_(2, ps, 1, rs);
}
static inline own wasm_functype_t* wasm_functype_new_3_1(
  own wasm_valtype_t* p1, own wasm_valtype_t* p2, own wasm_valtype_t* p3,
  own wasm_valtype_t* r
) {
  wasm_valtype_t* ps[3] = {p1, p2, p3};
  wasm_valtype_t* rs[1] = {r};
  return kiln_functype_new_from_arrays_(3, ps, 1, rs);
}
static inline own wasm_functype_t* wasm_functype_new_0_2(
  own wasm_valtype_t* r1, own wasm_valtype_t* r2
) {
  wasm_valtype_t* rs[2] = {r1, r2};
  return kiln_functype_new_from_arrays_(0, NULL, 2, rs);
}
static inline own wasm_functype_t* wasm_functype_new_1_2(
  own wasm_valtype_t* p, own wasm_valtype_t* r1, own wasm_valtype_t* r2
) {
  wasm_valtype_t* ps[1] = {p};
  wasm_valtype_t* rs[2] = {r1, r2};
  return kiln_functype_new_from_arrays_(1, ps, 2, rs);
}
static inline own wasm_functype_t* wasm_functype_new_2_2(
  own wasm_valtype_t* p1, own wasm_valtype_t* p2,
  own wasm_valtype_t* r1, own wasm_valtype_t* r2
) {
  wasm_valtype_t* ps[2] = {p1, p2};
  wasm_valtype_t* rs[2] = {r1, r2};
  return kiln_functype_new_from_arrays_(2, ps, 2, rs);
}
static inline own wasm_functype_t* wasm_functype_new_3_2(
  own wasm_valtype_t* p1, own wasm_valtype_t* p2, own wasm_valtype_t* p3,
  own wasm_valtype_t* r1, own wasm_valtype_t* r2
) {
  wasm_valtype_t* ps[3] = {p1, p2, p3};
  wasm_valtype_t* rs[2] = {r1, r2};
  return kiln_functype_new_from_arrays_(3, ps, 2, rs);
}

/* Value construction short-hands */

static inline void wasm_val_init_ptr(own wasm_val_t* out, void* p) {
#if UINTPTR_MAX == UINT32_MAX
  out->kind = WASM_I32;
  out->of.i32 = (intptr_t)p;
#elif UINTPTR_MAX == UINT64_MAX
  out->kind = WASM_I64;
  out->of.i64 = (intptr_t)p;
#endif
}

static inline void* wasm_val_ptr(const wasm_val_t* val) {
#if UINTPTR_MAX == UINT32_MAX
  return (void*)(intptr_t)val->of.i32;
#elif UINTPTR_MAX == UINT64_MAX
  return (void*)(intptr_t)val->of.i64;
#endif
}

#define WASM_I32_VAL(i) {.kind = WASM_I32, .of = {.i32 = i}}
#define WASM_I64_VAL(i) {.kind = WASM_I64, .of = {.i64 = i}}
#define WASM_F32_VAL(z) {.kind = WASM_F32, .of = {.f32 = z}}
#define WASM_F64_VAL(z) {.kind = WASM_F64, .of = {.f64 = z}}
#define WASM_REF_VAL(r) {.kind = WASM_EXTERNREF, .of = {.ref = r}}
#define WASM_INIT_VAL {.kind = WASM_EXTERNREF, .of = {.ref = NULL}}

#undef own

#ifdef __cplusplus
}  /* extern "C" */
#endif

#endif  /* WASM_H */
