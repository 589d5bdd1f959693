/* kiln.h's linker, text modules and errors: imports resolved by name from
 * host functions and other instances, and messages for what goes wrong. */
#include "kiln_common.h"

static own wasm_trap_t* add(void* env, const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  (*(int*)env)++;
  results->data[0].kind = WASM_I32;
  results->data[0].of.i32 = args->data[0].of.i32 + args->data[1].of.i32;
  return NULL;
}

static void finalize(void* env) {
  printf("> add's environment finalized after %d calls\n", *(int*)env);
}

int main(void) {
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);

  /* Text modules, and errors that say what is wrong. */
  const char* lib_text =
      "(module (func (export \"triple\") (param i32) (result i32)"
      " (i32.mul (local.get 0) (i32.const 3))))";
  wasm_module_t* lib_module = NULL;
  CHECK(kiln_module_new(engine, (const uint8_t*)lib_text, strlen(lib_text), &lib_module) == NULL);
  const char* bad_text = "(module (func (result i32) (i64.const 1)))";
  wasm_module_t* bad = (wasm_module_t*)1;
  print_error("invalid module", kiln_module_new(engine, (const uint8_t*)bad_text, strlen(bad_text), &bad));
  CHECK(bad == NULL);
  const uint8_t garbage[] = {0x00, 0x61, 0x73, 0x6d, 0x02, 0x00, 0x00, 0x00};
  print_error("bad version", kiln_module_validate(engine, garbage, sizeof garbage));
  CHECK(kiln_module_validate(engine, (const uint8_t*)module_wasm, module_wasm_len) == NULL);
  wasm_byte_vec_t wasm;
  print_error("bad text", kiln_wat2wasm((const uint8_t*)"(module (func $f (cal $f)))", 26, &wasm));
  CHECK(wasm.size == 0);
  CHECK(kiln_wat2wasm((const uint8_t*)lib_text, strlen(lib_text), &wasm) == NULL);
  printf("wat2wasm: %zu bytes, magic %s\n", wasm.size, memcmp(wasm.data, "\0asm", 4) == 0 ? "ok" : "bad");
  wasm_byte_vec_delete(&wasm);

  /* Definitions by name: a host function and another instance. */
  kiln_linker_t* linker = kiln_linker_new(engine);
  static int calls = 0;
  wasm_functype_t* add_type = wasm_functype_new_2_1(wasm_valtype_new_i32(), wasm_valtype_new_i32(),
                                                    wasm_valtype_new_i32());
  CHECK(kiln_linker_define_func(linker, "host", "add", add_type, add, &calls, finalize) == NULL);
  print_error("defining host.add twice",
              kiln_linker_define_func(linker, "host", "add", add_type, add, &calls, NULL));
  wasm_functype_delete(add_type);

  wasm_module_t* module = load_module(store);
  wasm_instance_t* instance = NULL;
  wasm_trap_t* trap = NULL;
  print_error("lib not defined yet", kiln_linker_instantiate(linker, store, module, &instance, &trap));
  CHECK(instance == NULL && trap == NULL);

  wasm_instance_t* lib = NULL;
  CHECK(kiln_linker_instantiate(linker, store, lib_module, &lib, &trap) == NULL);
  CHECK(lib != NULL && trap == NULL);
  CHECK(kiln_linker_define_instance(linker, store, "lib", lib) == NULL);
  CHECK(kiln_linker_instantiate(linker, store, module, &instance, &trap) == NULL);
  CHECK(instance != NULL);

  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  wasm_val_t args_val[1] = {WASM_I32_VAL(5)};
  wasm_val_t results_val[1] = {WASM_INIT_VAL};
  wasm_val_vec_t args = WASM_ARRAY_VEC(args_val);
  wasm_val_vec_t results = WASM_ARRAY_VEC(results_val);
  CHECK(wasm_func_call(wasm_extern_as_func(exports.data[0]), &args, &results) == NULL);
  printf("run(5) = triple(5) + 1 = %d\n", results_val[0].of.i32);
  wasm_extern_vec_delete(&exports);

  wasm_extern_t* found = NULL;
  CHECK(kiln_linker_get(linker, store, "lib", "triple", &found));
  printf("lib.triple is a function: %s\n", wasm_extern_kind(found) == WASM_EXTERN_FUNC ? "yes" : "no");
  wasm_extern_delete(found);
  printf("lib.missing found: %s\n", kiln_linker_get(linker, store, "lib", "missing", &found) ? "yes" : "no");

  /* Shadowing, when allowed, replaces a definition. */
  kiln_linker_allow_shadowing(linker, true);
  CHECK(kiln_linker_define_instance(linker, store, "lib", lib) == NULL);

  /* The same linker serves another store. */
  wasm_store_t* store2 = wasm_store_new(engine);
  wasm_instance_t* instance2 = NULL;
  print_error("another store, lib from the first",
              kiln_linker_instantiate(linker, store2, module, &instance2, &trap));

  wasm_store_delete(store2);
  wasm_instance_delete(instance);
  wasm_instance_delete(lib);
  wasm_module_delete(module);
  wasm_module_delete(lib_module);
  kiln_linker_delete(linker);
  printf("linker deleted\n");
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  printf("Done.\n");
  return 0;
}
