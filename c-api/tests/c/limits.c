/* Store limits from kiln.h: growing past a bound fails the way wasm
 * expects, and instantiation past a bound fails with a message. */
#include "kiln_common.h"

static int32_t call_i32(wasm_func_t* f, int32_t arg) {
  wasm_val_t args_val[1] = {WASM_I32_VAL(arg)};
  wasm_val_t results_val[1] = {WASM_INIT_VAL};
  wasm_val_vec_t args = WASM_ARRAY_VEC(args_val);
  wasm_val_vec_t results = WASM_ARRAY_VEC(results_val);
  CHECK(wasm_func_call(f, &args, &results) == NULL);
  return results_val[0].of.i32;
}

int main(void) {
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  kiln_store_limiter(store, 2 * 65536, 5, 1, -1, -1);
  wasm_module_t* module = load_module(store);
  wasm_extern_vec_t none = WASM_EMPTY_VEC;
  wasm_instance_t* instance = wasm_instance_new(store, module, &none, NULL);
  CHECK(instance != NULL);
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  wasm_memory_t* memory = wasm_extern_as_memory(exports.data[0]);
  wasm_table_t* table = wasm_extern_as_table(exports.data[1]);
  wasm_func_t* grow_memory = wasm_extern_as_func(exports.data[2]);
  wasm_func_t* grow_table = wasm_extern_as_func(exports.data[3]);

  printf("memory.grow(1) = %d\n", call_i32(grow_memory, 1));
  printf("memory.grow(1) past the limit = %d\n", call_i32(grow_memory, 1));
  printf("wasm_memory_grow past the limit: %s\n", wasm_memory_grow(memory, 1) ? "grew" : "refused");
  printf("table.grow(4) = %d\n", call_i32(grow_table, 4));
  printf("table.grow(1) past the limit = %d\n", call_i32(grow_table, 1));
  printf("wasm_table_grow past the limit: %s\n", wasm_table_grow(table, 1, NULL) ? "grew" : "refused");

  wasm_trap_t* trap = NULL;
  CHECK(wasm_instance_new(store, module, &none, &trap) == NULL);
  printf("a second instance: ");
  print_trap(trap);

  /* Lifting the bounds lets the store grow again. */
  kiln_store_limiter(store, -1, -1, -1, -1, -1);
  printf("memory.grow(1) without limits = %d\n", call_i32(grow_memory, 1));

  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  printf("Done.\n");
  return 0;
}
