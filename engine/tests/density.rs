//! How many live instances, each with a one-page memory, one process
//! holds: 100,000 with the pooling allocator's defaults, and more than
//! Wasmtime 50's default (32,261 on x86-64 Linux) with Kiln's. Its own test
//! binary, run as its own process, because it uses up the address space.

use kiln::{Config, Engine, ErrorKind, Instance, InstanceAllocationStrategy, Module, Store};

/// Instantiates `engine`'s one-page module into fresh stores, keeping them
/// all alive, until instantiation fails; returns how many succeeded and
/// the error that stopped it.
fn fill(engine: &Engine, limit: usize) -> (usize, kiln::Error) {
    let wat = r#"(module (memory 1) (func (export "f") (result i32) (i32.load (i32.const 0))))"#;
    let module = Module::new(engine, wat).unwrap();
    let mut stores = Vec::new();
    loop {
        let mut store = Store::new(engine, ());
        match Instance::new(&mut store, &module, &[]) {
            Ok(_) => stores.push(store),
            Err(err) => return (stores.len(), err),
        }
        assert!(stores.len() <= limit, "more instances than the limit");
    }
}

#[test]
fn one_process_holds_100000_pooled_instances_then_more_than_wasmtime_by_default() {
    let mut config = Config::new();
    config.allocation_strategy(InstanceAllocationStrategy::pooling());
    let (count, err) = fill(&Engine::new(&config).unwrap(), 100_000);
    assert_eq!(count, 100_000);
    assert_eq!(err.kind(), ErrorKind::ResourceLimit);
    assert_eq!(
        err.to_string(),
        "maximum concurrent limit of 100000 for core instances reached"
    );

    let (count, err) = fill(&Engine::default(), usize::MAX);
    assert!(count > 32_261, "only {count} live instances");
    assert!(
        err.to_string()
            .starts_with("failed to reserve address space for a linear memory"),
        "{err}"
    );
}
