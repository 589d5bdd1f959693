/* Small helpers for the Go package's cgo calls.
 *
 * Integers the package passes through C where C takes a pointer (a
 * cgo.Handle, an index, a store's id) cross cgo as uintptr_t and become
 * pointers only here: cgo checks every pointer argument for Go pointers,
 * and an integer could look like one. C never dereferences them. */
#ifndef KILN_GO_H
#define KILN_GO_H

#include <stdint.h>
#include <kiln.h>

/* The package's entry points for C (callbacks.go, handles.go). */
extern wasm_trap_t *kilnGoStoreFunc(void *, kiln_caller_t *, void *, wasm_val_vec_t *, wasm_val_vec_t *);
extern wasm_trap_t *kilnGoStoreRawFunc(void *, kiln_caller_t *, void *, kiln_val_raw_t *, size_t);
extern wasm_trap_t *kilnGoLinkerFunc(void *, kiln_caller_t *, void *, wasm_val_vec_t *, wasm_val_vec_t *);
extern wasm_trap_t *kilnGoLinkerRawFunc(void *, kiln_caller_t *, void *, kiln_val_raw_t *, size_t);
extern void kilnGoDeleteHandle(void *);
extern wasm_trap_t *kilnGoComponentFunc(void *, kiln_component_cx_t *, kiln_val_raw_t *, size_t);
extern wasm_trap_t *kilnGoComponentDestructor(void *, uint32_t);
extern wasm_trap_t *kilnGoComponentFuncNew(void *, wasm_store_t *, kiln_component_val_t *, size_t,
                                           kiln_component_val_t *, size_t);

typedef wasm_trap_t *(*kiln_go_callback)(void *, kiln_caller_t *, void *, const wasm_val_vec_t *,
                                         wasm_val_vec_t *);

/* A host function in a store: over raw slots when `numeric`. */
static inline wasm_func_t *kiln_go_func_new(wasm_store_t *store, const wasm_functype_t *ty,
                                            bool numeric, uintptr_t index) {
  if (numeric) {
    return kiln_func_new_raw(store, ty, kilnGoStoreRawFunc, (void *)index, NULL);
  }
  return kiln_func_new_with_caller(store, ty, (kiln_go_callback)kilnGoStoreFunc, (void *)index,
                                   NULL);
}

/* A host function in a linker, whose environment is a cgo.Handle the
 * finalizer deletes. */
static inline kiln_error_t *kiln_go_linker_define(kiln_linker_t *linker, const char *module,
                                                  const char *name, const wasm_functype_t *ty,
                                                  bool numeric, uintptr_t handle) {
  if (numeric) {
    return kiln_linker_define_func_raw(linker, module, name, ty, kilnGoLinkerRawFunc,
                                       (void *)handle, kilnGoDeleteHandle);
  }
  return kiln_linker_define_func_with_caller(linker, module, name, ty,
                                             (kiln_go_callback)kilnGoLinkerFunc, (void *)handle,
                                             kilnGoDeleteHandle);
}

static inline void kiln_go_store_set_data(wasm_store_t *store, uintptr_t data) {
  kiln_store_set_data(store, (void *)data);
}

/* Gives a foreign object (an externref) a cgo.Handle as host info. */
static inline void kiln_go_foreign_set_handle(wasm_foreign_t *foreign, uintptr_t handle) {
  wasm_foreign_set_host_info_with_finalizer(foreign, (void *)handle, kilnGoDeleteHandle);
}

/* A component host function whose environment is a cgo.Handle the
 * finalizer deletes (componentcallbacks.go). */
static inline kiln_error_t *kiln_go_component_define_func(kiln_component_linker_t *linker,
                                                          const char *interface, const char *name,
                                                          uintptr_t handle) {
  return kiln_component_linker_define_func(linker, interface, name, kilnGoComponentFunc,
                                           (void *)handle, kilnGoDeleteHandle);
}

/* A component host function of values whose environment is a cgo.Handle
 * the finalizer deletes (componentcallbacks.go). */
static inline kiln_error_t *kiln_go_component_func_new(kiln_component_linker_t *linker,
                                                       const char *interface, const char *name,
                                                       uintptr_t handle) {
  return kiln_component_linker_func_new(linker, interface, name, kilnGoComponentFuncNew,
                                        (void *)handle, kilnGoDeleteHandle);
}

/* Attaches a cgo.Handle of a host function's Go error to the trap made
 * for it, deleted with the trap: C hands the very trap object back to the
 * call that wasm unwound to (componentcallbacks.go, trap.go). */
static inline void kiln_go_trap_set_error(wasm_trap_t *trap, uintptr_t handle) {
  wasm_trap_set_host_info_with_finalizer(trap, (void *)handle, kilnGoDeleteHandle);
}

/* The cgo.Handle kiln_go_trap_set_error attached to `trap` (0: none). */
static inline uintptr_t kiln_go_trap_error(const wasm_trap_t *trap) {
  return (uintptr_t)wasm_trap_get_host_info(trap);
}

/* A host resource type whose destructor's environment is a cgo.Handle
 * (0: no destructor). */
static inline kiln_error_t *kiln_go_component_define_resource(
    kiln_component_linker_t *linker, const char *interface, const char *name,
    const kiln_component_resource_type_t *type, uintptr_t handle) {
  if (!handle) {
    return kiln_component_linker_define_resource(linker, interface, name, type, NULL, NULL, NULL);
  }
  return kiln_component_linker_define_resource(linker, interface, name, type,
                                               kilnGoComponentDestructor, (void *)handle,
                                               kilnGoDeleteHandle);
}

#endif
