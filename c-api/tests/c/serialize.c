/* Serializing a module and loading it back, and sharing a module with
 * another thread. */
#include <pthread.h>
#include "common.h"

/* Instantiates `module` in `store` and returns square(x). */
static int32_t square(wasm_store_t* store, const wasm_module_t* module, int32_t x) {
  wasm_extern_vec_t no_imports = WASM_EMPTY_VEC;
  wasm_instance_t* instance = wasm_instance_new(store, module, &no_imports, NULL);
  CHECK(instance != NULL);
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  CHECK(exports.size == 1);
  wasm_val_t args_val[1] = {WASM_I32_VAL(x)};
  wasm_val_t results_val[1] = {WASM_INIT_VAL};
  wasm_val_vec_t args = WASM_ARRAY_VEC(args_val);
  wasm_val_vec_t results = WASM_ARRAY_VEC(results_val);
  CHECK(wasm_func_call(wasm_extern_as_func(exports.data[0]), &args, &results) == NULL);
  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  return results_val[0].of.i32;
}

struct job {
  wasm_engine_t* engine;
  wasm_shared_module_t* shared;
  int32_t result;
};

static void* run_job(void* arg) {
  struct job* job = arg;
  wasm_store_t* store = wasm_store_new(job->engine);
  wasm_module_t* module = wasm_module_obtain(store, job->shared);
  CHECK(module != NULL);
  job->result = square(store, module, 12);
  wasm_module_delete(module);
  wasm_store_delete(store);
  return NULL;
}

int main(void) {
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = load_module(store);

  wasm_byte_vec_t serialized;
  wasm_module_serialize(module, &serialized);
  printf("serialized: %s\n", serialized.size > module_wasm_len ? "bigger than the wasm" : "small");

  /* Loaded back in another store of the same engine, with the same
   * imports and exports. */
  wasm_store_t* store2 = wasm_store_new(engine);
  wasm_module_t* loaded = wasm_module_deserialize(store2, &serialized);
  CHECK(loaded != NULL);
  wasm_exporttype_vec_t exports;
  wasm_module_exports(loaded, &exports);
  const wasm_name_t* name = wasm_exporttype_name(exports.data[0]);
  printf("loaded module exports %zu: %.*s\n", exports.size, (int)name->size, name->data);
  wasm_exporttype_vec_delete(&exports);
  printf("square(7) in the loaded module = %d\n", square(store2, loaded, 7));

  /* A module outlives the store it was compiled in. */
  wasm_store_delete(store2);
  wasm_store_t* store3 = wasm_store_new(engine);
  printf("square(9) after its store is gone = %d\n", square(store3, loaded, 9));
  wasm_store_delete(store3);
  wasm_module_delete(loaded);

  /* Bad artifacts are refused. */
  wasm_byte_vec_t truncated;
  wasm_byte_vec_new(&truncated, serialized.size / 2, serialized.data);
  printf("truncated artifact: %s\n", wasm_module_deserialize(store, &truncated) == NULL ? "refused" : "loaded");
  wasm_byte_vec_delete(&truncated);
  wasm_byte_vec_t wasm_bytes;
  wasm_byte_vec_new(&wasm_bytes, module_wasm_len, (const wasm_byte_t*)module_wasm);
  printf("plain wasm as an artifact: %s\n", wasm_module_deserialize(store, &wasm_bytes) == NULL ? "refused" : "loaded");
  wasm_byte_vec_delete(&wasm_bytes);
  wasm_byte_vec_t empty = WASM_EMPTY_VEC;
  printf("empty artifact: %s\n", wasm_module_deserialize(store, &empty) == NULL ? "refused" : "loaded");

  /* An engine with other settings refuses the artifact. */
  wasm_engine_t* other_engine = wasm_engine_new();
  wasm_store_t* other_store = wasm_store_new(other_engine);
  wasm_module_t* in_other = wasm_module_deserialize(other_store, &serialized);
  printf("same settings, another engine: %s\n", in_other != NULL ? "loaded" : "refused");
  wasm_module_delete(in_other);
  wasm_byte_vec_delete(&serialized);

  /* Shared with another thread, which obtains it in its own store. */
  wasm_shared_module_t* shared = wasm_module_share(module);
  CHECK(shared != NULL);
  struct job job = {engine, shared, 0};
  pthread_t thread;
  CHECK(pthread_create(&thread, NULL, run_job, &job) == 0);
  CHECK(pthread_join(thread, NULL) == 0);
  printf("square(12) in another thread = %d\n", job.result);
  printf("obtained by a store of another engine: %s\n",
         wasm_module_obtain(other_store, shared) == NULL ? "refused" : "obtained");
  wasm_shared_module_delete(shared);

  wasm_store_delete(other_store);
  wasm_engine_delete(other_engine);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  printf("Done.\n");
  return 0;
}
