/*
 * kiln_component.h: the component functions the C glue of
 * `kiln bindgen --lang c` calls, as a proposal for kiln.h (where they
 * belong, once the C API implements them). The generated code includes
 * "kiln.h"; the tests compile it with `-include` of this file, which brings
 * kiln.h and then these declarations.
 *
 * The rules of kiln.h hold: `own` results belong to the caller, a function
 * that can fail returns an owned kiln_error_t* or wasm_trap_t* (NULL on
 * success).
 */

#ifndef KILN_COMPONENT_H
#define KILN_COMPONENT_H

#include "kiln.h"

/* A compiled component (kiln::component::Component). */
typedef struct kiln_component_t kiln_component_t;
/* Host definitions by interface and name (kiln::component::Linker). */
typedef struct kiln_component_linker_t kiln_component_linker_t;
/* An instance of a component in a store. */
typedef struct kiln_component_instance_t kiln_component_instance_t;
/* An exported function of an instance, prepared for flat calls. */
typedef struct kiln_component_func_t kiln_component_func_t;
/*
 * One call in progress, borrowed for its length: an export the host calls
 * (between kiln_component_func_enter and kiln_component_cx_exit), or a host
 * function the guest called. It gives the guest's memory and realloc of
 * that call's canonical options, and its handle tables.
 */
typedef struct kiln_component_cx_t kiln_component_cx_t;
/* A resource type: a host one (kiln_component_resource_type_host) or one an
 * instance defines. Borrowed: it lives as long as its key or instance. */
typedef struct kiln_component_resource_type_t kiln_component_resource_type_t;
/* The host's handle to a resource (kiln::component::ResourceAny), owned. */
typedef struct kiln_component_resource_t kiln_component_resource_t;

/* Compiles a component binary. */
kiln_error_t *kiln_component_new(const wasm_engine_t *engine, const uint8_t *bytes, size_t len,
                                  kiln_component_t **out);
void kiln_component_delete(kiln_component_t *component);

kiln_component_linker_t *kiln_component_linker_new(const wasm_engine_t *engine);
void kiln_component_linker_delete(kiln_component_linker_t *linker);

/* Defines the instance `interface` if the linker has no definition of it
 * yet: an instance of types only, as a component imports one for the types
 * of an interface that has no functions. */
kiln_error_t *kiln_component_linker_define_instance(kiln_component_linker_t *linker,
                                                   const char *interface);

/*
 * Defines the function `name` of the instance `interface` (NULL: the root)
 * for flat calls: `callback` receives `env`, the call, and the flat
 * parameters in `slots` (as a core function of the lowered signature would:
 * a pointer to them when they are more than 16), and writes the flat results
 * from the first slot on (none when they go through the return pointer,
 * which is then the last parameter). `finalizer` (if not NULL) runs with
 * `env` when the linker is deleted.
 */
kiln_error_t *kiln_component_linker_define_func(
    kiln_component_linker_t *linker, const char *interface, const char *name,
    wasm_trap_t *(*callback)(void *env, kiln_component_cx_t *cx, kiln_val_raw_t *slots,
                             size_t nslots),
    void *env, void (*finalizer)(void *));

/* The host resource type of `key` (any address the host owns): the same
 * type for the same key, as ResourceType::host::<T>() is for the same T. */
const kiln_component_resource_type_t *kiln_component_resource_type_host(const void *key,
                                                                        const char *name);

/*
 * Defines the resource `name` of the instance `interface` (NULL: the root)
 * as the host resource type `type`: `destructor` runs with `env` and the
 * resource's representation when the guest drops its last owned handle.
 */
kiln_error_t *kiln_component_linker_define_resource(
    kiln_component_linker_t *linker, const char *interface, const char *name,
    const kiln_component_resource_type_t *type,
    wasm_trap_t *(*destructor)(void *env, uint32_t rep), void *env, void (*finalizer)(void *));

/* Instantiates `component` in `store` with the linker's definitions. */
kiln_error_t *kiln_component_linker_instantiate(const kiln_component_linker_t *linker,
                                                wasm_store_t *store,
                                                const kiln_component_t *component,
                                                kiln_component_instance_t **out);
void kiln_component_instance_delete(kiln_component_instance_t *instance);

/* The exported function `name` of the exported instance `interface` (NULL:
 * the root), owned. */
kiln_error_t *kiln_component_instance_get_func(const kiln_component_instance_t *instance,
                                               wasm_store_t *store, const char *interface,
                                               const char *name, kiln_component_func_t **out);
void kiln_component_func_delete(kiln_component_func_t *func);

/* The resource type `name` the instance exports from `interface`. */
kiln_error_t *kiln_component_instance_get_resource_type(
    const kiln_component_instance_t *instance, wasm_store_t *store, const char *interface,
    const char *name, const kiln_component_resource_type_t **out);

/*
 * Begins a call of `func` in `store` (a trap if the instance may not be
 * entered): `*cx` gives the callee's memory and realloc for lowering the
 * arguments. Every call begun ends with kiln_component_cx_exit.
 */
wasm_trap_t *kiln_component_func_enter(const kiln_component_func_t *func, wasm_store_t *store,
                                       kiln_component_cx_t **cx);
/* Calls the core function with the flat arguments in `slots`, leaving the
 * flat results from the first slot on. */
wasm_trap_t *kiln_component_cx_call(kiln_component_cx_t *cx, kiln_val_raw_t *slots,
                                    size_t nslots);
/* Ends the call: runs post-return (after the results were lifted), ends the
 * borrows lent to it, and releases `cx`. */
wasm_trap_t *kiln_component_cx_exit(kiln_component_cx_t *cx);

/* The store of the call. */
wasm_store_t *kiln_component_cx_store(kiln_component_cx_t *cx);
/* The memory of the call's canonical options (NULL and 0 if it has none):
 * valid until the next call into wasm (realloc may grow it). */
uint8_t *kiln_component_cx_memory(kiln_component_cx_t *cx, size_t *len);
/* Calls the realloc of the call's canonical options. */
wasm_trap_t *kiln_component_cx_realloc(kiln_component_cx_t *cx, uint32_t old_ptr,
                                       uint32_t old_size, uint32_t align, uint32_t new_size,
                                       uint32_t *out);
/* Lifts the handle `handle` of the call's instance, of type `type`: an own
 * handle leaves the instance's table, a borrow is valid for the call. A
 * handle of another type, or none, traps. */
wasm_trap_t *kiln_component_cx_resource_lift(kiln_component_cx_t *cx,
                                             const kiln_component_resource_type_t *type,
                                             uint32_t handle, bool own,
                                             kiln_component_resource_t **out);
/* Lowers `resource` into the call's instance as a handle of type `type`: an
 * owned one moves in (the host's handle is then spent), a borrow lasts
 * for the call. */
wasm_trap_t *kiln_component_cx_resource_lower(kiln_component_cx_t *cx,
                                              const kiln_component_resource_type_t *type,
                                              kiln_component_resource_t *resource, bool own,
                                              uint32_t *handle);

/* A handle to the host resource `rep` of the host type `type`. */
kiln_component_resource_t *kiln_component_resource_new_host(
    const kiln_component_resource_type_t *type, uint32_t rep, bool own);
/* The representation of a host resource; false for a guest's. */
bool kiln_component_resource_host_rep(const kiln_component_resource_t *resource, uint32_t *rep);
/* Drops the resource (the guest's destructor, or the host's, runs) and
 * releases the handle. */
kiln_error_t *kiln_component_resource_drop(wasm_store_t *store,
                                           kiln_component_resource_t *resource);
/* Releases the handle object without dropping the resource (NULL is
 * allowed). */
void kiln_component_resource_delete(kiln_component_resource_t *resource);

#endif /* KILN_COMPONENT_H */
