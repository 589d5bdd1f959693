//! Custom page sizes: memories whose pages are single bytes.

use kiln::{Config, Engine, ErrorKind, Instance, Memory, MemoryType, Module, Store, TrapCode};

fn engine() -> Engine {
    let mut config = Config::new();
    config.wasm_custom_page_sizes(true).wasm_memory64(true);
    Engine::new(&config).unwrap()
}

#[test]
fn a_memory_of_byte_pages_grows_and_counts_in_bytes() {
    let engine = engine();
    let mut store = Store::new(&engine, ());
    let wat = r#"(module (memory (export "mem") 3 (pagesize 1))
        (func (export "size") (result i32) (memory.size))
        (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
        (func (export "load") (param i32) (result i32) (i32.load8_u (local.get 0)))
        (func (export "store") (param i32 i32) (i32.store8 (local.get 0) (local.get 1))))"#;
    let module = Module::new(&engine, wat).unwrap();
    let instance = Instance::new(&mut store, &module, &[]).unwrap();
    let size = instance
        .get_typed_func::<(), i32>(&mut store, "size")
        .unwrap();
    let grow = instance
        .get_typed_func::<i32, i32>(&mut store, "grow")
        .unwrap();
    let load = instance
        .get_typed_func::<i32, i32>(&mut store, "load")
        .unwrap();
    let store_fn = instance
        .get_typed_func::<(i32, i32), ()>(&mut store, "store")
        .unwrap();

    assert_eq!(size.call(&mut store, ()).unwrap(), 3);
    store_fn.call(&mut store, (2, 9)).unwrap();
    // Byte 3 lies in the same host page as byte 2, yet out of bounds.
    let err = load.call(&mut store, 3).unwrap_err();
    assert_eq!(err.trap().unwrap().code(), TrapCode::MemoryOutOfBounds);
    assert_eq!(grow.call(&mut store, 5).unwrap(), 3);
    assert_eq!(size.call(&mut store, ()).unwrap(), 8);
    assert_eq!(load.call(&mut store, 7).unwrap(), 0);
    assert_eq!(load.call(&mut store, 2).unwrap(), 9);
    let err = load.call(&mut store, 8).unwrap_err();
    assert_eq!(err.trap().unwrap().code(), TrapCode::MemoryOutOfBounds);

    let memory = instance.get_memory(&mut store, "mem").unwrap();
    assert_eq!(memory.ty(&store).page_size(), 1);
    assert_eq!(memory.size(&store), 8);
    assert_eq!(memory.data_size(&store), 8);
    assert_eq!(memory.grow(&mut store, 1).unwrap(), 8);
    assert_eq!(memory.data_size(&store), 9);
}

#[test]
fn a_host_made_byte_page_memory_stops_at_its_maximum_in_bytes() {
    let engine = engine();
    let mut store = Store::new(&engine, ());
    let ty = MemoryType::new(10, Some(12)).with_page_size_log2(0);
    let memory = Memory::new(&mut store, ty).unwrap();
    assert_eq!(memory.data_size(&store), 10);
    assert_eq!(memory.grow(&mut store, 2).unwrap(), 10);
    assert!(memory.grow(&mut store, 1).is_err());
    assert_eq!(memory.data(&store).len(), 12);
}

#[test]
fn byte_page_memories_may_declare_their_whole_address_space_but_no_other_page_size() {
    let engine = engine();
    let mut store = Store::new(&engine, ());
    let largest32 = MemoryType::new(0, Some(u32::MAX)).with_page_size_log2(0);
    assert!(Memory::new(&mut store, largest32).is_ok());
    let beyond32 = MemoryType::new64(0, Some(1 << 40)).with_page_size_log2(0);
    assert!(Memory::new(&mut store, beyond32).is_ok());
    let odd = MemoryType::new(1, None).with_page_size_log2(12);
    let err = Memory::new(&mut store, odd).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Usage);
}

#[test]
fn byte_pages_need_custom_page_sizes_in_the_config() {
    let engine = Engine::default();
    let mut store = Store::new(&engine, ());
    let ty = MemoryType::new(1, None).with_page_size_log2(0);
    let err = Memory::new(&mut store, ty).unwrap_err();
    assert!(err.to_string().contains("custom page sizes"), "{err}");
}
