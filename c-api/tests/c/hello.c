/* A host function called from wasm, and reflection on imports and exports. */
#include "common.h"

static own wasm_trap_t* hello_callback(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  CHECK(args->size == 0 && results->size == 0);
  printf("> Hello World!\n");
  return NULL;
}

int main(void) {
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = load_module(store);

  wasm_importtype_vec_t imports;
  wasm_module_imports(module, &imports);
  for (size_t i = 0; i < imports.size; i++) {
    const wasm_name_t* m = wasm_importtype_module(imports.data[i]);
    const wasm_name_t* n = wasm_importtype_name(imports.data[i]);
    printf("import \"%.*s\" \"%.*s\" kind %d\n", (int)m->size, m->data, (int)n->size, n->data,
           wasm_externtype_kind(wasm_importtype_type(imports.data[i])));
  }
  wasm_importtype_vec_delete(&imports);
  wasm_exporttype_vec_t exports;
  wasm_module_exports(module, &exports);
  for (size_t i = 0; i < exports.size; i++) {
    const wasm_name_t* n = wasm_exporttype_name(exports.data[i]);
    const wasm_functype_t* ft =
        wasm_externtype_as_functype_const(wasm_exporttype_type(exports.data[i]));
    CHECK(ft != NULL);
    printf("export \"%.*s\" params %zu results %zu\n", (int)n->size, n->data,
           wasm_functype_params(ft)->size, wasm_functype_results(ft)->size);
  }
  wasm_exporttype_vec_delete(&exports);

  wasm_functype_t* hello_type = wasm_functype_new_0_0();
  wasm_func_t* hello_func = wasm_func_new(store, hello_type, hello_callback);
  wasm_functype_delete(hello_type);

  wasm_extern_t* externs[] = {wasm_func_as_extern(hello_func)};
  wasm_extern_vec_t imports_vec = WASM_ARRAY_VEC(externs);
  wasm_trap_t* trap = (wasm_trap_t*)1;
  wasm_instance_t* instance = wasm_instance_new(store, module, &imports_vec, &trap);
  CHECK(instance != NULL && trap == NULL);
  wasm_func_delete(hello_func);

  wasm_extern_vec_t instance_exports;
  wasm_instance_exports(instance, &instance_exports);
  CHECK(instance_exports.size == 1);
  CHECK(wasm_extern_kind(instance_exports.data[0]) == WASM_EXTERN_FUNC);
  const wasm_func_t* run = wasm_extern_as_func(instance_exports.data[0]);
  CHECK(run != NULL);
  CHECK(wasm_extern_as_memory(instance_exports.data[0]) == NULL);
  CHECK(wasm_func_param_arity(run) == 0 && wasm_func_result_arity(run) == 0);

  printf("Calling export...\n");
  wasm_val_vec_t args = WASM_EMPTY_VEC;
  wasm_val_vec_t results = WASM_EMPTY_VEC;
  CHECK(wasm_func_call(run, &args, &results) == NULL);

  wasm_extern_vec_delete(&instance_exports);
  wasm_instance_delete(instance);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  printf("Done.\n");
  return 0;
}
