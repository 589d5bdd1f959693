/* Memory: data, size, grow, and traps on out-of-bounds accesses. */
#include "common.h"

static const wasm_func_t* export_func(const wasm_extern_vec_t* exports, size_t i) {
  const wasm_func_t* f = wasm_extern_as_func_const(exports->data[i]);
  CHECK(f != NULL);
  return f;
}

static int32_t call_i32(const wasm_func_t* f, wasm_val_vec_t* args, const char* what) {
  wasm_val_t rs[1] = {WASM_INIT_VAL};
  wasm_val_vec_t results = WASM_ARRAY_VEC(rs);
  wasm_trap_t* trap = wasm_func_call(f, args, &results);
  if (trap != NULL) {
    printf("%s: ", what);
    print_trap(trap);
    return -1;
  }
  printf("%s = %d\n", what, rs[0].of.i32);
  return rs[0].of.i32;
}

static void load(const wasm_func_t* f, int32_t addr) {
  wasm_val_t as[1] = {WASM_I32_VAL(addr)};
  wasm_val_vec_t args = WASM_ARRAY_VEC(as);
  char what[32];
  snprintf(what, sizeof what, "load(0x%x)", addr);
  call_i32(f, &args, what);
}

static void store(const wasm_func_t* f, int32_t addr, int32_t v) {
  wasm_val_t as[2] = {WASM_I32_VAL(addr), WASM_I32_VAL(v)};
  wasm_val_vec_t args = WASM_ARRAY_VEC(as);
  wasm_val_vec_t results = WASM_EMPTY_VEC;
  wasm_trap_t* trap = wasm_func_call(f, &args, &results);
  printf("store(0x%x, %d): ", addr, v);
  if (trap != NULL) {
    print_trap(trap);
  } else {
    printf("ok\n");
  }
}

int main(void) {
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store_ = wasm_store_new(engine);
  wasm_module_t* module = load_module(store_);
  wasm_extern_vec_t no_imports = WASM_EMPTY_VEC;
  wasm_instance_t* instance = wasm_instance_new(store_, module, &no_imports, NULL);
  CHECK(instance != NULL);

  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  CHECK(exports.size == 4);
  wasm_memory_t* memory = wasm_extern_as_memory(exports.data[0]);
  CHECK(memory != NULL);
  const wasm_func_t* size_func = export_func(&exports, 1);
  const wasm_func_t* load_func = export_func(&exports, 2);
  const wasm_func_t* store_func = export_func(&exports, 3);

  wasm_memorytype_t* mt = wasm_memory_type(memory);
  const wasm_limits_t* limits = wasm_memorytype_limits(mt);
  printf("limits %u..%u\n", limits->min, limits->max);
  wasm_memorytype_delete(mt);

  printf("size %u pages, %zu bytes\n", wasm_memory_size(memory), wasm_memory_data_size(memory));
  byte_t* data = wasm_memory_data(memory);
  printf("data[0x1000..0x1004] = %d %d %d %d\n", data[0x1000], data[0x1001], data[0x1002],
         data[0x1003]);
  wasm_val_vec_t none = WASM_EMPTY_VEC;
  call_i32(size_func, &none, "size()");
  load(load_func, 0x1002);
  load(load_func, 0x1ffff);
  load(load_func, 0x20000);

  store(store_func, 0x1002, 5);
  printf("data[0x1002] = %d\n", wasm_memory_data(memory)[0x1002]);
  wasm_memory_data(memory)[0x1003] = 9;
  load(load_func, 0x1003);
  store(store_func, 0x20000, 0);

  printf("grow 1: %s\n", wasm_memory_grow(memory, 1) ? "ok" : "failed");
  printf("size %u pages, %zu bytes\n", wasm_memory_size(memory), wasm_memory_data_size(memory));
  load(load_func, 0x20000);
  load(load_func, 0x30000);
  printf("grow 1: %s\n", wasm_memory_grow(memory, 1) ? "ok" : "failed");
  printf("grow 0: %s\n", wasm_memory_grow(memory, 0) ? "ok" : "failed");

  /* A memory made by the host. */
  wasm_limits_t host_limits = {5, 5};
  wasm_memorytype_t* host_type = wasm_memorytype_new(&host_limits);
  wasm_memory_t* host_memory = wasm_memory_new(store_, host_type);
  wasm_memorytype_delete(host_type);
  CHECK(host_memory != NULL);
  printf("host memory: %u pages, grow: %s\n", wasm_memory_size(host_memory),
         wasm_memory_grow(host_memory, 1) ? "ok" : "failed");
  CHECK(wasm_memory_same(host_memory, host_memory));
  CHECK(!wasm_memory_same(host_memory, memory));
  wasm_memory_delete(host_memory);

  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_module_delete(module);
  wasm_store_delete(store_);
  wasm_engine_delete(engine);
  printf("Done.\n");
  return 0;
}
