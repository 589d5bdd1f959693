/* kiln.h's components: a component from bytes, a linker of flat host
 * functions that lift and lower strings through the call's memory and
 * realloc, a host resource type, instantiation, exports called in steps
 * (enter, lower, call, lift, exit), and errors; then the same through
 * component values (kiln_component_val_t): host functions defined with
 * kiln_component_linker_func_new and exports called with
 * kiln_component_func_call. */
#include "kiln_common.h"

/* The address that keys the host resource type `tag`. */
static const char tag_key = 0;

/* Prints `what` and a trap's message (if any), and deletes the trap. */
static void print_trap_message(const char* what, wasm_trap_t* trap) {
  if (trap == NULL) {
    printf("%s: no trap\n", what);
    return;
  }
  wasm_message_t message;
  wasm_trap_message(trap, &message);
  printf("%s: %s\n", what, message.data);
  wasm_byte_vec_delete(&message);
  wasm_trap_delete(trap);
}

static wasm_trap_t* drop_tag(void* env, uint32_t rep) {
  (void)env;
  printf("> tag %u dropped\n", rep);
  return NULL;
}

/* measure(s) in steps: the string is lowered with the call's realloc. */
static wasm_trap_t* measure(kiln_component_func_t* func, wasm_store_t* store, const char* s,
                            uint32_t* out) {
  kiln_component_cx_t* cx = NULL;
  wasm_trap_t* trap = kiln_component_func_enter(func, store, &cx);
  if (trap != NULL) {
    CHECK(cx == NULL);
    return trap;
  }
  uint32_t len = (uint32_t)strlen(s), ptr = 0;
  trap = kiln_component_cx_realloc(cx, 0, 0, 1, len, &ptr);
  if (trap == NULL) {
    size_t mem_len = 0;
    uint8_t* mem = kiln_component_cx_memory(cx, &mem_len);
    CHECK(mem != NULL && (size_t)ptr + len <= mem_len);
    memcpy(mem + ptr, s, len);
    kiln_val_raw_t slots[2];
    slots[0].i32 = (int32_t)ptr;
    slots[1].i32 = (int32_t)len;
    trap = kiln_component_cx_call(cx, slots, 2);
    if (trap == NULL) *out = (uint32_t)slots[0].i32;
  }
  wasm_trap_t* exit_trap = kiln_component_cx_exit(cx, trap != NULL);
  return trap != NULL ? trap : exit_trap;
}

/* A call of a function of no parameters and one u32 result, in steps. */
static wasm_trap_t* call_u32(kiln_component_func_t* func, wasm_store_t* store, uint32_t* out) {
  kiln_component_cx_t* cx = NULL;
  wasm_trap_t* trap = kiln_component_func_enter(func, store, &cx);
  if (trap != NULL) return trap;
  kiln_val_raw_t slot;
  trap = kiln_component_cx_call(cx, &slot, 1);
  if (trap == NULL) *out = (uint32_t)slot.i32;
  wasm_trap_t* exit_trap = kiln_component_cx_exit(cx, trap != NULL);
  return trap != NULL ? trap : exit_trap;
}

/* Passes the host's tag `rep` to `func` as an own or a borrow. */
static wasm_trap_t* pass_tag(kiln_component_func_t* func, wasm_store_t* store, uint32_t rep,
                             bool owned, uint32_t* out) {
  const kiln_component_resource_type_t* tag = kiln_component_resource_type_host(&tag_key, "tag");
  kiln_component_cx_t* cx = NULL;
  wasm_trap_t* trap = kiln_component_func_enter(func, store, &cx);
  if (trap != NULL) return trap;
  kiln_component_resource_t* r = kiln_component_resource_new_host(tag, rep, owned);
  CHECK(r != NULL);
  uint32_t handle = 0;
  trap = kiln_component_cx_resource_lower(cx, tag, r, owned, &handle);
  kiln_component_resource_delete(r);
  if (trap == NULL) {
    kiln_val_raw_t slot;
    slot.i32 = (int32_t)handle;
    trap = kiln_component_cx_call(cx, &slot, 1);
    if (trap == NULL && out != NULL) *out = (uint32_t)slot.i32;
  }
  wasm_trap_t* exit_trap = kiln_component_cx_exit(cx, trap != NULL);
  return trap != NULL ? trap : exit_trap;
}

/* shout(s: string) -> string: the lowered signature is (ptr, len, retptr). */
static wasm_trap_t* shout(void* env, kiln_component_cx_t* cx, kiln_val_raw_t* slots,
                          size_t nslots) {
  (*(int*)env)++;
  CHECK(nslots >= 3);
  uint32_t ptr = (uint32_t)slots[0].i32, len = (uint32_t)slots[1].i32;
  uint32_t ret = (uint32_t)slots[2].i32;
  size_t mem_len = 0;
  uint8_t* mem = kiln_component_cx_memory(cx, &mem_len);
  CHECK(mem != NULL && (size_t)ptr + len <= mem_len);
  char text[64];
  CHECK(len < sizeof text);
  memcpy(text, mem + ptr, len);
  printf("> shout(\"%.*s\")\n", (int)len, text);
  for (uint32_t i = 0; i < len; i++) {
    if (text[i] >= 'a' && text[i] <= 'z') text[i] = (char)(text[i] - 'a' + 'A');
  }
  uint32_t out = 0;
  wasm_trap_t* trap = kiln_component_cx_realloc(cx, 0, 0, 1, len, &out);
  if (trap != NULL) return trap;
  /* realloc may have grown the memory. */
  mem = kiln_component_cx_memory(cx, &mem_len);
  CHECK((size_t)out + len <= mem_len && (size_t)ret + 8 <= mem_len);
  memcpy(mem + out, text, len);
  memcpy(mem + ret, &out, 4);
  memcpy(mem + ret + 4, &len, 4);
  return NULL;
}

/* log(s: string), which traps on an empty string. */
static wasm_trap_t* log_string(void* env, kiln_component_cx_t* cx, kiln_val_raw_t* slots,
                               size_t nslots) {
  (void)env;
  CHECK(nslots == 2);
  uint32_t ptr = (uint32_t)slots[0].i32, len = (uint32_t)slots[1].i32;
  CHECK(kiln_component_cx_store(cx) != NULL);
  size_t mem_len = 0;
  uint8_t* mem = kiln_component_cx_memory(cx, &mem_len);
  CHECK(mem != NULL && (size_t)ptr + len <= mem_len);
  printf("> log(\"%.*s\")\n", (int)len, (const char*)mem + ptr);
  return NULL;
}

/* A malloc copy of `s`, as a value's string. */
static kiln_component_string_t val_string(const char* s, size_t len) {
  kiln_component_string_t out = {len, NULL};
  if (len > 0) {
    out.data = malloc(len);
    CHECK(out.data != NULL);
    memcpy(out.data, s, len);
  }
  return out;
}

/* shout(s: string) -> string with values: the result's string is
 * malloc'd and handed to Kiln. */
static wasm_trap_t* shout_val(void* env, wasm_store_t* store, kiln_component_val_t* args,
                              size_t nargs, kiln_component_val_t* results, size_t nresults) {
  (void)env;
  CHECK(store != NULL && nargs == 1 && nresults == 1);
  CHECK(args[0].kind == KILN_COMPONENT_STRING && results[0].kind == KILN_COMPONENT_BOOL);
  kiln_component_string_t s = args[0].of.string;
  printf("> shout_val(\"%.*s\")\n", (int)s.size, s.data);
  results[0].kind = KILN_COMPONENT_STRING;
  results[0].of.string = val_string(s.data, s.size);
  for (size_t i = 0; i < s.size; i++) {
    char c = results[0].of.string.data[i];
    if (c >= 'a' && c <= 'z') results[0].of.string.data[i] = (char)(c - 'a' + 'A');
  }
  return NULL;
}

/* log(s: string) with values. */
static wasm_trap_t* log_val(void* env, wasm_store_t* store, kiln_component_val_t* args,
                            size_t nargs, kiln_component_val_t* results, size_t nresults) {
  (void)env;
  (void)store;
  (void)results;
  CHECK(nargs == 1 && nresults == 0 && args[0].kind == KILN_COMPONENT_STRING);
  printf("> log_val(\"%.*s\")\n", (int)args[0].of.string.size, args[0].of.string.data);
  return NULL;
}

/* A shout that returns a u32 where a string is due. */
static wasm_trap_t* shout_wrong(void* env, wasm_store_t* store, kiln_component_val_t* args,
                                size_t nargs, kiln_component_val_t* results, size_t nresults) {
  (void)env;
  (void)store;
  (void)args;
  (void)nargs;
  CHECK(nresults == 1);
  results[0].kind = KILN_COMPONENT_U32;
  results[0].of.u32 = 3;
  return NULL;
}

/* Calls `func` with `args`, printing its u32 result, error or trap. */
static void call_val(const char* what, kiln_component_func_t* func, wasm_store_t* store,
                     const kiln_component_val_t* args, size_t nargs, size_t nresults) {
  kiln_component_val_t result = {KILN_COMPONENT_BOOL, {.boolean = false}};
  wasm_trap_t* trap = NULL;
  kiln_error_t* error = kiln_component_func_call(func, store, args, nargs, &result, nresults,
                                                 &trap);
  if (error != NULL) {
    print_error(what, error);
  } else if (trap != NULL) {
    print_trap_message(what, trap);
  } else if (nresults == 0) {
    printf("%s: ok\n", what);
  } else {
    CHECK(result.kind == KILN_COMPONENT_U32);
    printf("%s = %u\n", what, result.of.u32);
    kiln_component_val_delete(&result);
    kiln_component_val_delete(&result);
  }
}

/* The exports again, called with values. */
static void values(wasm_engine_t* engine, wasm_store_t* store, kiln_component_t* component,
                   const kiln_component_resource_type_t* tag) {
  kiln_component_linker_t* linker = kiln_component_linker_new(engine);
  check_ok(kiln_component_linker_func_new(linker, "host:demo/text", "shout", shout_val, NULL,
                                          NULL));
  check_ok(kiln_component_linker_func_new(linker, "host:demo/text", "log", log_val, NULL, NULL));
  print_error("func_new without a callback",
              kiln_component_linker_func_new(linker, "host:demo/text", "x", NULL, NULL, NULL));
  check_ok(kiln_component_linker_define_resource(linker, "host:demo/tags", "tag", tag, drop_tag,
                                                 NULL, NULL));
  kiln_component_instance_t* instance = NULL;
  check_ok(kiln_component_linker_instantiate(linker, store, component, &instance));

  kiln_component_func_t *measure_fn, *peek_fn, *keep_fn, *boom_fn;
  check_ok(kiln_component_instance_get_func(instance, store, NULL, "measure", &measure_fn));
  size_t nparams = 9, nresults = 9;
  check_ok(kiln_component_func_arity(measure_fn, store, &nparams, &nresults));
  printf("measure takes %zu value(s) and gives %zu\n", nparams, nresults);
  check_ok(kiln_component_instance_get_func(instance, store, NULL, "peek", &peek_fn));
  check_ok(kiln_component_instance_get_func(instance, store, NULL, "keep", &keep_fn));
  check_ok(kiln_component_instance_get_func(instance, store, NULL, "boom", &boom_fn));

  kiln_component_val_t s = {KILN_COMPONENT_STRING, {.string = {6, "h\xc3\xa9llo"}}};
  call_val("measure(\"héllo\") with values", measure_fn, store, &s, 1, 1);
  kiln_component_val_t bad_utf8 = {KILN_COMPONENT_STRING, {.string = {2, "\xc3("}}};
  call_val("measure(invalid UTF-8)", measure_fn, store, &bad_utf8, 1, 1);
  kiln_component_val_t number = {KILN_COMPONENT_U32, {.u32 = 5}};
  call_val("measure(5)", measure_fn, store, &number, 1, 1);
  call_val("measure()", measure_fn, store, NULL, 0, 1);
  call_val("measure(\"héllo\") without room for the result", measure_fn, store, &s, 1, 0);
  kiln_component_val_t unknown = {99, {.u32 = 0}};
  call_val("measure(kind 99)", measure_fn, store, &unknown, 1, 1);

  kiln_component_resource_t* tag5 = kiln_component_resource_new_host(tag, 5, false);
  kiln_component_val_t borrowed = {KILN_COMPONENT_RESOURCE, {.resource = tag5}};
  call_val("peek(borrow tag 5) with values", peek_fn, store, &borrowed, 1, 1);
  kiln_component_resource_delete(tag5);
  kiln_component_resource_t* tag8 = kiln_component_resource_new_host(tag, 8, true);
  kiln_component_val_t owned = {KILN_COMPONENT_RESOURCE, {.resource = tag8}};
  call_val("keep(own tag 8) with values", keep_fn, store, &owned, 1, 0);
  kiln_component_resource_delete(tag8);
  kiln_component_val_t null_resource = {KILN_COMPONENT_RESOURCE, {.resource = NULL}};
  call_val("keep(NULL resource)", keep_fn, store, &null_resource, 1, 0);
  call_val("boom() with values", boom_fn, store, NULL, 0, 0);
  call_val("measure(\"héllo\") after the trap", measure_fn, store, &s, 1, 1);

  /* A host function whose result has the wrong type fails instantiation
   * (the start function calls it). */
  kiln_component_linker_t* wrong = kiln_component_linker_new(engine);
  check_ok(kiln_component_linker_func_new(wrong, "host:demo/text", "shout", shout_wrong, NULL,
                                          NULL));
  check_ok(kiln_component_linker_func_new(wrong, "host:demo/text", "log", log_val, NULL, NULL));
  check_ok(kiln_component_linker_define_resource(wrong, "host:demo/tags", "tag", tag, drop_tag,
                                                 NULL, NULL));
  kiln_component_instance_t* failed = (kiln_component_instance_t*)1;
  print_error("a host result of the wrong type",
              kiln_component_linker_instantiate(wrong, store, component, &failed));
  CHECK(failed == NULL);
  kiln_component_linker_delete(wrong);

  kiln_component_val_delete(NULL);
  kiln_component_func_delete(measure_fn);
  kiln_component_func_delete(peek_fn);
  kiln_component_func_delete(keep_fn);
  kiln_component_func_delete(boom_fn);
  kiln_component_instance_delete(instance);
  kiln_component_linker_delete(linker);
}

static void finalize(void* env) {
  printf("> shout's environment finalized after %d calls\n", *(int*)env);
}

int main(void) {
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);

  const uint8_t garbage[] = {0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x02, 0x00};
  kiln_component_t* bad = (kiln_component_t*)1;
  print_error("bad component", kiln_component_new(engine, garbage, sizeof garbage, &bad));
  CHECK(bad == NULL);

  kiln_component_t* component = NULL;
  check_ok(kiln_component_new(engine, (const uint8_t*)module_wasm, module_wasm_len, &component));

  kiln_component_linker_t* linker = kiln_component_linker_new(engine);
  kiln_component_instance_t* instance = (kiln_component_instance_t*)1;
  print_error("nothing defined",
              kiln_component_linker_instantiate(linker, store, component, &instance));
  CHECK(instance == NULL);

  int calls = 0;
  check_ok(kiln_component_linker_define_func(linker, "host:demo/text", "shout", shout, &calls,
                                             finalize));
  check_ok(kiln_component_linker_define_func(linker, "host:demo/text", "log", log_string, NULL,
                                             NULL));
  print_error("defining shout twice",
              kiln_component_linker_define_func(linker, "host:demo/text", "shout", shout, NULL,
                                                NULL));
  const kiln_component_resource_type_t* tag = kiln_component_resource_type_host(&tag_key, "tag");
  CHECK(tag != NULL && tag == kiln_component_resource_type_host(&tag_key, "tag"));
  CHECK(kiln_component_resource_type_host(NULL, "tag") == NULL);
  check_ok(kiln_component_linker_define_resource(linker, "host:demo/tags", "tag", tag, drop_tag,
                                                 NULL, NULL));
  printf("instantiating...\n");
  check_ok(kiln_component_linker_instantiate(linker, store, component, &instance));
  printf("shout called %d time(s)\n", calls);

  kiln_component_func_t* func = (kiln_component_func_t*)1;
  print_error("missing export",
              kiln_component_instance_get_func(instance, store, NULL, "run", &func));
  CHECK(func == NULL);

  kiln_component_func_t *measure_fn, *done_fn, *keep_fn, *peek_fn;
  check_ok(kiln_component_instance_get_func(instance, store, NULL, "measure", &measure_fn));
  check_ok(kiln_component_instance_get_func(instance, store, NULL, "done", &done_fn));
  check_ok(kiln_component_instance_get_func(instance, store, NULL, "keep", &keep_fn));
  check_ok(kiln_component_instance_get_func(instance, store, NULL, "peek", &peek_fn));
  uint32_t n = 0;
  print_trap_message("measure(\"héllo\")", measure(measure_fn, store, "h\xc3\xa9llo", &n));
  printf("measure(\"héllo\") = %u\n", n);
  print_trap_message("measure(\"\")", measure(measure_fn, store, "", &n));
  printf("measure(\"\") = %u\n", n);
  print_trap_message("done()", call_u32(done_fn, store, &n));
  printf("post-return ran %u time(s)\n", n);

  print_trap_message("peek(borrow tag 5)", pass_tag(peek_fn, store, 5, false, &n));
  printf("peek = %u\n", n);
  print_trap_message("keep(own tag 9)", pass_tag(keep_fn, store, 9, true, NULL));

  /* A call abandoned as failed, and then everything after it. */
  kiln_component_cx_t* cx = NULL;
  CHECK(kiln_component_func_enter(done_fn, store, &cx) == NULL);
  print_trap_message("entering during a call", kiln_component_func_enter(done_fn, store,
                                                                          &(kiln_component_cx_t*){NULL}));
  kiln_val_raw_t none[1];
  print_trap_message("too few slots", kiln_component_cx_call(cx, none, 0));
  CHECK(kiln_component_cx_exit(cx, true) == NULL);
  print_trap_message("after a failed call", call_u32(done_fn, store, &n));

  /* A trap in a second instance leaves it unable to be entered too. */
  kiln_component_instance_t* second = NULL;
  check_ok(kiln_component_linker_instantiate(linker, store, component, &second));
  kiln_component_func_t *boom_fn, *done_again;
  check_ok(kiln_component_instance_get_func(second, store, NULL, "boom", &boom_fn));
  check_ok(kiln_component_instance_get_func(second, store, NULL, "done", &done_again));
  print_trap_message("boom()", call_u32(boom_fn, store, &n));
  print_trap_message("done() after the trap", call_u32(done_again, store, &n));
  kiln_component_func_delete(boom_fn);
  kiln_component_func_delete(done_again);
  kiln_component_instance_delete(second);

  kiln_component_func_delete(measure_fn);
  kiln_component_func_delete(done_fn);
  kiln_component_func_delete(keep_fn);
  kiln_component_func_delete(peek_fn);

  kiln_component_instance_delete(instance);
  kiln_component_linker_delete(linker);
  printf("linker deleted\n");
  values(engine, store, component, tag);
  kiln_component_delete(component);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  printf("Done.\n");
  return 0;
}
