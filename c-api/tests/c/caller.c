/* kiln.h's host functions that see their caller (its exports and store),
 * host functions and calls over raw slots, exports by name, unknown imports,
 * Wasmtime's trap text and frame names. */
#include <stdalign.h>

#include "kiln_common.h"

static wasm_store_t* the_store = NULL;

/* Reads a byte of the caller's exported memory, and checks that the store
 * knows its host function runs on this thread. */
static int store_marker = 0;

static own wasm_trap_t* peek(void* env, kiln_caller_t* caller, void* store_data,
                             const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  (void)env;
  CHECK(store_data == &store_marker);
  CHECK(kiln_caller_store(caller) == the_store);
  CHECK(kiln_store_in_host_call(the_store));
  wasm_extern_t* memory = kiln_caller_export_get(caller, (const uint8_t*)"memory", 6);
  CHECK(memory != NULL);
  CHECK(kiln_caller_export_get(caller, (const uint8_t*)"nothing", 7) == NULL);
  byte_t* data = wasm_memory_data(wasm_extern_as_memory(memory));
  results->data[0].kind = WASM_I32;
  results->data[0].of.i32 = data[args->data[0].of.i32];
  wasm_extern_delete(memory);
  return NULL;
}

/* Doubles an i64 in place, over raw slots. */
static own wasm_trap_t* twice(void* env, kiln_caller_t* caller, void* store_data,
                              kiln_val_raw_t* slots, size_t nslots) {
  (*(int*)env)++;
  CHECK(store_data == &store_marker);
  CHECK(caller != NULL && nslots == 1);
  if (slots[0].i64 < 0) {
    wasm_message_t message;
    wasm_name_new_from_string_nt(&message, "negative");
    wasm_trap_t* trap = wasm_trap_new(kiln_caller_store(caller), &message);
    wasm_name_delete(&message);
    return trap;
  }
  slots[0].i64 *= 2;
  return NULL;
}

static void finalize(void* env) {
  printf("> twice's environment finalized after %d calls\n", *(int*)env);
}

static wasm_func_t* export_func(wasm_instance_t* instance, const char* name) {
  wasm_extern_t* e = kiln_instance_export_get(instance, (const uint8_t*)name, strlen(name));
  CHECK(e != NULL);
  wasm_func_t* f = wasm_func_copy(wasm_extern_as_func(e));
  wasm_extern_delete(e);
  return f;
}

int main(void) {
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  the_store = store;
  CHECK(kiln_store_get_data(store) == NULL);
  kiln_store_set_data(store, &store_marker);
  CHECK(kiln_store_get_data(store) == &store_marker);
  wasm_module_t* module = load_module(store);
  CHECK(!kiln_store_in_host_call(store));

  kiln_linker_t* linker = kiln_linker_new(engine);
  wasm_functype_t* peek_type = wasm_functype_new_1_1(wasm_valtype_new_i32(), wasm_valtype_new_i32());
  CHECK(kiln_linker_define_func_with_caller(linker, "host", "peek", peek_type, peek, NULL, NULL) ==
        NULL);
  wasm_functype_delete(peek_type);
  static int twice_calls = 0;
  wasm_functype_t* twice_type = wasm_functype_new_1_1(wasm_valtype_new_i64(), wasm_valtype_new_i64());
  CHECK(kiln_linker_define_func_raw(linker, "host", "twice", twice_type, twice, &twice_calls,
                                    finalize) == NULL);
  wasm_functype_delete(twice_type);
  wasm_functype_t* ref_type = wasm_functype_new_1_0(wasm_valtype_new_externref());
  print_error("raw function of references",
              kiln_linker_define_func_raw(linker, "host", "refs", ref_type, twice, &twice_calls, NULL));
  wasm_functype_delete(ref_type);

  wasm_instance_t* instance = NULL;
  wasm_trap_t* trap = NULL;
  print_error("env.missing undefined", kiln_linker_instantiate(linker, store, module, &instance, &trap));
  CHECK(kiln_linker_define_unknown_imports_as_traps(linker, module) == NULL);
  CHECK(kiln_linker_instantiate(linker, store, module, &instance, &trap) == NULL);
  CHECK(instance != NULL && trap == NULL);
  CHECK(kiln_instance_export_get(instance, (const uint8_t*)"nothing", 7) == NULL);

  /* A host function that reads its caller's memory. */
  wasm_func_t* run = export_func(instance, "run");
  wasm_val_t args[1] = {WASM_I32_VAL(16)};
  wasm_val_t rs[1] = {WASM_INIT_VAL};
  wasm_val_vec_t args_vec = WASM_ARRAY_VEC(args);
  wasm_val_vec_t rs_vec = WASM_ARRAY_VEC(rs);
  CHECK(wasm_func_call(run, &args_vec, &rs_vec) == NULL);
  printf("run(16) = %d\n", rs[0].of.i32);

  /* Raw calls into wasm, and a raw host function under them. */
  alignas(16) kiln_val_raw_t slots[2];
  kiln_raw_func_t* add = NULL;
  wasm_func_t* add_func = export_func(instance, "add");
  CHECK(kiln_func_to_raw(add_func, &add) == NULL);
  slots[0].i32 = 40;
  slots[1].i32 = 2;
  CHECK(kiln_raw_func_call(add, slots) == NULL);
  printf("add(40, 2) = %d\n", slots[0].i32);
  kiln_raw_func_t* dbl = NULL;
  wasm_func_t* double_func = export_func(instance, "double");
  CHECK(kiln_func_to_raw(double_func, &dbl) == NULL);
  slots[0].i64 = 21;
  CHECK(kiln_raw_func_call(dbl, slots) == NULL);
  printf("double(21) = %lld\n", (long long)slots[0].i64);
  slots[0].i64 = -1;
  trap = kiln_raw_func_call(dbl, slots);
  CHECK(trap != NULL && !kiln_trap_code(trap, NULL));
  print_trap(trap);
  print_error("NULL function", kiln_func_to_raw(NULL, NULL));
  wasm_extern_t* peek_extern = NULL;
  CHECK(kiln_linker_get(linker, store, "host", "twice", &peek_extern));
  kiln_raw_func_t* none = NULL;
  print_error("a host function", kiln_func_to_raw(wasm_extern_as_func(peek_extern), &none));
  CHECK(none == NULL);
  wasm_extern_delete(peek_extern);

  /* Unknown imports trap when called. */
  wasm_func_t* missing = export_func(instance, "missing");
  trap = wasm_func_call(missing, NULL, &rs_vec);
  CHECK(trap != NULL);
  print_trap(trap);

  /* Wasmtime's text for a trap, and the names of its frames. */
  wasm_func_t* boom = export_func(instance, "boom");
  wasm_val_vec_t none_vec = WASM_EMPTY_VEC;
  trap = wasm_func_call(boom, &none_vec, &none_vec);
  CHECK(trap != NULL);
  wasm_message_t report;
  kiln_trap_report(trap, &report);
  printf("report:\n%s", report.data);
  wasm_byte_vec_delete(&report);
  wasm_frame_vec_t frames;
  wasm_trap_trace(trap, &frames);
  for (size_t i = 0; i < frames.size; i++) {
    wasm_name_t name;
    if (kiln_frame_func_name(frames.data[i], &name)) {
      printf("frame %zu: %.*s", i, (int)name.size, name.data);
      wasm_byte_vec_delete(&name);
    } else {
      printf("frame %zu: (no name)", i);
    }
    if (kiln_frame_module_name(frames.data[i], &name)) {
      printf(" in %.*s\n", (int)name.size, name.data);
      wasm_byte_vec_delete(&name);
    } else {
      printf(" in (no module name)\n");
    }
  }
  wasm_frame_vec_delete(&frames);
  wasm_trap_delete(trap);
  wasm_message_t message;
  wasm_name_new_from_string_nt(&message, "plain");
  trap = wasm_trap_new(store, &message);
  wasm_name_delete(&message);
  kiln_trap_report(trap, &report);
  printf("report of a made trap: %s\n", report.data);
  wasm_byte_vec_delete(&report);
  wasm_trap_delete(trap);

  /* The default function of a module the linker lacks does nothing. */
  wasm_func_t* start = NULL;
  CHECK(kiln_linker_get_default(linker, store, "app", &start) == NULL);
  CHECK(wasm_func_call(start, &none_vec, &none_vec) == NULL);
  wasm_func_delete(start);

  /* A host function with a caller made in a store, called by the host:
   * it has no caller instance. */
  wasm_functype_t* t = wasm_functype_new_1_1(wasm_valtype_new_i64(), wasm_valtype_new_i64());
  wasm_func_t* raw_host = kiln_func_new_raw(store, t, twice, &twice_calls, NULL);
  wasm_functype_delete(t);
  wasm_val_t a64[1] = {WASM_I64_VAL(5)};
  wasm_val_vec_t a64_vec = WASM_ARRAY_VEC(a64);
  CHECK(wasm_func_call(raw_host, &a64_vec, &rs_vec) == NULL);
  printf("raw host twice(5) = %lld\n", (long long)rs[0].of.i64);
  wasm_func_delete(raw_host);

  kiln_raw_func_delete(add);
  kiln_raw_func_delete(dbl);
  wasm_func_delete(add_func);
  wasm_func_delete(double_func);
  wasm_func_delete(missing);
  wasm_func_delete(boom);
  wasm_func_delete(run);
  wasm_instance_delete(instance);
  kiln_linker_delete(linker);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  printf("Done.\n");
  return 0;
}
