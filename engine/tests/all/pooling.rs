//! The pooling allocator: limits reached are clear errors, a reused slot
//! never shows the last tenant's data, memories stay within their slots,
//! and stores come and go from several threads at once.

use kiln::{
    Config, Engine, ErrorKind, Instance, Memory, MemoryType, Module, PoolingAllocationConfig,
    Store, Table, TableType, TrapCode, Val, ValType,
};

const PAGE: usize = 65536;

fn pooling(configure: impl FnOnce(&mut PoolingAllocationConfig)) -> Engine {
    let mut pool = PoolingAllocationConfig::new();
    configure(&mut pool);
    let mut config = Config::new();
    config.allocation_strategy(pool);
    Engine::new(&config).unwrap()
}

/// An engine whose memory slots are too small for guard pages to matter,
/// and so many that they are not guarded either: every access is checked.
fn unguarded() -> Engine {
    pooling(|p| {
        p.total_memories(50_000).max_memory_size(8 * PAGE);
    })
}

/// An engine whose 4 GiB slots leave bounds checks to guard pages.
fn guarded() -> Engine {
    pooling(|p| {
        p.total_memories(4).max_memory_size(4 << 30);
    })
}

/// A module with a memory of one page (up to `max`) and a table.
fn tenant(engine: &Engine, max: &str) -> Module {
    let wat = format!(
        r#"(module
        (memory (export "memory") 1 {max})
        (table (export "table") 1 funcref)
        (func $f (export "f") (result i32) (i32.const 7))
        (func (export "load") (param i32) (result i32) (i32.load (local.get 0)))
        (func (export "store") (param i32 i32) (i32.store (local.get 0) (local.get 1)))
        (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
        (func (export "grow_table") (param i32) (result i32)
            (table.grow (ref.func $f) (local.get 0)))
        (elem declare func $f))"#
    );
    Module::new(engine, wat).unwrap()
}

fn resource_error(result: kiln::Result<impl std::fmt::Debug>) -> String {
    let err = result.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::ResourceLimit, "{err}");
    err.to_string()
}

#[test]
fn exhausting_each_pool_is_an_error_naming_its_limit() {
    let engine = pooling(|p| {
        p.total_core_instances(3).total_memories(2).total_tables(1);
    });
    let module = Module::new(&engine, "(module)").unwrap();
    let mut store = Store::new(&engine, ());
    for _ in 0..3 {
        Instance::new(&mut store, &module, &[]).unwrap();
    }
    assert_eq!(
        resource_error(Instance::new(&mut store, &module, &[])),
        "maximum concurrent limit of 3 for core instances reached"
    );

    drop(store);

    // Host memories and tables come from the same pools as modules' own.
    let mut store = Store::new(&engine, ());
    Memory::new(&mut store, MemoryType::new(1, None)).unwrap();
    let with_memory = Module::new(&engine, "(module (memory 1))").unwrap();
    let mut other = Store::new(&engine, ());
    Instance::new(&mut other, &with_memory, &[]).unwrap();
    assert_eq!(
        resource_error(Memory::new(&mut store, MemoryType::new(1, None))),
        "maximum concurrent limit of 2 for memories reached"
    );
    let ty = TableType::new(ValType::FuncRef, 1, None);
    Table::new(&mut store, ty, Val::FuncRef(None)).unwrap();
    let with_table = Module::new(&engine, "(module (table 1 funcref))").unwrap();
    assert_eq!(
        resource_error(Instance::new(&mut other, &with_table, &[])),
        "maximum concurrent limit of 1 for tables reached"
    );

    // Dropping a store returns everything it held.
    drop(store);
    drop(other);
    let mut store = Store::new(&engine, ());
    Memory::new(&mut store, MemoryType::new(1, None)).unwrap();
    Memory::new(&mut store, MemoryType::new(1, None)).unwrap();
    Table::new(&mut store, ty, Val::FuncRef(None)).unwrap();
}

#[test]
fn memories_and_tables_larger_than_a_slot_are_refused_and_cannot_grow_past_it() {
    let engine = pooling(|p| {
        p.max_memory_size(4 * PAGE).table_elements(10);
    });
    let big = Module::new(&engine, "(module (memory 5))").unwrap();
    assert_eq!(
        resource_error(Instance::new(&mut Store::new(&engine, ()), &big, &[])),
        "memory minimum size of 5 pages exceeds the pooling allocator's limit of 4 pages (max_memory_size of 262144 bytes)"
    );
    let big = Module::new(&engine, "(module (table 11 funcref))").unwrap();
    assert_eq!(
        resource_error(Instance::new(&mut Store::new(&engine, ()), &big, &[])),
        "table minimum size of 11 elements exceeds the pooling allocator's limit (table_elements) of 10 elements"
    );

    let module = tenant(&engine, "");
    let mut store = Store::new(&engine, ());
    let instance = Instance::new(&mut store, &module, &[]).unwrap();
    let grow = instance
        .get_typed_func::<i32, i32>(&mut store, "grow")
        .unwrap();
    assert_eq!(grow.call(&mut store, 3).unwrap(), 1);
    assert_eq!(grow.call(&mut store, 1).unwrap(), -1);
    let grow_table = instance
        .get_typed_func::<i32, i32>(&mut store, "grow_table")
        .unwrap();
    assert_eq!(grow_table.call(&mut store, 9).unwrap(), 1);
    assert_eq!(grow_table.call(&mut store, 1).unwrap(), -1);
    let table = instance.get_table(&mut store, "table").unwrap();
    assert_eq!(table.size(&store), 10);
    let memory = instance.get_memory(&mut store, "memory").unwrap();
    assert!(memory.grow(&mut store, 1).is_err());
}

#[test]
fn settings_a_slot_cannot_hold_are_refused_by_name() {
    let mut pool = PoolingAllocationConfig::new();
    pool.max_memory_size((4 << 30) + PAGE);
    let mut config = Config::new();
    config.allocation_strategy(pool);
    assert_eq!(
        Engine::new(&config).unwrap_err().to_string(),
        "the pooling allocator's max_memory_size of 4295032832 bytes is more than the 4294967296 bytes a memory can hold"
    );
    let mut pool = PoolingAllocationConfig::new();
    pool.table_elements(10_000_001);
    config.allocation_strategy(pool);
    assert_eq!(
        Engine::new(&config).unwrap_err().to_string(),
        "the pooling allocator's table_elements of 10000001 is more than the 10000000 elements a table can hold"
    );
    let mut pool = PoolingAllocationConfig::new();
    pool.total_memories(u32::MAX).max_memory_size(1 << 30);
    config.allocation_strategy(pool);
    assert_eq!(
        Engine::new(&config).unwrap_err().to_string(),
        "the pooling allocator's 4294967295 memory slots of 1073741824 bytes need more address space than a process has"
    );
}

/// Writes a secret everywhere a tenant can reach, including past the
/// resident part, drops it, and checks that the next tenant, in the same
/// slot, sees only zeros.
fn check_reuse_is_clean(engine: &Engine) {
    let module = tenant(engine, "");
    let secret = 0x5ec2_e7e7_u32 as i32;
    let mut store = Store::new(engine, ());
    let instance = Instance::new(&mut store, &module, &[]).unwrap();
    let store_fn = instance
        .get_typed_func::<(i32, i32), ()>(&mut store, "store")
        .unwrap();
    let grow = instance
        .get_typed_func::<i32, i32>(&mut store, "grow")
        .unwrap();
    assert_eq!(grow.call(&mut store, 3).unwrap(), 1);
    for address in [0, 4096, PAGE - 4, PAGE, 3 * PAGE + 100, 4 * PAGE - 4] {
        store_fn.call(&mut store, (address as i32, secret)).unwrap();
    }
    let grow_table = instance
        .get_typed_func::<i32, i32>(&mut store, "grow_table")
        .unwrap();
    assert_eq!(grow_table.call(&mut store, 99).unwrap(), 1);
    let memory = instance.get_memory(&mut store, "memory").unwrap();
    let slot = memory.data(&store).as_ptr();
    drop(store);

    let mut store = Store::new(engine, ());
    let instance = Instance::new(&mut store, &module, &[]).unwrap();
    let memory = instance.get_memory(&mut store, "memory").unwrap();
    assert_eq!(memory.data(&store).as_ptr(), slot, "the slot is reused");
    assert_eq!(memory.data_size(&store), PAGE);
    assert!(memory.data(&store).iter().all(|&b| b == 0));
    let load = instance
        .get_typed_func::<i32, i32>(&mut store, "load")
        .unwrap();
    let err = load.call(&mut store, PAGE as i32).unwrap_err();
    assert_eq!(err.trap().unwrap().code(), TrapCode::MemoryOutOfBounds);
    memory.grow(&mut store, 3).unwrap();
    assert!(memory.data(&store).iter().all(|&b| b == 0));
    assert_eq!(load.call(&mut store, 3 * PAGE as i32 + 100).unwrap(), 0);
    let table = instance.get_table(&mut store, "table").unwrap();
    assert_eq!(table.size(&store), 1);
    table.grow(&mut store, 99, Val::FuncRef(None)).unwrap();
    for i in 0..100 {
        assert_eq!(table.get(&mut store, i), Some(Val::FuncRef(None)));
    }
}

#[test]
fn a_reused_slot_never_shows_the_last_tenants_memory() {
    check_reuse_is_clean(&unguarded());
    check_reuse_is_clean(&guarded());
    check_reuse_is_clean(&pooling(|p| {
        p.total_memories(1)
            .linear_memory_keep_resident(PAGE + 4096)
            .table_keep_resident(256);
    }));
}

#[test]
fn pooled_memories_trap_at_their_end_whether_guarded_or_checked() {
    for engine in [unguarded(), guarded()] {
        let module = tenant(&engine, "");
        let mut store = Store::new(&engine, ());
        let instance = Instance::new(&mut store, &module, &[]).unwrap();
        let load = instance
            .get_typed_func::<i32, i32>(&mut store, "load")
            .unwrap();
        let grow = instance
            .get_typed_func::<i32, i32>(&mut store, "grow")
            .unwrap();
        for pages in [1, 3] {
            let end = pages * PAGE as i32;
            assert_eq!(load.call(&mut store, end - 4).unwrap(), 0);
            for address in [end - 3, end, 8 * PAGE as i32, -4, -1] {
                let err = load.call(&mut store, address).unwrap_err();
                assert_eq!(err.trap().unwrap().code(), TrapCode::MemoryOutOfBounds);
            }
            grow.call(&mut store, 2).unwrap();
        }
    }
}

#[test]
fn data_segments_are_copied_into_a_slot_and_gone_for_the_next_module() {
    let engine = pooling(|p| {
        p.total_memories(1);
    });
    let with_data = Module::new(
        &engine,
        r#"(module (memory (export "memory") 1) (data (i32.const 5000) "tenant"))"#,
    )
    .unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Instance::new(&mut store, &with_data, &[]).unwrap();
    let memory = instance.get_memory(&mut store, "memory").unwrap();
    assert_eq!(&memory.data(&store)[5000..5006], b"tenant");
    drop(store);
    let without = Module::new(&engine, r#"(module (memory (export "memory") 1))"#).unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Instance::new(&mut store, &without, &[]).unwrap();
    let memory = instance.get_memory(&mut store, "memory").unwrap();
    assert!(memory.data(&store).iter().all(|&b| b == 0));
}

#[test]
fn threads_create_and_drop_instances_at_once() {
    const THREADS: usize = 4;
    const ROUNDS: usize = 500;
    let engine = pooling(|p| {
        p.total_core_instances(THREADS as u32)
            .total_memories(THREADS as u32)
            .total_tables(THREADS as u32)
            .max_memory_size(4 * PAGE);
    });
    let module = tenant(&engine, "");
    std::thread::scope(|s| {
        for t in 0..THREADS {
            let (engine, module) = (&engine, &module);
            s.spawn(move || {
                for round in 0..ROUNDS {
                    let mut store = Store::new(engine, ());
                    let instance = Instance::new(&mut store, module, &[]).unwrap();
                    let load = instance
                        .get_typed_func::<i32, i32>(&mut store, "load")
                        .unwrap();
                    let store_fn = instance
                        .get_typed_func::<(i32, i32), ()>(&mut store, "store")
                        .unwrap();
                    // The last tenant's value must not be visible.
                    assert_eq!(load.call(&mut store, 64).unwrap(), 0);
                    store_fn
                        .call(&mut store, (64, (t * ROUNDS + round) as i32))
                        .unwrap();
                    let f = instance.get_typed_func::<(), i32>(&mut store, "f").unwrap();
                    assert_eq!(f.call(&mut store, ()).unwrap(), 7);
                }
            });
        }
    });
    // Every slot came back: the pool holds its whole count again.
    let mut stores: Vec<Store<()>> = (0..THREADS).map(|_| Store::new(&engine, ())).collect();
    for store in &mut stores {
        Instance::new(store, &module, &[]).unwrap();
    }
    assert_eq!(
        resource_error(Instance::new(&mut Store::new(&engine, ()), &module, &[])),
        "maximum concurrent limit of 4 for core instances reached"
    );
}

#[test]
fn a_module_compiled_for_another_allocator_is_refused() {
    let wat = "(module (memory 1))";
    let bytes = Module::new(&Engine::default(), wat)
        .unwrap()
        .serialize()
        .unwrap();
    // SAFETY: the bytes were just made by `serialize`.
    let err = unsafe { Module::deserialize(&unguarded(), &bytes) }.unwrap_err();
    assert_eq!(
        err.to_string(),
        "the compiled module was made by an engine with other instance allocation: `on demand` where this engine has `pooling, memory slots of 524288 bytes`"
    );
    let pooled = Module::new(&unguarded(), wat).unwrap().serialize().unwrap();
    // SAFETY: as above.
    assert!(unsafe { Module::deserialize(&unguarded(), &pooled) }.is_ok());
}
