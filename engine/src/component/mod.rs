//! WebAssembly components: decoding and validating them, instantiating them
//! with a [`Linker`] of host definitions, and calling their functions with
//! [`Val`]s through the canonical ABI. Shaped like Wasmtime's
//! `wasmtime::component`.
//!
//! ```
//! use kiln::component::{Component, Linker, Val};
//! use kiln::{Engine, Store};
//!
//! let engine = Engine::default();
//! let component = Component::new(&engine, r#"
//!     (component
//!       (core module $m
//!         (memory (export "memory") 1)
//!         (global $next (mut i32) (i32.const 1024))
//!         (func (export "realloc") (param i32 i32 i32 i32) (result i32)
//!           (local $ptr i32)
//!           (local.set $ptr (global.get $next))
//!           (global.set $next (i32.add (local.get $ptr) (local.get 3)))
//!           (local.get $ptr))
//!         ;; Returns its string argument: the (pointer, length) pair, stored
//!         ;; where the results go.
//!         (func (export "echo") (param i32 i32) (result i32)
//!           (i32.store (i32.const 0) (local.get 0))
//!           (i32.store (i32.const 4) (local.get 1))
//!           (i32.const 0)))
//!       (core instance $i (instantiate $m))
//!       (func (export "echo") (param "s" string) (result string)
//!         (canon lift (core func $i "echo")
//!           (memory (core memory $i "memory")) (realloc (core func $i "realloc")))))
//! "#).unwrap();
//! let mut store = Store::new(&engine, ());
//! let instance = Linker::new(&engine).instantiate(&mut store, &component).unwrap();
//! let echo = instance.get_func(&mut store, "echo").unwrap();
//! let mut result = [Val::Bool(false)];
//! echo.call(&mut store, &[Val::String("héllo".into())], &mut result).unwrap();
//! assert_eq!(result[0], Val::String("héllo".into()));
//! ```

mod abi;
pub mod bindgen;
mod canon;
#[allow(clippy::module_inception)]
mod component;
mod convert;
mod flat;
mod flat_call;
mod func;
mod handles;
mod instance;
mod instantiate;
mod items;
mod linker;
mod plan;
mod resources;
mod state;
mod translate;
mod trap;
pub mod types;
mod values;

pub use component::Component;
pub use flat::{abi_trap, FlatContext, FlatFunc};
pub use flat_call::FlatCall;
pub use func::Func;
pub use instance::{ComponentExportIndex, Instance, InstanceExportLookup};
pub use linker::{Linker, LinkerInstance};
pub use resources::{ResourceAny, ResourceType};
pub use values::Val;
