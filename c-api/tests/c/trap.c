/* Traps: from host callbacks (the same trap object back, with a trace), from
 * wasm (message, origin and trace), and from instantiation. */
#include "common.h"

/* When set, the callback marks the trap it returns with host info and keeps
 * a copy here, so the caller can tell whether the same trap came back. */
static int keep_returned_trap = 0;
static wasm_trap_t* returned_trap = NULL;
static int marker = 7;

static own wasm_trap_t* fail_callback(void* env, const wasm_val_vec_t* args,
                                      wasm_val_vec_t* results) {
  (void)args;
  (void)results;
  printf("> callback called, returning a trap\n");
  wasm_store_t* store = (wasm_store_t*)env;
  wasm_message_t message;
  wasm_name_new_from_string_nt(&message, "callback abort");
  wasm_trap_t* trap = wasm_trap_new(store, &message);
  wasm_name_delete(&message);
  if (keep_returned_trap) {
    wasm_trap_set_host_info(trap, &marker);
    returned_trap = wasm_trap_copy(trap);
  }
  return trap;
}

static void call(const wasm_func_t* f, const char* name, wasm_val_vec_t* args) {
  wasm_val_t rs[1] = {WASM_INIT_VAL};
  wasm_val_vec_t results = WASM_ARRAY_VEC(rs);
  printf("calling %s: ", name);
  wasm_trap_t* trap = wasm_func_call(f, args, &results);
  if (trap == NULL) {
    printf("returned %d\n", rs[0].of.i32);
    return;
  }
  wasm_frame_t* origin = wasm_trap_origin(trap);
  if (origin != NULL) {
    printf("(origin: func %u) ", wasm_frame_func_index(origin));
    wasm_frame_t* copy = wasm_frame_copy(origin);
    CHECK(wasm_frame_func_index(copy) == wasm_frame_func_index(origin));
    wasm_frame_delete(copy);
    wasm_frame_delete(origin);
  } else {
    printf("(no origin) ");
  }
  wasm_trap_t* copy = wasm_trap_copy(trap);
  wasm_trap_delete(trap);
  print_trap(copy);
}

int main(void) {
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = load_module(store);

  /* Instantiation without the import fails with a trap that says why. */
  wasm_extern_vec_t no_imports = WASM_EMPTY_VEC;
  wasm_trap_t* trap = NULL;
  CHECK(wasm_instance_new(store, module, &no_imports, &trap) == NULL);
  CHECK(trap != NULL);
  wasm_message_t message;
  wasm_trap_message(trap, &message);
  printf("instantiation failed: %s\n", message.size > 1 ? "with a message" : "without a message");
  wasm_byte_vec_delete(&message);
  wasm_trap_delete(trap);

  wasm_functype_t* fail_type = wasm_functype_new_0_1(wasm_valtype_new_i32());
  wasm_func_t* fail_func = wasm_func_new_with_env(store, fail_type, fail_callback, store, NULL);
  wasm_functype_delete(fail_type);

  wasm_extern_t* externs[] = {wasm_func_as_extern(fail_func)};
  wasm_extern_vec_t imports = WASM_ARRAY_VEC(externs);
  wasm_instance_t* instance = wasm_instance_new(store, module, &imports, &trap);
  CHECK(instance != NULL && trap == NULL);

  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  CHECK(exports.size == 3);
  wasm_val_vec_t none = WASM_EMPTY_VEC;
  call(wasm_extern_as_func(exports.data[0]), "callback", &none);
  call(wasm_extern_as_func(exports.data[1]), "unreachable", &none);
  wasm_val_t as[2] = {WASM_I32_VAL(1), WASM_I32_VAL(0)};
  wasm_val_vec_t args = WASM_ARRAY_VEC(as);
  call(wasm_extern_as_func(exports.data[2]), "divide(1, 0)", &args);
  wasm_val_t as2[2] = {WASM_I32_VAL(7), WASM_I32_VAL(2)};
  wasm_val_vec_t args2 = WASM_ARRAY_VEC(as2);
  call(wasm_extern_as_func(exports.data[2]), "divide(7, 2)", &args2);

  /* Calling the host function directly returns its trap too. */
  call(fail_func, "the host function", &none);

  /* The trap a callback returns comes out of the call that entered wasm as
   * the same object, with its host info, and gains the wasm backtrace. */
  keep_returned_trap = 1;
  wasm_val_t r[1] = {WASM_INIT_VAL};
  wasm_val_vec_t one_result = WASM_ARRAY_VEC(r);
  wasm_trap_t* came_back = wasm_func_call(wasm_extern_as_func(exports.data[0]), &none, &one_result);
  keep_returned_trap = 0;
  CHECK(came_back != NULL && returned_trap != NULL);
  CHECK(wasm_trap_same(came_back, returned_trap));
  CHECK(wasm_trap_get_host_info(came_back) == &marker);
  wasm_frame_t* came_back_origin = wasm_trap_origin(came_back);
  CHECK(came_back_origin != NULL && wasm_frame_func_index(came_back_origin) == 1);
  printf("the callback's trap came back: the same object, its host info, origin func %u\n",
         wasm_frame_func_index(came_back_origin));
  wasm_frame_delete(came_back_origin);
  wasm_trap_delete(came_back);
  wasm_trap_delete(returned_trap);

  /* A trap made by the host has no frames. */
  wasm_message_t m;
  wasm_name_new_from_string_nt(&m, "made by the host");
  wasm_trap_t* host_trap = wasm_trap_new(store, &m);
  wasm_name_delete(&m);
  CHECK(wasm_trap_origin(host_trap) == NULL);
  print_trap(host_trap);

  wasm_func_delete(fail_func);
  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  printf("Done.\n");
  return 0;
}
