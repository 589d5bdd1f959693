//! The case files' values (see `wit-tools/tests/README.md`, "Values") as
//! `Val`s of a WIT type, and the check of a result against one.

use kiln::component::Val;
use kiln_wit::wit_parser::{Handle, Type, TypeDefKind};
use kiln_wit::WorldAnalysis;
use serde_json::Value as Json;
use std::collections::HashMap;

/// The resources the test holds, by the name the case file gives them.
pub type Labels = HashMap<String, Val>;

/// `repeat` and `concat` expanded, for a string.
fn string(j: &Json) -> Result<String, String> {
    match j {
        Json::String(s) => Ok(s.clone()),
        Json::Object(o) if o.contains_key("repeat") => {
            let item = string(&o["repeat"])?;
            let n = o["count"].as_u64().ok_or("a count")? as usize;
            Ok(item.repeat(n))
        }
        Json::Object(o) if o.contains_key("concat") => o["concat"]
            .as_array()
            .ok_or("concat of an array")?
            .iter()
            .map(string)
            .collect(),
        other => Err(format!("expected a string, got {other}")),
    }
}

/// `repeat` and `concat` expanded, for a list.
fn list(j: &Json) -> Result<Vec<Json>, String> {
    match j {
        Json::Array(a) => Ok(a.clone()),
        Json::Object(o) if o.contains_key("repeat") => {
            let item = list(&o["repeat"])?;
            let n = o["count"].as_u64().ok_or("a count")? as usize;
            Ok((0..n).flat_map(|_| item.iter().cloned()).collect())
        }
        Json::Object(o) if o.contains_key("concat") => {
            let mut out = Vec::new();
            for part in o["concat"].as_array().ok_or("concat of an array")? {
                out.extend(list(part)?);
            }
            Ok(out)
        }
        other => Err(format!("expected a list, got {other}")),
    }
}

fn float(j: &Json) -> Result<f64, String> {
    match j {
        Json::Number(n) => n.as_f64().ok_or_else(|| format!("a float: {n}")),
        Json::String(s) => match s.as_str() {
            "nan" => Ok(f64::NAN),
            "inf" => Ok(f64::INFINITY),
            "-inf" => Ok(f64::NEG_INFINITY),
            "-0" => Ok(-0.0),
            other => Err(format!("a float: {other}")),
        },
        other => Err(format!("a float: {other}")),
    }
}

fn int(j: &Json) -> Result<i128, String> {
    match j {
        Json::Number(n) => n
            .as_i64()
            .map(i128::from)
            .or_else(|| n.as_u64().map(i128::from))
            .ok_or_else(|| format!("an integer: {n}")),
        Json::String(s) => s.parse().map_err(|_| format!("an integer: {s}")),
        other => Err(format!("an integer: {other}")),
    }
}

fn narrow<T: TryFrom<i128>>(j: &Json) -> Result<T, String> {
    let i = int(j)?;
    T::try_from(i).map_err(|_| format!("{i} out of range"))
}

/// The `Val` of type `ty` that `j` writes; a resource named in `j` is taken
/// from `labels` (and removed when it moves, as an `own`).
pub fn to_val(a: &WorldAnalysis, ty: &Type, j: &Json, labels: &mut Labels) -> Result<Val, String> {
    Ok(match a.dealias(ty) {
        Type::Bool => Val::Bool(j.as_bool().ok_or("a bool")?),
        Type::U8 => Val::U8(narrow(j)?),
        Type::U16 => Val::U16(narrow(j)?),
        Type::U32 => Val::U32(narrow(j)?),
        Type::U64 => Val::U64(narrow(j)?),
        Type::S8 => Val::S8(narrow(j)?),
        Type::S16 => Val::S16(narrow(j)?),
        Type::S32 => Val::S32(narrow(j)?),
        Type::S64 => Val::S64(narrow(j)?),
        Type::F32 => Val::Float32(float(j)? as f32),
        Type::F64 => Val::Float64(float(j)?),
        Type::Char => {
            let s = string(j)?;
            let mut chars = s.chars();
            match (chars.next(), chars.next()) {
                (Some(c), None) => Val::Char(c),
                _ => return Err(format!("one char: {s:?}")),
            }
        }
        Type::String => Val::String(string(j)?),
        Type::ErrorContext => unreachable!(),
        Type::Id(id) => match &a.resolve().types[id].kind {
            TypeDefKind::List(t) => Val::List(
                list(j)?
                    .iter()
                    .map(|e| to_val(a, t, e, labels))
                    .collect::<Result<_, _>>()?,
            ),
            TypeDefKind::Record(r) => {
                let o = j.as_object().ok_or("a record")?;
                let mut fields = Vec::new();
                for f in &r.fields {
                    let v = o.get(&f.name).ok_or_else(|| format!("field {}", f.name))?;
                    fields.push((f.name.clone(), to_val(a, &f.ty, v, labels)?));
                }
                Val::Record(fields)
            }
            TypeDefKind::Tuple(t) => {
                let items = j.as_array().ok_or("a tuple")?;
                Val::Tuple(
                    t.types
                        .iter()
                        .zip(items)
                        .map(|(t, e)| to_val(a, t, e, labels))
                        .collect::<Result<_, _>>()?,
                )
            }
            TypeDefKind::Variant(v) => {
                let case = j["case"].as_str().ok_or("a case")?;
                let c = v
                    .cases
                    .iter()
                    .find(|c| c.name == case)
                    .ok_or_else(|| format!("case {case}"))?;
                let payload = match &c.ty {
                    Some(t) => Some(Box::new(to_val(a, t, &j["value"], labels)?)),
                    None => None,
                };
                Val::Variant(case.to_string(), payload)
            }
            TypeDefKind::Enum(_) => Val::Enum(j.as_str().ok_or("an enum case")?.to_string()),
            TypeDefKind::Flags(_) => Val::Flags(
                j.as_array()
                    .ok_or("flags")?
                    .iter()
                    .map(|f| f.as_str().map(str::to_string).ok_or("a flag name"))
                    .collect::<Result<_, _>>()?,
            ),
            TypeDefKind::Option(t) => match j {
                Json::Null => Val::Option(None),
                _ => Val::Option(Some(Box::new(to_val(a, t, &j["some"], labels)?))),
            },
            TypeDefKind::Result(r) => {
                let o = j.as_object().ok_or("a result")?;
                let side = |t: &Option<Type>, v: &Json, labels: &mut Labels| match t {
                    Some(t) => to_val(a, t, v, labels).map(|v| Some(Box::new(v))),
                    None => Ok(None),
                };
                if let Some(v) = o.get("ok") {
                    Val::Result(Ok(side(&r.ok, v, labels)?))
                } else {
                    Val::Result(Err(side(&r.err, &o["err"], labels)?))
                }
            }
            TypeDefKind::Handle(h) => {
                let name = j["resource"].as_str().ok_or("a resource")?;
                match h {
                    Handle::Own(_) => labels.remove(name),
                    Handle::Borrow(_) => labels.get(name).cloned(),
                }
                .ok_or_else(|| format!("no resource named {name}"))?
            }
            other => return Err(format!("unexpected {}", other.as_str())),
        },
    })
}

fn same_f64(got: f64, want: &Json) -> Result<(), String> {
    let want_f = float(want)?;
    let ok = if want_f.is_nan() {
        got.is_nan()
    } else {
        got.to_bits() == want_f.to_bits()
    };
    ok.then_some(())
        .ok_or_else(|| format!("{got:?} (bits {:#x}) is not {want}", got.to_bits()))
}

/// Checks that `v`, of type `ty`, is what `j` writes; a resource in `j`
/// binds its name in `labels`.
pub fn check(
    a: &WorldAnalysis,
    ty: &Type,
    v: &Val,
    j: &Json,
    labels: &mut Labels,
) -> Result<(), String> {
    let mismatch = || format!("got {v:?}, expected {j}");
    let eq = |b: bool| b.then_some(()).ok_or_else(mismatch);
    match (a.dealias(ty), v) {
        (Type::Bool, Val::Bool(b)) => eq(j.as_bool() == Some(*b)),
        (Type::U8, Val::U8(x)) => eq(int(j)? == i128::from(*x)),
        (Type::U16, Val::U16(x)) => eq(int(j)? == i128::from(*x)),
        (Type::U32, Val::U32(x)) => eq(int(j)? == i128::from(*x)),
        (Type::U64, Val::U64(x)) => eq(int(j)? == i128::from(*x)),
        (Type::S8, Val::S8(x)) => eq(int(j)? == i128::from(*x)),
        (Type::S16, Val::S16(x)) => eq(int(j)? == i128::from(*x)),
        (Type::S32, Val::S32(x)) => eq(int(j)? == i128::from(*x)),
        (Type::S64, Val::S64(x)) => eq(int(j)? == i128::from(*x)),
        (Type::F32, Val::Float32(x)) => {
            let want = float(j)? as f32;
            let ok = if want.is_nan() {
                x.is_nan()
            } else {
                x.to_bits() == want.to_bits()
            };
            eq(ok)
        }
        (Type::F64, Val::Float64(x)) => same_f64(*x, j),
        (Type::Char, Val::Char(c)) => eq(string(j)? == c.to_string()),
        (Type::String, Val::String(s)) => eq(string(j)? == *s),
        (Type::Id(id), v) => match (&a.resolve().types[id].kind, v) {
            (TypeDefKind::List(t), Val::List(items)) => {
                let want = list(j)?;
                if want.len() != items.len() {
                    return Err(format!("{} items, expected {}", items.len(), want.len()));
                }
                for (i, (item, w)) in items.iter().zip(&want).enumerate() {
                    check(a, t, item, w, labels).map_err(|e| format!("[{i}]: {e}"))?;
                }
                Ok(())
            }
            (TypeDefKind::Record(r), Val::Record(fields)) => {
                for (f, (name, fv)) in r.fields.iter().zip(fields) {
                    eq(f.name == *name)?;
                    check(a, &f.ty, fv, &j[&f.name], labels)
                        .map_err(|e| format!(".{name}: {e}"))?;
                }
                eq(r.fields.len() == fields.len())
            }
            (TypeDefKind::Tuple(t), Val::Tuple(items)) => {
                let want = j.as_array().ok_or_else(mismatch)?;
                eq(want.len() == items.len() && t.types.len() == items.len())?;
                for (i, ((t, item), w)) in t.types.iter().zip(items).zip(want).enumerate() {
                    check(a, t, item, w, labels).map_err(|e| format!(".{i}: {e}"))?;
                }
                Ok(())
            }
            (TypeDefKind::Variant(var), Val::Variant(case, payload)) => {
                eq(j["case"].as_str() == Some(case.as_str()))?;
                let c = var
                    .cases
                    .iter()
                    .find(|c| c.name == *case)
                    .ok_or_else(mismatch)?;
                match (&c.ty, payload) {
                    (Some(t), Some(p)) => check(a, t, p, &j["value"], labels),
                    (None, None) => Ok(()),
                    _ => Err(mismatch()),
                }
            }
            (TypeDefKind::Enum(_), Val::Enum(case)) => eq(j.as_str() == Some(case.as_str())),
            (TypeDefKind::Flags(_), Val::Flags(names)) => {
                let want: Vec<&str> = j
                    .as_array()
                    .ok_or_else(mismatch)?
                    .iter()
                    .filter_map(|f| f.as_str())
                    .collect();
                eq(want == names.iter().map(String::as_str).collect::<Vec<_>>())
            }
            (TypeDefKind::Option(t), Val::Option(o)) => match (o, j) {
                (None, Json::Null) => Ok(()),
                (Some(v), Json::Object(w)) if w.contains_key("some") => {
                    check(a, t, v, &w["some"], labels)
                }
                _ => Err(mismatch()),
            },
            (TypeDefKind::Result(r), Val::Result(res)) => {
                let (side, payload, key) = match res {
                    Ok(p) => (&r.ok, p, "ok"),
                    Err(p) => (&r.err, p, "err"),
                };
                let w = j.get(key).ok_or_else(mismatch)?;
                match (side, payload) {
                    (Some(t), Some(p)) => check(a, t, p, w, labels),
                    (None, None) => eq(w.is_null()),
                    _ => Err(mismatch()),
                }
            }
            (TypeDefKind::Handle(_), Val::Resource(_)) => {
                let name = j["resource"].as_str().ok_or_else(mismatch)?;
                if labels.insert(name.to_string(), v.clone()).is_some() {
                    return Err(format!("the name {name} is bound already"));
                }
                Ok(())
            }
            _ => Err(mismatch()),
        },
        _ => Err(mismatch()),
    }
}
