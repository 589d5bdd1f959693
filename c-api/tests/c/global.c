/* Globals: host-made imports, exports, get and set from both sides. */
#include "common.h"

static wasm_val_t call0(const wasm_extern_vec_t* exports, size_t i) {
  const wasm_func_t* f = wasm_extern_as_func_const(exports->data[i]);
  CHECK(f != NULL);
  wasm_val_t rs[1] = {WASM_INIT_VAL};
  wasm_val_vec_t args = WASM_EMPTY_VEC;
  wasm_val_vec_t results = WASM_ARRAY_VEC(rs);
  CHECK(wasm_func_call(f, &args, &results) == NULL);
  return rs[0];
}

int main(void) {
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = load_module(store);

  wasm_globaltype_t* f32_type = wasm_globaltype_new(wasm_valtype_new_f32(), WASM_CONST);
  wasm_val_t f32_val = WASM_F32_VAL(2.25f);
  wasm_global_t* f32_global = wasm_global_new(store, f32_type, &f32_val);
  wasm_globaltype_delete(f32_type);
  CHECK(f32_global != NULL);

  wasm_globaltype_t* i64_type = wasm_globaltype_new(wasm_valtype_new_i64(), WASM_VAR);
  CHECK(wasm_valtype_kind(wasm_globaltype_content(i64_type)) == WASM_I64);
  CHECK(wasm_globaltype_mutability(i64_type) == WASM_VAR);
  wasm_val_t wrong = WASM_I32_VAL(1);
  CHECK(wasm_global_new(store, i64_type, &wrong) == NULL);
  wasm_val_t i64_val = WASM_I64_VAL(-3);
  wasm_global_t* i64_global = wasm_global_new(store, i64_type, &i64_val);
  wasm_globaltype_delete(i64_type);
  CHECK(i64_global != NULL);

  wasm_extern_t* externs[] = {wasm_global_as_extern(f32_global), wasm_global_as_extern(i64_global)};
  wasm_extern_vec_t imports = WASM_ARRAY_VEC(externs);
  wasm_instance_t* instance = wasm_instance_new(store, module, &imports, NULL);
  CHECK(instance != NULL);

  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  CHECK(exports.size == 6);
  wasm_global_t* const_i32 = wasm_extern_as_global(exports.data[0]);
  wasm_global_t* var_f64 = wasm_extern_as_global(exports.data[1]);
  CHECK(const_i32 != NULL && var_f64 != NULL);

  wasm_val_t v;
  wasm_global_get(const_i32, &v);
  printf("const i32 = %d\n", v.of.i32);
  wasm_global_get(var_f64, &v);
  printf("var f64 = %g\n", v.of.f64);
  printf("wasm sees const f32 import = %g\n", call0(&exports, 2).of.f32);
  printf("wasm sees var i64 import = %lld\n", (long long)call0(&exports, 3).of.i64);

  wasm_val_t new_i64 = WASM_I64_VAL(100);
  wasm_global_set(i64_global, &new_i64);
  printf("after host set, wasm sees var i64 import = %lld\n",
         (long long)call0(&exports, 3).of.i64);

  const wasm_func_t* setter = wasm_extern_as_func_const(exports.data[4]);
  wasm_val_t as[1] = {WASM_I64_VAL(-42)};
  wasm_val_vec_t args = WASM_ARRAY_VEC(as);
  wasm_val_vec_t results = WASM_EMPTY_VEC;
  CHECK(wasm_func_call(setter, &args, &results) == NULL);
  wasm_global_get(i64_global, &v);
  printf("after wasm set, host sees var i64 = %lld\n", (long long)v.of.i64);

  wasm_val_t new_f64 = WASM_F64_VAL(6.5);
  wasm_global_set(var_f64, &new_f64);
  printf("after host set, wasm sees var f64 = %g\n", call0(&exports, 5).of.f64);

  /* Setting an immutable global, or with the wrong type, does nothing. */
  wasm_val_t new_i32 = WASM_I32_VAL(8);
  wasm_global_set(const_i32, &new_i32);
  wasm_global_get(const_i32, &v);
  printf("const i32 after set = %d\n", v.of.i32);
  wasm_global_set(var_f64, &new_i32);
  wasm_global_get(var_f64, &v);
  printf("var f64 after wrong-typed set = %g\n", v.of.f64);

  wasm_globaltype_t* gt = wasm_global_type(var_f64);
  printf("var f64 type: kind %d, mutability %d\n", wasm_valtype_kind(wasm_globaltype_content(gt)),
         wasm_globaltype_mutability(gt));
  wasm_globaltype_delete(gt);

  wasm_extern_vec_delete(&exports);
  wasm_global_delete(f32_global);
  wasm_global_delete(i64_global);
  wasm_instance_delete(instance);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  printf("Done.\n");
  return 0;
}
