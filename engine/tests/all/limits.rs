//! `StoreLimits`: bounds on memory and table sizes and on how many
//! instances, memories and tables a store holds.

use kiln::{
    Engine, ErrorKind, Instance, Memory, MemoryType, Module, Store, StoreLimits, Table, TableType,
    Val, ValType,
};

const PAGE: usize = 65536;

fn grower(engine: &Engine) -> Module {
    let wat = r#"(module
        (memory (export "mem") 1)
        (table (export "tab") 1 funcref)
        (func (export "grow_memory") (param i32) (result i32) (memory.grow (local.get 0)))
        (func (export "grow_table") (param i32) (result i32)
            (table.grow (ref.null func) (local.get 0))))"#;
    Module::new(engine, wat).unwrap()
}

#[test]
fn memory_grow_past_the_size_limit_returns_minus_one() {
    let engine = Engine::default();
    let mut store = Store::new(&engine, ());
    store.set_limits(StoreLimits::new().memory_size(3 * PAGE));
    let instance = Instance::new(&mut store, &grower(&engine), &[]).unwrap();
    let grow = instance
        .get_typed_func::<i32, i32>(&mut store, "grow_memory")
        .unwrap();
    assert_eq!(grow.call(&mut store, 2).unwrap(), 1);
    assert_eq!(grow.call(&mut store, 1).unwrap(), -1);
    assert_eq!(grow.call(&mut store, 0).unwrap(), 3);
    let memory = instance.get_memory(&mut store, "mem").unwrap();
    let err = memory.grow(&mut store, 1).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::ResourceLimit);
    assert_eq!(memory.size(&store), 3);
}

#[test]
fn table_grow_past_the_element_limit_returns_minus_one() {
    let engine = Engine::default();
    let mut store = Store::new(&engine, ());
    store.set_limits(StoreLimits::new().table_elements(10));
    let instance = Instance::new(&mut store, &grower(&engine), &[]).unwrap();
    let grow = instance
        .get_typed_func::<i32, i32>(&mut store, "grow_table")
        .unwrap();
    assert_eq!(grow.call(&mut store, 9).unwrap(), 1);
    assert_eq!(grow.call(&mut store, 1).unwrap(), -1);
    let table = instance.get_table(&mut store, "tab").unwrap();
    let err = table.grow(&mut store, 1, Val::FuncRef(None)).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::ResourceLimit);
    assert_eq!(table.size(&store), 10);
}

#[test]
fn instantiating_a_memory_larger_than_the_limit_fails_clearly() {
    let engine = Engine::default();
    let module = Module::new(&engine, "(module (memory 4))").unwrap();
    let mut store = Store::new(&engine, ());
    store.set_limits(StoreLimits::new().memory_size(2 * PAGE));
    let err = Instance::new(&mut store, &module, &[]).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::ResourceLimit);
    assert_eq!(
        err.to_string(),
        "a memory of 4 pages is larger than the store's limit of 131072 bytes"
    );
    let table_module = Module::new(&engine, "(module (table 100 funcref))").unwrap();
    store.set_limits(StoreLimits::new().table_elements(99));
    let err = Instance::new(&mut store, &table_module, &[]).unwrap_err();
    assert_eq!(
        err.to_string(),
        "a table of 100 elements is larger than the store's limit of 99 elements"
    );
}

#[test]
fn instance_memory_and_table_counts_are_bounded() {
    let engine = Engine::default();
    let module = grower(&engine);
    let mut store = Store::new(&engine, ());
    store.set_limits(StoreLimits::new().instances(2));
    let first = Instance::new(&mut store, &module, &[]).unwrap();
    Instance::new(&mut store, &module, &[]).unwrap();
    let err = Instance::new(&mut store, &module, &[]).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::ResourceLimit);
    assert_eq!(
        err.to_string(),
        "the store's limit of 2 instances is reached: it holds 2 and 1 more are needed"
    );
    // The store and its instances stay usable.
    let grow = first
        .get_typed_func::<i32, i32>(&mut store, "grow_memory")
        .unwrap();
    assert_eq!(grow.call(&mut store, 1).unwrap(), 1);

    let mut store = Store::new(&engine, ());
    store.set_limits(StoreLimits::new().memories(1).tables(1));
    let ty = MemoryType::new(1, None);
    Memory::new(&mut store, ty).unwrap();
    let err = Instance::new(&mut store, &module, &[]).unwrap_err();
    assert_eq!(
        err.to_string(),
        "the store's limit of 1 memories is reached: it holds 1 and 1 more are needed"
    );
    let err = Memory::new(&mut store, ty).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::ResourceLimit);
    let table_ty = TableType::new(ValType::FuncRef, 1, None);
    Table::new(&mut store, table_ty, Val::FuncRef(None)).unwrap();
    let err = Table::new(&mut store, table_ty, Val::FuncRef(None)).unwrap_err();
    assert_eq!(
        err.to_string(),
        "the store's limit of 1 tables is reached: it holds 1 and 1 more are needed"
    );
    assert_eq!(store.limits(), StoreLimits::new().memories(1).tables(1));
}
