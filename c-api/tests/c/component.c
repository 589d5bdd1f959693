/* kiln.h's components: a component from bytes, a linker of flat host
 * functions that lift and lower strings through the call's memory and
 * realloc, instantiation, and errors. */
#include "kiln_common.h"

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
  printf("instantiating...\n");
  check_ok(kiln_component_linker_instantiate(linker, store, component, &instance));
  printf("shout called %d time(s)\n", calls);

  kiln_component_func_t* func = (kiln_component_func_t*)1;
  print_error("missing export",
              kiln_component_instance_get_func(instance, store, NULL, "run", &func));
  CHECK(func == NULL);

  kiln_component_instance_delete(instance);
  kiln_component_linker_delete(linker);
  printf("linker deleted\n");
  kiln_component_delete(component);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  printf("Done.\n");
  return 0;
}
