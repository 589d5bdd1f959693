/* Host info and finalizers on every kind of reference: host info belongs to
 * the object, so every handle to it sees the same info; finalizers run when
 * the object can no longer be reached, and when their info is replaced. */
#include "common.h"

/* Host info here is a string literal naming the object. */
#define INFO(s) ((void*)(s))

static void finalize(void* info) {
  printf("> finalize %s\n", (const char*)info);
}

static wasm_extern_t* export_at(const wasm_extern_vec_t* exports, size_t i) {
  CHECK(i < exports->size);
  return exports->data[i];
}

int main(void) {
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = load_module(store);

  /* Modules: shared by copies, finalized with the last copy. */
  wasm_module_set_host_info_with_finalizer(module, INFO("module"), finalize);
  wasm_module_t* module_copy = wasm_module_copy(module);
  printf("module copy info: %s\n", (const char*)wasm_module_get_host_info(module_copy));
  printf("module as ref info: %s\n",
         (const char*)wasm_ref_get_host_info(wasm_module_as_ref(module_copy)));
  CHECK(wasm_module_same(module, module_copy));
  CHECK(wasm_ref_as_module(wasm_module_as_ref(module)) == module);
  CHECK(wasm_ref_as_func(wasm_module_as_ref(module)) == NULL);

  wasm_extern_vec_t no_imports = WASM_EMPTY_VEC;
  wasm_instance_t* instance = wasm_instance_new(store, module, &no_imports, NULL);
  CHECK(instance != NULL);
  printf("deleting the module's first copy\n");
  wasm_module_delete(module);
  printf("deleting the module's last copy\n");
  wasm_module_delete(module_copy);

  /* Instances and externs: kept by the store, seen by every handle. */
  wasm_instance_set_host_info_with_finalizer(instance, INFO("instance"), finalize);
  wasm_instance_t* instance_copy = wasm_instance_copy(instance);
  printf("instance copy info: %s\n", (const char*)wasm_instance_get_host_info(instance_copy));
  wasm_instance_delete(instance_copy);

  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  wasm_func_t* f = wasm_extern_as_func(export_at(&exports, 0));
  wasm_global_t* g = wasm_extern_as_global(export_at(&exports, 1));
  wasm_table_t* t = wasm_extern_as_table(export_at(&exports, 2));
  wasm_memory_t* m = wasm_extern_as_memory(export_at(&exports, 3));
  wasm_func_t* id = wasm_extern_as_func(export_at(&exports, 4));
  wasm_func_t* keep = wasm_extern_as_func(export_at(&exports, 5));
  wasm_func_t* drop = wasm_extern_as_func(export_at(&exports, 6));
  wasm_func_set_host_info_with_finalizer(f, INFO("func"), finalize);
  wasm_global_set_host_info_with_finalizer(g, INFO("global"), finalize);
  wasm_table_set_host_info_with_finalizer(t, INFO("table"), finalize);
  wasm_memory_set_host_info(m, INFO("memory without finalizer"));

  wasm_extern_vec_t again;
  wasm_instance_exports(instance, &again);
  printf("func info via a new handle: %s\n",
         (const char*)wasm_func_get_host_info(wasm_extern_as_func(export_at(&again, 0))));
  printf("global info via its extern: %s\n",
         (const char*)wasm_extern_get_host_info(export_at(&again, 1)));
  printf("table info via its ref: %s\n",
         (const char*)wasm_ref_get_host_info(wasm_table_as_ref(wasm_extern_as_table(export_at(&again, 2)))));
  printf("memory info: %s\n", (const char*)wasm_memory_get_host_info(m));
  printf("id has no info: %s\n", wasm_func_get_host_info(id) == NULL ? "yes" : "no");
  CHECK(wasm_ref_as_func(wasm_func_as_ref(f)) == f);
  CHECK(wasm_ref_as_global(wasm_func_as_ref(f)) == NULL);
  CHECK(wasm_ref_as_extern(wasm_global_as_ref(g)) == wasm_global_as_extern(g));
  CHECK(wasm_ref_as_instance(wasm_instance_as_ref(instance)) == instance);
  CHECK(wasm_extern_same(export_at(&exports, 0), export_at(&again, 0)));
  CHECK(!wasm_extern_same(export_at(&exports, 0), export_at(&again, 1)));
  wasm_extern_vec_delete(&again);

  printf("replacing the func's info\n");
  wasm_func_set_host_info_with_finalizer(f, INFO("func, again"), finalize);
  printf("func info: %s\n", (const char*)wasm_func_get_host_info(f));

  /* Foreign objects: their info travels through wasm with them. */
  wasm_foreign_t* foreign = wasm_foreign_new(store);
  wasm_foreign_set_host_info_with_finalizer(foreign, INFO("foreign"), finalize);
  wasm_val_t args_val[1] = {WASM_REF_VAL(wasm_foreign_as_ref(foreign))};
  wasm_val_t results_val[1] = {WASM_INIT_VAL};
  wasm_val_vec_t args = WASM_ARRAY_VEC(args_val);
  wasm_val_vec_t results = WASM_ARRAY_VEC(results_val);
  CHECK(wasm_func_call(id, &args, &results) == NULL);
  wasm_ref_t* back = results_val[0].of.ref;
  CHECK(back != NULL && back != wasm_foreign_as_ref(foreign));
  printf("foreign back from wasm: same %s, info %s\n",
         wasm_ref_same(back, wasm_foreign_as_ref(foreign)) ? "yes" : "no",
         (const char*)wasm_ref_get_host_info(back));
  CHECK(wasm_ref_as_foreign(back) != NULL);
  wasm_val_delete(&results_val[0]);

  wasm_val_vec_t none = WASM_EMPTY_VEC;
  CHECK(wasm_func_call(keep, &args, &none) == NULL);
  printf("deleting the foreign's handle while a table holds it\n");
  wasm_foreign_delete(foreign);
  wasm_ref_t* held = wasm_table_get(t, 0);
  printf("table[0] info: %s\n", (const char*)wasm_ref_get_host_info(held));
  wasm_ref_delete(held);
  CHECK(wasm_func_call(drop, &none, &none) == NULL);

  wasm_foreign_t* loose = wasm_foreign_new(store);
  wasm_foreign_set_host_info_with_finalizer(loose, INFO("loose foreign"), finalize);
  wasm_foreign_t* loose_copy = wasm_foreign_copy(loose);
  printf("deleting a foreign wasm never saw, one copy left\n");
  wasm_foreign_delete(loose);
  printf("deleting its last copy\n");
  wasm_foreign_delete(loose_copy);

  /* Traps: shared by copies, finalized with the last copy. */
  wasm_message_t message;
  wasm_name_new_from_string_nt(&message, "boom");
  wasm_trap_t* trap = wasm_trap_new(store, &message);
  wasm_byte_vec_delete(&message);
  wasm_trap_set_host_info_with_finalizer(trap, INFO("trap"), finalize);
  wasm_trap_t* trap_copy = wasm_trap_copy(trap);
  printf("trap copy info: %s\n", (const char*)wasm_trap_get_host_info(trap_copy));
  wasm_trap_delete(trap);
  printf("deleting the trap's last copy\n");
  wasm_trap_delete(trap_copy);

  /* Host info with no finalizer replaces one with a finalizer. */
  wasm_global_set_host_info(g, INFO("global, no finalizer"));
  printf("global info: %s\n", (const char*)wasm_global_get_host_info(g));

  /* NULL objects are tolerated; a finalizer given with one runs at once. */
  CHECK(wasm_func_get_host_info(NULL) == NULL);
  wasm_func_set_host_info_with_finalizer(NULL, INFO("nothing"), finalize);

  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  printf("deleting the store\n");
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  printf("Done.\n");
  return 0;
}
