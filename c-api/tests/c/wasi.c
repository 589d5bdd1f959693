/* WASI through kiln.h: arguments, stdio to files, a pre-opened directory
 * (read-write and read-only), exit statuses, and configuration errors. */
#define _DEFAULT_SOURCE
#include <unistd.h>
#include "kiln_common.h"

/* mkdtemp's template: it replaces the X's with a unique name. */
static char dir[] = "/tmp/kiln-wasi-XXXXXX";

static void path_in_dir(char* out, size_t size, const char* name) {
  snprintf(out, size, "%s/%s", dir, name);
}

/* Prints the file `name` in the directory (or that it is missing), then
 * removes it. */
static void show_file(const char* name) {
  char path[256];
  path_in_dir(path, sizeof path, name);
  FILE* f = fopen(path, "r");
  if (f == NULL) {
    printf("  %s: missing\n", name);
    return;
  }
  char text[256] = {0};
  size_t n = fread(text, 1, sizeof text - 1, f);
  fclose(f);
  unlink(path);
  printf("  %s: \"", name);
  for (size_t i = 0; i < n; i++) {
    if (text[i] == '\n') printf("\\n"); else putchar(text[i]);
  }
  printf("\"\n");
}

/* Prints the error's message with the temporary directory shown as $DIR. */
static void print_error_in_dir(const char* what, kiln_error_t* error) {
  print_error_hiding(what, error, dir, "$DIR");
}

/* Instantiates the program in a new store configured with `config` (or
 * WASI's defaults, if NULL), runs `_start`, and prints its exit status. */
static void run_program(wasm_engine_t* engine, wasm_module_t* module, kiln_wasi_config_t* config) {
  wasm_store_t* store = wasm_store_new(engine);
  if (config != NULL) {
    CHECK(kiln_store_set_wasi(store, config) == NULL);
  }
  kiln_linker_t* linker = kiln_linker_new(engine);
  CHECK(kiln_linker_define_wasi(linker) == NULL);
  wasm_instance_t* instance = NULL;
  wasm_trap_t* trap = NULL;
  CHECK(kiln_linker_instantiate(linker, store, module, &instance, &trap) == NULL);
  CHECK(instance != NULL);
  wasm_extern_t* start = NULL;
  CHECK(kiln_linker_get(linker, store, "wasi_snapshot_preview1", "proc_exit", &start));
  wasm_extern_delete(start);
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  wasm_val_vec_t none = WASM_EMPTY_VEC;
  trap = wasm_func_call(wasm_extern_as_func(exports.data[1]), &none, &none);
  int status = -1;
  CHECK(trap != NULL);
  CHECK(kiln_trap_exit_status(trap, &status));
  CHECK(!kiln_trap_code(trap, NULL));
  printf("  exit status %d\n", status);
  /* Wasmtime's text for an exit, which bindings shaped like it show. */
  wasm_message_t report;
  kiln_trap_report(trap, &report);
  char expected[64];
  snprintf(expected, sizeof expected, "Exited with i32 exit status %d", status);
  CHECK(strcmp(report.data, expected) == 0);
  wasm_byte_vec_delete(&report);
  wasm_trap_delete(trap);
  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  kiln_linker_delete(linker);
  wasm_store_delete(store);
}

static kiln_wasi_config_t* config_with_files(bool read_only) {
  kiln_wasi_config_t* config = kiln_wasi_config_new();
  kiln_wasi_config_arg(config, "prog");
  kiln_wasi_config_arg(config, "hello-arg");
  char path[256];
  path_in_dir(path, sizeof path, "stdout.txt");
  CHECK(kiln_wasi_config_stdout_file(config, path) == NULL);
  path_in_dir(path, sizeof path, "stderr.txt");
  CHECK(kiln_wasi_config_stderr_file(config, path) == NULL);
  kiln_wasi_config_preopen_dir(config, dir, ".", read_only);
  return config;
}

int main(void) {
  CHECK(mkdtemp(dir) != NULL);
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = load_module(store);

  printf("read-write directory:\n");
  run_program(engine, module, config_with_files(false));
  show_file("stdout.txt");
  show_file("stderr.txt");
  show_file("out.txt");

  printf("read-only directory:\n");
  run_program(engine, module, config_with_files(true));
  show_file("stdout.txt");
  show_file("stderr.txt");
  show_file("out.txt");

  printf("defaults (nothing granted):\n");
  run_program(engine, module, NULL);
  show_file("out.txt");

  kiln_wasi_config_t* config = kiln_wasi_config_new();
  char missing[256];
  path_in_dir(missing, sizeof missing, "missing");
  print_error_in_dir("stdin from a missing file", kiln_wasi_config_stdin_file(config, missing));
  kiln_wasi_config_preopen_dir(config, missing, ".", false);
  print_error_in_dir("pre-opening a missing directory", kiln_store_set_wasi(store, config));
  kiln_wasi_config_delete(kiln_wasi_config_new());

  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  CHECK(rmdir(dir) == 0);
  printf("Done.\n");
  return 0;
}
