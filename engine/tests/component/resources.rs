//! Resources: types a component defines and the host's, own and borrow
//! handles, their tables and the checks on them, and destructors.

use super::{call, instantiate, trap_message};
use kiln::component::{Component, Linker, ResourceAny, ResourceType, Val};
use kiln::{Engine, ErrorKind, Store};

/// A component defining resource `r` (its representation is the number it
/// was made with, and its destructor adds that number to `dropped`), with
/// functions to make, read, consume and mishandle handles.
const COUNTER: &str = r#"
(component
  (core module $d
    (global $dropped (mut i32) (i32.const 0))
    (func (export "dtor") (param i32)
      (global.set $dropped (i32.add (global.get $dropped) (local.get 0))))
    (func (export "dropped") (result i32) (global.get $dropped)))
  (core instance $d (instantiate $d))
  (alias core export $d "dtor" (core func $dtor))
  (type $r (resource (rep i32) (dtor (core func $dtor))))
  (type $s (resource (rep i32)))
  (core func $new (canon resource.new $r))
  (core func $rep (canon resource.rep $r))
  (core func $drop (canon resource.drop $r))
  (core func $s-rep (canon resource.rep $s))
  (core module $m
    (import "" "new" (func $new (param i32) (result i32)))
    (import "" "rep" (func $rep (param i32) (result i32)))
    (import "" "drop" (func $drop (param i32)))
    (import "" "s-rep" (func $s-rep (param i32) (result i32)))
    (func (export "make") (param i32) (result i32) (call $new (local.get 0)))
    ;; A borrow of a resource the instance defines arrives as its rep.
    (func (export "get") (param i32) (result i32) (local.get 0))
    (func (export "consume") (param i32) (result i32)
      (local $v i32)
      (local.set $v (call $rep (local.get 0)))
      (call $drop (local.get 0))
      (local.get $v))
    (func (export "new-raw") (param i32) (result i32) (call $new (local.get 0)))
    (func (export "drop-raw") (param i32) (call $drop (local.get 0)))
    (func (export "rep-raw") (param i32) (result i32) (call $rep (local.get 0)))
    (func (export "s-rep-raw") (param i32) (result i32) (call $s-rep (local.get 0))))
  (core instance $i (instantiate $m (with "" (instance
    (export "new" (func $new)) (export "rep" (func $rep))
    (export "drop" (func $drop)) (export "s-rep" (func $s-rep))))))
  (export $r-ex "r" (type $r))
  (func (export "make") (param "v" u32) (result (own $r-ex)) (canon lift (core func $i "make")))
  (func (export "get") (param "x" (borrow $r-ex)) (result u32) (canon lift (core func $i "get")))
  (func (export "consume") (param "x" (own $r-ex)) (result u32) (canon lift (core func $i "consume")))
  (func (export "new-raw") (param "v" u32) (result u32) (canon lift (core func $i "new-raw")))
  (func (export "drop-raw") (param "i" u32) (canon lift (core func $i "drop-raw")))
  (func (export "rep-raw") (param "i" u32) (result u32) (canon lift (core func $i "rep-raw")))
  (func (export "s-rep-raw") (param "i" u32) (result u32) (canon lift (core func $i "s-rep-raw")))
  (func (export "dropped") (result u32) (canon lift (core func $d "dropped"))))
"#;

fn resource(v: Option<Val>) -> ResourceAny {
    match v {
        Some(Val::Resource(r)) => r,
        other => panic!("expected a resource, got {other:?}"),
    }
}

#[test]
fn guest_resources_are_made_borrowed_and_consumed() {
    let (mut store, instance) = instantiate(COUNTER);
    let r = resource(call(&mut store, &instance, "make", &[Val::U32(7)]).unwrap());
    assert!(r.owned());
    assert_eq!(r.rep(), None);
    assert_eq!(Some(r.ty()), instance.get_resource(&mut store, "r"));
    let borrowed = [Val::Resource(r.clone())];
    assert_eq!(
        call(&mut store, &instance, "get", &borrowed).unwrap(),
        Some(Val::U32(7))
    );
    assert_eq!(
        call(&mut store, &instance, "get", &borrowed).unwrap(),
        Some(Val::U32(7))
    );
    assert_eq!(
        call(&mut store, &instance, "dropped", &[]).unwrap(),
        Some(Val::U32(0))
    );
    // Passing the own moves it: the destructor runs when the guest drops it.
    assert_eq!(
        call(
            &mut store,
            &instance,
            "consume",
            &[Val::Resource(r.clone())]
        )
        .unwrap(),
        Some(Val::U32(7))
    );
    assert_eq!(
        call(&mut store, &instance, "dropped", &[]).unwrap(),
        Some(Val::U32(7))
    );
    let err = call(&mut store, &instance, "get", &borrowed).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Usage);
    assert_eq!(
        err.to_string(),
        "this resource was passed to a component, which owns it now"
    );
    assert!(r.resource_drop(&mut store).is_err());
}

#[test]
fn the_host_drops_guest_resources_once() {
    let (mut store, instance) = instantiate(COUNTER);
    let r = resource(call(&mut store, &instance, "make", &[Val::U32(5)]).unwrap());
    r.clone().resource_drop(&mut store).unwrap();
    assert_eq!(
        call(&mut store, &instance, "dropped", &[]).unwrap(),
        Some(Val::U32(5))
    );
    let err = r.resource_drop(&mut store).unwrap_err();
    assert_eq!(err.to_string(), "this resource has already been dropped");
    assert_eq!(
        call(&mut store, &instance, "dropped", &[]).unwrap(),
        Some(Val::U32(5))
    );
}

#[test]
fn handles_start_at_one_and_dropped_ones_are_unknown() {
    let (mut store, instance) = instantiate(COUNTER);
    assert_eq!(
        call(&mut store, &instance, "new-raw", &[Val::U32(40)]).unwrap(),
        Some(Val::U32(1))
    );
    assert_eq!(
        call(&mut store, &instance, "new-raw", &[Val::U32(41)]).unwrap(),
        Some(Val::U32(2))
    );
    assert_eq!(
        call(&mut store, &instance, "rep-raw", &[Val::U32(2)]).unwrap(),
        Some(Val::U32(41))
    );
    call(&mut store, &instance, "drop-raw", &[Val::U32(1)]).unwrap();
    assert_eq!(
        call(&mut store, &instance, "dropped", &[]).unwrap(),
        Some(Val::U32(40))
    );
    // The freed index is used again.
    assert_eq!(
        call(&mut store, &instance, "new-raw", &[Val::U32(42)]).unwrap(),
        Some(Val::U32(1))
    );
    assert_eq!(
        trap_message(call(&mut store, &instance, "drop-raw", &[Val::U32(9)])),
        "unknown handle index 9"
    );
}

#[test]
fn a_handle_of_another_resource_type_traps() {
    let (mut store, instance) = instantiate(COUNTER);
    call(&mut store, &instance, "new-raw", &[Val::U32(1)]).unwrap();
    assert_eq!(
        trap_message(call(&mut store, &instance, "s-rep-raw", &[Val::U32(1)])),
        "handle index 1 is not a handle to a `resource` resource"
    );
    let (mut store, instance) = instantiate(COUNTER);
    assert_eq!(
        trap_message(call(&mut store, &instance, "rep-raw", &[Val::U32(0)])),
        "unknown handle index 0"
    );
}

/// A component importing the host's resource `file`, with `open` and
/// `read` from the host, and exports that use them.
const USES_FILES: &str = r#"
(component
  (import "file" (type $file (sub resource)))
  (import "open" (func $open (param "n" u32) (result (own $file))))
  (import "read" (func $read (param "f" (borrow $file)) (result u32)))
  (core func $open (canon lower (func $open)))
  (core func $read (canon lower (func $read)))
  (core func $drop (canon resource.drop $file))
  (core module $m
    (import "" "open" (func $open (param i32) (result i32)))
    (import "" "read" (func $read (param i32) (result i32)))
    (import "" "drop" (func $drop (param i32)))
    (func (export "open-read-close") (param i32) (result i32)
      (local $h i32) (local $v i32)
      (local.set $h (call $open (local.get 0)))
      (local.set $v (call $read (local.get $h)))
      (call $drop (local.get $h))
      (local.get $v))
    (func (export "open") (param i32) (result i32) (call $open (local.get 0)))
    (func (export "close") (param i32) (call $drop (local.get 0)))
    (func (export "keep") (param i32))
    (func (export "as-own") (param i32) (result i32) (local.get 0)))
  (core instance $i (instantiate $m (with "" (instance
    (export "open" (func $open)) (export "read" (func $read)) (export "drop" (func $drop))))))
  (func (export "open-read-close") (param "n" u32) (result u32) (canon lift (core func $i "open-read-close")))
  (func (export "open") (param "n" u32) (result (own $file)) (canon lift (core func $i "open")))
  (func (export "close") (param "f" (own $file)) (canon lift (core func $i "close")))
  (func (export "keep") (param "f" (borrow $file)) (canon lift (core func $i "keep")))
  (func (export "release") (param "f" (borrow $file)) (canon lift (core func $i "close")))
  (func (export "as-own") (param "f" (borrow $file)) (result (own $file)) (canon lift (core func $i "as-own"))))
"#;

struct File;

/// What the host saw: the reps read and the reps whose destructor ran.
#[derive(Default)]
struct Host {
    read: Vec<u32>,
    closed: Vec<u32>,
}

fn files() -> (Store<Host>, kiln::component::Instance) {
    let engine = Engine::default();
    let component = Component::new(&engine, USES_FILES).unwrap();
    let mut linker = Linker::<Host>::new(&engine);
    let mut root = linker.root();
    root.resource("file", ResourceType::host::<File>(), |mut store, rep| {
        store.data_mut().closed.push(rep);
        Ok(())
    })
    .unwrap();
    root.func_new("open", |_, params, results| {
        let Val::U32(n) = params[0] else { panic!() };
        results[0] = Val::Resource(ResourceAny::new_own(ResourceType::host::<File>(), n + 100)?);
        Ok(())
    })
    .unwrap();
    root.func_new("read", |mut store, params, results| {
        let Val::Resource(f) = &params[0] else {
            panic!()
        };
        assert!(!f.owned());
        let rep = f.rep().unwrap();
        store.data_mut().read.push(rep);
        results[0] = Val::U32(rep * 2);
        Ok(())
    })
    .unwrap();
    let mut store = Store::new(&engine, Host::default());
    let instance = linker.instantiate(&mut store, &component).unwrap();
    (store, instance)
}

fn host_call(
    store: &mut Store<Host>,
    instance: &kiln::component::Instance,
    name: &str,
    params: &[Val],
) -> kiln::Result<Option<Val>> {
    let f = instance.get_func(&mut *store, name).unwrap();
    let mut results = vec![Val::Bool(false); f.results(&*store).len()];
    f.call(&mut *store, params, &mut results)?;
    Ok(results.pop())
}

#[test]
fn host_resources_are_lent_and_their_destructor_runs_when_the_guest_drops_them() {
    let (mut store, instance) = files();
    assert_eq!(
        host_call(&mut store, &instance, "open-read-close", &[Val::U32(1)]).unwrap(),
        Some(Val::U32(202))
    );
    assert_eq!(store.data().read, [101]);
    assert_eq!(store.data().closed, [101]);
}

#[test]
fn host_resources_pass_in_and_out_of_components() {
    let (mut store, instance) = files();
    let f = resource(host_call(&mut store, &instance, "open", &[Val::U32(5)]).unwrap());
    assert_eq!(f.rep(), Some(105));
    assert_eq!(f.ty(), ResourceType::host::<File>());
    host_call(&mut store, &instance, "close", &[Val::Resource(f.clone())]).unwrap();
    assert_eq!(store.data().closed, [105]);

    let g = resource(host_call(&mut store, &instance, "open", &[Val::U32(6)]).unwrap());
    g.clone().resource_drop(&mut store).unwrap();
    assert!(g.resource_drop(&mut store).is_err());
    assert_eq!(store.data().closed, [105, 106]);

    let mine = ResourceAny::new_own(ResourceType::host::<File>(), 77).unwrap();
    host_call(&mut store, &instance, "close", &[Val::Resource(mine)]).unwrap();
    assert_eq!(store.data().closed, [105, 106, 77]);
}

#[test]
fn borrows_must_be_dropped_before_the_call_returns() {
    let (mut store, instance) = files();
    let lent = ResourceAny::new_borrow(ResourceType::host::<File>(), 1).unwrap();
    host_call(
        &mut store,
        &instance,
        "release",
        &[Val::Resource(lent.clone())],
    )
    .unwrap();
    let err = host_call(&mut store, &instance, "keep", &[Val::Resource(lent)]).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Trap);
    assert_eq!(
        err.to_string(),
        "borrow handles still remain at the end of the call"
    );
}

#[test]
fn a_borrow_is_not_an_own() {
    let (mut store, instance) = files();
    let lent = ResourceAny::new_borrow(ResourceType::host::<File>(), 1).unwrap();
    let err = host_call(
        &mut store,
        &instance,
        "as-own",
        &[Val::Resource(lent.clone())],
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "handle index 1 is a borrow, but an owned handle is required"
    );
    let (mut store, instance) = files();
    let err = host_call(&mut store, &instance, "close", &[Val::Resource(lent)]).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Usage);
    assert_eq!(
        err.to_string(),
        "a borrowed resource cannot be passed where an owned one is expected"
    );
}

#[test]
fn the_host_only_makes_handles_to_its_own_resources() {
    let (mut store, instance) = instantiate(COUNTER);
    let r = resource(call(&mut store, &instance, "make", &[Val::U32(1)]).unwrap());
    let err = ResourceAny::new_own(r.ty(), 1).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Usage);
    struct Other;
    let other = ResourceAny::new_own(ResourceType::host::<Other>(), 1).unwrap();
    let err = call(&mut store, &instance, "get", &[Val::Resource(other)]).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Usage);
    assert!(
        err.to_string()
            .starts_with("type mismatch for parameter `x`"),
        "{err}"
    );
}

/// The parent defines `r` and lends a handle of it to its child, which
/// calls back into the parent to drop that handle while it is lent.
#[test]
fn an_own_handle_cannot_be_dropped_while_it_is_lent() {
    let (mut store, instance) = instantiate(
        r#"(component
  (type $r (resource (rep i32)))
  (core func $new (canon resource.new $r))
  (core func $drop (canon resource.drop $r))
  (core module $p
    (import "" "drop" (func $drop (param i32)))
    (func (export "drop-it") (param i32) (call $drop (local.get 0))))
  (core instance $p (instantiate $p (with "" (instance (export "drop" (func $drop))))))
  (func $drop-it (param "h" u32) (canon lift (core func $p "drop-it")))
  (export $r-ex "r" (type $r))
  (component $child
    (import "r" (type $r (sub resource)))
    (import "drop-it" (func $drop-it (param "h" u32)))
    (core func $drop-it (canon lower (func $drop-it)))
    (core module $m
      (import "" "drop-it" (func $drop-it (param i32)))
      ;; Asks the parent to drop handle 1, which the parent lent it.
      (func (export "inspect") (param i32) (call $drop-it (i32.const 1))))
    (core instance $m (instantiate $m (with "" (instance (export "drop-it" (func $drop-it))))))
    (func (export "inspect") (param "x" (borrow $r)) (canon lift (core func $m "inspect"))))
  (instance $c (instantiate $child (with "r" (type $r-ex)) (with "drop-it" (func $drop-it))))
  (core func $inspect (canon lower (func $c "inspect")))
  (core module $run
    (import "" "new" (func $new (param i32) (result i32)))
    (import "" "inspect" (func $inspect (param i32)))
    (func (export "run") (call $inspect (call $new (i32.const 3)))))
  (core instance $run (instantiate $run (with "" (instance
    (export "new" (func $new)) (export "inspect" (func $inspect))))))
  (func (export "run") (canon lift (core func $run "run"))))"#,
    );
    assert_eq!(
        trap_message(call(&mut store, &instance, "run", &[])),
        "cannot remove owned resource handle 1 while it is borrowed"
    );
}

/// A child defines a resource; its parent makes handles through the
/// child's exports and passes them back, so the handles live in the
/// parent's table between calls.
#[test]
fn resources_of_a_child_flow_through_its_parent() {
    let (mut store, instance) = instantiate(
        r#"(component
  (component $counter
    (type $r (resource (rep i32)))
    (core func $new (canon resource.new $r))
    (core func $rep (canon resource.rep $r))
    (core module $m
      (import "" "new" (func $new (param i32) (result i32)))
      (import "" "rep" (func $rep (param i32) (result i32)))
      (func (export "make") (param i32) (result i32) (call $new (local.get 0)))
      (func (export "value") (param i32) (result i32) (local.get 0)))
    (core instance $m (instantiate $m (with "" (instance
      (export "new" (func $new)) (export "rep" (func $rep))))))
    (export $r-ex "r" (type $r))
    (func (export "make") (param "v" u32) (result (own $r-ex)) (canon lift (core func $m "make")))
    (func (export "value") (param "x" (borrow $r-ex)) (result u32) (canon lift (core func $m "value"))))
  (instance $c (instantiate $counter))
  (alias export $c "r" (type $r))
  (core func $make (canon lower (func $c "make")))
  (core func $value (canon lower (func $c "value")))
  (core func $drop (canon resource.drop $r))
  (core module $m
    (import "" "make" (func $make (param i32) (result i32)))
    (import "" "value" (func $value (param i32) (result i32)))
    (import "" "drop" (func $drop (param i32)))
    (func (export "sum") (result i32)
      (local $a i32) (local $b i32) (local $s i32)
      (local.set $a (call $make (i32.const 20)))
      (local.set $b (call $make (i32.const 22)))
      (local.set $s (i32.add (call $value (local.get $a)) (call $value (local.get $b))))
      (call $drop (local.get $a))
      (call $drop (local.get $b))
      (local.get $s)))
  (core instance $i (instantiate $m (with "" (instance
    (export "make" (func $make)) (export "value" (func $value)) (export "drop" (func $drop))))))
  (func (export "sum") (result u32) (canon lift (core func $i "sum"))))"#,
    );
    assert_eq!(
        call(&mut store, &instance, "sum", &[]).unwrap(),
        Some(Val::U32(42))
    );
}

#[test]
fn resource_types_imported_in_instances_and_as_aliases() {
    let wat = r#"(component
        (import "demo:fs/types" (instance $types
          (export "file" (type $file (sub resource)))
          (export "same-file" (type (eq $file)))
          (export "size" (func (param "f" (borrow $file)) (result u64)))))
        (alias export $types "file" (type $file))
        (import "also-file" (type (eq $file)))
        (alias export $types "size" (func $size))
        (core func $size (canon lower (func $size)))
        (core func $drop (canon resource.drop $file))
        (core module $m
          (import "" "size" (func $size (param i32) (result i64)))
          (import "" "drop" (func $drop (param i32)))
          (func (export "size") (param i32) (result i64)
            (call $size (local.get 0))
            (call $drop (local.get 0))))
        (core instance $i (instantiate $m (with "" (instance
          (export "size" (func $size)) (export "drop" (func $drop))))))
        (func (export "size") (param "f" (borrow $file)) (result u64) (canon lift (core func $i "size"))))"#;
    let engine = Engine::default();
    let component = Component::new(&engine, wat).unwrap();
    let mut linker = Linker::<()>::new(&engine);
    let mut types = linker.instance("demo:fs/types").unwrap();
    types
        .func_new("size", |_, params, results| {
            let Val::Resource(f) = &params[0] else {
                panic!()
            };
            results[0] = Val::U64(u64::from(f.rep().unwrap()) * 10);
            Ok(())
        })
        .unwrap();
    let mut store = Store::new(&engine, ());
    let err = linker.instantiate(&mut store, &component).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Link);
    assert_eq!(
        err.to_string(),
        "component imports instance `demo:fs/types`, which needs a resource type `file`, but it was not given one"
    );
    linker
        .instance("demo:fs/types")
        .unwrap()
        .resource("file", ResourceType::host::<File>(), |_, _| Ok(()))
        .unwrap();
    let instance = linker.instantiate(&mut store, &component).unwrap();
    let f = ResourceAny::new_own(ResourceType::host::<File>(), 4).unwrap();
    let size = instance.get_func(&mut store, "size").unwrap();
    let mut out = [Val::U64(0)];
    size.call(&mut store, &[Val::Resource(f)], &mut out)
        .unwrap();
    assert_eq!(out[0], Val::U64(40));
}

#[test]
fn a_borrow_lent_to_the_host_ends_with_the_call() {
    let engine = Engine::default();
    let component = Component::new(&engine, USES_FILES).unwrap();
    let mut linker = Linker::<Vec<ResourceAny>>::new(&engine);
    let mut root = linker.root();
    root.resource("file", ResourceType::host::<File>(), |_, _| Ok(()))
        .unwrap();
    root.func_new("open", |_, params, results| {
        let Val::U32(n) = params[0] else { panic!() };
        results[0] = Val::Resource(ResourceAny::new_own(ResourceType::host::<File>(), n)?);
        Ok(())
    })
    .unwrap();
    root.func_new("read", |mut store, params, results| {
        let Val::Resource(f) = &params[0] else {
            panic!()
        };
        store.data_mut().push(f.clone());
        results[0] = Val::U32(0);
        Ok(())
    })
    .unwrap();
    let mut store = Store::new(&engine, Vec::new());
    let instance = linker.instantiate(&mut store, &component).unwrap();
    let f = instance.get_func(&mut store, "open-read-close").unwrap();
    let mut out = [Val::U32(0)];
    f.call(&mut store, &[Val::U32(3)], &mut out).unwrap();
    let kept = store.data_mut().pop().unwrap();
    assert!(!kept.owned());
    let release = instance.get_func(&mut store, "release").unwrap();
    let err = release
        .call(&mut store, &[Val::Resource(kept)], &mut [])
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Usage);
    assert_eq!(
        err.to_string(),
        "this borrowed resource is no longer valid: the call it was lent for has returned"
    );
}

#[test]
fn a_resource_given_back_is_a_new_handle() {
    let (mut store, instance) = instantiate(COUNTER);
    let r = resource(call(&mut store, &instance, "make", &[Val::U32(9)]).unwrap());
    // `consume` takes the own; the old handle is moved for good.
    call(
        &mut store,
        &instance,
        "consume",
        &[Val::Resource(r.clone())],
    )
    .unwrap();
    let again = resource(call(&mut store, &instance, "make", &[Val::U32(9)]).unwrap());
    assert_ne!(r, again);
    assert_eq!(r.ty(), again.ty());
    assert!(r.clone().resource_drop(&mut store).is_err());
    again.resource_drop(&mut store).unwrap();
    assert_eq!(
        call(&mut store, &instance, "dropped", &[]).unwrap(),
        Some(Val::U32(18))
    );
}
