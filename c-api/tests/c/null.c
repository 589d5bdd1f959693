/* NULL where an object is expected never crashes: functions return NULL,
 * false or zero, or do nothing, and `out` vectors come back empty. */
#include "common.h"

int main(void) {
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);

  CHECK(wasm_store_new(NULL) == NULL);
  CHECK(wasm_engine_new_with_config(NULL) == NULL);
  CHECK(wasm_module_new(store, NULL) == NULL);
  CHECK(wasm_module_new(NULL, NULL) == NULL);
  CHECK(!wasm_module_validate(store, NULL));
  wasm_byte_vec_t garbage;
  wasm_name_new_from_string(&garbage, "not wasm");
  CHECK(!wasm_module_validate(store, &garbage));
  CHECK(wasm_module_new(store, &garbage) == NULL);
  wasm_byte_vec_delete(&garbage);
  CHECK(garbage.size == 0 && garbage.data == NULL);

  CHECK(wasm_valtype_new(77) == NULL);
  CHECK(wasm_functype_new(NULL, NULL) == NULL);
  CHECK(wasm_functype_params(NULL) == NULL);
  CHECK(wasm_globaltype_new(NULL, WASM_CONST) == NULL);
  CHECK(wasm_globaltype_new(wasm_valtype_new_i32(), 7) == NULL);
  CHECK(wasm_tabletype_new(wasm_valtype_new_i32(), NULL) == NULL);
  wasm_limits_t limits = {1, 2};
  CHECK(wasm_tabletype_new(wasm_valtype_new_i32(), &limits) == NULL);
  CHECK(wasm_memorytype_new(NULL) == NULL);
  CHECK(wasm_externtype_as_functype(NULL) == NULL);
  CHECK(wasm_importtype_new(NULL, NULL, NULL) == NULL);

  wasm_importtype_vec_t imports;
  wasm_module_imports(NULL, &imports);
  CHECK(imports.size == 0);
  wasm_importtype_vec_delete(&imports);
  wasm_module_imports(NULL, NULL);

  CHECK(wasm_func_new(store, NULL, NULL) == NULL);
  CHECK(wasm_func_new(NULL, NULL, NULL) == NULL);
  CHECK(wasm_func_type(NULL) == NULL);
  CHECK(wasm_func_param_arity(NULL) == 0);
  wasm_trap_t* trap = wasm_func_call(NULL, NULL, NULL);
  CHECK(trap != NULL);
  print_trap(trap);

  CHECK(wasm_global_new(store, NULL, NULL) == NULL);
  wasm_val_t v = WASM_I32_VAL(1);
  wasm_global_get(NULL, &v);
  wasm_global_set(NULL, &v);
  CHECK(wasm_memory_new(store, NULL) == NULL);
  CHECK(wasm_memory_data(NULL) == NULL);
  CHECK(!wasm_memory_grow(NULL, 1));
  CHECK(wasm_table_new(store, NULL, NULL) == NULL);
  CHECK(wasm_table_get(NULL, 0) == NULL);
  CHECK(!wasm_table_set(NULL, 0, NULL));
  CHECK(wasm_extern_as_func(NULL) == NULL);
  CHECK(wasm_extern_type(NULL) == NULL);
  CHECK(wasm_ref_as_func(NULL) == NULL);
  CHECK(wasm_instance_new(store, NULL, NULL, NULL) == NULL);
  trap = (wasm_trap_t*)1;
  CHECK(wasm_instance_new(store, NULL, NULL, &trap) == NULL);
  CHECK(trap == NULL);
  wasm_extern_vec_t exports;
  wasm_instance_exports(NULL, &exports);
  CHECK(exports.size == 0);
  wasm_extern_vec_delete(&exports);
  CHECK(wasm_trap_origin(NULL) == NULL);
  CHECK(wasm_frame_instance(NULL) == NULL);

  /* The deleters accept NULL. */
  wasm_config_delete(NULL);
  wasm_engine_delete(NULL);
  wasm_store_delete(NULL);
  wasm_module_delete(NULL);
  wasm_instance_delete(NULL);
  wasm_func_delete(NULL);
  wasm_extern_delete(NULL);
  wasm_trap_delete(NULL);
  wasm_frame_delete(NULL);
  wasm_ref_delete(NULL);
  wasm_valtype_delete(NULL);
  wasm_functype_delete(NULL);
  wasm_val_delete(NULL);
  wasm_byte_vec_delete(NULL);
  wasm_val_vec_delete(NULL);

  /* A module with no imports instantiates with a NULL imports vector. */
  wasm_module_t* module = load_module(store);
  wasm_instance_t* instance = wasm_instance_new(store, module, NULL, NULL);
  CHECK(instance != NULL);
  wasm_instance_delete(instance);
  wasm_module_delete(module);

  /* Vectors: copy and delete own their elements. */
  wasm_valtype_t* types[2] = {wasm_valtype_new_i64(), NULL};
  wasm_valtype_vec_t tv, tv2;
  wasm_valtype_vec_new(&tv, 2, types);
  wasm_valtype_vec_copy(&tv2, &tv);
  CHECK(tv2.size == 2 && wasm_valtype_kind(tv2.data[0]) == WASM_I64 && tv2.data[1] == NULL);
  wasm_valtype_vec_delete(&tv);
  wasm_valtype_vec_delete(&tv2);
  wasm_val_vec_t vv;
  wasm_val_vec_new_uninitialized(&vv, 3);
  CHECK(vv.size == 3);
  wasm_val_vec_delete(&vv);

  wasm_store_delete(store);
  wasm_engine_delete(engine);
  printf("Done.\n");
  return 0;
}
