/* One module imports a memory, a global, a function and a table that
 * another instance exports: the two instances share them. The provider is
 * `linking.provider.wat`, embedded as `provider_wasm`. */
#include "common.h"

static int32_t call_run(wasm_func_t* run, int32_t x) {
  wasm_val_t args_val[1] = {WASM_I32_VAL(x)};
  wasm_val_t results_val[1] = {WASM_INIT_VAL};
  wasm_val_vec_t args = WASM_ARRAY_VEC(args_val);
  wasm_val_vec_t results = WASM_ARRAY_VEC(results_val);
  wasm_trap_t* trap = wasm_func_call(run, &args, &results);
  CHECK(trap == NULL);
  return results_val[0].of.i32;
}

int main(void) {
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);

  wasm_byte_vec_t provider_binary;
  wasm_byte_vec_new(&provider_binary, provider_wasm_len, (const wasm_byte_t*)provider_wasm);
  wasm_module_t* provider_module = wasm_module_new(store, &provider_binary);
  wasm_byte_vec_delete(&provider_binary);
  CHECK(provider_module != NULL);
  wasm_extern_vec_t no_imports = WASM_EMPTY_VEC;
  wasm_instance_t* provider = wasm_instance_new(store, provider_module, &no_imports, NULL);
  CHECK(provider != NULL);
  wasm_extern_vec_t provided;
  wasm_instance_exports(provider, &provided);
  CHECK(provided.size == 4);

  /* The client's imports, in the order it declares them, are the
   * provider's exports in its own order: memory, counter, bump, table. */
  wasm_module_t* client_module = load_module(store);
  wasm_importtype_vec_t wanted;
  wasm_module_imports(client_module, &wanted);
  for (size_t i = 0; i < wanted.size; i++) {
    const wasm_name_t* name = wasm_importtype_name(wanted.data[i]);
    printf("client imports %.*s\n", (int)name->size, name->data);
  }
  wasm_importtype_vec_delete(&wanted);

  wasm_instance_t* client = wasm_instance_new(store, client_module, &provided, NULL);
  CHECK(client != NULL);
  wasm_extern_vec_t exports;
  wasm_instance_exports(client, &exports);
  wasm_func_t* run = wasm_extern_as_func(exports.data[0]);

  /* run(x) stores x at 8, adds 100 to the counter, and returns
   * bump(x) + double(x) = (x + x) + 2x, bump also adding 1 to the counter. */
  printf("run(5) = %d\n", call_run(run, 5));
  printf("run(7) = %d\n", call_run(run, 7));
  wasm_memory_t* memory = wasm_extern_as_memory(provided.data[0]);
  int32_t stored;
  memcpy(&stored, wasm_memory_data(memory) + 8, sizeof stored);
  printf("provider's memory at 8 = %d\n", stored);
  wasm_val_t counter;
  wasm_global_get(wasm_extern_as_global(provided.data[1]), &counter);
  printf("provider's counter = %d\n", counter.of.i32);

  /* Wrong imports are refused with a message. */
  wasm_extern_t* wrong_externs[] = {provided.data[1], provided.data[0], provided.data[2],
                                    provided.data[3]};
  wasm_extern_vec_t wrong = WASM_ARRAY_VEC(wrong_externs);
  wasm_trap_t* trap = NULL;
  CHECK(wasm_instance_new(store, client_module, &wrong, &trap) == NULL);
  printf("swapped imports: ");
  print_trap(trap);
  wasm_extern_t* few_externs[] = {provided.data[0]};
  wasm_extern_vec_t few = WASM_ARRAY_VEC(few_externs);
  CHECK(wasm_instance_new(store, client_module, &few, &trap) == NULL);
  printf("too few imports: ");
  print_trap(trap);

  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(client);
  wasm_module_delete(client_module);
  wasm_extern_vec_delete(&provided);
  wasm_instance_delete(provider);
  wasm_module_delete(provider_module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  printf("Done.\n");
  return 0;
}
