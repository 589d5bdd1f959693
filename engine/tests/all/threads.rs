//! threads: shared memories, atomic instructions, wait and notify.

use kiln::{
    Config, Engine, ErrorKind, Extern, Instance, Memory, MemoryType, Module, Store, TrapCode,
};

fn engine() -> Engine {
    let mut config = Config::new();
    config.wasm_threads(true);
    Engine::new(&config).unwrap()
}

const SHARED_USER: &str = r#"(module
    (import "env" "mem" (memory 1 4 shared))
    (func (export "store") (param i32 i32) (i32.atomic.store (local.get 0) (local.get 1)))
    (func (export "load") (param i32) (result i32) (i32.atomic.load (local.get 0)))
    (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
    (func (export "wait32") (param i32 i32 i64) (result i32)
        (memory.atomic.wait32 (local.get 0) (local.get 1) (local.get 2)))
    (func (export "wait64") (param i32 i64 i64) (result i32)
        (memory.atomic.wait64 (local.get 0) (local.get 1) (local.get 2)))
    (func (export "notify") (param i32 i32) (result i32)
        (memory.atomic.notify (local.get 0) (local.get 1))))"#;

#[test]
fn two_instances_share_a_host_made_memory_and_growing_keeps_its_base() {
    let engine = engine();
    let mut store = Store::new(&engine, ());
    let memory = Memory::new(&mut store, MemoryType::shared(1, 4)).unwrap();
    assert!(memory.ty(&store).is_shared());
    let module = Module::new(&engine, SHARED_USER).unwrap();
    let imports = [Extern::Memory(memory)];
    let a = Instance::new(&mut store, &module, &imports).unwrap();
    let b = Instance::new(&mut store, &module, &imports).unwrap();
    let store_a = a
        .get_typed_func::<(i32, i32), ()>(&mut store, "store")
        .unwrap();
    let load_b = b.get_typed_func::<i32, i32>(&mut store, "load").unwrap();
    let grow_b = b.get_typed_func::<i32, i32>(&mut store, "grow").unwrap();

    store_a.call(&mut store, (8, 1234)).unwrap();
    assert_eq!(load_b.call(&mut store, 8).unwrap(), 1234);
    assert_eq!(memory.data(&store)[8..12], 1234i32.to_le_bytes());

    let base = memory.data(&store).as_ptr();
    assert_eq!(grow_b.call(&mut store, 2).unwrap(), 1);
    assert_eq!(memory.grow(&mut store, 1).unwrap(), 3);
    assert_eq!(memory.size(&store), 4);
    assert_eq!(memory.data(&store).as_ptr(), base);
    assert!(memory.grow(&mut store, 1).is_err());
    store_a.call(&mut store, (3 * 65536, 7)).unwrap();
    assert_eq!(load_b.call(&mut store, 3 * 65536).unwrap(), 7);
}

#[test]
fn wait_returns_1_on_a_mismatch_and_2_on_timeout_and_notify_counts_no_waiters() {
    let engine = engine();
    let mut store = Store::new(&engine, ());
    let memory = Memory::new(&mut store, MemoryType::shared(1, 1)).unwrap();
    memory.write(&mut store, 0, &5i64.to_le_bytes()).unwrap();
    let module = Module::new(&engine, SHARED_USER).unwrap();
    let instance = Instance::new(&mut store, &module, &[memory.into()]).unwrap();
    let wait32 = instance
        .get_typed_func::<(i32, i32, i64), i32>(&mut store, "wait32")
        .unwrap();
    let wait64 = instance
        .get_typed_func::<(i32, i64, i64), i32>(&mut store, "wait64")
        .unwrap();
    let notify = instance
        .get_typed_func::<(i32, i32), i32>(&mut store, "notify")
        .unwrap();
    assert_eq!(wait32.call(&mut store, (0, 4, -1)).unwrap(), 1);
    assert_eq!(wait64.call(&mut store, (0, 6, -1)).unwrap(), 1);
    assert_eq!(wait32.call(&mut store, (0, 5, 1_000_000)).unwrap(), 2);
    assert_eq!(wait64.call(&mut store, (0, 5, 0)).unwrap(), 2);
    assert_eq!(notify.call(&mut store, (0, 10)).unwrap(), 0);

    let err = wait32.call(&mut store, (2, 0, 0)).unwrap_err();
    assert_eq!(err.trap().unwrap().code(), TrapCode::HeapMisaligned);
    assert_eq!(err.trap().unwrap().message(), "unaligned atomic");
    let err = notify.call(&mut store, (65536, 1)).unwrap_err();
    assert_eq!(err.trap().unwrap().code(), TrapCode::MemoryOutOfBounds);
}

#[test]
fn wait_on_an_unshared_memory_traps() {
    let engine = engine();
    let mut store = Store::new(&engine, ());
    let wat = r#"(module (memory 1)
        (func (export "wait") (result i32)
            (memory.atomic.wait32 (i32.const 0) (i32.const 0) (i64.const 0)))
        (func (export "notify") (result i32)
            (memory.atomic.notify (i32.const 0) (i32.const 1))))"#;
    let module = Module::new(&engine, wat).unwrap();
    let instance = Instance::new(&mut store, &module, &[]).unwrap();
    let wait = instance
        .get_typed_func::<(), i32>(&mut store, "wait")
        .unwrap();
    let notify = instance
        .get_typed_func::<(), i32>(&mut store, "notify")
        .unwrap();
    let err = wait.call(&mut store, ()).unwrap_err();
    assert_eq!(
        err.trap().unwrap().code(),
        TrapCode::AtomicWaitNonSharedMemory
    );
    assert_eq!(notify.call(&mut store, ()).unwrap(), 0);
}

#[test]
fn atomic_read_modify_writes_return_the_old_value() {
    let engine = engine();
    let mut store = Store::new(&engine, ());
    let wat = r#"(module (memory 1 1 shared)
        (func (export "add8") (param i32) (result i32)
            (i32.atomic.rmw8.add_u (i32.const 0) (local.get 0)))
        (func (export "cmpxchg") (param i64 i64) (result i64)
            (i64.atomic.rmw.cmpxchg (i32.const 8) (local.get 0) (local.get 1)))
        (func (export "load8") (result i32) (i32.atomic.load8_u (i32.const 0))))"#;
    let module = Module::new(&engine, wat).unwrap();
    let instance = Instance::new(&mut store, &module, &[]).unwrap();
    let add8 = instance
        .get_typed_func::<i32, i32>(&mut store, "add8")
        .unwrap();
    let cmpxchg = instance
        .get_typed_func::<(i64, i64), i64>(&mut store, "cmpxchg")
        .unwrap();
    let load8 = instance
        .get_typed_func::<(), i32>(&mut store, "load8")
        .unwrap();
    assert_eq!(add8.call(&mut store, 250).unwrap(), 0);
    assert_eq!(add8.call(&mut store, 10).unwrap(), 250);
    assert_eq!(load8.call(&mut store, ()).unwrap(), 4);
    assert_eq!(cmpxchg.call(&mut store, (1, 9)).unwrap(), 0);
    assert_eq!(cmpxchg.call(&mut store, (0, 9)).unwrap(), 0);
    assert_eq!(cmpxchg.call(&mut store, (0, 3)).unwrap(), 9);
}

#[test]
fn a_shared_memory_needs_a_maximum_and_threads_in_the_config() {
    let engine = engine();
    let mut store = Store::new(&engine, ());
    let no_max = MemoryType::new(1, None).with_shared(true);
    let err = Memory::new(&mut store, no_max).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Usage);

    let plain = Engine::default();
    let mut store = Store::new(&plain, ());
    let err = Memory::new(&mut store, MemoryType::shared(1, 1)).unwrap_err();
    assert!(err.to_string().contains("threads"), "{err}");
}

#[test]
fn out_of_bounds_atomics_trap_as_out_of_bounds_memory_accesses() {
    let engine = engine();
    let mut store = Store::new(&engine, ());
    let wat = r#"(module (memory 1 1 shared)
        (func (export "rmw") (param i32) (result i32)
            (i32.atomic.rmw.add (local.get 0) (i32.const 1)))
        (func (export "cmpxchg") (param i32) (result i64)
            (i64.atomic.rmw.cmpxchg (local.get 0) (i64.const 0) (i64.const 1)))
        (func (export "store") (param i32) (i32.atomic.store16 (local.get 0) (i32.const 1))))"#;
    let module = Module::new(&engine, wat).unwrap();
    let instance = Instance::new(&mut store, &module, &[]).unwrap();
    let rmw = instance
        .get_typed_func::<i32, i32>(&mut store, "rmw")
        .unwrap();
    let cmpxchg = instance
        .get_typed_func::<i32, i64>(&mut store, "cmpxchg")
        .unwrap();
    let store16 = instance
        .get_typed_func::<i32, ()>(&mut store, "store")
        .unwrap();
    for address in [65536, 1 << 30, -4] {
        let err = rmw.call(&mut store, address).unwrap_err();
        assert_eq!(err.trap().unwrap().code(), TrapCode::MemoryOutOfBounds);
        let err = cmpxchg.call(&mut store, address & !7).unwrap_err();
        assert_eq!(err.trap().unwrap().code(), TrapCode::MemoryOutOfBounds);
        let err = store16.call(&mut store, address).unwrap_err();
        assert_eq!(err.trap().unwrap().code(), TrapCode::MemoryOutOfBounds);
    }
    assert_eq!(rmw.call(&mut store, 65532).unwrap(), 0);
}
