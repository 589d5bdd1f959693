/*
 * bench/c/calls.c: the cost of calls across the standard WebAssembly C API.
 *
 * Written against the standard wasm.h only, so that one source builds against
 * any library implementing it: bench/c/run links it once with Kiln's
 * libwasm.so and once with Wasmtime's libwasmtime.so.
 *
 *   calls [N]    (N calls per measure; 5000000 by default)
 *
 * Prints, one measure a line, its name and the nanoseconds per call:
 *
 *   wasm_func_call_add NS   N calls of the exported add(i32, i32) -> i32
 *                           through wasm_func_call, each adding i to the last
 *                           result
 *   wasm_to_host NS         one wasm_func_call of run(N), which calls the
 *                           imported `inc` (a wasm_func_new callback) N times
 *
 * Each measure is made once untimed (1000 calls) and then timed with
 * clock_gettime(CLOCK_MONOTONIC). The results are checked (the sum of 0..N-1
 * modulo 2^32, and N), so no call can be left out; any error or trap exits 1.
 */

#define _POSIX_C_SOURCE 199309L /* clock_gettime */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <wasm.h>

/* add_wasm and calls_host_wasm: add.wat and calls_host.wat, turned into C
 * arrays by bench/c/run. */
#include "modules.h"

#define WARM_UP 1000u

static double now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static void fail(const char* what) {
  fprintf(stderr, "calls: %s\n", what);
  exit(1);
}

static void check_trap(const char* what, wasm_trap_t* trap) {
  if (trap == NULL) return;
  wasm_message_t message;
  wasm_trap_message(trap, &message);
  fprintf(stderr, "calls: %s trapped: %.*s\n", what, (int)message.size, message.data);
  exit(1);
}

/* Compiles and instantiates `bytes` with `imports`; `*exports` receives the
 * instance's exports (the caller deletes them), whose first must be a
 * function, returned (borrowed from `*exports`). */
static wasm_func_t* first_export(wasm_store_t* store, const unsigned char* bytes, size_t size,
                                 const wasm_extern_vec_t* imports, wasm_module_t** module,
                                 wasm_instance_t** instance, wasm_extern_vec_t* exports) {
  wasm_byte_vec_t binary;
  wasm_byte_vec_new(&binary, size, (const wasm_byte_t*)bytes);
  *module = wasm_module_new(store, &binary);
  wasm_byte_vec_delete(&binary);
  if (*module == NULL) fail("the module does not compile");
  wasm_trap_t* trap = NULL;
  *instance = wasm_instance_new(store, *module, imports, &trap);
  check_trap("instantiation", trap);
  if (*instance == NULL) fail("the module does not instantiate");
  wasm_instance_exports(*instance, exports);
  wasm_func_t* func = exports->size > 0 ? wasm_extern_as_func(exports->data[0]) : NULL;
  if (func == NULL) fail("the module's first export is not a function");
  return func;
}

/* Calls add(acc, i) for i in 0..n, each time on the last result; returns it. */
static uint32_t call_add(const wasm_func_t* add, uint32_t n) {
  wasm_val_t arg_vals[2] = {WASM_I32_VAL(0), WASM_I32_VAL(0)};
  wasm_val_t result_vals[1] = {WASM_INIT_VAL};
  wasm_val_vec_t args = WASM_ARRAY_VEC(arg_vals);
  wasm_val_vec_t results = WASM_ARRAY_VEC(result_vals);
  uint32_t acc = 0;
  for (uint32_t i = 0; i < n; i++) {
    arg_vals[0].of.i32 = (int32_t)acc;
    arg_vals[1].of.i32 = (int32_t)i;
    check_trap("add", wasm_func_call(add, &args, &results));
    if (result_vals[0].kind != WASM_I32) fail("add returned something other than an i32");
    acc = (uint32_t)result_vals[0].of.i32;
  }
  return acc;
}

/* The host function `inc`: its argument plus one. */
static wasm_trap_t* inc(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  results->data[0].kind = WASM_I32;
  results->data[0].of.i32 = (int32_t)((uint32_t)args->data[0].of.i32 + 1u);
  return NULL;
}

/* Calls run(n), which calls `inc` n times; returns its result. */
static uint32_t call_run(const wasm_func_t* run, uint32_t n) {
  wasm_val_t arg_vals[1] = {WASM_I32_VAL((int32_t)n)};
  wasm_val_t result_vals[1] = {WASM_INIT_VAL};
  wasm_val_vec_t args = WASM_ARRAY_VEC(arg_vals);
  wasm_val_vec_t results = WASM_ARRAY_VEC(result_vals);
  check_trap("run", wasm_func_call(run, &args, &results));
  if (result_vals[0].kind != WASM_I32) fail("run returned something other than an i32");
  return (uint32_t)result_vals[0].of.i32;
}

int main(int argc, char** argv) {
  unsigned long n = 5000000;
  if (argc > 2) fail("usage: calls [N]");
  if (argc == 2) {
    char* end;
    n = strtoul(argv[1], &end, 10);
    if (*argv[1] == '\0' || *end != '\0' || n == 0 || n > INT32_MAX)
      fail("N must be a number of calls from 1 to 2^31-1");
  }

  wasm_engine_t* engine = wasm_engine_new();
  if (engine == NULL) fail("no engine");
  wasm_store_t* store = wasm_store_new(engine);
  if (store == NULL) fail("no store");

  /* wasm_func_call of add(i32, i32). */
  wasm_module_t* add_module;
  wasm_instance_t* add_instance;
  wasm_extern_vec_t add_exports;
  wasm_extern_vec_t no_imports = WASM_EMPTY_VEC;
  wasm_func_t* add = first_export(store, add_wasm, sizeof add_wasm, &no_imports, &add_module,
                                  &add_instance, &add_exports);
  if (call_add(add, WARM_UP) != WARM_UP * (WARM_UP - 1) / 2) fail("add returned a wrong sum");
  double start = now_ns();
  uint32_t sum = call_add(add, (uint32_t)n);
  double add_ns = (now_ns() - start) / (double)n;
  if (sum != (uint32_t)((uint64_t)n * (n - 1) / 2)) fail("add returned a wrong sum");

  /* wasm -> host calls of a wasm_func_new function. */
  wasm_functype_t* inc_type = wasm_functype_new_1_1(wasm_valtype_new_i32(), wasm_valtype_new_i32());
  wasm_func_t* inc_func = wasm_func_new(store, inc_type, inc);
  wasm_functype_delete(inc_type);
  if (inc_func == NULL) fail("wasm_func_new failed");
  wasm_extern_t* import_externs[1] = {wasm_func_as_extern(inc_func)};
  wasm_extern_vec_t imports = WASM_ARRAY_VEC(import_externs);
  wasm_module_t* host_module;
  wasm_instance_t* host_instance;
  wasm_extern_vec_t host_exports;
  wasm_func_t* run = first_export(store, calls_host_wasm, sizeof calls_host_wasm, &imports,
                                  &host_module, &host_instance, &host_exports);
  if (call_run(run, WARM_UP) != WARM_UP) fail("run returned a wrong count");
  start = now_ns();
  uint32_t count = call_run(run, (uint32_t)n);
  double host_ns = (now_ns() - start) / (double)n;
  if (count != (uint32_t)n) fail("run returned a wrong count");

  printf("wasm_func_call_add %.2f\n", add_ns);
  printf("wasm_to_host %.2f\n", host_ns);

  wasm_extern_vec_delete(&host_exports);
  wasm_instance_delete(host_instance);
  wasm_module_delete(host_module);
  wasm_func_delete(inc_func);
  wasm_extern_vec_delete(&add_exports);
  wasm_instance_delete(add_instance);
  wasm_module_delete(add_module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  return 0;
}
