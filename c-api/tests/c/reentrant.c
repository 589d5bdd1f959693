/* Host functions that call back into wasm of the same store: one level, and
 * a thousand levels of alternating wasm and host frames, returning and
 * trapping at the bottom; the store stays usable after the trap. The wasm
 * stack limit counts the host frames between wasm frames too, so it is
 * raised to 6 MiB, on a thread with an 8 MiB stack (valgrind grows the main
 * thread's stack on demand, and cannot while it delivers a trap's signal). */
#include <pthread.h>
#include "kiln_common.h"

static wasm_func_t* double_func;
/* The export the "down" host function calls: `down` or `down_trap`. */
static wasm_func_t* next;
static int deepest_host_level = 0;

static own wasm_trap_t* host(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  wasm_val_t as[1] = {WASM_I32_VAL(args->data[0].of.i32)};
  wasm_val_vec_t inner_args = WASM_ARRAY_VEC(as);
  return wasm_func_call(double_func, &inner_args, results);
}

static own wasm_trap_t* down(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  int level = args->data[0].of.i32;
  if (deepest_host_level == 0 || level < deepest_host_level) deepest_host_level = level;
  wasm_val_t as[1] = {WASM_I32_VAL(level)};
  wasm_val_vec_t inner_args = WASM_ARRAY_VEC(as);
  return wasm_func_call(next, &inner_args, results);
}

static void call(wasm_func_t* func, const char* name, int arg) {
  wasm_val_t as[1] = {WASM_I32_VAL(arg)};
  wasm_val_t rs[1] = {WASM_INIT_VAL};
  wasm_val_vec_t args = WASM_ARRAY_VEC(as);
  wasm_val_vec_t results = WASM_ARRAY_VEC(rs);
  wasm_trap_t* trap = wasm_func_call(func, &args, &results);
  if (trap != NULL) {
    wasm_message_t message;
    wasm_trap_message(trap, &message);
    printf("%s(%d) trapped: %s\n", name, arg, message.data);
    wasm_byte_vec_delete(&message);
    wasm_trap_delete(trap);
  } else {
    printf("%s(%d) = %d\n", name, arg, rs[0].of.i32);
  }
}

static void* run(void* unused) {
  (void)unused;
  wasm_config_t* config = wasm_config_new();
  kiln_config_max_wasm_stack_set(config, 6 << 20);
  wasm_engine_t* engine = wasm_engine_new_with_config(config);
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = load_module(store);

  wasm_functype_t* type = wasm_functype_new_1_1(wasm_valtype_new_i32(), wasm_valtype_new_i32());
  wasm_func_t* host_func = wasm_func_new(store, type, host);
  wasm_func_t* down_func = wasm_func_new(store, type, down);
  wasm_functype_delete(type);
  wasm_extern_t* externs[] = {wasm_func_as_extern(host_func), wasm_func_as_extern(down_func)};
  wasm_extern_vec_t imports = WASM_ARRAY_VEC(externs);
  wasm_instance_t* instance = wasm_instance_new(store, module, &imports, NULL);
  CHECK(instance != NULL);

  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  double_func = wasm_extern_as_func(exports.data[0]);
  call(wasm_extern_as_func(exports.data[1]), "run", 20);

  next = wasm_extern_as_func(exports.data[2]);
  call(next, "down", 1000);
  printf("the deepest host call was at level %d\n", deepest_host_level);
  next = wasm_extern_as_func(exports.data[3]);
  call(next, "down_trap", 1000);
  next = wasm_extern_as_func(exports.data[2]);
  call(next, "down", 10);

  wasm_extern_vec_delete(&exports);
  wasm_func_delete(host_func);
  wasm_func_delete(down_func);
  wasm_instance_delete(instance);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  return NULL;
}

int main(void) {
  pthread_attr_t attr;
  pthread_t thread;
  CHECK(pthread_attr_init(&attr) == 0);
  CHECK(pthread_attr_setstacksize(&attr, 8 << 20) == 0);
  CHECK(pthread_create(&thread, &attr, run, NULL) == 0);
  CHECK(pthread_join(thread, NULL) == 0);
  pthread_attr_destroy(&attr);
  return 0;
}
