//! Runs the shared conformance vectors (`tests/conformance/vectors.json`)
//! through the Rust API: the reference every binding's runner agrees with.

use kiln::{Engine, Error, Extern, FuncType, Instance, Linker, Module, Store, Val};
use serde_json::Value;

fn vectors() -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/conformance/vectors.json"
    );
    let text = std::fs::read_to_string(path).expect("read vectors.json");
    serde_json::from_str(&text).expect("vectors.json is JSON")
}

/// Parses `TYPE:VALUE`.
fn parse_val(text: &str) -> Val {
    let (ty, value) = text.split_once(':').expect("TYPE:VALUE");
    let float = |v: &str| -> f64 {
        match v {
            "inf" => f64::INFINITY,
            "-inf" => f64::NEG_INFINITY,
            "nan" => f64::NAN,
            _ => v.parse().expect("a float"),
        }
    };
    match ty {
        "i32" => Val::I32(value.parse().expect("an i32")),
        "i64" => Val::I64(value.parse().expect("an i64")),
        "f32" => Val::F32((float(value) as f32).to_bits()),
        "f64" => Val::F64(float(value).to_bits()),
        _ => panic!("unknown type in {text}"),
    }
}

/// Whether `actual` is what `expected` (`TYPE:VALUE`) describes.
fn matches(actual: &Val, expected: &str) -> bool {
    match (actual, parse_val(expected)) {
        (Val::F32(a), Val::F32(e)) if f32::from_bits(e).is_nan() => f32::from_bits(*a).is_nan(),
        (Val::F64(a), Val::F64(e)) if f64::from_bits(e).is_nan() => f64::from_bits(*a).is_nan(),
        (a, e) => format!("{a:?}") == format!("{e:?}"),
    }
}

fn host_linker(engine: &Engine) -> Linker<()> {
    let mut linker = Linker::new(engine);
    linker
        .func_wrap("conformance", "double", |x: i32| x.wrapping_mul(2))
        .unwrap();
    linker
        .func_new("conformance", "fail", FuncType::new([], []), |_, _, _| {
            Err(Error::msg("host failure"))
        })
        .unwrap();
    linker
}

fn run_step(store: &mut Store<()>, instance: Instance, case: &str, step: &Value) {
    if let Some(name) = step["invoke"].as_str() {
        let func = instance
            .get_func(&mut *store, name)
            .unwrap_or_else(|| panic!("{case}: no export {name}"));
        let args: Vec<Val> = step["args"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| parse_val(a.as_str().unwrap()))
            .collect();
        let ty = func.ty(&*store);
        let mut results: Vec<Val> = ty.results().iter().map(|t| Val::default_for(*t)).collect();
        let outcome = func.call(&mut *store, &args, &mut results);
        match (&step["trap"], outcome) {
            (Value::String(text), Err(err)) => assert!(
                err.to_string().contains(text.as_str()),
                "{case}: {name} trapped with `{err}`, expected `{text}`"
            ),
            (Value::String(text), Ok(())) => {
                panic!("{case}: {name} returned {results:?}, expected trap `{text}`")
            }
            (_, Err(err)) => panic!("{case}: {name} trapped: {err}"),
            (_, Ok(())) => {
                let expected = step["expect"].as_array().unwrap();
                assert_eq!(results.len(), expected.len(), "{case}: {name} result count");
                for (actual, want) in results.iter().zip(expected) {
                    let want = want.as_str().unwrap();
                    assert!(
                        matches(actual, want),
                        "{case}: {name} returned {actual:?}, expected {want}"
                    );
                }
            }
        }
    } else if let Some(name) = step["read_memory"].as_str() {
        let memory = instance.get_memory(&mut *store, name).unwrap();
        let offset = step["offset"].as_u64().unwrap() as usize;
        let hex = step["expect_hex"].as_str().unwrap();
        let want: Vec<u8> = (0..hex.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
            .collect();
        let data = memory.data(&*store);
        assert_eq!(
            &data[offset..offset + want.len()],
            &want[..],
            "{case}: memory {name}"
        );
    } else if let Some(name) = step["read_global"].as_str() {
        let Some(Extern::Global(global)) = instance.get_export(&mut *store, name) else {
            panic!("{case}: no global {name}");
        };
        let value = global.get(&mut *store);
        let want = step["expect"].as_str().unwrap();
        assert!(
            matches(&value, want),
            "{case}: global {name} is {value:?}, expected {want}"
        );
    } else {
        panic!("{case}: unknown step {step}");
    }
}

#[test]
fn every_conformance_vector_passes_through_the_rust_api() {
    let vectors = vectors();
    let engine = Engine::default();
    let linker = host_linker(&engine);
    let cases = vectors["cases"].as_array().unwrap();
    let mut steps = 0;
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let module = Module::new(&engine, case["module"].as_str().unwrap())
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let mut store = Store::new(&engine, ());
        let instance = linker
            .instantiate(&mut store, &module)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        for step in case["steps"].as_array().unwrap() {
            run_step(&mut store, instance, name, step);
            steps += 1;
        }
    }
    assert_eq!(cases.len(), 12);
    assert_eq!(steps, 45);
}
