//! Flat calls made in steps (`Func::flat_call`), as C glue makes them:
//! lowering, the core call over raw slots, lifting and `post-return`, with
//! the instance rules of every other call.

use super::flat::{flat_linker, read_pair, GLUE};
use kiln::component::{Component, Instance, Val};
use kiln::{AsContextMut, Engine, ErrorKind, Store};

fn instance() -> (Store<u32>, Instance) {
    let engine = Engine::default();
    let component = Component::new(&engine, GLUE).unwrap();
    let mut store = Store::new(&engine, 0);
    let instance = flat_linker(&engine)
        .instantiate(&mut store, &component)
        .unwrap();
    (store, instance)
}

fn frees(store: &mut Store<u32>, instance: &Instance) -> kiln::Result<Val> {
    let frees = instance.get_func(&mut *store, "frees").unwrap();
    let mut n = [Val::U32(0)];
    frees.call(&mut *store, &[], &mut n)?;
    Ok(n[0].clone())
}

/// `greet(name)` in steps, as C glue calls it.
fn greet_in_steps(store: &mut Store<u32>, instance: &Instance, name: &str) -> kiln::Result<String> {
    let greet = instance.get_func(&mut *store, "greet").unwrap();
    let mut call = greet.flat_call(&mut *store)?;
    assert_eq!((call.core_params(), call.core_results()), (2, 1));
    let (ptr, len) = call
        .context(&mut store.as_context_mut())?
        .store_string(name)?;
    let mut slots = [u128::from(ptr), u128::from(len)];
    call.call(&mut *store, &mut slots)?;
    let mut cx = store.as_context_mut();
    let mut lift = call.context(&mut cx)?;
    let (ptr, len) = read_pair(lift.bytes(slots[0] as u32, 8)?);
    let out = lift.load_string(ptr, len)?;
    call.finish(&mut *store)?;
    Ok(out)
}

#[test]
fn a_call_in_steps_lowers_calls_lifts_and_runs_post_return() {
    let (mut store, instance) = instance();
    for name in ["wörld", "", "😀"] {
        assert_eq!(
            greet_in_steps(&mut store, &instance, name).unwrap(),
            format!("[{name}]")
        );
    }
    assert_eq!(*store.data(), 3, "the host import ran once per call");
    assert_eq!(frees(&mut store, &instance).unwrap(), Val::U32(3));
}

#[test]
fn too_few_slots_are_a_usage_error() {
    let (mut store, instance) = instance();
    let greet = instance.get_func(&mut store, "greet").unwrap();
    let mut call = greet.flat_call(&mut store).unwrap();
    let err = call.call(&mut store, &mut [0u128]).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Usage);
    assert_eq!(
        err.to_string(),
        "the core function takes 2 parameters and returns 1 results: \
         2 slots are needed, 1 were given"
    );
}

#[test]
fn the_instance_cannot_be_entered_while_a_call_is_in_steps() {
    let (mut store, instance) = instance();
    let greet = instance.get_func(&mut store, "greet").unwrap();
    let call = greet.flat_call(&mut store).unwrap();
    let err = greet.flat_call(&mut store).unwrap_err();
    assert_eq!(err.to_string(), "cannot enter component instance");
    let err = frees(&mut store, &instance).unwrap_err();
    assert_eq!(err.to_string(), "cannot enter component instance");
    drop(call);
}

#[test]
fn an_abandoned_call_poisons_the_instance() {
    let (mut store, instance) = instance();
    let greet = instance.get_func(&mut store, "greet").unwrap();
    let mut call = greet.flat_call(&mut store).unwrap();
    call.context(&mut store.as_context_mut())
        .unwrap()
        .store_string("x")
        .unwrap();
    drop(call);
    let err = greet_in_steps(&mut store, &instance, "x").unwrap_err();
    assert_eq!(err.to_string(), "cannot enter component instance");
}

#[test]
fn finishing_before_the_core_call_is_a_usage_error_and_poisons() {
    let (mut store, instance) = instance();
    let greet = instance.get_func(&mut store, "greet").unwrap();
    let call = greet.flat_call(&mut store).unwrap();
    let err = call.finish(&mut store).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Usage);
    assert_eq!(
        err.to_string(),
        "a flat call was finished before its core function was called"
    );
    let err = frees(&mut store, &instance).unwrap_err();
    assert_eq!(err.to_string(), "cannot enter component instance");
}

#[test]
fn a_second_core_call_is_a_usage_error() {
    let (mut store, instance) = instance();
    let frees_fn = instance.get_func(&mut store, "frees").unwrap();
    let mut call = frees_fn.flat_call(&mut store).unwrap();
    let mut slots = [0u128];
    call.call(&mut store, &mut slots).unwrap();
    assert_eq!(slots[0], 0);
    let err = call.call(&mut store, &mut slots).unwrap_err();
    assert_eq!(
        err.to_string(),
        "the core function of this flat call has already been called"
    );
    call.finish(&mut store).unwrap();
    assert_eq!(frees(&mut store, &instance).unwrap(), Val::U32(0));
}

#[test]
fn a_trap_in_the_core_call_poisons_the_instance() {
    let (mut store, instance) = instance();
    let boom = instance.get_func(&mut store, "boom").unwrap();
    let mut call = boom.flat_call(&mut store).unwrap();
    assert_eq!((call.core_params(), call.core_results()), (0, 0));
    let err = call.call(&mut store, &mut []).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Trap);
    drop(call);
    let err = frees(&mut store, &instance).unwrap_err();
    assert_eq!(err.to_string(), "cannot enter component instance");
}

#[test]
fn a_reexported_host_function_has_no_flat_call() {
    let (mut store, instance) = instance();
    let decorate = instance.get_func(&mut store, "decorate").unwrap();
    let err = decorate.flat_call(&mut store).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Usage);
    assert_eq!(
        err.to_string(),
        "a host function re-exported by a component has no flat form"
    );
}

#[test]
fn a_call_in_steps_belongs_to_its_store() {
    let (mut store, instance) = instance();
    let greet = instance.get_func(&mut store, "greet").unwrap();
    let mut call = greet.flat_call(&mut store).unwrap();
    let mut other = Store::new(store.engine(), 0);
    let err = call.call(&mut other, &mut [0, 0]).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Usage);
    assert!(call.context(&mut other.as_context_mut()).is_err());
}
