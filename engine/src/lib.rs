//! Kiln: a WebAssembly runtime that validates with wasmparser and compiles
//! every function to native code with Cranelift.
//!
//! ```
//! use kiln::{Engine, Store, Module, Instance};
//!
//! let engine = Engine::default();
//! let module = Module::new(&engine, r#"
//!     (module
//!       (func (export "fib") (param i64) (result i64)
//!         (if (result i64) (i64.lt_u (local.get 0) (i64.const 2))
//!           (then (local.get 0))
//!           (else (i64.add
//!             (call 0 (i64.sub (local.get 0) (i64.const 1)))
//!             (call 0 (i64.sub (local.get 0) (i64.const 2))))))))
//! "#).unwrap();
//! let mut store = Store::new(&engine, ());
//! let instance = Instance::new(&mut store, &module, &[]).unwrap();
//! let fib = instance.get_typed_func::<i64, i64>(&mut store, "fib").unwrap();
//! assert_eq!(fib.call(&mut store, 20).unwrap(), 6765);
//! ```
#![deny(missing_docs)]

mod api;
mod compiler;
pub mod component;
mod environ;
mod runtime;

pub use api::cache::CacheConfig;
pub use api::engine::{Config, Engine, OptLevel};
pub use api::externals::{Extern, Global, Memory, Table};
pub use api::externref::ExternRef;
pub use api::func::{Caller, Func};
pub use api::instance::Instance;
pub use api::linker::{InstancePre, Linker};
pub use api::module::Module;
pub use api::pooling::{InstanceAllocationStrategy, PoolingAllocationConfig};
pub use api::raw::RawFunc;
pub use api::store::{
    AsContext, AsContextMut, RawStoreContext, Store, StoreContext, StoreContextMut,
};
pub use api::typed::{IntoFunc, TypedFunc, WasmParams, WasmResults, WasmRet, WasmTy};
pub use api::values::Val;
pub use environ::error::{Error, ErrorKind, Result};
pub use environ::limits::StoreLimits;
pub use environ::trap::{
    wasmtime_exit_message, wasmtime_report, wasmtime_trap_text, FrameInfo, Trap, TrapCode,
};
pub use environ::types::{
    ExportType, ExternType, FuncType, GlobalType, ImportType, Limits, MemoryType, Mutability,
    TableType, ValType,
};
