/* A store deleted while objects of it are alive stays alive until the last
 * one goes: the instance, its exports and a trap keep working after
 * wasm_store_delete, and deleting them afterwards frees everything (valgrind
 * checks for invalid accesses and leaks). Also: a results vector with a size
 * but no data is refused, not written through. */
#include "common.h"

int main(void) {
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = load_module(store);
  wasm_instance_t* instance = wasm_instance_new(store, module, NULL, NULL);
  CHECK(instance != NULL);
  wasm_module_delete(module);
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  CHECK(exports.size == 2);
  wasm_func_t* answer = wasm_extern_as_func(exports.data[1]);
  wasm_memory_t* memory = wasm_extern_as_memory(exports.data[0]);

  wasm_val_t result[1] = {WASM_INIT_VAL};
  wasm_val_vec_t no_data = {1, NULL};
  wasm_trap_t* refused = wasm_func_call(answer, NULL, &no_data);
  CHECK(refused != NULL);
  print_trap(refused);

  printf("Deleting the store first...\n");
  wasm_store_delete(store);

  wasm_val_vec_t results = WASM_ARRAY_VEC(result);
  CHECK(wasm_func_call(answer, NULL, &results) == NULL);
  printf("answer() = %d\n", result[0].of.i32);
  printf("memory[16] = %d, %zu bytes\n", wasm_memory_data(memory)[16],
         wasm_memory_data_size(memory));
  CHECK(wasm_memory_grow(memory, 1));
  printf("grown to %u pages\n", wasm_memory_size(memory));
  wasm_func_t* copy = wasm_func_copy(answer);

  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  CHECK(wasm_func_call(copy, NULL, &results) == NULL);
  printf("the copy still answers %d\n", result[0].of.i32);
  wasm_func_delete(copy);
  wasm_engine_delete(engine);
  printf("Done.\n");
  return 0;
}
