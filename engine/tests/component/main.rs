//! Components: decoding, instantiation, the canonical ABI and resources,
//! one module per area.

mod abi;
mod basics;
mod flat;
mod flat_call;
mod linker;
mod nested;
mod resources;
mod traps;

use kiln::component::{Component, Instance, Linker, Val};
use kiln::{Engine, Store};

/// Instantiates the component `wat` with an empty linker.
pub fn instantiate(wat: &str) -> (Store<()>, Instance) {
    let engine = Engine::default();
    let component = Component::new(&engine, wat).unwrap();
    let mut store = Store::new(&engine, ());
    let instance = Linker::new(&engine)
        .instantiate(&mut store, &component)
        .unwrap();
    (store, instance)
}

/// Calls export `name` with `params`; returns its result, if any.
pub fn call(
    store: &mut Store<()>,
    instance: &Instance,
    name: &str,
    params: &[Val],
) -> kiln::Result<Option<Val>> {
    let func = instance.get_func(&mut *store, name).expect("export");
    let mut results = vec![Val::Bool(false); func.results(&*store).len()];
    func.call(&mut *store, params, &mut results)?;
    Ok(results.pop())
}

/// The message of the trap `result` ended with.
pub fn trap_message<T: std::fmt::Debug>(result: kiln::Result<T>) -> String {
    let err = result.unwrap_err();
    assert_eq!(err.kind(), kiln::ErrorKind::Trap, "{err:?}");
    err.to_string()
}
