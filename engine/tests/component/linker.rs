//! Imports satisfied by a component linker, by interface and function
//! name, and exports found the same way.

use kiln::component::{Component, Linker, Val};
use kiln::{Engine, ErrorKind, Module, Store};

/// Imports `demo:app/greeter` (a function of strings) and exports an
/// interface `demo:app/api` whose `greet` calls it.
const GREETER: &str = r#"
(component
  (import "demo:app/greeter" (instance $greeter
    (export "greeting" (func (param "name" string) (result string)))))
  (alias export $greeter "greeting" (func $greeting))
  (core module $libc
    (memory (export "memory") 1)
    (global $next (mut i32) (i32.const 1024))
    (func (export "realloc") (param i32 i32 i32 i32) (result i32)
      (local $p i32)
      (local.set $p (global.get $next))
      (global.set $next (i32.add (local.get $p) (local.get 3)))
      (local.get $p)))
  (core instance $libc (instantiate $libc))
  (core func $greeting (canon lower (func $greeting)
    (memory (core memory $libc "memory")) (realloc (core func $libc "realloc"))))
  (core module $m
    (import "host" "greeting" (func $greeting (param i32 i32 i32)))
    (func (export "greet") (param i32 i32) (result i32)
      (call $greeting (local.get 0) (local.get 1) (i32.const 16))
      (i32.const 16)))
  (core instance $m (instantiate $m (with "host" (instance (export "greeting" (func $greeting))))))
  (func $greet (param "name" string) (result string)
    (canon lift (core func $m "greet")
      (memory (core memory $libc "memory")) (realloc (core func $libc "realloc"))))
  (instance $api (export "greet" (func $greet)))
  (export "demo:app/api" (instance $api)))
"#;

fn greeter_linker(engine: &Engine) -> Linker<u32> {
    let mut linker = Linker::new(engine);
    linker
        .instance("demo:app/greeter")
        .unwrap()
        .func_new("greeting", |mut store, params, results| {
            *store.data_mut() += 1;
            let Val::String(name) = &params[0] else {
                panic!()
            };
            results[0] = Val::String(format!("Hello, {name}!"));
            Ok(())
        })
        .unwrap();
    linker
}

#[test]
fn imports_and_exports_by_interface_name() {
    let engine = Engine::default();
    let component = Component::new(&engine, GREETER).unwrap();
    assert_eq!(
        component.imports().collect::<Vec<_>>(),
        [("demo:app/greeter", "instance")]
    );
    assert_eq!(
        component.exports().collect::<Vec<_>>(),
        [("demo:app/api", "instance")]
    );
    let linker = greeter_linker(&engine);
    let mut store = Store::new(&engine, 0);
    let instance = linker.instantiate(&mut store, &component).unwrap();
    assert_eq!(instance.export_names(&mut store), ["demo:app/api"]);
    let greet = instance
        .get_func(&mut store, ("demo:app/api", "greet"))
        .unwrap();
    let mut result = [Val::Bool(false)];
    greet
        .call(&mut store, &[Val::String("wörld".into())], &mut result)
        .unwrap();
    assert_eq!(result[0], Val::String("Hello, wörld!".into()));
    assert_eq!(*store.data(), 1);

    let api = instance
        .get_export_index(&mut store, None, "demo:app/api")
        .unwrap();
    let index = instance
        .get_export_index(&mut store, Some(&api), "greet")
        .unwrap();
    assert!(instance.get_func(&mut store, &index).is_some());
    assert!(instance
        .get_export_index(&mut store, Some(&api), "missing")
        .is_none());
    assert!(instance.get_func(&mut store, "demo:app/api").is_none());
}

#[test]
fn missing_or_mismatched_definitions_are_link_errors() {
    let engine = Engine::default();
    let component = Component::new(&engine, GREETER).unwrap();
    let mut store = Store::new(&engine, 0);

    let err = Linker::new(&engine)
        .instantiate(&mut store, &component)
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Link);
    assert_eq!(
        err.to_string(),
        "component imports instance `demo:app/greeter`, but a matching implementation was not found in the linker"
    );

    let mut linker = Linker::new(&engine);
    linker.instance("demo:app/greeter").unwrap();
    let err = linker.instantiate(&mut store, &component).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Link);
    assert_eq!(
        err.to_string(),
        "component imports instance `demo:app/greeter`, which needs a function `greeting`, but the linker defines none"
    );

    let mut linker = Linker::new(&engine);
    linker
        .root()
        .func_new("demo:app/greeter", |_, _, _| Ok(()))
        .unwrap();
    let err = linker.instantiate(&mut store, &component).unwrap_err();
    assert_eq!(
        err.to_string(),
        "component imports instance `demo:app/greeter`, but the linker defines a function of that name"
    );
}

#[test]
fn definitions_may_not_be_repeated_unless_shadowing_is_allowed() {
    let engine = Engine::default();
    let mut linker = Linker::<()>::new(&engine);
    let mut root = linker.root();
    root.func_new("f", |_, _, _| Ok(())).unwrap();
    let err = root.func_new("f", |_, _, _| Ok(())).err().unwrap();
    assert_eq!(err.to_string(), "`f` is defined twice");
    let mut iface = linker.instance("a:b/c").unwrap();
    iface.func_new("g", |_, _, _| Ok(())).unwrap();
    let err = iface.func_new("g", |_, _, _| Ok(())).err().unwrap();
    assert_eq!(err.to_string(), "`a:b/c/g` is defined twice");
    let err = linker.root().instance("f").err().unwrap();
    assert_eq!(err.to_string(), "`f` is already defined as a function");
    linker.allow_shadowing(true);
    linker.root().func_new("f", |_, _, _| Ok(())).unwrap();
}

#[test]
fn host_results_of_the_wrong_type_trap_in_the_caller() {
    let engine = Engine::default();
    let component = Component::new(&engine, GREETER).unwrap();
    let mut linker = Linker::<u32>::new(&engine);
    linker
        .instance("demo:app/greeter")
        .unwrap()
        .func_new("greeting", |_, _, results| {
            results[0] = Val::U32(3);
            Ok(())
        })
        .unwrap();
    let mut store = Store::new(&engine, 0);
    let instance = linker.instantiate(&mut store, &component).unwrap();
    let greet = instance
        .get_func(&mut store, ("demo:app/api", "greet"))
        .unwrap();
    let mut result = [Val::Bool(false)];
    let err = greet
        .call(&mut store, &[Val::String("x".into())], &mut result)
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Trap);
    assert_eq!(
        err.to_string(),
        "type mismatch for result 0 of host function `demo:app/greeter/greeting`: expected `string`, found a value of kind `u32`"
    );
}

#[test]
fn reexported_host_functions_can_be_called() {
    let engine = Engine::default();
    let component = Component::new(
        &engine,
        r#"(component
            (import "double" (func $d (param "x" s32) (result s32)))
            (export "double-it" (func $d)))"#,
    )
    .unwrap();
    let mut linker = Linker::<()>::new(&engine);
    linker
        .root()
        .func_new("double", |_, params, results| {
            let Val::S32(x) = params[0] else { panic!() };
            results[0] = Val::S32(2 * x);
            Ok(())
        })
        .unwrap();
    let mut store = Store::new(&engine, ());
    let instance = linker.instantiate(&mut store, &component).unwrap();
    let f = instance.get_func(&mut store, "double-it").unwrap();
    assert_eq!(f.ty(&store).to_string(), "func(x: s32) -> s32");
    let mut result = [Val::S32(0)];
    f.call(&mut store, &[Val::S32(-21)], &mut result).unwrap();
    assert_eq!(result[0], Val::S32(-42));
    let err = f.call(&mut store, &[Val::U32(1)], &mut result).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Usage);
}

#[test]
fn core_modules_can_be_imported_and_exported() {
    let engine = Engine::default();
    let component = Component::new(
        &engine,
        r#"(component
            (import "lib" (core module $lib (export "forty-two" (func (result i32)))))
            (core instance $i (instantiate $lib))
            (func (export "answer") (result u32) (canon lift (core func $i "forty-two")))
            (export "same-lib" (core module $lib)))"#,
    )
    .unwrap();
    let module = Module::new(
        &engine,
        r#"(module (func (export "forty-two") (result i32) i32.const 42))"#,
    )
    .unwrap();
    let mut linker = Linker::<()>::new(&engine);
    linker.root().module("lib", &module).unwrap();
    let mut store = Store::new(&engine, ());
    let instance = linker.instantiate(&mut store, &component).unwrap();
    let mut result = [Val::U32(0)];
    instance
        .get_func(&mut store, "answer")
        .unwrap()
        .call(&mut store, &[], &mut result)
        .unwrap();
    assert_eq!(result[0], Val::U32(42));
    assert!(instance.get_module(&mut store, "same-lib").is_some());
}

#[test]
fn functions_belong_to_their_store() {
    let engine = Engine::default();
    let component = Component::new(&engine, GREETER).unwrap();
    let linker = greeter_linker(&engine);
    let mut store = Store::new(&engine, 0);
    let instance = linker.instantiate(&mut store, &component).unwrap();
    let greet = instance
        .get_func(&mut store, ("demo:app/api", "greet"))
        .unwrap();
    let mut other = Store::new(&engine, 0);
    let mut result = [Val::Bool(false)];
    let err = greet
        .call(&mut other, &[Val::String("x".into())], &mut result)
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Usage);
    assert_eq!(
        err.to_string(),
        "component function belongs to a different store"
    );
}

#[test]
fn instantiation_traps_fail_instantiation() {
    let engine = Engine::default();
    let component = Component::new(
        &engine,
        r#"(component
            (core module $m (func $start unreachable) (start $start))
            (core instance (instantiate $m)))"#,
    )
    .unwrap();
    let mut store = Store::new(&engine, ());
    let err = Linker::<()>::new(&engine)
        .instantiate(&mut store, &component)
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Trap);
}

#[test]
fn unknown_imports_can_be_defined_as_traps() {
    let engine = Engine::default();
    let component = Component::new(&engine, GREETER).unwrap();
    let mut linker = Linker::<u32>::new(&engine);
    linker.define_unknown_imports_as_traps(&component).unwrap();
    let mut store = Store::new(&engine, 0);
    let instance = linker.instantiate(&mut store, &component).unwrap();
    let greet = instance
        .get_func(&mut store, ("demo:app/api", "greet"))
        .unwrap();
    let mut result = [Val::Bool(false)];
    let err = greet
        .call(&mut store, &[Val::String("x".into())], &mut result)
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Trap);
    assert_eq!(
        err.to_string(),
        "unknown import: `demo:app/greeter/greeting` has not been defined"
    );
    // Definitions the linker has are kept.
    let mut linker = greeter_linker(&engine);
    linker.define_unknown_imports_as_traps(&component).unwrap();
    let instance = linker.instantiate(&mut store, &component).unwrap();
    let greet = instance
        .get_func(&mut store, ("demo:app/api", "greet"))
        .unwrap();
    greet
        .call(&mut store, &[Val::String("x".into())], &mut result)
        .unwrap();
    assert_eq!(result[0], Val::String("Hello, x!".into()));
}

#[test]
fn host_results_start_as_the_zero_value_of_their_type() {
    let engine = Engine::default();
    let component = Component::new(&engine, GREETER).unwrap();
    let mut linker = Linker::<u32>::new(&engine);
    linker
        .instance("demo:app/greeter")
        .unwrap()
        .func_new("greeting", |_, _, results| {
            assert_eq!(results, [Val::String(String::new())]);
            Ok(())
        })
        .unwrap();
    let mut store = Store::new(&engine, 0);
    let instance = linker.instantiate(&mut store, &component).unwrap();
    let greet = instance
        .get_func(&mut store, ("demo:app/api", "greet"))
        .unwrap();
    let mut result = [Val::Bool(false)];
    greet
        .call(&mut store, &[Val::String("x".into())], &mut result)
        .unwrap();
    assert_eq!(result[0], Val::String(String::new()));
}
