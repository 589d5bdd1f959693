//! `kiln._native`: the Python extension module behind the `kiln` package,
//! binding Kiln's Rust API with pyo3.

mod args;
mod component;
mod engine;
mod errors;
mod externals;
mod func;
mod instance;
mod linker;
mod module;
mod pooling;
mod store;
mod types;
mod values;
mod wasi;

use pyo3::prelude::*;

/// The native half of `kiln`; import `kiln` instead.
#[pymodule(gil_used = true)]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<engine::Config>()?;
    m.add_class::<engine::Engine>()?;
    m.add_class::<pooling::PoolingAllocationConfig>()?;
    m.add_class::<store::Store>()?;
    m.add_class::<store::Caller>()?;
    m.add_class::<module::Module>()?;
    m.add_class::<instance::Instance>()?;
    m.add_class::<instance::InstanceExports>()?;
    m.add_class::<linker::Linker>()?;
    m.add_class::<linker::InstancePre>()?;
    m.add_class::<func::Func>()?;
    m.add_class::<externals::Memory>()?;
    m.add_class::<externals::Table>()?;
    m.add_class::<externals::Global>()?;
    m.add_class::<types::ValType>()?;
    m.add_class::<types::FuncType>()?;
    m.add_class::<types::Limits>()?;
    m.add_class::<types::MemoryType>()?;
    m.add_class::<types::TableType>()?;
    m.add_class::<types::GlobalType>()?;
    m.add_class::<types::ImportType>()?;
    m.add_class::<types::ExportType>()?;
    m.add_class::<values::Val>()?;
    m.add_class::<wasi::WasiConfig>()?;
    component::register(m)?;
    m.add_function(wrap_pyfunction!(module::wat2wasm, m)?)?;
    m.add_function(wrap_pyfunction!(errors::wasmtime_trap_text, m)?)?;
    m.add_function(wrap_pyfunction!(errors::wasmtime_exit_message, m)?)?;
    Ok(())
}
