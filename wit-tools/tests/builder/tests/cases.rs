//! Checks the case files (`wit-tools/tests/cases/<world>.json`) against the
//! corpus's WIT: each parses, is about a world with a guest, names only
//! functions its world exports and calls every one of them, has steps of the
//! documented shapes, and writes every value as the README's encoding says
//! for its type, with resource names bound before use and all dropped by the
//! end of each test. (Replaying them needs a host: see
//! `wit-tools/tests/run-reference`.)

use kiln_wit_guests::{corpus_dir, load_wit, worlds};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use wit_parser::{Function, Handle, Resolve, Type, TypeDefKind, WorldItem};

/// The names by which a host calls the world's exports: `name` for a
/// function of the world, `interface#name` for one of an exported interface
/// (resource functions are `[constructor]r`, `[method]r.f`, `[static]r.f`).
fn exported_functions(
    resolve: &Resolve,
    world: wit_parser::WorldId,
) -> BTreeMap<String, &Function> {
    let mut names = BTreeMap::new();
    for (key, item) in &resolve.worlds[world].exports {
        match item {
            WorldItem::Function(f) => {
                names.insert(f.name.clone(), f);
            }
            WorldItem::Interface { id, .. } => {
                let interface = resolve.name_world_key(key);
                for f in resolve.interfaces[*id].functions.values() {
                    names.insert(format!("{interface}#{}", f.name), f);
                }
            }
            WorldItem::Type { .. } => {}
        }
    }
    names
}

/// Where a value appears: resources are bound in results and used in
/// arguments.
#[derive(Clone, Copy, PartialEq)]
enum Role {
    Argument,
    Result,
}

/// Checks that `v` is a value of type `ty` in the case files' encoding.
/// `live` holds the resource names bound and not yet moved or dropped.
fn check_value(
    resolve: &Resolve,
    ty: &Type,
    v: &Value,
    role: Role,
    live: &mut BTreeSet<String>,
) -> Result<(), String> {
    let fail = |what: &str| Err(format!("{} is not {what}", short(v)));
    let int = |low: i128, high: i128| match v.as_i64() {
        Some(n) if (low..=high).contains(&i128::from(n)) => Ok(()),
        _ => fail(&format!("an integer in {low}..={high}")),
    };
    let big = |low: i128, high: i128| match v.as_str().map(str::parse::<i128>) {
        Some(Ok(n)) if (low..=high).contains(&n) => Ok(()),
        _ => fail(&format!("a decimal string in {low}..={high}")),
    };
    match ty {
        Type::Bool => v
            .is_boolean()
            .then_some(())
            .ok_or(())
            .or_else(|_| fail("a bool")),
        Type::U8 => int(0, u8::MAX.into()),
        Type::U16 => int(0, u16::MAX.into()),
        Type::U32 => int(0, u32::MAX.into()),
        Type::S8 => int(i8::MIN.into(), i8::MAX.into()),
        Type::S16 => int(i16::MIN.into(), i16::MAX.into()),
        Type::S32 => int(i32::MIN.into(), i32::MAX.into()),
        Type::U64 => big(0, u64::MAX.into()),
        Type::S64 => big(i64::MIN.into(), i64::MAX.into()),
        Type::F32 | Type::F64 => match v {
            Value::String(s) if ["nan", "inf", "-inf", "-0"].contains(&s.as_str()) => Ok(()),
            // An f32 is read as an f64 and must be exactly an f32.
            Value::Number(n) => match n.as_f64() {
                Some(x) if *ty == Type::F64 || f64::from(x as f32) == x => Ok(()),
                _ => fail("a float of this type"),
            },
            _ => fail("a float"),
        },
        Type::Char => match v.as_str() {
            Some(s) if s.chars().count() == 1 => Ok(()),
            _ => fail("a char"),
        },
        Type::String => check_sequence(v, &mut |item| match item {
            Value::String(_) => Ok(()),
            _ => Err(format!("{} is not a string", short(item))),
        }),
        Type::ErrorContext => fail("a supported type (error-context)"),
        Type::Id(id) => {
            let def = &resolve.types[*id];
            match &def.kind {
                TypeDefKind::Type(t) => check_value(resolve, t, v, role, live),
                TypeDefKind::List(element) => check_sequence(v, &mut |item| match item {
                    Value::Array(items) => items
                        .iter()
                        .try_for_each(|x| check_value(resolve, element, x, role, live)),
                    _ => Err(format!("{} is not a list", short(item))),
                }),
                TypeDefKind::Record(record) => {
                    let Value::Object(fields) = v else {
                        return fail("a record");
                    };
                    let names: BTreeSet<&str> = fields.keys().map(String::as_str).collect();
                    let expected: BTreeSet<&str> =
                        record.fields.iter().map(|f| f.name.as_str()).collect();
                    if names != expected {
                        return fail(&format!("a record with fields {expected:?}"));
                    }
                    record
                        .fields
                        .iter()
                        .try_for_each(|f| check_value(resolve, &f.ty, &fields[&f.name], role, live))
                }
                TypeDefKind::Tuple(tuple) => match v {
                    Value::Array(items) if items.len() == tuple.types.len() => tuple
                        .types
                        .iter()
                        .zip(items)
                        .try_for_each(|(t, x)| check_value(resolve, t, x, role, live)),
                    _ => fail(&format!("a tuple of {}", tuple.types.len())),
                },
                TypeDefKind::Variant(variant) => {
                    let Some(name) = v.get("case").and_then(Value::as_str) else {
                        return fail("a variant");
                    };
                    let Some(case) = variant.cases.iter().find(|c| c.name == name) else {
                        return fail("a case of this variant");
                    };
                    let keys = v.as_object().map_or(0, |o| o.len());
                    match (&case.ty, v.get("value")) {
                        (None, None) if keys == 1 => Ok(()),
                        (Some(t), Some(x)) if keys == 2 => check_value(resolve, t, x, role, live),
                        _ => fail("a variant case with the right payload"),
                    }
                }
                TypeDefKind::Enum(e) => match v.as_str() {
                    Some(s) if e.cases.iter().any(|c| c.name == s) => Ok(()),
                    _ => fail("a case of this enum"),
                },
                TypeDefKind::Flags(flags) => {
                    let Some(items) = v.as_array() else {
                        return fail("flags");
                    };
                    let names: Vec<&str> = items.iter().filter_map(Value::as_str).collect();
                    let in_order: Vec<&str> = flags
                        .flags
                        .iter()
                        .map(|f| f.name.as_str())
                        .filter(|f| names.contains(f))
                        .collect();
                    if names.len() != items.len() || names != in_order {
                        return fail("flags of this type in declaration order");
                    }
                    Ok(())
                }
                TypeDefKind::Option(t) => match v {
                    Value::Null => Ok(()),
                    Value::Object(o) if o.len() == 1 && o.contains_key("some") => {
                        check_value(resolve, t, &o["some"], role, live)
                    }
                    _ => fail("an option"),
                },
                TypeDefKind::Result(r) => {
                    let (side, payload) = match v {
                        Value::Object(o) if o.len() == 1 && o.contains_key("ok") => {
                            (&r.ok, &o["ok"])
                        }
                        Value::Object(o) if o.len() == 1 && o.contains_key("err") => {
                            (&r.err, &o["err"])
                        }
                        _ => return fail("a result"),
                    };
                    match side {
                        None if payload.is_null() => Ok(()),
                        Some(t) => check_value(resolve, t, payload, role, live),
                        None => fail("a result whose side has no payload"),
                    }
                }
                TypeDefKind::Handle(handle) => {
                    let Some(name) = v.get("resource").and_then(Value::as_str) else {
                        return fail("a resource");
                    };
                    if v.as_object().map_or(0, |o| o.len()) != 1 {
                        return fail("a resource");
                    }
                    match role {
                        Role::Result if !live.insert(name.to_string()) => {
                            fail("a resource name not bound yet")
                        }
                        Role::Result => Ok(()),
                        Role::Argument if !live.contains(name) => fail("a bound resource name"),
                        Role::Argument => {
                            if let Handle::Own(_) = handle {
                                live.remove(name);
                            }
                            Ok(())
                        }
                    }
                }
                other => fail(&format!("a supported type ({})", other.as_str())),
            }
        }
    }
}

/// Checks a string or list value, which may be written with `repeat` and
/// `concat`; `leaf` checks each plain string or array.
fn check_sequence(
    v: &Value,
    leaf: &mut dyn FnMut(&Value) -> Result<(), String>,
) -> Result<(), String> {
    match v {
        Value::Object(o) if o.len() == 2 && o.contains_key("repeat") => {
            if !o["count"].is_u64() {
                return Err(format!("{}: `count` is not a count", short(v)));
            }
            check_sequence(&o["repeat"], leaf)
        }
        Value::Object(o) if o.len() == 1 && o.contains_key("concat") => match &o["concat"] {
            Value::Array(parts) => parts.iter().try_for_each(|p| check_sequence(p, leaf)),
            _ => Err(format!("{}: `concat` is not an array", short(v))),
        },
        _ => leaf(v),
    }
}

fn short(v: &Value) -> String {
    let text = v.to_string();
    match text.char_indices().nth(120) {
        Some((i, _)) => format!("{}...", &text[..i]),
        None => text,
    }
}

#[test]
fn every_world_has_a_case_file_and_every_case_file_a_world() {
    let corpus = corpus_dir();
    let mut files: Vec<String> = std::fs::read_dir(corpus.join("cases"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert_eq!(files, worlds(&corpus).unwrap());
}

#[test]
fn case_files_name_only_exported_functions_and_call_them_all() {
    let corpus = corpus_dir();
    let (resolve, package, _) = load_wit(&corpus).unwrap();
    for world_name in worlds(&corpus).unwrap() {
        let path = corpus.join("cases").join(format!("{world_name}.json"));
        let text = std::fs::read_to_string(&path).unwrap();
        let file: Value =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert_eq!(file["world"], world_name.as_str(), "{}", path.display());
        let world = resolve.select_world(&[package], Some(&world_name)).unwrap();
        let exported = exported_functions(&resolve, world);
        let mut called = BTreeSet::new();
        let mut test_names = BTreeSet::new();
        let tests = file["tests"].as_array().expect("`tests` is an array");
        assert!(!tests.is_empty(), "{world_name} has no tests");
        for test in tests {
            let name = test["name"].as_str().expect("a test has a name");
            assert!(
                test_names.insert(name.to_string()),
                "{world_name}: two tests are named {name}"
            );
            let steps = test["steps"].as_array().expect("a test has steps");
            let mut live = BTreeSet::new();
            assert!(!steps.is_empty(), "{world_name}/{name} has no steps");
            for step in steps {
                let step = step.as_object().expect("a step is an object");
                let keys: BTreeSet<&str> = step.keys().map(String::as_str).collect();
                let context = format!("{world_name}/{name}: {step:?}");
                if let Some(function) = step.get("call") {
                    let function = function.as_str().expect("`call` names a function");
                    let Some(f) = exported.get(function) else {
                        panic!("{context}: not an export");
                    };
                    called.insert(function.to_string());
                    let args = step["args"].as_array().expect("`args` is an array");
                    assert_eq!(args.len(), f.params.len(), "{context}: argument count");
                    for (param, arg) in f.params.iter().zip(args) {
                        check_value(&resolve, &param.ty, arg, Role::Argument, &mut live)
                            .unwrap_or_else(|e| panic!("{context}: {}: {e}", param.name));
                    }
                    match (&f.result, step.get("expect")) {
                        (Some(ty), Some(expect)) => {
                            check_value(&resolve, ty, expect, Role::Result, &mut live)
                                .unwrap_or_else(|e| panic!("{context}: result: {e}"))
                        }
                        (None, None) => {}
                        (Some(_), None) => {
                            assert!(step.contains_key("trap"), "{context}: no `expect`")
                        }
                        (None, Some(_)) => panic!("{context}: the function has no result"),
                    }
                    let allowed: BTreeSet<&str> = if step.contains_key("trap") {
                        assert!(step["trap"].is_string(), "{context}: `trap` is a string");
                        ["call", "args", "trap", "message"].into()
                    } else {
                        ["call", "args", "expect"].into()
                    };
                    assert!(keys.is_subset(&allowed), "{context}: unexpected keys");
                } else if let Some(resource) = step.get("drop") {
                    let resource = resource.as_str().expect("`drop` names a resource");
                    assert!(live.remove(resource), "{context}: not a live resource");
                    assert_eq!(keys, ["drop"].into(), "{context}");
                } else if let Some(state) = step.get("host") {
                    assert!(state.is_string(), "{context}: `host` names host state");
                    assert_eq!(keys, ["expect", "host"].into(), "{context}");
                } else {
                    panic!("{context}: a step is a call, a drop or a host check");
                }
            }
            assert!(
                live.is_empty(),
                "{world_name}/{name} leaves {live:?} undropped"
            );
        }
        let uncalled: Vec<&String> = exported.keys().filter(|f| !called.contains(*f)).collect();
        assert!(
            uncalled.is_empty(),
            "{world_name}: no case calls {uncalled:?}"
        );
    }
}
