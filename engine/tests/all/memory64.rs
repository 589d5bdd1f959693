//! memory64: 64-bit memories and tables, from wasm and from the host.

use kiln::{
    Config, Engine, ErrorKind, Instance, Memory, MemoryType, Module, Store, Table, TableType,
    TrapCode, Val, ValType,
};

fn engine64() -> Engine {
    let mut config = Config::new();
    config.wasm_memory64(true);
    Engine::new(&config).unwrap()
}

fn instance(engine: &Engine, store: &mut Store<()>, wat: &str) -> Instance {
    let module = Module::new(engine, wat).unwrap();
    Instance::new(store, &module, &[]).unwrap()
}

#[test]
fn wasm_grow_of_a_64_bit_memory_returns_the_old_size_as_i64() {
    let engine = engine64();
    let mut store = Store::new(&engine, ());
    let wat = r#"(module (memory (export "mem") i64 1 3)
        (func (export "grow") (param i64) (result i64) (memory.grow (local.get 0)))
        (func (export "size") (result i64) (memory.size)))"#;
    let instance = instance(&engine, &mut store, wat);
    let grow = instance
        .get_typed_func::<i64, i64>(&mut store, "grow")
        .unwrap();
    let size = instance
        .get_typed_func::<(), i64>(&mut store, "size")
        .unwrap();
    assert_eq!(grow.call(&mut store, 2).unwrap(), 1);
    assert_eq!(size.call(&mut store, ()).unwrap(), 3);
    assert_eq!(grow.call(&mut store, 1).unwrap(), -1);
    assert_eq!(grow.call(&mut store, 1 << 40).unwrap(), -1);
    let memory = instance.get_memory(&mut store, "mem").unwrap();
    assert_eq!(memory.size(&store), 3);
    assert!(memory.ty(&store).is_64());
}

#[test]
fn host_grow_of_a_64_bit_memory_returns_the_old_size_as_u64() {
    let engine = engine64();
    let mut store = Store::new(&engine, ());
    let memory = Memory::new(&mut store, MemoryType::new64(1, Some(1 << 40))).unwrap();
    assert_eq!(memory.grow(&mut store, 2).unwrap(), 1u64);
    assert_eq!(memory.size(&store), 3u64);
    assert_eq!(memory.data_size(&store), 3 * 65536);
    let err = memory.grow(&mut store, 1 << 33).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::ResourceLimit);
    assert_eq!(memory.size(&store), 3);
}

#[test]
fn out_of_bounds_i64_addresses_trap_even_where_they_wrap() {
    let engine = engine64();
    let mut store = Store::new(&engine, ());
    let wat = r#"(module (memory i64 1)
        (func (export "load") (param i64) (result i32) (i32.load (local.get 0)))
        (func (export "load_far") (param i64) (result i32)
            (i32.load offset=0xffff_ffff_ffff_fff0 (local.get 0)))
        (func (export "store") (param i64 i32) (i32.store (local.get 0) (local.get 1))))"#;
    let instance = instance(&engine, &mut store, wat);
    let load = instance
        .get_typed_func::<i64, i32>(&mut store, "load")
        .unwrap();
    let load_far = instance
        .get_typed_func::<i64, i32>(&mut store, "load_far")
        .unwrap();
    let store_fn = instance
        .get_typed_func::<(i64, i32), ()>(&mut store, "store")
        .unwrap();
    store_fn.call(&mut store, (65532, 42)).unwrap();
    assert_eq!(load.call(&mut store, 65532).unwrap(), 42);
    for address in [65533, 1 << 32, -1, i64::MIN] {
        let err = load.call(&mut store, address).unwrap_err();
        assert_eq!(err.trap().unwrap().code(), TrapCode::MemoryOutOfBounds);
    }
    // 0x10 + offset wraps to 0, which a wrapping add would let through.
    let err = load_far.call(&mut store, 0x10).unwrap_err();
    assert_eq!(err.trap().unwrap().code(), TrapCode::MemoryOutOfBounds);
    let err = store_fn.call(&mut store, (1 << 33, 1)).unwrap_err();
    assert_eq!(err.trap().unwrap().code(), TrapCode::MemoryOutOfBounds);
}

#[test]
fn a_64_bit_type_may_ask_for_more_than_the_host_gives() {
    let engine = engine64();
    let ty = MemoryType::new64(0x1_0000_0000, None);
    assert_eq!(ty.minimum(), 0x1_0000_0000);
    assert_eq!(ty.maximum(), None);
    let mut store = Store::new(&engine, ());
    let err = Memory::new(&mut store, ty).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::ResourceLimit);
}

#[test]
fn a_32_bit_memory_of_more_than_4_gib_is_refused() {
    let engine = engine64();
    let mut store = Store::new(&engine, ());
    let err = Memory::new(&mut store, MemoryType::new(65537, None)).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Usage);
    let err = Memory::new(&mut store, MemoryType::new(0, Some(65537))).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Usage);
}

#[test]
fn a_64_bit_memory_needs_memory64_in_the_config() {
    let engine = Engine::default();
    let mut store = Store::new(&engine, ());
    let err = Memory::new(&mut store, MemoryType::new64(1, None)).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Usage);
    assert!(err.to_string().contains("memory64"), "{err}");
    let module = Module::new(&engine, "(module (memory i64 1))");
    assert!(module.is_err());
}

#[test]
fn a_64_bit_table_is_indexed_with_u64_and_i64() {
    let engine = engine64();
    let mut store = Store::new(&engine, ());
    let ty = TableType::new64(ValType::ExternRef, 2, Some(10));
    let table = Table::new(&mut store, ty, Val::ExternRef(None)).unwrap();
    assert_eq!(
        table.grow(&mut store, 3, Val::ExternRef(None)).unwrap(),
        2u64
    );
    assert_eq!(table.size(&store), 5u64);
    assert!(table.get(&mut store, 4).is_some());
    assert!(table.get(&mut store, 5).is_none());
    assert!(table.get(&mut store, 1 << 40).is_none());
    assert!(table
        .set(&mut store, 1 << 40, Val::ExternRef(None))
        .is_err());

    let wat = r#"(module (table (export "t") i64 1 funcref)
        (func $f (result i32) (i32.const 7))
        (elem (table 0) (i64.const 0) func $f)
        (func (export "grow") (param i64) (result i64) (table.grow (ref.null func) (local.get 0)))
        (func (export "size") (result i64) (table.size))
        (func (export "call") (param i64) (result i32) (call_indirect (result i32) (local.get 0))))"#;
    let instance = instance(&engine, &mut store, wat);
    let grow = instance
        .get_typed_func::<i64, i64>(&mut store, "grow")
        .unwrap();
    let size = instance
        .get_typed_func::<(), i64>(&mut store, "size")
        .unwrap();
    let call = instance
        .get_typed_func::<i64, i32>(&mut store, "call")
        .unwrap();
    assert_eq!(grow.call(&mut store, 2).unwrap(), 1);
    assert_eq!(size.call(&mut store, ()).unwrap(), 3);
    assert_eq!(call.call(&mut store, 0).unwrap(), 7);
    let err = call.call(&mut store, 1 << 32).unwrap_err();
    assert_eq!(err.trap().unwrap().code(), TrapCode::UndefinedElement);
}
