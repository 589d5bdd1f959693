//! WASI preview1 (`wasi_snapshot_preview1`): a guest sees only the arguments,
//! environment, stdio, pre-opened directories and sockets its host grants.
//!
//! ```
//! use kiln::{Engine, Linker, Module, Store, WasiConfig, WasiCtx, WasiPipe};
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
//! linker.define_wasi(|ctx| ctx).unwrap();
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
mod sock;

pub use config::{WasiConfig, WasiPipe};
pub use fd::WasiCtx;

use crate::api::linker::Linker;
use crate::environ::error::Result;

/// The module name of every preview1 import.
pub(crate) const MODULE: &str = "wasi_snapshot_preview1";

/// Defines a WASI function: the body gets the context, guest memory and the
/// arguments, and returns a `WasiResult` that becomes the errno result.
macro_rules! wasi_fn {
    ($linker:expr, $get:expr, $name:literal, |$ctx:ident, $mem:ident $(, $arg:ident : $ty:ty)*| $body:block) => {{
        let get = $get;
        $linker.func_wrap(
            $crate::wasi::MODULE,
            $name,
            move |mut caller: $crate::api::func::Caller<'_, T>, $($arg: $ty),*| -> $crate::environ::error::Result<i32> {
                let memory = caller
                    .get_export("memory")
                    .and_then($crate::api::externals::Extern::into_memory);
                let Some(memory) = memory else {
                    return Err($crate::environ::error::Error::msg(concat!(
                        "WASI function `", $name, "` needs the caller to export its memory as `memory`"
                    )));
                };
                let (bytes, data) = memory.data_and_store_mut(&mut caller);
                #[allow(unused_variables)]
                let $ctx: &mut $crate::wasi::WasiCtx = get(data);
                #[allow(unused_variables)]
                let $mem = &mut $crate::wasi::memory::GuestMemory(bytes);
                // The closure gives `?` in the body somewhere to return to.
                #[allow(clippy::redundant_closure_call)]
                let result: $crate::wasi::errno::WasiResult = (|| $body)();
                Ok(match result {
                    Ok(()) => 0,
                    Err(errno) => errno as i32,
                })
            },
        )?;
    }};
}
pub(crate) use wasi_fn;

impl<T: 'static> Linker<T> {
    /// Defines every `wasi_snapshot_preview1` function; `get` finds the
    /// [`WasiCtx`] in the store's data.
    pub fn define_wasi(
        &mut self,
        get: impl Fn(&mut T) -> &mut WasiCtx + Send + Sync + Copy + 'static,
    ) -> Result<&mut Self> {
        core::define(self, get)?;
        fs::define(self, get)?;
        poll::define(self, get)?;
        sock::define(self, get)?;
        Ok(self)
    }
}
