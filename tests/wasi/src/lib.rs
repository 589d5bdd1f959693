//! Helpers for testing Kiln's WASI with real programs: the C programs in
//! `guests/` are compiled with clang for `wasm32-wasi`, and the Go programs
//! in `guests/go/` with Go for `wasip1`, into `target/wasi-guests/` when a
//! test first asks for them, then run with the [`kiln`] API.
//!
//! Compiling the C programs needs Debian's `clang lld wasi-libc
//! libclang-rt-14-dev-wasm32` (`./test.sh` installs them); the Go programs
//! need Go 1.26 or later on `PATH`. Without them the tests fail, saying so:
//! they are never skipped.
//!
//! ```no_run
//! use kiln_wasi::WasiConfig;
//! let out = kiln_wasi_tests::run("hello", WasiConfig::new().arg("hello"));
//! assert_eq!(out.stdout, "hello, world\n");
//! assert_eq!(out.exit, 0);
//! ```

#![forbid(unsafe_code)]
#![deny(missing_docs)]

use kiln::{Engine, Linker, Module, Store};
use kiln_wasi::{WasiConfig, WasiCtx, WasiPipe};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

/// The directory of the guest programs' C sources.
pub fn guests_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("guests")
}

/// The C compiler and sysroot (Debian installs wasi-libc under
/// `/usr/lib/wasm32-wasi` and `/usr/include/wasm32-wasi`).
const CLANG: &str = "clang";
const SYSROOT: &str = "/usr";
const INSTALL_HINT: &str = "run ./test.sh, which installs them (Debian packages: \
     clang lld wasi-libc libclang-rt-14-dev-wasm32)";

/// Compiles `source` (a C file) for wasm32-wasi into `output`, failing with
/// the compiler's message.
pub fn compile(source: &Path, output: &Path) {
    if let Some(dir) = output.parent() {
        std::fs::create_dir_all(dir)
            .unwrap_or_else(|e| panic!("cannot create {}: {e}", dir.display()));
    }
    // Written under a temporary name and renamed, so a concurrent reader
    // never sees half a module.
    let partial = output.with_extension(format!("wasm.{}.tmp", std::process::id()));
    let result = Command::new(CLANG)
        .args([
            "--target=wasm32-wasi",
            &format!("--sysroot={SYSROOT}"),
            "-O2",
        ])
        .args(["-Wall", "-Wextra", "-Werror", "-o"])
        .arg(&partial)
        .arg(source)
        .output();
    let out = match result {
        Ok(out) => out,
        Err(e) => {
            panic!("cannot run `{CLANG}` to compile the WASI test programs ({e}); {INSTALL_HINT}")
        }
    };
    if !out.status.success() {
        panic!(
            "`{CLANG} --target=wasm32-wasi` failed on {}; if the wasm32-wasi tools are missing, \
             {INSTALL_HINT}\n{}",
            source.display(),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    std::fs::rename(&partial, output)
        .unwrap_or_else(|e| panic!("cannot rename to {}: {e}", output.display()));
}

/// `target/wasi-guests/`, next to the profile directory of the running test.
fn out_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("the test's own path");
    // target/<profile>/deps/<test binary>
    let target = exe
        .ancestors()
        .nth(3)
        .expect("the test binary is in target/<profile>/deps");
    target.join("wasi-guests")
}

/// The compiled module of `guests/<name>.c`, compiled once per test run.
pub fn guest(name: &str) -> PathBuf {
    program(&guests_dir().join(format!("{name}.c")))
}

/// The compiled module of the C program `source`, compiled once per test
/// run into `target/wasi-guests/<file stem>.wasm`.
pub fn program(source: &Path) -> PathBuf {
    static COMPILED: Mutex<Option<HashMap<PathBuf, PathBuf>>> = Mutex::new(None);
    let mut compiled = COMPILED.lock().unwrap_or_else(|e| e.into_inner());
    let compiled = compiled.get_or_insert_with(HashMap::new);
    if let Some(path) = compiled.get(source) {
        return path.clone();
    }
    let stem = source.file_stem().expect("a C file name");
    let output = out_dir().join(stem).with_extension("wasm");
    compile(source, &output);
    compiled.insert(source.to_path_buf(), output.clone());
    output
}

/// The directory of the Go guest programs: a module with a `main` package
/// per subdirectory.
pub fn go_guests_dir() -> PathBuf {
    guests_dir().join("go")
}

const GO: &str = "go";
const GO_INSTALL_HINT: &str = "install Go 1.26 or later (https://go.dev/dl/) and put its \
     `bin` directory on PATH";

/// The compiled module of the Go program `guests/go/<name>/`, built once
/// per test run into `target/wasi-guests/go-<name>.wasm` (the prefix keeps
/// it apart from a C program of the same name).
///
/// The build cache and GOPATH are under `target/wasi-guests/` too, so the
/// build writes nothing to `$HOME`; the programs use only the standard
/// library, so it needs no network either.
pub fn go_guest(name: &str) -> PathBuf {
    static BUILT: Mutex<Option<HashMap<String, PathBuf>>> = Mutex::new(None);
    let mut built = BUILT.lock().unwrap_or_else(|e| e.into_inner());
    let built = built.get_or_insert_with(HashMap::new);
    if let Some(path) = built.get(name) {
        return path.clone();
    }
    let out_dir = out_dir();
    std::fs::create_dir_all(&out_dir)
        .unwrap_or_else(|e| panic!("cannot create {}: {e}", out_dir.display()));
    let output = out_dir.join(format!("go-{name}.wasm"));
    let partial = output.with_extension(format!("wasm.{}.tmp", std::process::id()));
    let result = Command::new(GO)
        .args(["build", "-trimpath", "-o"])
        .arg(&partial)
        .arg(format!("./{name}"))
        .current_dir(go_guests_dir())
        .env("GOOS", "wasip1")
        .env("GOARCH", "wasm")
        .env("GOCACHE", out_dir.join("go-cache"))
        .env("GOPATH", out_dir.join("go-path"))
        // Offline, with the installed toolchain, whatever the user's
        // environment says; no VCS stamp, so the repository's state does
        // not matter.
        .env("GOTOOLCHAIN", "local")
        .env("GOPROXY", "off")
        .env("GOWORK", "off")
        .env("GOFLAGS", "-buildvcs=false")
        .output();
    let out = match result {
        Ok(out) => out,
        Err(e) => panic!(
            "cannot run `{GO}` to build the Go WASI test program {name} ({e}); {GO_INSTALL_HINT}"
        ),
    };
    if !out.status.success() {
        panic!(
            "`GOOS=wasip1 GOARCH=wasm {GO} build` failed on {}; it needs Go 1.26 or later \
             ({GO_INSTALL_HINT})\n{}",
            go_guests_dir().join(name).display(),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    std::fs::rename(&partial, &output)
        .unwrap_or_else(|e| panic!("cannot rename to {}: {e}", output.display()));
    built.insert(name.to_string(), output.clone());
    output
}

/// What a guest program did.
#[derive(Debug)]
pub struct Output {
    /// Everything it wrote to stdout.
    pub stdout: String,
    /// Everything it wrote to stderr.
    pub stderr: String,
    /// Its exit code: `proc_exit`'s, or 0 when `_start` returned.
    pub exit: i32,
}

/// Runs the C guest `name` (see [`guest`]) with `config` plus pipes for
/// stdout and stderr. Panics if it traps or fails other than by exiting.
pub fn run(name: &str, config: WasiConfig) -> Output {
    run_module(&guest(name), config)
}

/// Runs the Go guest `name` (see [`go_guest`]) as [`run`] runs a C guest.
pub fn run_go(name: &str, config: WasiConfig) -> Output {
    run_module(&go_guest(name), config)
}

/// The module at `path`, compiled once per test run: a Go program is a few
/// megabytes of wasm that several tests run.
fn compiled(path: &Path) -> Module {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    type Cells = HashMap<PathBuf, Arc<OnceLock<Module>>>;
    static MODULES: Mutex<Option<Cells>> = Mutex::new(None);
    let cell = {
        let mut modules = MODULES.lock().unwrap_or_else(|e| e.into_inner());
        let modules = modules.get_or_insert_with(HashMap::new);
        modules.entry(path.to_path_buf()).or_default().clone()
    };
    // Compiled outside the map's lock, so different modules compile at once.
    cell.get_or_init(|| {
        let engine = ENGINE.get_or_init(Engine::default);
        Module::from_file(engine, path)
            .unwrap_or_else(|e| panic!("{}: {}", path.display(), e.message()))
    })
    .clone()
}

/// Runs the module at `path` with `config` plus pipes for stdout and
/// stderr. Panics if it traps or fails other than by exiting.
pub fn run_module(path: &Path, config: WasiConfig) -> Output {
    let name = path.display();
    let module = compiled(path);
    let engine = module.engine().clone();
    let stdout = WasiPipe::new();
    let stderr = WasiPipe::new();
    let wasi = config
        .stdout_pipe(&stdout)
        .stderr_pipe(&stderr)
        .build()
        .unwrap_or_else(|e| panic!("cannot build the WASI context: {}", e.message()));
    let mut linker = Linker::<WasiCtx>::new(&engine);
    kiln_wasi::add_to_linker(&mut linker, |ctx| ctx).expect("define WASI");
    let mut store = Store::new(&engine, wasi);
    let instance = linker
        .instantiate(&mut store, &module)
        .unwrap_or_else(|e| panic!("cannot instantiate {name}: {}", e.message()));
    let start = instance
        .get_typed_func::<(), ()>(&mut store, "_start")
        .unwrap_or_else(|e| panic!("{name} has no _start: {}", e.message()));
    let exit = match start.call(&mut store, ()) {
        Ok(()) => 0,
        Err(err) => match err.i32_exit() {
            Some(code) => code,
            None => panic!(
                "{name} failed: {err}\nstdout:\n{}\nstderr:\n{}",
                String::from_utf8_lossy(&stdout.contents()),
                String::from_utf8_lossy(&stderr.contents())
            ),
        },
    };
    Output {
        stdout: String::from_utf8_lossy(&stdout.contents()).into_owned(),
        stderr: String::from_utf8_lossy(&stderr.contents()).into_owned(),
        exit,
    }
}

/// A fresh directory under the system's temporary directory, removed with
/// everything in it on drop.
#[derive(Debug)]
pub struct TempDir(PathBuf);

impl TempDir {
    /// Creates the directory; `label` names it, for debugging.
    pub fn new(label: &str) -> TempDir {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let path =
            std::env::temp_dir().join(format!("kiln-wasi-{label}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path)
            .unwrap_or_else(|e| panic!("cannot create {}: {e}", path.display()));
        TempDir(path)
    }

    /// The directory's path.
    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
