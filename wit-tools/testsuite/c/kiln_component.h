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

/*
 * kiln.h now declares the types and most functions (c-api/src/kiln/
 * component.rs). What remains here cannot be implemented over the engine's
 * public kiln::component API as it is:
 *
 * - calling an export with flat values in three C calls: FlatFunc::call
 *   takes the lowering and lifting as closures around the core call, and
 *   Func::typed_flat needs the core signature as Rust types, so a C caller
 *   with a signature known only at run time has no way in;
 * - host resource types keyed by a C address: ResourceType::host::<T>()
 *   is keyed by a Rust type, and ResourceType::host_unique is crate-private
 *   (and with no host type, defining a host resource and making a handle to
 *   one have nothing to take).
 */

kiln_error_t *kiln_component_linker_define_resource(
    kiln_component_linker_t *linker, const char *interface, const char *name,
    const kiln_component_resource_type_t *type,
    wasm_trap_t *(*destructor)(void *env, uint32_t rep), void *env, void (*finalizer)(void *));

const kiln_component_resource_type_t *kiln_component_resource_type_host(const void *key,
                                                                        const char *name);

wasm_trap_t *kiln_component_func_enter(const kiln_component_func_t *func, wasm_store_t *store,
                                       kiln_component_cx_t **cx);
wasm_trap_t *kiln_component_cx_call(kiln_component_cx_t *cx, kiln_val_raw_t *slots,
                                    size_t nslots);
wasm_trap_t *kiln_component_cx_exit(kiln_component_cx_t *cx, bool failed);

kiln_component_resource_t *kiln_component_resource_new_host(
    const kiln_component_resource_type_t *type, uint32_t rep, bool own);

#endif /* KILN_COMPONENT_H */
