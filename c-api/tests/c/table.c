/* Tables: get, set, grow, size, and calls through them, including of a host
 * function. */
#include "common.h"

static own wasm_trap_t* negate(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  results->data[0].kind = WASM_I32;
  results->data[0].of.i32 = -args->data[0].of.i32;
  return NULL;
}

static void call_indirect(const wasm_func_t* f, int32_t arg, int32_t index) {
  wasm_val_t as[2] = {WASM_I32_VAL(arg), WASM_I32_VAL(index)};
  wasm_val_t rs[1] = {WASM_INIT_VAL};
  wasm_val_vec_t args = WASM_ARRAY_VEC(as);
  wasm_val_vec_t results = WASM_ARRAY_VEC(rs);
  wasm_trap_t* trap = wasm_func_call(f, &args, &results);
  printf("call_indirect(%d, %d): ", arg, index);
  if (trap != NULL) {
    print_trap(trap);
  } else {
    printf("%d\n", rs[0].of.i32);
  }
}

int main(void) {
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = load_module(store);
  wasm_extern_vec_t no_imports = WASM_EMPTY_VEC;
  wasm_instance_t* instance = wasm_instance_new(store, module, &no_imports, NULL);
  CHECK(instance != NULL);

  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  CHECK(exports.size == 4);
  wasm_table_t* table = wasm_extern_as_table(exports.data[0]);
  const wasm_func_t* call = wasm_extern_as_func_const(exports.data[1]);
  wasm_func_t* f = wasm_extern_as_func(exports.data[2]);
  wasm_func_t* g = wasm_extern_as_func(exports.data[3]);
  CHECK(table != NULL && call != NULL && f != NULL && g != NULL);

  wasm_tabletype_t* tt = wasm_table_type(table);
  printf("table type: element %d, limits %u..%u\n",
         wasm_valtype_kind(wasm_tabletype_element(tt)), wasm_tabletype_limits(tt)->min,
         wasm_tabletype_limits(tt)->max);
  wasm_tabletype_delete(tt);

  printf("size %u\n", wasm_table_size(table));
  wasm_ref_t* r0 = wasm_table_get(table, 0);
  printf("table[0] is %s\n", r0 == NULL ? "null" : "set");
  wasm_ref_t* r1 = wasm_table_get(table, 1);
  CHECK(r1 != NULL);
  printf("table[1] is f: %s\n", wasm_ref_same(r1, wasm_func_as_ref(f)) ? "yes" : "no");
  CHECK(wasm_func_same(wasm_ref_as_func(r1), f));
  wasm_ref_delete(r1);
  printf("table[2] is %s\n", wasm_table_get(table, 2) == NULL ? "null (out of bounds)" : "set");

  call_indirect(call, 7, 1);
  call_indirect(call, 7, 0);
  call_indirect(call, 7, 2);

  printf("set table[0] = g: %s\n", wasm_table_set(table, 0, wasm_func_as_ref(g)) ? "ok" : "failed");
  call_indirect(call, 7, 0);
  printf("set table[2] = g: %s\n", wasm_table_set(table, 2, wasm_func_as_ref(g)) ? "ok" : "failed");

  printf("grow by 3: %s\n", wasm_table_grow(table, 3, NULL) ? "ok" : "failed");
  printf("size %u\n", wasm_table_size(table));

  wasm_functype_t* negate_type = wasm_functype_new_1_1(wasm_valtype_new_i32(), wasm_valtype_new_i32());
  wasm_func_t* h = wasm_func_new(store, negate_type, negate);
  wasm_functype_delete(negate_type);
  printf("set table[4] = host function: %s\n",
         wasm_table_set(table, 4, wasm_func_as_ref(h)) ? "ok" : "failed");
  call_indirect(call, 7, 4);
  call_indirect(call, 7, 3);
  printf("grow by 5 with g: %s\n", wasm_table_grow(table, 5, wasm_func_as_ref(g)) ? "ok" : "failed");
  printf("grow by 1: %s\n", wasm_table_grow(table, 1, NULL) ? "ok" : "failed");
  call_indirect(call, 7, 9);
  printf("set table[1] = null: %s\n", wasm_table_set(table, 1, NULL) ? "ok" : "failed");
  call_indirect(call, 7, 1);

  /* A table made by the host. */
  wasm_limits_t limits = {2, wasm_limits_max_default};
  wasm_tabletype_t* host_type = wasm_tabletype_new(wasm_valtype_new_funcref(), &limits);
  wasm_table_t* host_table = wasm_table_new(store, host_type, wasm_func_as_ref(h));
  wasm_tabletype_delete(host_type);
  CHECK(host_table != NULL);
  wasm_ref_t* hr = wasm_table_get(host_table, 1);
  printf("host table: size %u, [1] is the host function: %s\n", wasm_table_size(host_table),
         wasm_ref_same(hr, wasm_func_as_ref(h)) ? "yes" : "no");
  wasm_ref_delete(hr);
  wasm_table_delete(host_table);

  wasm_func_delete(h);
  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  printf("Done.\n");
  return 0;
}
