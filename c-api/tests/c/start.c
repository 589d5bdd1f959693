/* Start functions run once, during instantiation; a trapping start function
 * makes instantiation fail with its trap. */
#include "common.h"

static int log_calls = 0;

static own wasm_trap_t* log_callback(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  (void)results;
  log_calls++;
  printf("> start logged '%c'\n", (char)args->data[0].of.i32);
  return NULL;
}

static wasm_instance_t* instantiate(wasm_store_t* store, wasm_module_t* module, wasm_func_t* log,
                                    int32_t fail, wasm_trap_t** trap) {
  wasm_globaltype_t* type = wasm_globaltype_new(wasm_valtype_new_i32(), WASM_CONST);
  wasm_val_t value = WASM_I32_VAL(fail);
  wasm_global_t* global = wasm_global_new(store, type, &value);
  wasm_globaltype_delete(type);
  wasm_extern_t* externs[] = {wasm_func_as_extern(log), wasm_global_as_extern(global)};
  wasm_extern_vec_t imports = WASM_ARRAY_VEC(externs);
  wasm_instance_t* instance = wasm_instance_new(store, module, &imports, trap);
  wasm_global_delete(global);
  return instance;
}

int main(void) {
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = load_module(store);
  wasm_functype_t* log_type = wasm_functype_new_1_0(wasm_valtype_new_i32());
  wasm_func_t* log = wasm_func_new(store, log_type, log_callback);
  wasm_functype_delete(log_type);

  wasm_trap_t* trap = (wasm_trap_t*)1;
  wasm_instance_t* instance = instantiate(store, module, log, 0, &trap);
  CHECK(instance != NULL);
  CHECK(trap == NULL);
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  wasm_val_t ready;
  wasm_global_get(wasm_extern_as_global(exports.data[0]), &ready);
  printf("after instantiation: ready = %d, start ran %d time(s)\n", ready.of.i32, log_calls);
  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);

  wasm_instance_t* failed = instantiate(store, module, log, 1, &trap);
  printf("instantiation with a trapping start: %s\n", failed == NULL ? "failed" : "succeeded");
  CHECK(trap != NULL);
  wasm_frame_t* origin = wasm_trap_origin(trap);
  CHECK(origin != NULL);
  printf("origin: func %u\n", wasm_frame_func_index(origin));
  wasm_frame_delete(origin);
  print_trap(trap);

  /* Without somewhere to put the trap, instantiation still fails cleanly. */
  CHECK(instantiate(store, module, log, 1, NULL) == NULL);
  printf("start ran %d time(s) in all\n", log_calls);

  wasm_func_delete(log);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  printf("Done.\n");
  return 0;
}
