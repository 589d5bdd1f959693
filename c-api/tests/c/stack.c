/* Deep recursion in wasm traps with "call stack exhausted" on threads whose
 * stacks are smaller than the engine's wasm stack limit (512 KiB), the same
 * size or larger, and the store stays usable. (Not on the main thread here:
 * valgrind grows its stack on demand and cannot while delivering a signal.) */
#include <pthread.h>
#include "common.h"

static wasm_engine_t* engine;

static void* recurse(void* stack_size) {
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = load_module(store);
  wasm_instance_t* instance = wasm_instance_new(store, module, NULL, NULL);
  CHECK(instance != NULL);
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  wasm_func_t* down = wasm_extern_as_func(exports.data[0]);
  wasm_val_t arg[1] = {WASM_I32_VAL(1000000)};
  wasm_val_t result[1] = {WASM_INIT_VAL};
  wasm_val_vec_t args = WASM_ARRAY_VEC(arg);
  wasm_val_vec_t results = WASM_ARRAY_VEC(result);
  wasm_trap_t* trap = wasm_func_call(down, &args, &results);
  CHECK(trap != NULL);
  wasm_message_t message;
  wasm_trap_message(trap, &message);
  printf("%zu KiB stack: %s", (size_t)stack_size / 1024, message.data);
  wasm_byte_vec_delete(&message);
  wasm_trap_delete(trap);
  arg[0].of.i32 = 100;
  CHECK(wasm_func_call(down, &args, &results) == NULL);
  printf(", then down(100) = %d\n", result[0].of.i32);
  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_module_delete(module);
  wasm_store_delete(store);
  return NULL;
}

int main(void) {
  engine = wasm_engine_new();
  size_t sizes[] = {128 * 1024, 512 * 1024, 8 * 1024 * 1024};
  for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
    pthread_attr_t attr;
    pthread_t thread;
    CHECK(pthread_attr_init(&attr) == 0);
    CHECK(pthread_attr_setstacksize(&attr, sizes[i]) == 0);
    CHECK(pthread_create(&thread, &attr, recurse, (void*)sizes[i]) == 0);
    CHECK(pthread_join(thread, NULL) == 0);
    pthread_attr_destroy(&attr);
  }
  wasm_engine_delete(engine);
  printf("Done.\n");
  return 0;
}
