//! Decoding, validation and calls of functions of numbers.

use super::{call, instantiate};
use kiln::component::{types::Type, Component, Val};
use kiln::{Engine, ErrorKind};

const NUMBERS: &str = r#"
(component
  (core module $m
    (func (export "add32") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
    (func (export "add64") (param i64 i64) (result i64) (i64.add (local.get 0) (local.get 1)))
    (func (export "id32") (param i32) (result i32) local.get 0)
    (func (export "idf32") (param f32) (result f32) local.get 0)
    (func (export "idf64") (param f64) (result f64) local.get 0)
    (func (export "nothing")))
  (core instance $i (instantiate $m))
  (func (export "add-u32") (param "a" u32) (param "b" u32) (result u32) (canon lift (core func $i "add32")))
  (func (export "add-s64") (param "a" s64) (param "b" s64) (result s64) (canon lift (core func $i "add64")))
  (func (export "id-u8") (param "x" u32) (result u8) (canon lift (core func $i "id32")))
  (func (export "id-s8") (param "x" u32) (result s8) (canon lift (core func $i "id32")))
  (func (export "id-u16") (param "x" u32) (result u16) (canon lift (core func $i "id32")))
  (func (export "id-s16") (param "x" u32) (result s16) (canon lift (core func $i "id32")))
  (func (export "id-bool") (param "x" u32) (result bool) (canon lift (core func $i "id32")))
  (func (export "id-char") (param "x" u32) (result char) (canon lift (core func $i "id32")))
  (func (export "id-f32") (param "x" f32) (result f32) (canon lift (core func $i "idf32")))
  (func (export "id-f64") (param "x" f64) (result f64) (canon lift (core func $i "idf64")))
  (func (export "neg-s8") (param "x" s8) (result s32) (canon lift (core func $i "id32")))
  (func (export "nothing") (canon lift (core func $i "nothing"))))
"#;

#[test]
fn integers_round_trip() {
    let (mut store, instance) = instantiate(NUMBERS);
    let add = |store: &mut _, a, b| call(store, &instance, "add-u32", &[Val::U32(a), Val::U32(b)]);
    assert_eq!(add(&mut store, 40, 2).unwrap(), Some(Val::U32(42)));
    assert_eq!(add(&mut store, u32::MAX, 1).unwrap(), Some(Val::U32(0)));
    assert_eq!(
        call(
            &mut store,
            &instance,
            "add-s64",
            &[Val::S64(-5), Val::S64(2)]
        )
        .unwrap(),
        Some(Val::S64(-3))
    );
    assert_eq!(
        call(&mut store, &instance, "neg-s8", &[Val::S8(-1)]).unwrap(),
        Some(Val::S32(-1))
    );
}

#[test]
fn narrow_integers_lift_from_the_low_bits() {
    let (mut store, instance) = instantiate(NUMBERS);
    let mut id = |name: &str, x: u32| call(&mut store, &instance, name, &[Val::U32(x)]).unwrap();
    assert_eq!(id("id-u8", 0x1ff), Some(Val::U8(0xff)));
    assert_eq!(id("id-s8", 0x1ff), Some(Val::S8(-1)));
    assert_eq!(id("id-u16", 0x18000), Some(Val::U16(0x8000)));
    assert_eq!(id("id-s16", 0x18000), Some(Val::S16(i16::MIN)));
    assert_eq!(id("id-bool", 0), Some(Val::Bool(false)));
    assert_eq!(id("id-bool", 2), Some(Val::Bool(true)));
    assert_eq!(id("id-char", 0x1F600), Some(Val::Char('😀')));
}

#[test]
fn floats_keep_their_values_and_nans_are_canonical() {
    let (mut store, instance) = instantiate(NUMBERS);
    assert_eq!(
        call(&mut store, &instance, "id-f32", &[Val::Float32(1.5)]).unwrap(),
        Some(Val::Float32(1.5))
    );
    assert_eq!(
        call(&mut store, &instance, "id-f64", &[Val::Float64(-0.25)]).unwrap(),
        Some(Val::Float64(-0.25))
    );
    let nan = f32::from_bits(0x7fc0_1234);
    let Some(Val::Float32(out)) =
        call(&mut store, &instance, "id-f32", &[Val::Float32(nan)]).unwrap()
    else {
        panic!()
    };
    assert_eq!(out.to_bits(), 0x7fc0_0000);
}

#[test]
fn functions_without_results() {
    let (mut store, instance) = instantiate(NUMBERS);
    assert_eq!(call(&mut store, &instance, "nothing", &[]).unwrap(), None);
}

#[test]
fn invalid_chars_trap() {
    let (mut store, instance) = instantiate(NUMBERS);
    let msg = super::trap_message(call(&mut store, &instance, "id-char", &[Val::U32(0xD800)]));
    assert_eq!(msg, "invalid char value 0xd800");
    let (mut store, instance) = instantiate(NUMBERS);
    let msg = super::trap_message(call(
        &mut store,
        &instance,
        "id-char",
        &[Val::U32(0x110000)],
    ));
    assert_eq!(msg, "invalid char value 0x110000");
}

#[test]
fn types_describe_functions() {
    let (store, instance) = instantiate(NUMBERS);
    let mut store = store;
    let f = instance.get_func(&mut store, "add-u32").unwrap();
    assert_eq!(
        &*f.params(&store),
        &[("a".to_string(), Type::U32), ("b".to_string(), Type::U32)]
    );
    assert_eq!(&*f.results(&store), &[Type::U32]);
    assert_eq!(f.ty(&store).to_string(), "func(a: u32, b: u32) -> u32");
}

#[test]
fn wrong_arguments_are_usage_errors() {
    let (mut store, instance) = instantiate(NUMBERS);
    let f = instance.get_func(&mut store, "add-u32").unwrap();
    let mut out = [Val::U32(0)];
    let err = f.call(&mut store, &[Val::U32(1)], &mut out).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Usage);
    assert_eq!(err.to_string(), "function expects 2 arguments, got 1");
    let err = f
        .call(&mut store, &[Val::U32(1), Val::S32(1)], &mut out)
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Usage);
    assert_eq!(
        err.to_string(),
        "type mismatch for parameter `b`: expected `u32`, found a value of kind `s32`"
    );
    let err = f
        .call(&mut store, &[Val::U32(1), Val::U32(1)], &mut [])
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "function returns 1 results, but the results slice has room for 0"
    );
    // The instance is still usable after usage errors.
    f.call(&mut store, &[Val::U32(1), Val::U32(1)], &mut out)
        .unwrap();
    assert_eq!(out[0], Val::U32(2));
}

#[test]
fn modules_and_invalid_components_are_rejected() {
    let engine = Engine::default();
    let err = Component::new(&engine, "(module)").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Validation);
    assert_eq!(
        err.to_string(),
        "expected a component, but the bytes are a core module"
    );
    let err = Component::new(
        &engine,
        r#"(component
            (core module $m (func (export "f") (param i32)))
            (core instance $i (instantiate $m))
            (func (export "f") (param "x" u64) (canon lift (core func $i "f"))))"#,
    )
    .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Validation);
    assert!(
        err.to_string()
            .starts_with("lowered parameter types `[I64]` do not match parameter types `[I32]`"),
        "{err}"
    );
    let err = Component::new(&engine, b"\0asm\x0d\0\x01\0garbage").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Validation);
}

#[test]
fn unsupported_features_say_so() {
    let engine = Engine::default();
    let cases = [
        (
            "(component (type (future u8)))",
            "the `future` type is not supported yet",
        ),
        (
            "(component (type (stream u8)))",
            "the `stream` type is not supported yet",
        ),
        (
            "(component (core func (canon task.cancel)))",
            "`canon task.cancel` is not supported yet",
        ),
        (
            "(component (core func (canon backpressure.inc)))",
            "`canon backpressure.inc` is not supported yet",
        ),
        (
            "(component (import \"f\" (func async)))",
            "an `async` function type is not supported yet",
        ),
        (
            r#"(component
                (core module $m (func (export "f") (result i32) i32.const 0))
                (core instance $i (instantiate $m))
                (func (export "f") async (canon lift (core func $i "f") async)))"#,
            "an `async` function type is not supported yet",
        ),
    ];
    for (wat, message) in cases {
        let err = Component::new(&engine, wat).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Validation, "{wat}");
        assert_eq!(err.to_string(), message, "{wat}");
    }
}

#[test]
fn the_component_type_lists_imports_and_exports_with_their_types() {
    use kiln::component::types::{ComponentItem, Type};
    let engine = kiln::Engine::default();
    let component = kiln::component::Component::new(
        &engine,
        r#"(component
            (import "host:fs/files" (instance $files
              (export "file" (type (sub resource)))
              (export "open" (func (param "path" string) (result (own 0))))))
            (alias export $files "file" (type $file))
            (import "limit" (func $limit (result u64)))
            (core module $m (func (export "f") (param i32) (result i32) local.get 0))
            (core instance $i (instantiate $m))
            (func $keep (param "f" (borrow $file)) (result u32)
              (canon lift (core func $i "f")))
            (export "keep" (func $keep))
            (export "files" (instance $files)))"#,
    )
    .unwrap();
    let ty = component.component_type();
    let imports: Vec<_> = ty.imports().map(|(n, i)| (n, i.kind())).collect();
    assert_eq!(
        imports,
        [("host:fs/files", "instance"), ("limit", "function")]
    );
    let ComponentItem::ComponentInstance(files) = ty.imports().next().unwrap().1 else {
        panic!("not an instance")
    };
    let exports: Vec<_> = files.exports().map(|(n, i)| (n, i.kind())).collect();
    assert_eq!(exports, [("file", "resource type"), ("open", "function")]);
    let Some(ComponentItem::Resource(file)) = files.get("file") else {
        panic!("no resource")
    };
    assert_eq!(file.to_string(), "file");
    let Some(ComponentItem::ComponentFunc(open)) = files.get("open") else {
        panic!("no function")
    };
    assert_eq!(
        open.results().collect::<Vec<_>>(),
        [&Type::Own(file.clone())]
    );

    let exports: Vec<_> = ty.exports().map(|(n, i)| (n, i.kind())).collect();
    assert_eq!(exports, [("keep", "function"), ("files", "instance")]);
    let ComponentItem::ComponentFunc(keep) = ty.exports().next().unwrap().1 else {
        panic!("not a function")
    };
    assert_eq!(
        keep.params().collect::<Vec<_>>(),
        [("f", &Type::Borrow(file.clone()))]
    );
}
