#include <stdio.h>
#include <string.h>
#include <wasm.h>
#include <kiln.h>

int main(void) {
  const char* wat = "(module (func (export \"add\") (param i32 i32) (result i32)"
                    " (i32.add (local.get 0) (local.get 1))))";
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_byte_vec_t binary;
  kiln_wat2wasm((const uint8_t*)wat, strlen(wat), &binary);
  wasm_module_t* module = wasm_module_new(store, &binary);
  wasm_extern_vec_t imports = WASM_EMPTY_VEC, exports;
  wasm_instance_t* instance = wasm_instance_new(store, module, &imports, NULL);
  wasm_instance_exports(instance, &exports);

  wasm_val_t args_val[2] = {WASM_I32_VAL(2), WASM_I32_VAL(3)}, results_val[1];
  wasm_val_vec_t args = WASM_ARRAY_VEC(args_val), results = WASM_ARRAY_VEC(results_val);
  wasm_trap_t* trap = wasm_func_call(wasm_extern_as_func(exports.data[0]), &args, &results);
  printf("2 + 3 = %d\n", trap ? -1 : results_val[0].of.i32);

  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_module_delete(module);
  wasm_byte_vec_delete(&binary);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  return 0;
}
