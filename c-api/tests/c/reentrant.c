/* A host function that calls back into wasm of the same store. */
#include "common.h"

static wasm_func_t* double_func;

static own wasm_trap_t* host(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  wasm_val_t as[1] = {WASM_I32_VAL(args->data[0].of.i32)};
  wasm_val_vec_t inner_args = WASM_ARRAY_VEC(as);
  return wasm_func_call(double_func, &inner_args, results);
}

int main(void) {
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = load_module(store);

  wasm_functype_t* type = wasm_functype_new_1_1(wasm_valtype_new_i32(), wasm_valtype_new_i32());
  wasm_func_t* host_func = wasm_func_new(store, type, host);
  wasm_functype_delete(type);
  wasm_extern_t* externs[] = {wasm_func_as_extern(host_func)};
  wasm_extern_vec_t imports = WASM_ARRAY_VEC(externs);
  wasm_instance_t* instance = wasm_instance_new(store, module, &imports, NULL);
  CHECK(instance != NULL);

  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  double_func = wasm_extern_as_func(exports.data[0]);
  wasm_val_t as[1] = {WASM_I32_VAL(20)};
  wasm_val_t rs[1] = {WASM_INIT_VAL};
  wasm_val_vec_t args = WASM_ARRAY_VEC(as);
  wasm_val_vec_t results = WASM_ARRAY_VEC(rs);
  wasm_trap_t* trap = wasm_func_call(wasm_extern_as_func(exports.data[1]), &args, &results);
  if (trap != NULL) {
    print_trap(trap);
  } else {
    printf("run(20) = %d\n", rs[0].of.i32);
  }

  wasm_extern_vec_delete(&exports);
  wasm_func_delete(host_func);
  wasm_instance_delete(instance);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  return 0;
}
