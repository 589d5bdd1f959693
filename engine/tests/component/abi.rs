//! The canonical ABI for every value type, both ways: a host function
//! echoes what a component passes it, and the component's export passes on
//! what the host gives it, so each value is lowered into the component
//! (flat or through memory), lifted out of it to the import, lowered back
//! as the import's result and lifted again as the export's.

use kiln::component::{Component, Linker, Val};
use kiln::{Engine, Store};

/// The component for type `ty`, whose flattening is `flat`, with string
/// encoding `encoding` on both sides.
fn echo_component(prelude: &str, ty: &str, flat: &[&str], encoding: &str) -> String {
    let by_memory = flat.len() > 16;
    let core_params: Vec<&str> = if by_memory {
        vec!["i32"]
    } else {
        flat.to_vec()
    };
    let flat_result = flat.len() <= 1;
    let mut import_params = core_params.clone();
    if !flat_result {
        import_params.push("i32");
    }
    let import_results = if flat_result { flat.to_vec() } else { vec![] };
    let run_results: Vec<&str> = if flat_result {
        flat.to_vec()
    } else {
        vec!["i32"]
    };
    let gets: String = (0..core_params.len())
        .map(|i| format!("(local.get {i}) "))
        .collect();
    let body = if flat_result {
        format!("(call $f {gets})")
    } else {
        format!("(call $f {gets} (i32.const 16)) (i32.const 16)")
    };
    let list = |tys: &[&str]| tys.join(" ");
    format!(
        r#"(component
  {prelude}
  (type $t' {ty})
  (import "t" (type $t (eq $t')))
  (import "f" (func $f (param "x" $t) (result $t)))
  (core module $libc
    (memory (export "memory") 1)
    (global $next (mut i32) (i32.const 4096))
    (func (export "realloc") (param i32 i32 i32 i32) (result i32)
      (local $p i32)
      (local.set $p
        (i32.and
          (i32.add (global.get $next) (i32.sub (local.get 2) (i32.const 1)))
          (i32.sub (i32.const 0) (local.get 2))))
      (global.set $next (i32.add (local.get $p) (local.get 3)))
      (if (i32.gt_u (global.get $next) (i32.mul (memory.size) (i32.const 65536)))
        (then (drop (memory.grow (i32.const 16)))))
      (local.get $p)))
  (core instance $libc (instantiate $libc))
  (core func $f (canon lower (func $f)
    (memory (core memory $libc "memory")) (realloc (core func $libc "realloc")) {encoding}))
  (core module $m
    (import "host" "f" (func $f (param {ip}) (result {ir})))
    (func (export "run") (param {cp}) (result {rr}) {body}))
  (core instance $m (instantiate $m (with "host" (instance (export "f" (func $f))))))
  (func (export "run") (param "x" $t) (result $t)
    (canon lift (core func $m "run")
      (memory (core memory $libc "memory")) (realloc (core func $libc "realloc")) {encoding})))"#,
        ip = list(&import_params),
        ir = list(&import_results),
        cp = list(&core_params),
        rr = list(&run_results),
    )
}

/// Passes each of `values` through the echo component of `ty`, checking
/// that the host saw it and the caller got it back unchanged.
fn round_trip(ty: &str, flat: &[&str], encoding: &str, values: &[Val]) {
    round_trip_with("", ty, flat, encoding, values)
}

/// As [`round_trip`], with type definitions `prelude` that `ty` may use.
fn round_trip_with(prelude: &str, ty: &str, flat: &[&str], encoding: &str, values: &[Val]) {
    let engine = Engine::default();
    let wat = echo_component(prelude, ty, flat, encoding);
    let component = Component::new(&engine, &wat).unwrap_or_else(|e| panic!("{e}\n{wat}"));
    let mut linker = Linker::<Vec<Val>>::new(&engine);
    linker
        .root()
        .func_new("f", |mut store, params, results| {
            store.data_mut().push(params[0].clone());
            results[0] = params[0].clone();
            Ok(())
        })
        .unwrap();
    let mut store = Store::new(&engine, Vec::new());
    let instance = linker.instantiate(&mut store, &component).unwrap();
    let run = instance.get_func(&mut store, "run").unwrap();
    for value in values {
        let mut result = [Val::Bool(false)];
        run.call(&mut store, std::slice::from_ref(value), &mut result)
            .unwrap_or_else(|e| panic!("{ty} {value:?}: {e:?}"));
        assert_eq!(&result[0], value, "{ty}");
        assert_eq!(store.data_mut().pop().as_ref(), Some(value), "{ty}");
    }
}

fn s(v: &str) -> Val {
    Val::String(v.to_string())
}

fn some(v: Val) -> Val {
    Val::Option(Some(Box::new(v)))
}

#[test]
fn primitives() {
    round_trip("bool", &["i32"], "", &[Val::Bool(true), Val::Bool(false)]);
    round_trip("u8", &["i32"], "", &[Val::U8(0), Val::U8(u8::MAX)]);
    round_trip(
        "s8",
        &["i32"],
        "",
        &[Val::S8(i8::MIN), Val::S8(-1), Val::S8(i8::MAX)],
    );
    round_trip("u16", &["i32"], "", &[Val::U16(u16::MAX)]);
    round_trip("s16", &["i32"], "", &[Val::S16(i16::MIN), Val::S16(7)]);
    round_trip("u32", &["i32"], "", &[Val::U32(u32::MAX), Val::U32(0)]);
    round_trip("s32", &["i32"], "", &[Val::S32(i32::MIN), Val::S32(-2)]);
    round_trip(
        "u64",
        &["i64"],
        "",
        &[Val::U64(u64::MAX), Val::U64(1 << 40)],
    );
    round_trip("s64", &["i64"], "", &[Val::S64(i64::MIN), Val::S64(-3)]);
    round_trip(
        "f32",
        &["f32"],
        "",
        &[Val::Float32(-1.25), Val::Float32(f32::INFINITY)],
    );
    round_trip(
        "f64",
        &["f64"],
        "",
        &[Val::Float64(1e300), Val::Float64(-0.0)],
    );
    round_trip(
        "char",
        &["i32"],
        "",
        &[Val::Char('a'), Val::Char('😀'), Val::Char('\u{10FFFF}')],
    );
}

#[test]
fn strings_in_every_encoding() {
    let values = [
        s(""),
        s("hello"),
        s("héllo wörld"),
        s("日本語 😀 text"),
        s(&"x".repeat(70_000)),
    ];
    for encoding in [
        "string-encoding=utf8",
        "string-encoding=utf16",
        "string-encoding=latin1+utf16",
    ] {
        round_trip("string", &["i32", "i32"], encoding, &values);
        round_trip(
            "(list string)",
            &["i32", "i32"],
            encoding,
            &[Val::List(vec![s("a"), s("ÿ"), s("Ā"), s("")])],
        );
    }
}

#[test]
fn lists() {
    round_trip(
        "(list u8)",
        &["i32", "i32"],
        "",
        &[
            Val::List(vec![]),
            Val::List((0..=255).map(Val::U8).collect()),
            Val::List(vec![Val::U8(1); 100_000]),
        ],
    );
    round_trip(
        "(list u64)",
        &["i32", "i32"],
        "",
        &[Val::List(vec![Val::U64(u64::MAX), Val::U64(0)])],
    );
    round_trip(
        "(list (list s16))",
        &["i32", "i32"],
        "",
        &[Val::List(vec![
            Val::List(vec![Val::S16(-1)]),
            Val::List(vec![]),
            Val::List(vec![Val::S16(3), Val::S16(4)]),
        ])],
    );
    round_trip(
        "(list (option s16))",
        &["i32", "i32"],
        "",
        &[Val::List(vec![some(Val::S16(-5)), Val::Option(None)])],
    );
    round_trip_with(
        r#"(type $r' (record (field "name" string) (field "score" f64)))
           (import "r" (type $r (eq $r')))"#,
        "(list $r)",
        &["i32", "i32"],
        "",
        &[Val::List(
            (0..1000)
                .map(|i| {
                    Val::Record(vec![
                        ("name".into(), s(&format!("player {i}"))),
                        ("score".into(), Val::Float64(i as f64 / 3.0)),
                    ])
                })
                .collect(),
        )],
    );
}

#[test]
fn records_and_tuples() {
    round_trip(
        "(record (field \"a\" u8) (field \"b\" f64) (field \"c\" string))",
        &["i32", "f64", "i32", "i32"],
        "",
        &[Val::Record(vec![
            ("a".into(), Val::U8(9)),
            ("b".into(), Val::Float64(2.5)),
            ("c".into(), s("field")),
        ])],
    );
    round_trip(
        "(tuple u8 s64 char)",
        &["i32", "i64", "i32"],
        "",
        &[Val::Tuple(vec![Val::U8(1), Val::S64(-1), Val::Char('ß')])],
    );
}

#[test]
fn more_than_sixteen_flat_values_pass_through_memory() {
    let fields: String = (0..17).map(|i| format!("(field \"f{i}\" u32) ")).collect();
    let value = Val::Record(
        (0..17)
            .map(|i| (format!("f{i}"), Val::U32(i * 1000)))
            .collect(),
    );
    round_trip(&format!("(record {fields})"), &["i32"; 17], "", &[value]);
    let tuple = Val::Tuple(
        (0..20)
            .map(|i| Val::U8(i as u8))
            .chain([s("end")])
            .collect(),
    );
    let ty = format!("(tuple {} string)", "u8 ".repeat(20));
    round_trip(&ty, &["i32"; 22], "", &[tuple]);
}

#[test]
fn variants_join_their_payloads() {
    let ty = "(variant (case \"a\" f32) (case \"b\" u64) (case \"c\") (case \"d\" string))";
    let values = [
        Val::Variant("a".into(), Some(Box::new(Val::Float32(3.5)))),
        Val::Variant("b".into(), Some(Box::new(Val::U64(u64::MAX)))),
        Val::Variant("c".into(), None),
        Val::Variant("d".into(), Some(Box::new(s("dee")))),
    ];
    round_trip(ty, &["i32", "i64", "i32"], "", &values);
    let ty = "(variant (case \"int\" u32) (case \"float\" f32))";
    let values = [
        Val::Variant("int".into(), Some(Box::new(Val::U32(7)))),
        Val::Variant("float".into(), Some(Box::new(Val::Float32(-7.5)))),
    ];
    round_trip(ty, &["i32", "i32"], "", &values);
    let cases: String = (0..300).map(|i| format!("(case \"c{i}\") ")).collect();
    round_trip(
        &format!("(variant {cases})"),
        &["i32"],
        "",
        &[
            Val::Variant("c299".into(), None),
            Val::Variant("c0".into(), None),
        ],
    );
}

#[test]
fn enums_options_and_results() {
    round_trip(
        "(enum \"red\" \"green\" \"blue\")",
        &["i32"],
        "",
        &[Val::Enum("red".into()), Val::Enum("blue".into())],
    );
    round_trip(
        "(option u32)",
        &["i32", "i32"],
        "",
        &[Val::Option(None), some(Val::U32(5))],
    );
    round_trip(
        "(option (option u8))",
        &["i32", "i32", "i32"],
        "",
        &[
            Val::Option(None),
            some(Val::Option(None)),
            some(some(Val::U8(8))),
        ],
    );
    round_trip(
        "(option string)",
        &["i32", "i32", "i32"],
        "",
        &[some(s("maybe")), Val::Option(None)],
    );
    round_trip(
        "(result string (error u32))",
        &["i32", "i32", "i32"],
        "",
        &[
            Val::Result(Ok(Some(Box::new(s("fine"))))),
            Val::Result(Err(Some(Box::new(Val::U32(404))))),
        ],
    );
    round_trip(
        "(result)",
        &["i32"],
        "",
        &[Val::Result(Ok(None)), Val::Result(Err(None))],
    );
    round_trip(
        "(result f64 (error f32))",
        &["i32", "i64"],
        "",
        &[
            Val::Result(Ok(Some(Box::new(Val::Float64(0.1))))),
            Val::Result(Err(Some(Box::new(Val::Float32(0.5))))),
        ],
    );
}

#[test]
fn flags_of_every_size() {
    round_trip(
        "(flags \"a\" \"b\" \"c\")",
        &["i32"],
        "",
        &[Val::Flags(vec![]), Val::Flags(vec!["a".into(), "c".into()])],
    );
    let names: Vec<String> = (0..12).map(|i| format!("f{i}")).collect();
    let quoted: String = names.iter().map(|n| format!("\"{n}\" ")).collect();
    round_trip(
        &format!("(flags {quoted})"),
        &["i32"],
        "",
        &[Val::Flags(vec!["f0".into(), "f11".into()])],
    );
    let names: Vec<String> = (0..32).map(|i| format!("f{i}")).collect();
    let quoted: String = names.iter().map(|n| format!("\"{n}\" ")).collect();
    round_trip(
        &format!("(flags {quoted})"),
        &["i32"],
        "",
        &[Val::Flags(names.clone()), Val::Flags(vec!["f31".into()])],
    );
}
