/* Reflecting on a module's imports and exports, and on the types of the
 * externs an instance exports. */
#include "common.h"

static const char* kind_name(wasm_valkind_t kind) {
  switch (kind) {
    case WASM_I32: return "i32";
    case WASM_I64: return "i64";
    case WASM_F32: return "f32";
    case WASM_F64: return "f64";
    case WASM_EXTERNREF: return "externref";
    case WASM_FUNCREF: return "funcref";
    default: return "?";
  }
}

static void print_valtypes(const wasm_valtype_vec_t* types) {
  printf("(");
  for (size_t i = 0; i < types->size; i++) {
    printf("%s%s", i ? " " : "", kind_name(wasm_valtype_kind(types->data[i])));
  }
  printf(")");
}

static void print_limits(const wasm_limits_t* limits) {
  if (limits->max == wasm_limits_max_default) {
    printf("%u..", limits->min);
  } else {
    printf("%u..%u", limits->min, limits->max);
  }
}

static void print_externtype(const wasm_externtype_t* type) {
  switch (wasm_externtype_kind(type)) {
    case WASM_EXTERN_FUNC: {
      const wasm_functype_t* f = wasm_externtype_as_functype_const(type);
      printf("func ");
      print_valtypes(wasm_functype_params(f));
      printf(" -> ");
      print_valtypes(wasm_functype_results(f));
      break;
    }
    case WASM_EXTERN_GLOBAL: {
      const wasm_globaltype_t* g = wasm_externtype_as_globaltype_const(type);
      printf("global %s %s", wasm_globaltype_mutability(g) == WASM_VAR ? "var" : "const",
             kind_name(wasm_valtype_kind(wasm_globaltype_content(g))));
      break;
    }
    case WASM_EXTERN_TABLE: {
      const wasm_tabletype_t* t = wasm_externtype_as_tabletype_const(type);
      printf("table %s ", kind_name(wasm_valtype_kind(wasm_tabletype_element(t))));
      print_limits(wasm_tabletype_limits(t));
      break;
    }
    case WASM_EXTERN_MEMORY: {
      printf("memory ");
      print_limits(wasm_memorytype_limits(wasm_externtype_as_memorytype_const(type)));
      break;
    }
  }
  CHECK((wasm_externtype_as_functype_const(type) != NULL) +
            (wasm_externtype_as_globaltype_const(type) != NULL) +
            (wasm_externtype_as_tabletype_const(type) != NULL) +
            (wasm_externtype_as_memorytype_const(type) != NULL) == 1);
}

int main(void) {
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = load_module(store);

  wasm_importtype_vec_t imports;
  wasm_module_imports(module, &imports);
  printf("%zu imports:\n", imports.size);
  for (size_t i = 0; i < imports.size; i++) {
    const wasm_name_t* module_name = wasm_importtype_module(imports.data[i]);
    const wasm_name_t* name = wasm_importtype_name(imports.data[i]);
    printf("  %.*s.%.*s: ", (int)module_name->size, module_name->data, (int)name->size, name->data);
    print_externtype(wasm_importtype_type(imports.data[i]));
    printf("\n");
  }

  /* Copies are deep and independent of the original. */
  wasm_importtype_vec_t copy;
  wasm_importtype_vec_copy(&copy, &imports);
  wasm_importtype_vec_delete(&imports);
  const wasm_name_t* first = wasm_importtype_name(copy.data[0]);
  printf("first import of the copy: %.*s\n", (int)first->size, first->data);
  wasm_importtype_vec_delete(&copy);

  wasm_exporttype_vec_t exports;
  wasm_module_exports(module, &exports);
  printf("%zu exports:\n", exports.size);
  for (size_t i = 0; i < exports.size; i++) {
    const wasm_name_t* name = wasm_exporttype_name(exports.data[i]);
    printf("  %.*s: ", (int)name->size, name->data);
    print_externtype(wasm_exporttype_type(exports.data[i]));
    printf("\n");
  }
  wasm_exporttype_vec_delete(&exports);

  /* Import types built by the host compare equal in shape to the module's. */
  wasm_name_t module_name, name;
  wasm_name_new_from_string(&module_name, "host");
  wasm_name_new_from_string(&name, "heap");
  wasm_limits_t limits = {1, 2};
  wasm_memorytype_t* memory_type = wasm_memorytype_new(&limits);
  wasm_importtype_t* made = wasm_importtype_new(&module_name, &name,
                                                wasm_memorytype_as_externtype(memory_type));
  printf("made import: %.*s.%.*s: ", (int)wasm_importtype_module(made)->size,
         wasm_importtype_module(made)->data, (int)wasm_importtype_name(made)->size,
         wasm_importtype_name(made)->data);
  print_externtype(wasm_importtype_type(made));
  printf("\n");
  wasm_importtype_delete(made);

  /* The types of the externs an instance exports. */
  wasm_limits_t table_limits = {3, 8};
  wasm_tabletype_t* table_type = wasm_tabletype_new(wasm_valtype_new_funcref(), &table_limits);
  wasm_table_t* table = wasm_table_new(store, table_type, NULL);
  wasm_tabletype_delete(table_type);
  wasm_limits_t heap_limits = {1, 2};
  wasm_memorytype_t* heap_type = wasm_memorytype_new(&heap_limits);
  wasm_memory_t* heap = wasm_memory_new(store, heap_type);
  wasm_memorytype_delete(heap_type);
  wasm_globaltype_t* limit_type = wasm_globaltype_new(wasm_valtype_new_i64(), WASM_CONST);
  wasm_val_t limit_value = WASM_I64_VAL(10);
  wasm_global_t* limit = wasm_global_new(store, limit_type, &limit_value);
  wasm_globaltype_delete(limit_type);
  wasm_globaltype_t* state_type = wasm_globaltype_new(wasm_valtype_new_f64(), WASM_VAR);
  wasm_val_t state_value = WASM_F64_VAL(0.5);
  wasm_global_t* state = wasm_global_new(store, state_type, &state_value);
  wasm_globaltype_delete(state_type);
  wasm_functype_t* log_type = wasm_functype_new_2_1(wasm_valtype_new_i32(), wasm_valtype_new_i64(),
                                                    wasm_valtype_new_f32());
  wasm_func_t* log = wasm_func_new(store, log_type, NULL);
  printf("a host function needs a callback: %s\n", log == NULL ? "NULL without one" : "made");
  wasm_functype_delete(log_type);

  wasm_extern_vec_t none = WASM_EMPTY_VEC;
  wasm_trap_t* trap = NULL;
  CHECK(wasm_instance_new(store, module, &none, &trap) == NULL);
  printf("no imports: ");
  print_trap(trap);

  wasm_extern_t* externs[] = {wasm_global_as_extern(limit)};
  wasm_extern_vec_t few = WASM_ARRAY_VEC(externs);
  CHECK(wasm_instance_new(store, module, &few, &trap) == NULL);
  printf("one import: ");
  print_trap(trap);

  wasm_extern_t* types_of[] = {wasm_global_as_extern(limit), wasm_global_as_extern(state),
                               wasm_table_as_extern(table), wasm_memory_as_extern(heap)};
  for (size_t i = 0; i < 4; i++) {
    wasm_externtype_t* type = wasm_extern_type(types_of[i]);
    printf("host extern %zu: kind %d, ", i, wasm_extern_kind(types_of[i]));
    print_externtype(type);
    printf("\n");
    wasm_externtype_delete(type);
  }

  wasm_global_delete(limit);
  wasm_global_delete(state);
  wasm_table_delete(table);
  wasm_memory_delete(heap);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  printf("Done.\n");
  return 0;
}
