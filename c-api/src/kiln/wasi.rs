//! WASI configuration: what a WASI program in a store may see.

use super::error::{kiln_error_t, result};
use crate::guard;
use crate::store::{store_mut, wasm_store_t};
use kiln_wasi::WasiConfig;
use std::ffi::{c_char, CStr};

/// What a WASI program is granted: arguments, environment, stdio and
/// pre-opened directories. Nothing is granted unless asked for: no
/// arguments, no environment, null stdio, no files. Owned by the caller
/// until `kiln_store_set_wasi` takes it.
#[derive(Default)]
pub struct kiln_wasi_config_t {
    config: WasiConfig,
}

impl kiln_wasi_config_t {
    fn update(&mut self, f: impl FnOnce(WasiConfig) -> WasiConfig) {
        self.config = f(std::mem::take(&mut self.config));
    }
}

/// The text of a C string; NULL reads as empty, invalid UTF-8 is replaced.
///
/// # Safety
/// `s` is null or a null-terminated string.
unsafe fn text(s: *const c_char) -> String {
    if s.is_null() {
        return String::new();
    }
    // SAFETY: guaranteed by the caller.
    unsafe { CStr::from_ptr(s) }.to_string_lossy().into_owned()
}

/// The path at `path`, once opening it for stdio with `open` succeeded (the
/// header promises the error now; the store's context opens it again),
/// naming the path in the error.
///
/// # Safety
/// `path` is null or a null-terminated string.
unsafe fn open_file(
    path: *const c_char,
    open: fn(&str) -> std::io::Result<std::fs::File>,
) -> Result<String, Box<kiln_error_t>> {
    if path.is_null() {
        return Err(kiln_error_t::msg("the path is NULL"));
    }
    // SAFETY: guaranteed by the caller.
    let path = unsafe { text(path) };
    match open(&path) {
        Ok(_) => Ok(path),
        Err(e) => Err(kiln_error_t::msg(format!("cannot open {path}: {e}"))),
    }
}

/// A configuration that grants nothing.
#[no_mangle]
pub unsafe extern "C" fn kiln_wasi_config_new() -> Option<Box<kiln_wasi_config_t>> {
    guard(None, || Some(Box::default()))
}

/// Releases a configuration not given to a store.
#[no_mangle]
pub unsafe extern "C" fn kiln_wasi_config_delete(config: Option<Box<kiln_wasi_config_t>>) {
    guard((), || drop(config))
}

/// Appends the null-terminated `arg` to the arguments; the first is the
/// program's name.
#[no_mangle]
pub unsafe extern "C" fn kiln_wasi_config_arg(
    config: Option<&mut kiln_wasi_config_t>,
    arg: *const c_char,
) {
    guard((), || {
        if let Some(config) = config {
            // SAFETY: `arg` is null or a null-terminated string.
            let arg = unsafe { text(arg) };
            config.update(|c| c.arg(arg));
        }
    })
}

/// Sets the environment variable `name` to `value` (both null-terminated).
#[no_mangle]
pub unsafe extern "C" fn kiln_wasi_config_env(
    config: Option<&mut kiln_wasi_config_t>,
    name: *const c_char,
    value: *const c_char,
) {
    guard((), || {
        if let Some(config) = config {
            // SAFETY: both are null or null-terminated strings.
            let (name, value) = unsafe { (text(name), text(value)) };
            config.update(|c| c.env(name, value));
        }
    })
}

/// Grants the host process's whole environment.
#[no_mangle]
pub unsafe extern "C" fn kiln_wasi_config_inherit_env(config: Option<&mut kiln_wasi_config_t>) {
    guard((), || {
        if let Some(config) = config {
            config.update(WasiConfig::inherit_env);
        }
    })
}

/// The program reads the host process's standard input.
#[no_mangle]
pub unsafe extern "C" fn kiln_wasi_config_inherit_stdin(config: Option<&mut kiln_wasi_config_t>) {
    guard((), || {
        if let Some(config) = config {
            config.update(WasiConfig::inherit_stdin);
        }
    })
}

/// The program writes to the host process's standard output.
#[no_mangle]
pub unsafe extern "C" fn kiln_wasi_config_inherit_stdout(config: Option<&mut kiln_wasi_config_t>) {
    guard((), || {
        if let Some(config) = config {
            config.update(WasiConfig::inherit_stdout);
        }
    })
}

/// The program writes to the host process's standard error.
#[no_mangle]
pub unsafe extern "C" fn kiln_wasi_config_inherit_stderr(config: Option<&mut kiln_wasi_config_t>) {
    guard((), || {
        if let Some(config) = config {
            config.update(WasiConfig::inherit_stderr);
        }
    })
}

/// The program reads the `len` bytes at `bytes` (copied) as its standard
/// input.
#[no_mangle]
pub unsafe extern "C" fn kiln_wasi_config_stdin_bytes(
    config: Option<&mut kiln_wasi_config_t>,
    bytes: *const u8,
    len: usize,
) {
    guard((), || {
        if let Some(config) = config {
            // SAFETY: `bytes` points to `len` readable bytes (or is NULL).
            let bytes = unsafe { crate::vec::as_slice(len, bytes) }.to_vec();
            config.update(|c| c.stdin_bytes(bytes));
        }
    })
}

/// The program reads the file at `path` as its standard input; an error if
/// it cannot be opened.
#[no_mangle]
pub unsafe extern "C" fn kiln_wasi_config_stdin_file(
    config: Option<&mut kiln_wasi_config_t>,
    path: *const c_char,
) -> Option<Box<kiln_error_t>> {
    guard(Some(kiln_error_t::msg("internal error")), || {
        let Some(config) = config else {
            return Some(kiln_error_t::msg("the configuration is NULL"));
        };
        // SAFETY: `path` is null or a null-terminated string.
        match unsafe { open_file(path, |p| std::fs::File::open(p)) } {
            Ok(path) => {
                config.update(|c| c.stdin_file(path));
                None
            }
            Err(e) => Some(e),
        }
    })
}

/// Sends an output stream to the file at `path`, created or truncated now.
///
/// # Safety
/// `path` is null or a null-terminated string.
unsafe fn output_file(
    config: Option<&mut kiln_wasi_config_t>,
    path: *const c_char,
    to: fn(WasiConfig, String) -> WasiConfig,
) -> Option<Box<kiln_error_t>> {
    guard(Some(kiln_error_t::msg("internal error")), || {
        let Some(config) = config else {
            return Some(kiln_error_t::msg("the configuration is NULL"));
        };
        // SAFETY: guaranteed by the caller.
        match unsafe { open_file(path, |p| std::fs::File::create(p)) } {
            Ok(path) => {
                config.update(|c| to(c, path));
                None
            }
            Err(e) => Some(e),
        }
    })
}

/// The program writes its standard output to the file at `path`,
/// created or truncated now; an error if that fails.
#[no_mangle]
pub unsafe extern "C" fn kiln_wasi_config_stdout_file(
    config: Option<&mut kiln_wasi_config_t>,
    path: *const c_char,
) -> Option<Box<kiln_error_t>> {
    // SAFETY: `path` is null or a null-terminated string.
    unsafe { output_file(config, path, |c, p| c.stdout_file(p)) }
}

/// The program writes its standard error to the file at `path`,
/// created or truncated now; an error if that fails.
#[no_mangle]
pub unsafe extern "C" fn kiln_wasi_config_stderr_file(
    config: Option<&mut kiln_wasi_config_t>,
    path: *const c_char,
) -> Option<Box<kiln_error_t>> {
    // SAFETY: `path` is null or a null-terminated string.
    unsafe { output_file(config, path, |c, p| c.stderr_file(p)) }
}

/// Grants the program the host directory `host_path` under the name
/// `guest_path` (e.g. "." or "/data"); with `read_only`, nothing in it can
/// change. Paths cannot lead out of it: not by `..`, not by symlinks. The
/// directory is opened by `kiln_store_set_wasi`.
#[no_mangle]
pub unsafe extern "C" fn kiln_wasi_config_preopen_dir(
    config: Option<&mut kiln_wasi_config_t>,
    host_path: *const c_char,
    guest_path: *const c_char,
    read_only: bool,
) {
    guard((), || {
        if let Some(config) = config {
            // SAFETY: both are null or null-terminated strings.
            let (host, guest) = unsafe { (text(host_path), text(guest_path)) };
            config.update(|c| c.preopened_dir(host, guest, read_only));
        }
    })
}

/// Gives the store's WASI functions (see `kiln_linker_define_wasi`) this
/// configuration, which the store takes (`config` is owned and must not be
/// used again, even on failure). An error if a pre-opened directory cannot
/// be opened; the store's previous configuration then stays.
#[no_mangle]
pub unsafe extern "C" fn kiln_store_set_wasi(
    store: *mut wasm_store_t,
    config: Option<Box<kiln_wasi_config_t>>,
) -> Option<Box<kiln_error_t>> {
    guard(
        Some(kiln_error_t::msg("kiln_store_set_wasi: internal error")),
        || {
            let Some(config) = config.filter(|_| !store.is_null()) else {
                return Some(kiln_error_t::msg(
                    "kiln_store_set_wasi: NULL store or config",
                ));
            };
            let ctx = match config.config.build() {
                Ok(ctx) => ctx,
                Err(err) => return result(Err(err)),
            };
            // SAFETY: `store` is a live store.
            unsafe { store_mut(store) }.data_mut().wasi = ctx;
            None
        },
    )
}
