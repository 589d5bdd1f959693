//! Nested components, outer aliases, and calls from one component to
//! another (which go through `Val`s: lifted in one, lowered in the other).

use super::{call, instantiate};
use kiln::component::{Component, Linker, Val};
use kiln::{Engine, Store};

/// A bump allocator module with memory, to paste into components.
const LIBC: &str = r#"
  (core module $libc
    (memory (export "memory") 1)
    (global $next (mut i32) (i32.const 1024))
    (func (export "realloc") (param i32 i32 i32 i32) (result i32)
      (local $p i32)
      (local.set $p (global.get $next))
      (global.set $next (i32.add (local.get $p) (local.get 3)))
      (local.get $p)))
  (core instance $libc (instantiate $libc))
"#;

fn opts() -> &'static str {
    r#"(memory (core memory $libc "memory")) (realloc (core func $libc "realloc"))"#
}

#[test]
fn a_nested_component_exports_through_its_parent() {
    let (mut store, instance) = instantiate(
        r#"(component
            (component $inner
              (core module $m (func (export "f") (result i32) i32.const 11))
              (core instance $i (instantiate $m))
              (func (export "eleven") (result u32) (canon lift (core func $i "f"))))
            (instance $a (instantiate $inner))
            (instance $b (instantiate $inner))
            (alias export $a "eleven" (func $eleven))
            (export "eleven" (func $eleven))
            (export "b" (instance $b)))"#,
    );
    assert_eq!(
        call(&mut store, &instance, "eleven", &[]).unwrap(),
        Some(Val::U32(11))
    );
    let f = instance.get_func(&mut store, ("b", "eleven")).unwrap();
    let mut out = [Val::U32(0)];
    f.call(&mut store, &[], &mut out).unwrap();
    assert_eq!(out[0], Val::U32(11));
}

#[test]
fn outer_aliases_reach_the_enclosing_components_modules() {
    let (mut store, instance) = instantiate(
        r#"(component $outer
            (core module $m (func (export "f") (result i32) i32.const 5))
            (component $inner
              (alias outer $outer $m (core module $m))
              (core instance $i (instantiate $m))
              (func (export "five") (result u32) (canon lift (core func $i "f"))))
            (instance $a (instantiate $inner))
            (export "five" (func $a "five")))"#,
    );
    assert_eq!(
        call(&mut store, &instance, "five", &[]).unwrap(),
        Some(Val::U32(5))
    );
}

/// Component `$upper` uppercases strings in UTF-16; component `$shout`
/// imports it, calls it from UTF-8 and appends `!`.
fn two_components(inner_encoding: &str) -> String {
    let libc = LIBC;
    let opts = opts();
    format!(
        r#"(component
  (component $upper
    {libc}
    (core module $m
      (import "libc" "memory" (memory 1))
      ;; Uppercases ASCII letters of the UTF-16 string in place and returns it.
      (func (export "upper") (param $ptr i32) (param $len i32) (result i32)
        (local $i i32) (local $c i32)
        (block $done (loop $next
          (br_if $done (i32.ge_u (local.get $i) (local.get $len)))
          (local.set $c (i32.load16_u (i32.add (local.get $ptr) (i32.shl (local.get $i) (i32.const 1)))))
          (if (i32.and (i32.ge_u (local.get $c) (i32.const 97)) (i32.le_u (local.get $c) (i32.const 122)))
            (then (i32.store16 (i32.add (local.get $ptr) (i32.shl (local.get $i) (i32.const 1)))
                    (i32.sub (local.get $c) (i32.const 32)))))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $next)))
        (i32.store (i32.const 16) (local.get $ptr))
        (i32.store (i32.const 20) (local.get $len))
        (i32.const 16)))
    (core instance $m (instantiate $m (with "libc" (instance $libc))))
    (func (export "upper") (param "s" string) (result string)
      (canon lift (core func $m "upper") {opts} {inner_encoding})))
  (component $shout
    (import "upper" (func $upper (param "s" string) (result string)))
    {libc}
    (core func $upper (canon lower (func $upper) {opts}))
    (core module $m
      (import "libc" "memory" (memory 1))
      (import "libc" "realloc" (func $realloc (param i32 i32 i32 i32) (result i32)))
      (import "" "upper" (func $upper (param i32 i32 i32)))
      (func (export "shout") (param $ptr i32) (param $len i32) (result i32)
        (local $out i32) (local $n i32)
        (call $upper (local.get $ptr) (local.get $len) (i32.const 32))
        (local.set $n (i32.load (i32.const 36)))
        (local.set $out (call $realloc (i32.const 0) (i32.const 0) (i32.const 1)
          (i32.add (local.get $n) (i32.const 1))))
        (memory.copy (local.get $out) (i32.load (i32.const 32)) (local.get $n))
        (i32.store8 (i32.add (local.get $out) (local.get $n)) (i32.const 33))
        (i32.store (i32.const 16) (local.get $out))
        (i32.store (i32.const 20) (i32.add (local.get $n) (i32.const 1)))
        (i32.const 16)))
    (core instance $m (instantiate $m
      (with "libc" (instance $libc))
      (with "" (instance (export "upper" (func $upper))))))
    (func (export "shout") (param "s" string) (result string)
      (canon lift (core func $m "shout") {opts})))
  (instance $u (instantiate $upper))
  (instance $s (instantiate $shout (with "upper" (func $u "upper"))))
  (export "shout" (func $s "shout")))"#
    )
}

#[test]
fn components_call_each_other_from_utf8_to_utf16() {
    let (mut store, instance) = instantiate(&two_components("string-encoding=utf16"));
    for (input, output) in [("hello", "HELLO!"), ("größe 😀", "GRößE 😀!"), ("", "!")] {
        assert_eq!(
            call(&mut store, &instance, "shout", &[Val::String(input.into())]).unwrap(),
            Some(Val::String(output.into()))
        );
    }
}

#[test]
fn a_parent_may_be_reentered_through_a_function_it_gave_its_child() {
    let (mut store, instance) = instantiate(
        r#"(component
            (core module $pm
              (func (export "base") (result i32) i32.const 100))
            (core instance $p (instantiate $pm))
            (func $base (result u32) (canon lift (core func $p "base")))
            (component $child
              (import "base" (func $base (result u32)))
              (core func $base (canon lower (func $base)))
              (core module $m
                (import "" "base" (func $base (result i32)))
                (func (export "plus-one") (result i32) (i32.add (call $base) (i32.const 1))))
              (core instance $m (instantiate $m (with "" (instance (export "base" (func $base))))))
              (func (export "plus-one") (result u32) (canon lift (core func $m "plus-one"))))
            (instance $c (instantiate $child (with "base" (func $base))))
            (core func $plus-one (canon lower (func $c "plus-one")))
            (core module $run
              (import "" "plus-one" (func $plus-one (result i32)))
              (func (export "run") (result i32) (i32.mul (call $plus-one) (i32.const 2))))
            (core instance $r (instantiate $run (with "" (instance (export "plus-one" (func $plus-one))))))
            (func (export "run") (result u32) (canon lift (core func $r "run"))))"#,
    );
    assert_eq!(
        call(&mut store, &instance, "run", &[]).unwrap(),
        Some(Val::U32(202))
    );
}

#[test]
fn a_child_imports_what_its_parent_imported_from_the_host() {
    let engine = Engine::default();
    let component = Component::new(
        &engine,
        r#"(component
            (import "demo:host/clock" (instance $clock (export "now" (func (result u64)))))
            (component $child
              (import "demo:host/clock" (instance $clock (export "now" (func (result u64)))))
              (alias export $clock "now" (func $now))
              (core func $now (canon lower (func $now)))
              (core module $m
                (import "" "now" (func $now (result i64)))
                (func (export "later") (result i64) (i64.add (call $now) (i64.const 10))))
              (core instance $m (instantiate $m (with "" (instance (export "now" (func $now))))))
              (func (export "later") (result u64) (canon lift (core func $m "later"))))
            (instance $c (instantiate $child (with "demo:host/clock" (instance $clock))))
            (export "later" (func $c "later")))"#,
    )
    .unwrap();
    let mut linker = Linker::<()>::new(&engine);
    linker
        .instance("demo:host/clock")
        .unwrap()
        .func_new("now", |_, _, results| {
            results[0] = Val::U64(1_000);
            Ok(())
        })
        .unwrap();
    let mut store = Store::new(&engine, ());
    let instance = linker.instantiate(&mut store, &component).unwrap();
    let mut out = [Val::U64(0)];
    instance
        .get_func(&mut store, "later")
        .unwrap()
        .call(&mut store, &[], &mut out)
        .unwrap();
    assert_eq!(out[0], Val::U64(1_010));
}

/// The shape `wit-component` gives a component: a shim module exports a
/// table and functions that call through it, the main module imports those
/// in place of the lowered imports (which need its memory, not yet made),
/// and a fixup module fills the table with the lowered functions.
#[test]
fn the_shim_and_fixup_pattern_of_wit_component() {
    let engine = Engine::default();
    let component = Component::new(
        &engine,
        r#"(component
  (import "log" (func $log (param "msg" string)))
  (core module $main
    (import "env" "log" (func $log (param i32 i32)))
    (memory (export "memory") 1)
    (data (i32.const 100) "from main")
    (global $next (mut i32) (i32.const 1024))
    (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32)
      (local $p i32)
      (local.set $p (global.get $next))
      (global.set $next (i32.add (local.get $p) (local.get 3)))
      (local.get $p))
    (func (export "run") (result i32)
      (call $log (i32.const 100) (i32.const 9))
      (i32.const 9)))
  (core module $shim
    (type $log (func (param i32 i32)))
    (table (export "$imports") 1 1 funcref)
    (func (export "log") (param i32 i32)
      (call_indirect (type $log) (local.get 0) (local.get 1) (i32.const 0))))
  (core module $fixup
    (type $log (func (param i32 i32)))
    (import "" "log" (func $log (type $log)))
    (import "" "$imports" (table 1 1 funcref))
    (elem (i32.const 0) func $log))
  (core instance $shim (instantiate $shim))
  (core instance $main (instantiate $main
    (with "env" (instance (export "log" (func $shim "log"))))))
  (core func $log (canon lower (func $log) (memory (core memory $main "memory"))))
  (core instance (instantiate $fixup
    (with "" (instance
      (export "log" (func $log))
      (export "$imports" (table $shim "$imports"))))))
  (func (export "run") (result u32)
    (canon lift (core func $main "run")
      (memory (core memory $main "memory")) (realloc (core func $main "cabi_realloc")))))"#,
    )
    .unwrap();
    let mut linker = Linker::<Vec<String>>::new(&engine);
    linker
        .root()
        .func_new("log", |mut store, params, _| {
            let Val::String(msg) = &params[0] else {
                panic!()
            };
            store.data_mut().push(msg.clone());
            Ok(())
        })
        .unwrap();
    let mut store = Store::new(&engine, Vec::new());
    let instance = linker.instantiate(&mut store, &component).unwrap();
    let mut out = [Val::U32(0)];
    instance
        .get_func(&mut store, "run")
        .unwrap()
        .call(&mut store, &[], &mut out)
        .unwrap();
    assert_eq!(out[0], Val::U32(9));
    assert_eq!(store.data(), &["from main".to_string()]);
}

/// The host may not call into an instance below it on the stack, even when
/// the instance called it through a child component.
#[test]
fn the_host_cannot_reenter_a_parent_through_its_child() {
    let engine = Engine::default();
    let component = Component::new(
        &engine,
        r#"(component
            (import "host" (func $host))
            (component $child
              (import "host" (func $host))
              (core func $host (canon lower (func $host)))
              (core module $m
                (import "" "host" (func $host))
                (func (export "run") (call $host)))
              (core instance $m (instantiate $m (with "" (instance (export "host" (func $host))))))
              (func (export "run") (canon lift (core func $m "run"))))
            (instance $c (instantiate $child (with "host" (func $host))))
            (core func $child-run (canon lower (func $c "run")))
            (core module $m
              (import "" "child-run" (func $child-run))
              (func (export "run") (call $child-run))
              (func (export "seven") (result i32) (i32.const 7)))
            (core instance $m (instantiate $m (with "" (instance (export "child-run" (func $child-run))))))
            (func (export "run") (canon lift (core func $m "run")))
            (func (export "seven") (result u32) (canon lift (core func $m "seven"))))"#,
    )
    .unwrap();
    let mut linker = Linker::<Option<kiln::component::Func>>::new(&engine);
    linker
        .root()
        .func_new("host", |mut store, _, _| {
            let seven = store.data().clone().unwrap();
            seven.call(&mut store, &[], &mut [Val::U32(0)])
        })
        .unwrap();
    let mut store = Store::new(&engine, None);
    let instance = linker.instantiate(&mut store, &component).unwrap();
    let seven = instance.get_func(&mut store, "seven").unwrap();
    *store.data_mut() = Some(seven);
    let run = instance.get_func(&mut store, "run").unwrap();
    let err = run.call(&mut store, &[], &mut []).unwrap_err();
    assert_eq!(err.to_string(), "cannot enter component instance");
}
