//! The `spectest` host module that spec scripts import from.

use kiln::{
    Global, GlobalType, Linker, Memory, MemoryType, Mutability, Result, Store, Table, TableType,
    Val, ValType,
};

/// Defines `spectest` in `linker`: print functions that print nothing, four
/// constant globals, a funcref table of 10 to 20 elements and a memory of 1 to
/// 2 pages.
pub(crate) fn define(linker: &mut Linker<()>, store: &mut Store<()>) -> Result<()> {
    const M: &str = "spectest";
    linker.func_wrap(M, "print", || {})?;
    linker.func_wrap(M, "print_i32", |_: i32| {})?;
    linker.func_wrap(M, "print_i64", |_: i64| {})?;
    linker.func_wrap(M, "print_f32", |_: f32| {})?;
    linker.func_wrap(M, "print_f64", |_: f64| {})?;
    linker.func_wrap(M, "print_i32_f32", |_: i32, _: f32| {})?;
    linker.func_wrap(M, "print_f64_f64", |_: f64, _: f64| {})?;

    let globals = [
        ("global_i32", Val::I32(666)),
        ("global_i64", Val::I64(666)),
        ("global_f32", Val::from(666.6f32)),
        ("global_f64", Val::from(666.6f64)),
    ];
    for (name, value) in globals {
        let ty = GlobalType::new(value.ty(), Mutability::Const);
        let global = Global::new(&mut *store, ty, value)?;
        linker.define(&*store, M, name, global)?;
    }

    let table_ty = TableType::new(ValType::FuncRef, 10, Some(20));
    let table = Table::new(&mut *store, table_ty, Val::FuncRef(None))?;
    linker.define(&*store, M, "table", table)?;

    let memory = Memory::new(&mut *store, MemoryType::new(1, Some(2)))?;
    linker.define(&*store, M, "memory", memory)?;

    // Only an engine with threads on can make a shared memory; scripts for
    // other engines never import it.
    if let Ok(shared) = Memory::new(&mut *store, MemoryType::shared(1, 2)) {
        linker.define(&*store, M, "shared_memory", shared)?;
    }
    Ok(())
}
