/* Host references: foreign objects as `externref` values through calls,
 * host functions, globals and tables; functions as `funcref` values. */
#include "common.h"

static int finalized = 0;

static void count_finalize(void* info) {
  (void)info;
  finalized++;
}

static own wasm_trap_t* echo_callback(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  CHECK(args->data[0].kind == WASM_EXTERNREF);
  printf("> echo got %s\n",
         args->data[0].of.ref == NULL ? "null" : (const char*)wasm_ref_get_host_info(args->data[0].of.ref));
  wasm_val_copy(&results->data[0], &args->data[0]);
  return NULL;
}

static own wasm_trap_t* seven_callback(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  (void)args;
  results->data[0].kind = WASM_I32;
  results->data[0].of.i32 = 7;
  return NULL;
}

static wasm_func_t* export_func(const wasm_extern_vec_t* exports, size_t i) {
  wasm_func_t* f = wasm_extern_as_func(exports->data[i]);
  CHECK(f != NULL);
  return f;
}

/* Calls `f` with one argument and one result, which the caller owns. */
static wasm_val_t call1(wasm_func_t* f, wasm_val_t arg) {
  wasm_val_t args_val[1] = {arg};
  wasm_val_t results_val[1] = {WASM_INIT_VAL};
  wasm_val_vec_t args = WASM_ARRAY_VEC(args_val);
  wasm_val_vec_t results = WASM_ARRAY_VEC(results_val);
  wasm_trap_t* trap = wasm_func_call(f, &args, &results);
  if (trap != NULL) {
    print_trap(trap);
    exit(1);
  }
  return results_val[0];
}

static wasm_foreign_t* new_foreign(wasm_store_t* store, const char* name) {
  wasm_foreign_t* foreign = wasm_foreign_new(store);
  wasm_foreign_set_host_info_with_finalizer(foreign, (void*)name, count_finalize);
  return foreign;
}

int main(void) {
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = load_module(store);
  wasm_functype_t* echo_type =
      wasm_functype_new_1_1(wasm_valtype_new_externref(), wasm_valtype_new_externref());
  wasm_func_t* echo = wasm_func_new(store, echo_type, echo_callback);
  wasm_functype_delete(echo_type);
  wasm_extern_t* externs[] = {wasm_func_as_extern(echo)};
  wasm_extern_vec_t imports = WASM_ARRAY_VEC(externs);
  wasm_instance_t* instance = wasm_instance_new(store, module, &imports, NULL);
  CHECK(instance != NULL);
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  wasm_global_t* g = wasm_extern_as_global(exports.data[0]);
  wasm_table_t* refs = wasm_extern_as_table(exports.data[1]);
  wasm_func_t* is_null = export_func(&exports, 3);
  wasm_func_t* through_host = export_func(&exports, 4);
  wasm_func_t* stash = export_func(&exports, 5);
  wasm_func_t* call_func = export_func(&exports, 6);
  wasm_func_t* func_is_null = export_func(&exports, 7);

  wasm_foreign_t* apple = new_foreign(store, "apple");
  wasm_ref_t* apple_ref = wasm_foreign_as_ref(apple);

  /* Calls. */
  wasm_val_t r = call1(is_null, (wasm_val_t)WASM_REF_VAL(NULL));
  printf("is_null(null) = %d\n", r.of.i32);
  r = call1(is_null, (wasm_val_t)WASM_REF_VAL(apple_ref));
  printf("is_null(apple) = %d\n", r.of.i32);

  /* Through a host function and back. */
  r = call1(through_host, (wasm_val_t)WASM_REF_VAL(apple_ref));
  printf("through the host: kind %d, same as apple: %s\n", r.kind,
         wasm_ref_same(r.of.ref, apple_ref) ? "yes" : "no");
  wasm_val_delete(&r);
  r = call1(through_host, (wasm_val_t)WASM_REF_VAL(NULL));
  printf("null through the host: %s\n", r.of.ref == NULL ? "null" : "not null");

  /* Globals: set by wasm, read by the host, and the other way. */
  call1(stash, (wasm_val_t)WASM_REF_VAL(apple_ref));
  wasm_val_t got;
  wasm_global_get(g, &got);
  printf("global after stash: %s\n", (const char*)wasm_ref_get_host_info(got.of.ref));
  wasm_val_delete(&got);
  wasm_foreign_t* pear = new_foreign(store, "pear");
  wasm_val_t pear_val = WASM_REF_VAL(wasm_foreign_as_ref(pear));
  wasm_global_set(g, &pear_val);
  wasm_global_get(g, &got);
  printf("global after host set: %s\n", (const char*)wasm_ref_get_host_info(got.of.ref));
  wasm_val_delete(&got);
  wasm_val_t null_val = WASM_REF_VAL(NULL);
  wasm_global_set(g, &null_val);
  wasm_global_get(g, &got);
  printf("global after null set: %s\n", got.of.ref == NULL ? "null" : "not null");

  /* A host global holding an externref. */
  wasm_globaltype_t* gt = wasm_globaltype_new(wasm_valtype_new_externref(), WASM_VAR);
  wasm_global_t* host_global = wasm_global_new(store, gt, &pear_val);
  wasm_globaltype_delete(gt);
  wasm_global_get(host_global, &got);
  printf("host global: %s\n", (const char*)wasm_ref_get_host_info(got.of.ref));
  wasm_val_delete(&got);

  /* Tables. */
  CHECK(wasm_table_set(refs, 0, apple_ref));
  CHECK(wasm_table_grow(refs, 2, wasm_foreign_as_ref(pear)));
  printf("table size %u:", wasm_table_size(refs));
  for (wasm_table_size_t i = 0; i < wasm_table_size(refs); i++) {
    wasm_ref_t* e = wasm_table_get(refs, i);
    printf(" %s", e == NULL ? "null" : (const char*)wasm_ref_get_host_info(e));
    wasm_ref_delete(e);
  }
  printf("\n");
  printf("a function in an externref table: %s\n",
         wasm_table_set(refs, 1, wasm_func_as_ref(echo)) ? "stored" : "refused");

  /* Function references. */
  wasm_functype_t* seven_type = wasm_functype_new_0_1(wasm_valtype_new_i32());
  wasm_func_t* seven = wasm_func_new(store, seven_type, seven_callback);
  wasm_functype_delete(seven_type);
  wasm_val_t seven_val = {.kind = WASM_FUNCREF, .of = {.ref = wasm_func_as_ref(seven)}};
  r = call1(call_func, seven_val);
  printf("call_func(seven) = %d\n", r.of.i32);
  r = call1(func_is_null, (wasm_val_t){.kind = WASM_FUNCREF, .of = {.ref = NULL}});
  printf("func_is_null(null) = %d\n", r.of.i32);
  wasm_val_t args_val[1] = {{.kind = WASM_EXTERNREF, .of = {.ref = apple_ref}}};
  wasm_val_t results_val[1] = {WASM_INIT_VAL};
  wasm_val_vec_t args = WASM_ARRAY_VEC(args_val);
  wasm_val_vec_t results = WASM_ARRAY_VEC(results_val);
  printf("a foreign as a funcref: ");
  print_trap(wasm_func_call(call_func, &args, &results));

  /* Many foreign objects through wasm: each is finalized exactly once,
   * at the latest with the store. */
  for (int i = 0; i < 1000; i++) {
    wasm_foreign_t* f = new_foreign(store, "many");
    r = call1(is_null, (wasm_val_t)WASM_REF_VAL(wasm_foreign_as_ref(f)));
    CHECK(r.of.i32 == 0);
    wasm_foreign_delete(f);
  }

  wasm_func_delete(seven);
  wasm_global_delete(host_global);
  wasm_foreign_delete(apple);
  wasm_foreign_delete(pear);
  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_func_delete(echo);
  wasm_module_delete(module);
  wasm_store_delete(store);
  printf("finalized in all: %d\n", finalized);
  wasm_engine_delete(engine);
  printf("Done.\n");
  return 0;
}
