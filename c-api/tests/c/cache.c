/* The compiled-module cache: a configuration file in Wasmtime's format, the
 * per-user location, and files that cannot be used. */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <unistd.h>
#include "kiln_common.h"

/* How many entries `path` holds (0 if it does not exist). */
static int count_entries(const char* path) {
  DIR* dir = opendir(path);
  if (dir == NULL) return 0;
  int n = 0;
  struct dirent* entry;
  while ((entry = readdir(dir)) != NULL) {
    if (entry->d_name[0] != '.') n++;
  }
  closedir(dir);
  return n;
}

/* Compiles the module twice in an engine made with `config` (taken) and
 * returns square(6) from the second, which the cache supplied. */
static int32_t compile_twice(wasm_config_t* config) {
  wasm_engine_t* engine = wasm_engine_new_with_config(config);
  CHECK(engine != NULL);
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_delete(load_module(store));
  wasm_module_t* module = load_module(store);
  wasm_extern_vec_t no_imports = WASM_EMPTY_VEC;
  wasm_instance_t* instance = wasm_instance_new(store, module, &no_imports, NULL);
  CHECK(instance != NULL);
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  wasm_val_t args_val[1] = {WASM_I32_VAL(6)};
  wasm_val_t results_val[1] = {WASM_INIT_VAL};
  wasm_val_vec_t args = WASM_ARRAY_VEC(args_val);
  wasm_val_vec_t results = WASM_ARRAY_VEC(results_val);
  CHECK(wasm_func_call(wasm_extern_as_func(exports.data[0]), &args, &results) == NULL);
  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  return results_val[0].of.i32;
}

int main(void) {
  char root[] = "/tmp/kiln-c-cache-XXXXXX";
  CHECK(mkdtemp(root) != NULL);
  char file[256], modules[256], user[256], bad[256];
  snprintf(file, sizeof file, "%s/cache.toml", root);
  snprintf(modules, sizeof modules, "%s/modules", root);
  snprintf(user, sizeof user, "%s/user", root);
  snprintf(bad, sizeof bad, "%s/bad.toml", root);

  /* A file naming a directory relative to itself. */
  FILE* f = fopen(file, "w");
  CHECK(f != NULL);
  fputs("[cache]\ndirectory = \"modules\"\ncleanup-interval = \"30m\"\n", f);
  fclose(f);
  wasm_config_t* config = wasm_config_new();
  check_ok(kiln_config_cache_config_load(config, file));
  printf("square(6) from a cached module = %d\n", compile_twice(config));
  printf("entries in the configured directory: %d\n", count_entries(modules));

  /* NULL: the per-user cache, here $KILN_CACHE_DIR. */
  CHECK(setenv("KILN_CACHE_DIR", user, 1) == 0);
  config = wasm_config_new();
  check_ok(kiln_config_cache_config_load(config, NULL));
  printf("square(6) from the per-user cache = %d\n", compile_twice(config));
  printf("entries in the per-user directory: %d\n", count_entries(user));

  /* Files that cannot be used leave the config as it was. */
  f = fopen(bad, "w");
  CHECK(f != NULL);
  fputs("[cache]\nenabled = false\n", f);
  fclose(f);
  config = wasm_config_new();
  print_error_hiding("missing file", kiln_config_cache_config_load(config, "/nonexistent/kiln.toml"),
                     NULL, NULL);
  print_error_hiding("disabled cache", kiln_config_cache_config_load(config, bad), root, "ROOT");
  print_error("no config", kiln_config_cache_config_load(NULL, file));
  wasm_config_delete(config);

  char command[300];
  snprintf(command, sizeof command, "rm -rf %s", root);
  CHECK(system(command) == 0);
  printf("Done.\n");
  return 0;
}
