//! Canonical ABI violations: each is a trap with a message naming the rule,
//! and the instance cannot be entered again afterwards.

use super::{call, instantiate, trap_message};
use kiln::component::{Component, Linker, Val};
use kiln::{Engine, Store, TrapCode};

/// A component whose core module `$m` has memory and a bump `realloc`, plus
/// `body` (core functions and data); `lifts` lifts them, with `$mem` and
/// `$realloc` as the options `(memory (core memory $m "memory")) (realloc
/// (core func $m "realloc"))`.
fn component(body: &str, lifts: &str) -> String {
    let lifts = lifts.replace(
        "$opts",
        r#"(memory (core memory $m "memory")) (realloc (core func $m "realloc"))"#,
    );
    format!(
        r#"(component
  (core module $m
    (memory (export "memory") 1)
    (global $next (mut i32) (i32.const 1024))
    (func (export "realloc") (param i32 i32 i32 i32) (result i32)
      (local $p i32)
      (local.set $p (global.get $next))
      (global.set $next (i32.add (local.get $p) (local.get 3)))
      (local.get $p))
    {body})
  (core instance $m (instantiate $m))
  {lifts})"#
    )
}

/// Calls `run` of the component and returns its trap's message and code.
fn run_trap(wat: &str, params: &[Val]) -> (String, TrapCode) {
    let (mut store, instance) = instantiate(wat);
    let err = call(&mut store, &instance, "run", params).unwrap_err();
    let code = err.trap().unwrap_or_else(|| panic!("{err:?}")).code();
    (err.to_string(), code)
}

/// A component whose `run` returns `ty` by storing `(a, b)` at offset 16 and
/// returning 16, with `data` placed in memory.
fn returns_pair(ty: &str, a: u32, b: u32, data: &str) -> String {
    returns_pair_with("", "", ty, a, b, data)
}

/// As [`returns_pair`], with type definitions `prelude` and extra canonical
/// options `opts`.
fn returns_pair_with(prelude: &str, opts: &str, ty: &str, a: u32, b: u32, data: &str) -> String {
    component(
        &format!(
            r#"{data}
            (func (export "run") (result i32)
              (i32.store (i32.const 16) (i32.const {a}))
              (i32.store (i32.const 20) (i32.const {b}))
              (i32.const 16))"#
        ),
        &format!(
            r#"{prelude} (func (export "run") (result {ty}) (canon lift (core func $m "run") $opts {opts}))"#
        ),
    )
}

#[test]
fn invalid_utf8_traps() {
    let wat = returns_pair("string", 100, 3, r#"(data (i32.const 100) "a\ff\fe")"#);
    assert_eq!(
        run_trap(&wat, &[]),
        ("invalid utf-8 string".to_string(), TrapCode::HostError)
    );
}

#[test]
fn invalid_utf16_traps() {
    let utf16 = "string-encoding=utf16";
    let wat = returns_pair_with(
        "",
        utf16,
        "string",
        100,
        2,
        r#"(data (i32.const 100) "a\00\00\d8")"#,
    );
    assert_eq!(run_trap(&wat, &[]).0, "invalid utf-16 string");
    let compact = "string-encoding=latin1+utf16";
    let data = r#"(data (i32.const 100) "\00\dc")"#;
    let wat = returns_pair_with("", compact, "string", 100, 0x8000_0001, data);
    assert_eq!(run_trap(&wat, &[]).0, "invalid utf-16 string");
}

#[test]
fn misaligned_utf16_strings_trap() {
    let wat = returns_pair_with("", "string-encoding=utf16", "string", 101, 1, "");
    assert_eq!(
        run_trap(&wat, &[]),
        (
            "string pointer 0x65 is not aligned to 2 bytes".to_string(),
            TrapCode::HeapMisaligned
        )
    );
}

#[test]
fn strings_out_of_bounds_trap() {
    let wat = returns_pair("string", 65530, 100, "");
    assert_eq!(
        run_trap(&wat, &[]),
        (
            "string pointer/length out of bounds of memory".to_string(),
            TrapCode::MemoryOutOfBounds
        )
    );
    // The length wraps nothing: 0xffffffff bytes from 1 is out of bounds.
    let wat = returns_pair("string", 1, u32::MAX, "");
    assert_eq!(
        run_trap(&wat, &[]).0,
        "string pointer/length out of bounds of memory"
    );
}

#[test]
fn lists_out_of_bounds_or_misaligned_trap() {
    let wat = returns_pair("(list u32)", 0, 0x4000_0000, "");
    assert_eq!(
        run_trap(&wat, &[]),
        (
            "list pointer/length out of bounds of memory".to_string(),
            TrapCode::MemoryOutOfBounds
        )
    );
    let wat = returns_pair("(list u64)", 4, 1, "");
    assert_eq!(
        run_trap(&wat, &[]),
        (
            "list pointer 0x4 is not aligned to 8 bytes".to_string(),
            TrapCode::HeapMisaligned
        )
    );
}

#[test]
fn invalid_values_in_memory_trap() {
    let wat = returns_pair(
        "(list bool)",
        100,
        3,
        r#"(data (i32.const 100) "\01\00\02")"#,
    );
    assert_eq!(run_trap(&wat, &[]).0, "invalid bool value 2");
    let wat = returns_pair(
        "(list char)",
        100,
        1,
        r#"(data (i32.const 100) "\00\d8\00\00")"#,
    );
    assert_eq!(run_trap(&wat, &[]).0, "invalid char value 0xd800");
    let wat = returns_pair(
        "(list (option u8))",
        100,
        1,
        r#"(data (i32.const 100) "\02\07")"#,
    );
    assert_eq!(run_trap(&wat, &[]).0, "invalid option discriminant 2");
    let wat = returns_pair(
        "(list (result u8))",
        100,
        1,
        r#"(data (i32.const 100) "\05\07")"#,
    );
    assert_eq!(run_trap(&wat, &[]).0, "invalid result discriminant 5");
    let wat = returns_pair_with(
        r#"(type $v' (variant (case "a") (case "b" u8))) (export $v "v" (type $v'))"#,
        "",
        "(list $v)",
        100,
        1,
        r#"(data (i32.const 100) "\02\07")"#,
    );
    assert_eq!(run_trap(&wat, &[]).0, "invalid variant discriminant 2");
}

#[test]
fn invalid_flat_discriminants_trap() {
    let wat = component(
        r#"(func (export "run") (result i32) (i32.const 3))"#,
        r#"(type $e' (enum "a" "b" "c"))
           (export $e "e" (type $e'))
           (func (export "run") (result $e) (canon lift (core func $m "run")))"#,
    );
    assert_eq!(run_trap(&wat, &[]).0, "invalid enum discriminant 3");
    let wat = component(
        r#"(func (export "run") (param i32 i32) (result i32) (local.get 0))"#,
        r#"(func (export "run") (param "x" (option u8)) (result u8) (canon lift (core func $m "run")))"#,
    );
    // The host passes a valid option: its discriminant comes back as a u8.
    let (mut store, instance) = instantiate(&wat);
    let some = Val::Option(Some(Box::new(Val::U8(9))));
    assert_eq!(
        call(&mut store, &instance, "run", &[some]).unwrap(),
        Some(Val::U8(1))
    );
}

#[test]
fn return_pointers_must_be_aligned_and_in_bounds() {
    let wat = component(
        r#"(func (export "run") (result i32) (i32.const 2))"#,
        r#"(func (export "run") (result string) (canon lift (core func $m "run") $opts))"#,
    );
    assert_eq!(
        run_trap(&wat, &[]),
        (
            "return pointer 0x2 is not aligned to 4 bytes".to_string(),
            TrapCode::HeapMisaligned
        )
    );
    let wat = component(
        r#"(func (export "run") (result i32) (i32.const 65532))"#,
        r#"(func (export "run") (result string) (canon lift (core func $m "run") $opts))"#,
    );
    assert_eq!(
        run_trap(&wat, &[]).0,
        "return pointer/length out of bounds of memory"
    );
}

#[test]
fn realloc_results_are_checked() {
    let bad_realloc = |ret: u32| {
        format!(
            r#"(component
  (core module $m
    (memory (export "memory") 1)
    (func (export "realloc") (param i32 i32 i32 i32) (result i32) (i32.const {ret}))
    (func (export "run") (param i32 i32)))
  (core instance $m (instantiate $m))
  (func (export "run") (param "x" (list u32))
    (canon lift (core func $m "run") (memory (core memory $m "memory")) (realloc (core func $m "realloc")))))"#
        )
    };
    let list = Val::List(vec![Val::U32(1), Val::U32(2)]);
    assert_eq!(
        run_trap(&bad_realloc(2), std::slice::from_ref(&list)),
        (
            "realloc return pointer 0x2 is not aligned to 4 bytes".to_string(),
            TrapCode::HeapMisaligned
        )
    );
    assert_eq!(
        run_trap(&bad_realloc(65532), &[list]).0,
        "realloc return pointer/length out of bounds of memory"
    );
}

#[test]
fn a_trapped_instance_cannot_be_entered_again() {
    let wat = component(
        r#"(func (export "boom") unreachable) (func (export "ok"))"#,
        r#"(func (export "boom") (canon lift (core func $m "boom")))
           (func (export "ok") (canon lift (core func $m "ok")))"#,
    );
    let (mut store, instance) = instantiate(&wat);
    call(&mut store, &instance, "ok", &[]).unwrap();
    let err = call(&mut store, &instance, "boom", &[]).unwrap_err();
    assert_eq!(err.trap().unwrap().code(), TrapCode::Unreachable);
    assert_eq!(
        trap_message(call(&mut store, &instance, "ok", &[])),
        "cannot enter component instance"
    );
}

/// A component importing `host` (a function of no values), with an export
/// `run` that calls it and `other` that returns 7.
const CALLS_HOST: &str = r#"
(component
  (import "host" (func $host))
  (core func $host (canon lower (func $host)))
  (core module $m
    (import "" "host" (func $host))
    (func (export "run") (call $host))
    (func (export "other") (result i32) (i32.const 7)))
  (core instance $m (instantiate $m (with "" (instance (export "host" (func $host))))))
  (func (export "run") (canon lift (core func $m "run")))
  (func (export "other") (result u32) (canon lift (core func $m "other"))))
"#;

#[test]
fn the_host_cannot_reenter_an_instance_calling_it() {
    let engine = Engine::default();
    let component = Component::new(&engine, CALLS_HOST).unwrap();
    let mut linker = Linker::<Option<kiln::component::Func>>::new(&engine);
    linker
        .root()
        .func_new("host", |mut store, _, _| {
            let other = store.data().clone().unwrap();
            let mut result = [Val::U32(0)];
            other.call(&mut store, &[], &mut result)
        })
        .unwrap();
    let mut store = Store::new(&engine, None);
    let instance = linker.instantiate(&mut store, &component).unwrap();
    let other = instance.get_func(&mut store, "other").unwrap();
    *store.data_mut() = Some(other);
    let run = instance.get_func(&mut store, "run").unwrap();
    let err = run.call(&mut store, &[], &mut []).unwrap_err();
    assert_eq!(err.to_string(), "cannot enter component instance");
    assert_eq!(err.trap().unwrap().code(), TrapCode::HostError);
}

#[test]
fn a_host_error_becomes_a_trap_carrying_it() {
    #[derive(Debug)]
    struct Refused;
    impl std::fmt::Display for Refused {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("refused")
        }
    }
    impl std::error::Error for Refused {}
    let engine = Engine::default();
    let component = Component::new(&engine, CALLS_HOST).unwrap();
    let mut linker = Linker::<()>::new(&engine);
    linker
        .root()
        .func_new("host", |_, _, _| Err(kiln::Error::host(Refused)))
        .unwrap();
    let mut store = Store::new(&engine, ());
    let instance = linker.instantiate(&mut store, &component).unwrap();
    let run = instance.get_func(&mut store, "run").unwrap();
    let err = run.call(&mut store, &[], &mut []).unwrap_err();
    assert_eq!(err.kind(), kiln::ErrorKind::Trap);
    assert!(err.downcast_ref::<Refused>().is_some());
    assert_eq!(err.trap().unwrap().code(), TrapCode::HostError);
}

#[test]
fn realloc_and_post_return_cannot_call_imports() {
    let wat = r#"
(component
  (import "host" (func $host))
  (core func $host (canon lower (func $host)))
  (core module $m
    (import "" "host" (func $host))
    (memory (export "memory") 1)
    (func (export "realloc") (param i32 i32 i32 i32) (result i32) (call $host) (i32.const 64))
    (func (export "take") (param i32 i32))
    (func (export "get") (result i32) (i32.const 1))
    (func (export "cleanup") (param i32) (call $host)))
  (core instance $m (instantiate $m (with "" (instance (export "host" (func $host))))))
  (func (export "take") (param "s" string)
    (canon lift (core func $m "take") (memory (core memory $m "memory")) (realloc (core func $m "realloc"))))
  (func (export "get") (result u32)
    (canon lift (core func $m "get") (post-return (core func $m "cleanup")))))
"#;
    let engine = Engine::default();
    let component = Component::new(&engine, wat).unwrap();
    let mut linker = Linker::<()>::new(&engine);
    linker.root().func_new("host", |_, _, _| Ok(())).unwrap();
    for (name, params) in [("take", vec![Val::String("x".into())]), ("get", vec![])] {
        let mut store = Store::new(&engine, ());
        let instance = linker.instantiate(&mut store, &component).unwrap();
        let f = instance.get_func(&mut store, name).unwrap();
        let mut results = vec![Val::U32(0); f.results(&store).len()];
        let err = f.call(&mut store, &params, &mut results).unwrap_err();
        assert_eq!(err.to_string(), "cannot leave component instance", "{name}");
    }
}

#[test]
fn post_return_runs_after_each_call_with_the_results() {
    let wat = component(
        r#"(global $freed (mut i32) (i32.const 0))
           (func (export "make") (result i32)
             (i32.store (i32.const 16) (i32.const 200))
             (i32.store (i32.const 20) (i32.const 2))
             (i32.const 16))
           (data (i32.const 200) "ok")
           (func (export "free") (param i32)
             (global.set $freed (i32.add (global.get $freed) (local.get 0))))
           (func (export "freed") (result i32) (global.get $freed))"#,
        r#"(func (export "make") (result string)
             (canon lift (core func $m "make") $opts (post-return (core func $m "free"))))
           (func (export "freed") (result u32) (canon lift (core func $m "freed")))"#,
    );
    let (mut store, instance) = instantiate(&wat);
    for _ in 0..3 {
        assert_eq!(
            call(&mut store, &instance, "make", &[]).unwrap(),
            Some(Val::String("ok".into()))
        );
    }
    assert_eq!(
        call(&mut store, &instance, "freed", &[]).unwrap(),
        Some(Val::U32(48))
    );
}

#[test]
fn a_component_passing_bad_values_to_an_import_traps() {
    let wat = r#"
(component
  (import "log" (func $log (param "s" string)))
  (core module $libc (memory (export "memory") 1))
  (core instance $libc (instantiate $libc))
  (core func $log (canon lower (func $log) (memory (core memory $libc "memory"))))
  (core module $m
    (import "" "log" (func $log (param i32 i32)))
    (import "" "memory" (memory 1))
    (data (i32.const 8) "\c3\28")
    (func (export "good") (call $log (i32.const 8) (i32.const 0)))
    (func (export "bad") (call $log (i32.const 8) (i32.const 2)))
    (func (export "oob") (call $log (i32.const 65535) (i32.const 2))))
  (core instance $m (instantiate $m (with "" (instance
    (export "log" (func $log)) (export "memory" (memory $libc "memory"))))))
  (func (export "good") (canon lift (core func $m "good")))
  (func (export "bad") (canon lift (core func $m "bad")))
  (func (export "oob") (canon lift (core func $m "oob"))))
"#;
    let engine = Engine::default();
    let component = Component::new(&engine, wat).unwrap();
    let mut linker = Linker::<Vec<String>>::new(&engine);
    linker
        .root()
        .func_new("log", |mut store, params, _| {
            let Val::String(s) = &params[0] else { panic!() };
            store.data_mut().push(s.clone());
            Ok(())
        })
        .unwrap();
    for (name, expected) in [
        ("good", None),
        ("bad", Some("invalid utf-8 string")),
        ("oob", Some("string pointer/length out of bounds of memory")),
    ] {
        let mut store = Store::new(&engine, Vec::new());
        let instance = linker.instantiate(&mut store, &component).unwrap();
        let f = instance.get_func(&mut store, name).unwrap();
        let outcome = f.call(&mut store, &[], &mut []);
        match expected {
            None => {
                outcome.unwrap();
                assert_eq!(store.data(), &[String::new()]);
            }
            Some(message) => {
                assert_eq!(outcome.unwrap_err().to_string(), message);
                assert!(store.data().is_empty());
            }
        }
    }
}
