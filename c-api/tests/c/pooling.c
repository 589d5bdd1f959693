/* Memory settings and the pooling allocator from kiln.h: a small
 * reservation that may or may not move, settings the engine refuses by
 * name, pools that run out with an error naming the limit, and a reused
 * memory slot that never shows the last tenant's bytes. */
#include "kiln_common.h"

#define PAGE 65536
#define SECRET 0x5ec2e7e7

/* An instance of the module in a store of its own, with its exports. */
typedef struct {
  wasm_store_t* store;
  wasm_instance_t* instance;
  wasm_extern_vec_t exports;
  wasm_memory_t* memory;
  wasm_func_t* load;
  wasm_func_t* store_i32;
  wasm_func_t* grow;
} tenant_t;

static wasm_engine_t* engine_of(wasm_config_t* config) {
  wasm_engine_t* engine = NULL;
  check_ok(kiln_engine_new(config, &engine));
  return engine;
}

/* Instantiates the module in a new store; on failure prints the trap,
 * frees the store and returns false. */
static bool tenant_new(wasm_engine_t* engine, wasm_module_t* module, tenant_t* t) {
  t->store = wasm_store_new(engine);
  wasm_extern_vec_t none = WASM_EMPTY_VEC;
  wasm_trap_t* trap = NULL;
  t->instance = wasm_instance_new(t->store, module, &none, &trap);
  if (t->instance == NULL) {
    print_trap(trap);
    wasm_store_delete(t->store);
    return false;
  }
  wasm_instance_exports(t->instance, &t->exports);
  t->memory = wasm_extern_as_memory(t->exports.data[0]);
  t->load = wasm_extern_as_func(t->exports.data[1]);
  t->store_i32 = wasm_extern_as_func(t->exports.data[2]);
  t->grow = wasm_extern_as_func(t->exports.data[3]);
  return true;
}

/* Frees everything of the tenant; its store goes with the last object. */
static void tenant_delete(tenant_t* t) {
  wasm_extern_vec_delete(&t->exports);
  wasm_instance_delete(t->instance);
  wasm_store_delete(t->store);
}

static int32_t call(wasm_func_t* f, int32_t a, int32_t b, size_t nargs) {
  wasm_val_t args_val[2] = {WASM_I32_VAL(a), WASM_I32_VAL(b)};
  wasm_val_t results_val[1] = {WASM_INIT_VAL};
  wasm_val_vec_t args = {nargs, args_val};
  wasm_val_vec_t results = {wasm_func_result_arity(f), results_val};
  wasm_trap_t* trap = wasm_func_call(f, &args, &results);
  if (trap != NULL) {
    print_trap(trap);
    exit(1);
  }
  return results.size > 0 ? results_val[0].of.i32 : 0;
}

static int32_t load(tenant_t* t, int32_t address) { return call(t->load, address, 0, 1); }
static void store(tenant_t* t, int32_t address, int32_t value) {
  call(t->store_i32, address, value, 2);
}
static int32_t grow(tenant_t* t, int32_t pages) { return call(t->grow, pages, 0, 1); }

static wasm_module_t* compile(wasm_engine_t* engine) {
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = load_module(store);
  wasm_store_delete(store);
  return module;
}

/* A 1 MiB reservation holds 16 pages: past it a memory moves, or cannot
 * grow if it may not move. */
static void reservation(bool may_move) {
  wasm_config_t* config = wasm_config_new();
  kiln_config_memory_reservation_set(config, 16 * PAGE);
  kiln_config_memory_guard_size_set(config, PAGE);
  kiln_config_memory_reservation_for_growth_set(config, 4 * PAGE);
  kiln_config_memory_may_move_set(config, may_move);
  wasm_engine_t* engine = engine_of(config);
  wasm_module_t* module = compile(engine);
  tenant_t t;
  CHECK(tenant_new(engine, module, &t));
  store(&t, 8, SECRET);
  printf("may move %d: grow(15) = %d\n", may_move, grow(&t, 15));
  printf("may move %d: grow(1) past the reservation = %d\n", may_move, grow(&t, 1));
  printf("may move %d: pages %zu, load(8) = %#x\n", may_move, (size_t)wasm_memory_size(t.memory),
         (unsigned)load(&t, 8));
  tenant_delete(&t);
  wasm_module_delete(module);
  wasm_engine_delete(engine);
}

static void refused(const char* what, wasm_config_t* config) {
  wasm_engine_t* engine = NULL;
  print_error(what, kiln_engine_new(config, &engine));
  CHECK(engine == NULL);
}

/* Whether every byte of the tenant's memory is zero. */
static bool all_zero(tenant_t* t) {
  const byte_t* data = wasm_memory_data(t->memory);
  size_t size = wasm_memory_data_size(t->memory);
  for (size_t i = 0; i < size; i++) {
    if (data[i] != 0) {
      return false;
    }
  }
  return true;
}

int main(void) {
  reservation(false);
  reservation(true);

  /* Settings past what a host or a slot holds are refused by name. */
  wasm_config_t* config = wasm_config_new();
  kiln_config_memory_reservation_set(config, (uint64_t)1 << 50);
  refused("reservation of 1 PiB", config);
  config = wasm_config_new();
  kiln_config_memory_guard_size_set(config, (uint64_t)1 << 47);
  CHECK(wasm_engine_new_with_config(config) == NULL);
  printf("wasm_engine_new_with_config with a 128 TiB guard: NULL\n");
  kiln_pooling_allocation_config_t* pool = kiln_pooling_allocation_config_new();
  kiln_pooling_allocation_config_max_memory_size_set(pool, ((size_t)4 << 30) + PAGE);
  config = wasm_config_new();
  kiln_pooling_allocation_strategy_set(config, pool);
  refused("pool slots past 4 GiB", config);
  kiln_pooling_allocation_config_delete(pool);

  /* A pool of two instances with two 1 MiB memory slots (valgrind cannot
   * reserve the 64 GiB chunks that 100,000 slots take). */
  pool = kiln_pooling_allocation_config_new();
  kiln_pooling_allocation_config_total_core_instances_set(pool, 2);
  kiln_pooling_allocation_config_total_memories_set(pool, 2);
  kiln_pooling_allocation_config_max_memory_size_set(pool, 16 * PAGE);
  kiln_pooling_allocation_config_linear_memory_keep_resident_set(pool, PAGE);
  config = wasm_config_new();
  kiln_pooling_allocation_strategy_set(config, pool);
  /* The config took a copy. */
  kiln_pooling_allocation_config_delete(pool);
  wasm_engine_t* engine = engine_of(config);
  wasm_module_t* module = compile(engine);

  tenant_t first, second, third;
  CHECK(tenant_new(engine, module, &first));
  CHECK(tenant_new(engine, module, &second));
  printf("a third live instance: ");
  CHECK(!tenant_new(engine, module, &third));
  printf("grow(16) past the slot = %d\n", grow(&first, 16));

  /* The first tenant leaves a secret in every page it grows to. */
  printf("grow(3) = %d\n", grow(&first, 3));
  int32_t addresses[] = {0, 4096, PAGE - 4, PAGE, 3 * PAGE + 100, 4 * PAGE - 4};
  size_t count = sizeof addresses / sizeof addresses[0];
  for (size_t i = 0; i < count; i++) {
    store(&first, addresses[i], SECRET);
  }
  printf("first tenant: load(%d) = %#x\n", 3 * PAGE + 100, (unsigned)load(&first, 3 * PAGE + 100));
  const byte_t* slot = wasm_memory_data(first.memory);
  tenant_delete(&first);

  /* The next tenant gets the same slot, zeroed. */
  CHECK(tenant_new(engine, module, &third));
  printf("next tenant in the same slot: %s\n", wasm_memory_data(third.memory) == slot ? "yes" : "no");
  printf("next tenant: pages %zu, all zero: %s\n", (size_t)wasm_memory_size(third.memory),
         all_zero(&third) ? "yes" : "no");
  printf("grow(3) = %d\n", grow(&third, 3));
  printf("after growing: all zero: %s\n", all_zero(&third) ? "yes" : "no");
  int32_t seen = 0;
  for (size_t i = 0; i < count; i++) {
    seen |= load(&third, addresses[i]);
  }
  printf("next tenant: loads where the secret was = %d\n", seen);
  tenant_delete(&second);
  tenant_delete(&third);
  wasm_module_delete(module);
  wasm_engine_delete(engine);

  /* The memory and table pools run out on their own, for modules and
   * for the host alike. */
  pool = kiln_pooling_allocation_config_new();
  kiln_pooling_allocation_config_total_memories_set(pool, 1);
  kiln_pooling_allocation_config_total_tables_set(pool, 1);
  kiln_pooling_allocation_config_max_memory_size_set(pool, 16 * PAGE);
  config = wasm_config_new();
  kiln_pooling_allocation_strategy_set(config, pool);
  kiln_pooling_allocation_config_delete(pool);
  engine = engine_of(config);
  module = compile(engine);
  CHECK(tenant_new(engine, module, &first));
  printf("a second memory: ");
  CHECK(!tenant_new(engine, module, &second));
  wasm_limits_t limits = {1, wasm_limits_max_default};
  wasm_memorytype_t* type = wasm_memorytype_new(&limits);
  wasm_memory_t* host = wasm_memory_new(first.store, type);
  printf("wasm_memory_new past the pool: %s\n", host == NULL ? "NULL" : "made");
  print_error("kiln_memory_new past the pool", kiln_memory_new(first.store, type, &host));
  CHECK(host == NULL);
  wasm_memorytype_delete(type);
  wasm_tabletype_t* table_type =
      wasm_tabletype_new(wasm_valtype_new(WASM_FUNCREF), &limits);
  wasm_table_t* table = NULL;
  check_ok(kiln_table_new(first.store, table_type, NULL, &table));
  wasm_table_t* second_table = NULL;
  print_error("a second table", kiln_table_new(first.store, table_type, NULL, &second_table));
  CHECK(second_table == NULL);
  wasm_table_delete(table);
  wasm_tabletype_delete(table_type);
  tenant_delete(&first);
  wasm_module_delete(module);
  wasm_engine_delete(engine);

  printf("Done.\n");
  return 0;
}
