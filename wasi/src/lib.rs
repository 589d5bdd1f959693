//! WASI preview1 (`wasi_snapshot_preview1`) for Kiln: a guest sees only the
//! arguments, environment, stdio, pre-opened directories and sockets its
//! host grants. Built on Kiln's public API alone: its functions are host
//! functions in a [`Linker`], like any the embedder defines.
//!
//! ```
//! use kiln::{Engine, Linker, Module, Store};
//! use kiln_wasi::{WasiConfig, WasiCtx, WasiPipe};
//! let engine = Engine::default();
//! let module = Module::new(&engine, r#"
//!   (module
//!     (import "wasi_snapshot_preview1" "fd_write"
//!       (func $fd_write (param i32 i32 i32 i32) (result i32)))
//!     (memory (export "memory") 1)
//!     (data (i32.const 8) "\10\00\00\00\03\00\00\00hi\n")
//!     (func (export "_start")
//!       (drop (call $fd_write (i32.const 1) (i32.const 8) (i32.const 1) (i32.const 0)))))
//! "#).unwrap();
//! let stdout = WasiPipe::new();
//! let wasi = WasiConfig::new().stdout_pipe(&stdout).build().unwrap();
//! let mut linker = Linker::<WasiCtx>::new(&engine);
//! kiln_wasi::add_to_linker(&mut linker, |ctx| ctx).unwrap();
//! let mut store = Store::new(&engine, wasi);
//! let instance = linker.instantiate(&mut store, &module).unwrap();
//! let start = instance.get_typed_func::<(), ()>(&mut store, "_start").unwrap();
//! start.call(&mut store, ()).unwrap();
//! assert_eq!(stdout.contents(), b"hi\n");
//! ```

mod config;
mod core;
mod errno;
mod fd;
mod fs;
mod memory;
mod poll;
mod rights;
mod sock;

pub use config::{WasiConfig, WasiOutput, WasiPipe};
pub use fd::WasiCtx;

use kiln::Linker;
use kiln::Result;

/// The module name of every preview1 import.
pub(crate) const MODULE: &str = "wasi_snapshot_preview1";

/// Defines a WASI function: the body gets the context, guest memory and the
/// arguments, and returns a `WasiResult` that becomes the errno result.
macro_rules! wasi_fn {
    ($linker:expr, $get:expr, $name:literal, |$ctx:ident, $mem:ident $(, $arg:ident : $ty:ty)*| $body:block) => {{
        let get = $get;
        $linker.func_wrap(
            $crate::MODULE,
            $name,
            move |mut caller: kiln::Caller<'_, T>, $($arg: $ty),*| -> kiln::Result<i32> {
                let memory = caller
                    .get_export("memory")
                    .and_then(kiln::Extern::into_memory);
                let Some(memory) = memory else {
                    return Err(kiln::Error::msg(concat!(
                        "WASI function `", $name, "` needs the caller to export its memory as `memory`"
                    )));
                };
                let (bytes, data) = memory.data_and_store_mut(&mut caller);
                #[allow(unused_variables)]
                let $ctx: &mut $crate::WasiCtx = get(data);
                #[allow(unused_variables)]
                let $mem = &mut $crate::memory::GuestMemory(bytes);
                // The closure gives `?` in the body somewhere to return to.
                #[allow(clippy::redundant_closure_call)]
                let result: $crate::errno::WasiResult = (|| $body)();
                Ok(match result {
                    Ok(()) => 0,
                    Err(errno) => errno as i32,
                })
            },
        )?;
    }};
}
pub(crate) use wasi_fn;

/// Defines every `wasi_snapshot_preview1` function in `linker`; `get` finds
/// the [`WasiCtx`] in the store's data.
pub fn add_to_linker<T: 'static>(
    linker: &mut Linker<T>,
    get: impl Fn(&mut T) -> &mut WasiCtx + Send + Sync + Copy + 'static,
) -> Result<()> {
    core::define(linker, get)?;
    fs::define(linker, get)?;
    poll::define(linker, get)?;
    sock::define(linker, get)?;
    Ok(())
}
