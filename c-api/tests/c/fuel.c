/* Fuel and epoch interruption from kiln.h: a guest that runs too long
 * stops with a trap, and the store stays usable. */
#include <pthread.h>
#include <time.h>
#include "kiln_common.h"

/* Calls `f` with i32 arguments `args`, printing the result or the trap. */
static void call(const char* label, wasm_func_t* f, int32_t arg, size_t nargs) {
  wasm_val_t args_val[1] = {WASM_I32_VAL(arg)};
  wasm_val_t results_val[1] = {WASM_INIT_VAL};
  wasm_val_vec_t args = {nargs, args_val};
  wasm_val_vec_t results = {wasm_func_result_arity(f), results_val};
  wasm_trap_t* trap = wasm_func_call(f, &args, &results);
  if (trap == NULL) {
    printf("%s = %d\n", label, results_val[0].of.i32);
    return;
  }
  kiln_trap_code_t code = 255;
  CHECK(kiln_trap_code(trap, &code));
  wasm_message_t message;
  wasm_trap_message(trap, &message);
  printf("%s: trap code %d, %s\n", label, code, message.data);
  wasm_byte_vec_delete(&message);
  wasm_trap_delete(trap);
}

static wasm_instance_t* instantiate(wasm_store_t* store, wasm_module_t* module,
                                    wasm_extern_vec_t* exports) {
  wasm_extern_vec_t none = WASM_EMPTY_VEC;
  wasm_instance_t* instance = wasm_instance_new(store, module, &none, NULL);
  CHECK(instance != NULL);
  wasm_instance_exports(instance, exports);
  return instance;
}

static void* tick_later(void* arg) {
  struct timespec delay = {0, 50 * 1000 * 1000};
  nanosleep(&delay, NULL);
  kiln_engine_increment_epoch((wasm_engine_t*)arg);
  return NULL;
}

int main(void) {
  /* Without fuel enabled, fuel cannot be set. */
  wasm_engine_t* plain = wasm_engine_new();
  wasm_store_t* plain_store = wasm_store_new(plain);
  print_error("set fuel without fuel enabled", kiln_store_set_fuel(plain_store, 10));
  wasm_store_delete(plain_store);
  wasm_engine_delete(plain);

  wasm_config_t* config = wasm_config_new();
  kiln_config_consume_fuel_set(config, true);
  kiln_config_epoch_interruption_set(config, true);
  wasm_engine_t* engine = NULL;
  check_ok(kiln_engine_new(config, &engine));
  wasm_store_t* store = wasm_store_new(engine);
  kiln_store_set_epoch_deadline(store, 1000);
  wasm_module_t* module = load_module(store);
  wasm_extern_vec_t exports;
  wasm_instance_t* instance = instantiate(store, module, &exports);
  wasm_func_t* count = wasm_extern_as_func(exports.data[0]);
  wasm_func_t* forever = wasm_extern_as_func(exports.data[1]);

  uint64_t fuel = 99;
  check_ok(kiln_store_get_fuel(store, &fuel));
  printf("a new store's fuel: %llu\n", (unsigned long long)fuel);
  call("count(10) with no fuel", count, 10, 1);

  check_ok(kiln_store_set_fuel(store, 1000000));
  call("count(10)", count, 10, 1);
  uint64_t after_10;
  check_ok(kiln_store_get_fuel(store, &after_10));
  call("count(20)", count, 20, 1);
  uint64_t after_20;
  check_ok(kiln_store_get_fuel(store, &after_20));
  uint64_t cost_10 = 1000000 - after_10, cost_20 = after_10 - after_20;
  printf("count(20) costs more than count(10): %s\n", cost_20 > cost_10 ? "yes" : "no");

  call("forever()", forever, 0, 0);
  check_ok(kiln_store_get_fuel(store, &fuel));
  printf("fuel left after forever(): %llu\n", (unsigned long long)fuel);
  check_ok(kiln_store_set_fuel(store, 1000000));
  call("count(5) after running out", count, 5, 1);

  /* Epochs: another thread ticks the engine while wasm spins. */
  check_ok(kiln_store_set_fuel(store, UINT64_MAX / 2));
  kiln_store_set_epoch_deadline(store, 1);
  pthread_t ticker;
  CHECK(pthread_create(&ticker, NULL, tick_later, engine) == 0);
  call("forever() with a deadline", forever, 0, 0);
  CHECK(pthread_join(ticker, NULL) == 0);
  call("count(3) with the deadline passed", count, 3, 1);
  kiln_store_set_epoch_deadline(store, 5);
  call("count(3) with a new deadline", count, 3, 1);

  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  printf("Done.\n");
  return 0;
}
