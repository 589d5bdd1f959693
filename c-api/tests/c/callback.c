/* Host callbacks with arguments, several results, and an environment with a
 * finalizer. */
#include "common.h"

static own wasm_trap_t* print_callback(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  CHECK(args->size == 1 && args->data[0].kind == WASM_I32);
  printf("> print %d\n", args->data[0].of.i32);
  wasm_val_copy(&results->data[0], &args->data[0]);
  return NULL;
}

static own wasm_trap_t* closure_callback(void* env, const wasm_val_vec_t* args,
                                         wasm_val_vec_t* results) {
  CHECK(args->size == 0 && results->size == 1);
  int i = *(int*)env;
  printf("> closure %d\n", i);
  results->data[0].kind = WASM_I32;
  results->data[0].of.i32 = (int32_t)i;
  return NULL;
}

static own wasm_trap_t* swap_callback(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  CHECK(args->size == 2 && results->size == 2);
  CHECK(args->data[0].kind == WASM_I64 && args->data[1].kind == WASM_F64);
  results->data[0].kind = WASM_F64;
  results->data[0].of.f64 = args->data[1].of.f64;
  results->data[1].kind = WASM_I64;
  results->data[1].of.i64 = args->data[0].of.i64;
  return NULL;
}

static void finalize(void* env) {
  printf("> finalize %d\n", *(int*)env);
}

int main(void) {
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = load_module(store);

  wasm_functype_t* print_type = wasm_functype_new_1_1(wasm_valtype_new_i32(), wasm_valtype_new_i32());
  wasm_func_t* print_func = wasm_func_new(store, print_type, print_callback);
  wasm_functype_delete(print_type);

  static int env = 42;
  wasm_functype_t* closure_type = wasm_functype_new_0_1(wasm_valtype_new_i32());
  wasm_func_t* closure_func =
      wasm_func_new_with_env(store, closure_type, closure_callback, &env, finalize);
  wasm_functype_delete(closure_type);

  wasm_functype_t* swap_type = wasm_functype_new_2_2(
      wasm_valtype_new_i64(), wasm_valtype_new_f64(), wasm_valtype_new_f64(), wasm_valtype_new_i64());
  wasm_func_t* swap_func = wasm_func_new(store, swap_type, swap_callback);
  wasm_functype_delete(swap_type);

  wasm_extern_t* externs[] = {wasm_func_as_extern(print_func), wasm_func_as_extern(closure_func),
                              wasm_func_as_extern(swap_func)};
  wasm_extern_vec_t imports = WASM_ARRAY_VEC(externs);
  wasm_instance_t* instance = wasm_instance_new(store, module, &imports, NULL);
  CHECK(instance != NULL);
  wasm_func_delete(print_func);
  wasm_func_delete(closure_func);
  wasm_func_delete(swap_func);

  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  CHECK(exports.size == 2);
  const wasm_func_t* run = wasm_extern_as_func(exports.data[0]);
  const wasm_func_t* swap = wasm_extern_as_func(exports.data[1]);

  wasm_val_t as[2] = {WASM_I32_VAL(3), WASM_I32_VAL(4)};
  wasm_val_t rs[1] = {WASM_INIT_VAL};
  wasm_val_vec_t args = WASM_ARRAY_VEC(as);
  wasm_val_vec_t results = WASM_ARRAY_VEC(rs);
  CHECK(wasm_func_call(run, &args, &results) == NULL);
  CHECK(rs[0].kind == WASM_I32);
  printf("run(3, 4) = %d\n", rs[0].of.i32);

  wasm_val_t sas[2] = {WASM_I64_VAL(-5), WASM_F64_VAL(2.5)};
  wasm_val_t srs[2] = {WASM_INIT_VAL, WASM_INIT_VAL};
  wasm_val_vec_t sargs = WASM_ARRAY_VEC(sas);
  wasm_val_vec_t sresults = WASM_ARRAY_VEC(srs);
  CHECK(wasm_func_call(swap, &sargs, &sresults) == NULL);
  CHECK(srs[0].kind == WASM_F64 && srs[1].kind == WASM_I64);
  printf("swap(-5, 2.5) = %g, %lld\n", srs[0].of.f64, (long long)srs[1].of.i64);

  /* Wrong arity and types come back as traps, not crashes. */
  wasm_val_vec_t none = WASM_EMPTY_VEC;
  print_trap(wasm_func_call(run, &none, &results));
  wasm_val_t bad[2] = {WASM_I64_VAL(1), WASM_I32_VAL(2)};
  wasm_val_vec_t bad_args = WASM_ARRAY_VEC(bad);
  print_trap(wasm_func_call(run, &bad_args, &results));

  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_module_delete(module);
  printf("Deleting store...\n");
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  printf("Done.\n");
  return 0;
}
