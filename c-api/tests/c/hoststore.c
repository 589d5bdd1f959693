/* Store operations from inside a host function: a C callback that wasm
 * calls sets the store's fuel, limits and epoch deadline, and reads its
 * memory, and what it changed governs the wasm that runs after it. */
#include "kiln_common.h"

/* What the callback needs: the store and engine it changes, and the
 * instance's memory, which it reads while wasm runs. */
struct host {
  wasm_store_t* store;
  wasm_engine_t* engine;
  wasm_memory_t* memory;
};

enum mode { NOTHING, REFUEL, LIMIT_MEMORY, LIFT_LIMITS, DEADLINE_NOW };

static wasm_trap_t* adjust(void* env, const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  (void)results;
  struct host* host = env;
  uint64_t fuel = 0;
  switch (args->data[0].of.i32) {
    case REFUEL:
      check_ok(kiln_store_set_fuel(host->store, 1000));
      check_ok(kiln_store_get_fuel(host->store, &fuel));
      printf("  fuel set inside the host function: %llu\n", (unsigned long long)fuel);
      break;
    case LIMIT_MEMORY:
      kiln_store_limiter(host->store, wasm_memory_data_size(host->memory), -1, -1, -1, -1);
      printf("  memory bounded inside at %zu bytes\n", wasm_memory_data_size(host->memory));
      break;
    case LIFT_LIMITS:
      kiln_store_limiter(host->store, -1, -1, -1, -1, -1);
      kiln_store_gc(host->store);
      break;
    case DEADLINE_NOW:
      kiln_store_set_epoch_deadline(host->store, 1);
      kiln_engine_increment_epoch(host->engine);
      break;
  }
  return NULL;
}

/* Calls `f` with i32 arguments, printing the result or the trap. */
static void call(const char* label, wasm_func_t* f, int32_t a, int32_t b) {
  wasm_val_t args_val[2] = {WASM_I32_VAL(a), WASM_I32_VAL(b)};
  wasm_val_t results_val[1] = {WASM_INIT_VAL};
  wasm_val_vec_t args = {wasm_func_param_arity(f), args_val};
  wasm_val_vec_t results = {wasm_func_result_arity(f), results_val};
  wasm_trap_t* trap = wasm_func_call(f, &args, &results);
  if (trap == NULL) {
    if (results.size == 1) {
      printf("%s = %d\n", label, results_val[0].of.i32);
    } else {
      printf("%s returned\n", label);
    }
    return;
  }
  wasm_message_t message;
  wasm_trap_message(trap, &message);
  printf("%s: trap: %s\n", label, message.data);
  wasm_byte_vec_delete(&message);
  wasm_trap_delete(trap);
}

int main(void) {
  wasm_config_t* config = wasm_config_new();
  kiln_config_consume_fuel_set(config, true);
  kiln_config_epoch_interruption_set(config, true);
  wasm_engine_t* engine = NULL;
  check_ok(kiln_engine_new(config, &engine));
  wasm_store_t* store = wasm_store_new(engine);
  check_ok(kiln_store_set_fuel(store, 1000000));
  kiln_store_set_epoch_deadline(store, 1000);
  wasm_module_t* module = load_module(store);

  struct host host = {store, engine, NULL};
  wasm_valtype_t* param_types[1] = {wasm_valtype_new_i32()};
  wasm_valtype_vec_t params, no_results;
  wasm_valtype_vec_new(&params, 1, param_types);
  wasm_valtype_vec_new_empty(&no_results);
  wasm_functype_t* type = wasm_functype_new(&params, &no_results);
  wasm_func_t* adjust_func = wasm_func_new_with_env(store, type, adjust, &host, NULL);
  wasm_functype_delete(type);

  wasm_extern_t* imports_data[1] = {wasm_func_as_extern(adjust_func)};
  wasm_extern_vec_t imports = WASM_ARRAY_VEC(imports_data);
  wasm_instance_t* instance = wasm_instance_new(store, module, &imports, NULL);
  CHECK(instance != NULL);
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  host.memory = wasm_extern_as_memory(exports.data[0]);
  wasm_func_t* adjust_then_count = wasm_extern_as_func(exports.data[1]);
  wasm_func_t* adjust_then_grow = wasm_extern_as_func(exports.data[2]);
  wasm_func_t* adjust_then_spin = wasm_extern_as_func(exports.data[3]);

  call("adjust_then_count(nothing, 100000)", adjust_then_count, NOTHING, 100000);
  call("adjust_then_count(refuel, 100000)", adjust_then_count, REFUEL, 100000);
  uint64_t fuel = 99;
  check_ok(kiln_store_get_fuel(store, &fuel));
  /* Fuel is charged a block at a time: what is left is less than a block. */
  printf("fuel after the trap is under what a loop iteration costs: %s\n", fuel < 16 ? "yes" : "no");
  check_ok(kiln_store_set_fuel(store, 1000000));

  call("adjust_then_grow(limit memory)", adjust_then_grow, LIMIT_MEMORY, 0);
  call("adjust_then_grow(lift limits)", adjust_then_grow, LIFT_LIMITS, 0);
  printf("memory after growing: %zu bytes\n", wasm_memory_data_size(host.memory));

  call("adjust_then_spin(deadline now)", adjust_then_spin, DEADLINE_NOW, 0);
  kiln_store_set_epoch_deadline(store, 1000);
  call("adjust_then_count(nothing, 7) afterwards", adjust_then_count, NOTHING, 7);

  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_func_delete(adjust_func);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  printf("Done.\n");
  return 0;
}
