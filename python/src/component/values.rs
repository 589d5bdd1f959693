//! The dynamic path: Python values to component `Val`s and back, by type,
//! in wasmtime-py's conventions (`Record`, `Variant`, `bytes` for
//! `list<u8>`, `set` for flags, `str` for enums, variants, options and
//! results untagged when their cases' Python classes do not overlap).

use super::resources::{ResourceAny, ResourceHost};
use kiln::component::types::{ComponentItem, Type};
use kiln::component::Val;
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{
    PyBool, PyBytes, PyDict, PyFloat, PyFrozenSet, PyInt, PyList, PySet, PyString, PyTuple, PyType,
};

static RECORD: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static VARIANT: PyOnceLock<Py<PyType>> = PyOnceLock::new();

fn record_class(py: Python<'_>) -> PyResult<&Bound<'_, PyType>> {
    RECORD.import(py, "kiln.component._types", "Record")
}

fn variant_class(py: Python<'_>) -> PyResult<&Bound<'_, PyType>> {
    VARIANT.import(py, "kiln.component._types", "Variant")
}

/// The Python classes a value of a type is made of, as wasmtime-py's
/// `add_classes` computes them; `Object` stands for a case without payload.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Class {
    Bool,
    Int,
    Float,
    Str,
    Bytes,
    List,
    Record,
    Tuple,
    Variant,
    Set,
    Resource,
    Object,
}

fn add_classes(ty: &Type, out: &mut Vec<Class>) {
    let c = match ty {
        Type::Bool => Class::Bool,
        Type::S8
        | Type::U8
        | Type::S16
        | Type::U16
        | Type::S32
        | Type::U32
        | Type::S64
        | Type::U64 => Class::Int,
        Type::Float32 | Type::Float64 => Class::Float,
        Type::Char | Type::String | Type::Enum(_) => Class::Str,
        Type::List(l) if matches!(l.ty(), Type::U8) => Class::Bytes,
        Type::List(_) => Class::List,
        Type::Record(_) => Class::Record,
        Type::Tuple(_) => Class::Tuple,
        Type::Flags(_) => Class::Set,
        Type::Own(_) | Type::Borrow(_) => Class::Resource,
        Type::Variant(_) | Type::Option(_) | Type::Result(_) => {
            if tagged(ty) {
                Class::Variant
            } else {
                for (_, case) in cases(ty) {
                    match case {
                        Some(t) => add_classes(t, out),
                        None => push_class(out, Class::Object),
                    }
                }
                return;
            }
        }
    };
    push_class(out, c);
}

fn push_class(out: &mut Vec<Class>, c: Class) {
    if !out.contains(&c) {
        out.push(c);
    }
}

/// The cases of a variant, option or result: names and payload types.
pub(crate) fn cases(ty: &Type) -> Vec<(String, Option<&Type>)> {
    match ty {
        Type::Variant(v) => v.cases().map(|c| (c.name.to_string(), c.ty)).collect(),
        Type::Option(o) => vec![("none".into(), None), ("some".into(), Some(o.ty()))],
        Type::Result(r) => vec![("ok".into(), r.ok()), ("err".into(), r.err())],
        _ => Vec::new(),
    }
}

/// Whether values of this variant-like type are `Variant(tag, payload)`:
/// when two cases' classes overlap.
fn tagged(ty: &Type) -> bool {
    let mut seen: Vec<Class> = Vec::new();
    for (_, case) in cases(ty) {
        let mut mine = Vec::new();
        match case {
            Some(t) => add_classes(t, &mut mine),
            None => mine.push(Class::Object),
        }
        if mine.iter().any(|c| seen.contains(c)) {
            return true;
        }
        seen.extend(mine);
    }
    false
}

fn is_class(obj: &Bound<'_, PyAny>, c: Class) -> PyResult<bool> {
    Ok(match c {
        Class::Bool => obj.is_instance_of::<PyBool>(),
        Class::Int => obj.is_instance_of::<PyInt>(),
        Class::Float => obj.is_instance_of::<PyFloat>(),
        Class::Str => obj.is_instance_of::<PyString>(),
        Class::Bytes => obj.is_instance_of::<PyBytes>(),
        Class::List => obj.is_instance_of::<PyList>(),
        Class::Record => obj.is_instance(record_class(obj.py())?)?,
        Class::Tuple => obj.is_instance_of::<PyTuple>(),
        Class::Variant => obj.is_instance(variant_class(obj.py())?)?,
        Class::Set => obj.is_instance_of::<PySet>() || obj.is_instance_of::<PyFrozenSet>(),
        Class::Resource => {
            obj.is_instance_of::<ResourceAny>() || obj.is_instance_of::<ResourceHost>()
        }
        Class::Object => true,
    })
}

fn type_error(expected: &str, obj: &Bound<'_, PyAny>) -> PyErr {
    let got = obj
        .get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "an object".into());
    PyTypeError::new_err(format!("expected {expected}, got {got}"))
}

fn int<T: for<'a, 'py> FromPyObject<'a, 'py>>(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<T> {
    if !obj.is_instance_of::<PyInt>() || obj.is_instance_of::<PyBool>() {
        return Err(type_error("an int", obj));
    }
    obj.extract::<T>()
        .map_err(|_| PyValueError::new_err(format!("{obj} is out of range for {what}")))
}

fn float(obj: &Bound<'_, PyAny>) -> PyResult<f64> {
    if obj.is_instance_of::<PyFloat>()
        || (obj.is_instance_of::<PyInt>() && !obj.is_instance_of::<PyBool>())
    {
        obj.extract()
    } else {
        Err(type_error("a float", obj))
    }
}

/// The `Val` of type `ty` that the Python value `obj` stands for.
pub(crate) fn to_val(obj: &Bound<'_, PyAny>, ty: &Type) -> PyResult<Val> {
    Ok(match ty {
        Type::Bool => Val::Bool(
            obj.cast::<PyBool>()
                .map_err(|_| type_error("a bool", obj))?
                .is_true(),
        ),
        Type::S8 => Val::S8(int(obj, "s8")?),
        Type::U8 => Val::U8(int(obj, "u8")?),
        Type::S16 => Val::S16(int(obj, "s16")?),
        Type::U16 => Val::U16(int(obj, "u16")?),
        Type::S32 => Val::S32(int(obj, "s32")?),
        Type::U32 => Val::U32(int(obj, "u32")?),
        Type::S64 => Val::S64(int(obj, "s64")?),
        Type::U64 => Val::U64(int(obj, "u64")?),
        Type::Float32 => Val::Float32(float(obj)? as f32),
        Type::Float64 => Val::Float64(float(obj)?),
        Type::Char => {
            let s = obj
                .cast::<PyString>()
                .map_err(|_| type_error("a str of one character", obj))?;
            let s = s.to_cow()?;
            let mut chars = s.chars();
            match (chars.next(), chars.next()) {
                (Some(c), None) => Val::Char(c),
                _ => return Err(type_error("a str of one character", obj)),
            }
        }
        Type::String => Val::String(
            obj.cast::<PyString>()
                .map_err(|_| type_error("a str", obj))?
                .to_cow()?
                .to_string(),
        ),
        Type::List(l) => {
            let elem = l.ty();
            if matches!(elem, Type::U8) {
                let bytes = obj
                    .cast::<PyBytes>()
                    .map_err(|_| type_error("bytes", obj))?;
                Val::List(bytes.as_bytes().iter().map(|b| Val::U8(*b)).collect())
            } else {
                let list = obj
                    .cast::<PyList>()
                    .map_err(|_| type_error("a list", obj))?;
                let mut out = Vec::with_capacity(list.len());
                for item in list.iter() {
                    out.push(to_val(&item, elem)?);
                }
                Val::List(out)
            }
        }
        Type::Record(r) => {
            let mut fields = Vec::new();
            for f in r.fields() {
                let v = obj.getattr(f.name)?;
                fields.push((f.name.to_string(), to_val(&v, f.ty)?));
            }
            Val::Record(fields)
        }
        Type::Tuple(t) => {
            let tuple = obj
                .cast::<PyTuple>()
                .map_err(|_| type_error("a tuple", obj))?;
            if tuple.len() != t.types().len() {
                return Err(PyTypeError::new_err(format!(
                    "expected a tuple of {} values, got {}",
                    t.types().len(),
                    tuple.len()
                )));
            }
            Val::Tuple(
                tuple
                    .iter()
                    .zip(t.types())
                    .map(|(v, ty)| to_val(&v, ty))
                    .collect::<PyResult<_>>()?,
            )
        }
        Type::Variant(_) | Type::Option(_) | Type::Result(_) => {
            let (name, payload) = lower_case(obj, ty)?;
            match ty {
                Type::Variant(_) => Val::Variant(name, payload),
                Type::Option(_) => Val::Option(payload),
                _ if name == "ok" => Val::Result(Ok(payload)),
                _ => Val::Result(Err(payload)),
            }
        }
        Type::Enum(e) => {
            let s = obj
                .cast::<PyString>()
                .map_err(|_| type_error("a str", obj))?;
            let s = s.to_cow()?;
            if !e.names().any(|n| n == s) {
                return Err(PyValueError::new_err(format!(
                    "`{s}` is not a case of {ty}"
                )));
            }
            Val::Enum(s.to_string())
        }
        Type::Flags(f) => {
            if !is_class(obj, Class::Set)? {
                return Err(type_error("a set of str", obj));
            }
            let mut set = Vec::new();
            for item in obj.try_iter()? {
                let item = item?;
                let s: String = item.extract().map_err(|_| type_error("a str", &item))?;
                if !f.names().any(|n| n == s) {
                    return Err(PyValueError::new_err(format!(
                        "`{s}` is not a flag of {ty}"
                    )));
                }
                set.push(s);
            }
            Val::Flags(
                f.names()
                    .filter(|n| set.iter().any(|s| s == n))
                    .map(String::from)
                    .collect(),
            )
        }
        Type::Own(_) | Type::Borrow(_) => {
            if let Ok(r) = obj.cast::<ResourceAny>() {
                Val::Resource(r.get().handle()?)
            } else if let Ok(h) = obj.cast::<ResourceHost>() {
                Val::Resource(h.get().to_handle()?)
            } else {
                return Err(type_error("a ResourceAny or ResourceHost", obj));
            }
        }
    })
}

/// The case and payload of a variant-like value.
fn lower_case(obj: &Bound<'_, PyAny>, ty: &Type) -> PyResult<(String, Option<Box<Val>>)> {
    let tagged = tagged(ty);
    let cases = cases(ty);
    if tagged {
        if !obj.is_instance(variant_class(obj.py())?)? {
            return Err(type_error("a Variant", obj));
        }
        let tag: String = obj.getattr("tag")?.extract()?;
        let Some((name, case)) = cases.iter().find(|(n, _)| *n == tag) else {
            return Err(PyValueError::new_err(format!(
                "`{tag}` is not a case of {ty}"
            )));
        };
        let payload = match case {
            Some(t) => Some(Box::new(to_val(&obj.getattr("payload")?, t)?)),
            None => None,
        };
        return Ok((name.clone(), payload));
    }
    for (name, case) in &cases {
        match case {
            None => {
                if obj.is_none() {
                    return Ok((name.clone(), None));
                }
            }
            Some(t) => {
                let mut classes = Vec::new();
                add_classes(t, &mut classes);
                let mut matches = false;
                for c in classes {
                    if is_class(obj, c)? {
                        matches = true;
                        break;
                    }
                }
                if matches {
                    return Ok((name.clone(), Some(Box::new(to_val(obj, t)?))));
                }
            }
        }
    }
    Err(PyValueError::new_err(format!("value not valid for {ty}")))
}

/// The Python value of the `Val` `v` of type `ty`.
pub(crate) fn from_val<'py>(py: Python<'py>, v: &Val, ty: &Type) -> PyResult<Bound<'py, PyAny>> {
    Ok(match (v, ty) {
        (Val::Bool(b), _) => PyBool::new(py, *b).to_owned().into_any(),
        (Val::S8(x), _) => x.into_pyobject(py)?.into_any(),
        (Val::U8(x), _) => x.into_pyobject(py)?.into_any(),
        (Val::S16(x), _) => x.into_pyobject(py)?.into_any(),
        (Val::U16(x), _) => x.into_pyobject(py)?.into_any(),
        (Val::S32(x), _) => x.into_pyobject(py)?.into_any(),
        (Val::U32(x), _) => x.into_pyobject(py)?.into_any(),
        (Val::S64(x), _) => x.into_pyobject(py)?.into_any(),
        (Val::U64(x), _) => x.into_pyobject(py)?.into_any(),
        (Val::Float32(x), _) => PyFloat::new(py, f64::from(*x)).into_any(),
        (Val::Float64(x), _) => PyFloat::new(py, *x).into_any(),
        (Val::Char(c), _) => PyString::new(py, c.encode_utf8(&mut [0; 4])).into_any(),
        (Val::String(s), _) => PyString::new(py, s).into_any(),
        (Val::List(items), Type::List(l)) => {
            if matches!(l.ty(), Type::U8) {
                let bytes: Vec<u8> = items
                    .iter()
                    .map(|i| match i {
                        Val::U8(b) => *b,
                        _ => 0,
                    })
                    .collect();
                PyBytes::new(py, &bytes).into_any()
            } else {
                let list = PyList::empty(py);
                for i in items {
                    list.append(from_val(py, i, l.ty())?)?;
                }
                list.into_any()
            }
        }
        (Val::Record(fields), Type::Record(r)) => {
            let record = record_class(py)?.call0()?;
            for ((name, v), f) in fields.iter().zip(r.fields()) {
                record.setattr(name.as_str(), from_val(py, v, f.ty)?)?;
            }
            record
        }
        (Val::Tuple(items), Type::Tuple(t)) => PyTuple::new(
            py,
            items
                .iter()
                .zip(t.types())
                .map(|(v, t)| from_val(py, v, t))
                .collect::<PyResult<Vec<_>>>()?,
        )?
        .into_any(),
        (Val::Variant(..) | Val::Option(_) | Val::Result(_), _) => {
            let (name, payload) = match v {
                Val::Variant(n, p) => (n.as_str(), p.as_deref()),
                Val::Option(p) => (if p.is_some() { "some" } else { "none" }, p.as_deref()),
                Val::Result(Ok(p)) => ("ok", p.as_deref()),
                Val::Result(Err(p)) => ("err", p.as_deref()),
                _ => unreachable!("matched above"),
            };
            let cases = cases(ty);
            let case_ty = cases.iter().find(|(n, _)| n == name).and_then(|(_, t)| *t);
            let payload = match (payload, case_ty) {
                (Some(p), Some(t)) => from_val(py, p, t)?,
                _ => py.None().into_bound(py),
            };
            if tagged(ty) {
                variant_class(py)?.call1((name, payload))?
            } else {
                payload
            }
        }
        (Val::Enum(name), _) => PyString::new(py, name).into_any(),
        (Val::Flags(names), _) => {
            let set = PySet::empty(py)?;
            for n in names {
                set.add(n.as_str())?;
            }
            set.into_any()
        }
        (Val::Resource(r), _) => Bound::new(py, ResourceAny::new(r.clone()))?.into_any(),
        _ => {
            return Err(PyTypeError::new_err(format!(
                "a value that is not of type {ty}"
            )))
        }
    })
}

/// A description of a type for `kiln.component._types.from_desc`: a name
/// for a primitive, a tuple for the rest.
pub(crate) fn describe<'py>(py: Python<'py>, ty: &Type) -> PyResult<Bound<'py, PyAny>> {
    let s = |s: &str| Ok(PyString::new(py, s).into_any());
    match ty {
        Type::Bool => s("bool"),
        Type::S8 => s("s8"),
        Type::U8 => s("u8"),
        Type::S16 => s("s16"),
        Type::U16 => s("u16"),
        Type::S32 => s("s32"),
        Type::U32 => s("u32"),
        Type::S64 => s("s64"),
        Type::U64 => s("u64"),
        Type::Float32 => s("f32"),
        Type::Float64 => s("f64"),
        Type::Char => s("char"),
        Type::String => s("string"),
        Type::List(l) => Ok(("list", describe(py, l.ty())?)
            .into_pyobject(py)?
            .into_any()),
        Type::Record(r) => {
            let fields = r
                .fields()
                .map(|f| Ok((f.name, describe(py, f.ty)?)))
                .collect::<PyResult<Vec<_>>>()?;
            Ok(("record", fields).into_pyobject(py)?.into_any())
        }
        Type::Tuple(t) => {
            let types = t
                .types()
                .map(|t| describe(py, t))
                .collect::<PyResult<Vec<_>>>()?;
            Ok(("tuple", types).into_pyobject(py)?.into_any())
        }
        Type::Variant(v) => {
            let cases = v
                .cases()
                .map(|c| Ok((c.name, c.ty.map(|t| describe(py, t)).transpose()?)))
                .collect::<PyResult<Vec<_>>>()?;
            Ok(("variant", cases).into_pyobject(py)?.into_any())
        }
        Type::Enum(e) => Ok(("enum", e.names().collect::<Vec<_>>())
            .into_pyobject(py)?
            .into_any()),
        Type::Flags(f) => Ok(("flags", f.names().collect::<Vec<_>>())
            .into_pyobject(py)?
            .into_any()),
        Type::Option(o) => Ok(("option", describe(py, o.ty())?)
            .into_pyobject(py)?
            .into_any()),
        Type::Result(r) => Ok((
            "result",
            r.ok().map(|t| describe(py, t)).transpose()?,
            r.err().map(|t| describe(py, t)).transpose()?,
        )
            .into_pyobject(py)?
            .into_any()),
        Type::Own(r) => Ok(("own", r.to_string()).into_pyobject(py)?.into_any()),
        Type::Borrow(r) => Ok(("borrow", r.to_string()).into_pyobject(py)?.into_any()),
    }
}

/// The description of a function type: `("func", [(name, type)], result)`.
pub(crate) fn describe_func<'py>(
    py: Python<'py>,
    ty: &kiln::component::types::ComponentFunc,
) -> PyResult<Bound<'py, PyAny>> {
    let params = ty
        .params()
        .map(|(n, t)| Ok((n, describe(py, t)?)))
        .collect::<PyResult<Vec<_>>>()?;
    let result = ty.results().next().map(|t| describe(py, t)).transpose()?;
    Ok(("func", params, result).into_pyobject(py)?.into_any())
}

/// The description of an import or export: a function's, or
/// `("instance", {name: item})`, or `(kind,)`.
pub(crate) fn describe_item<'py>(
    py: Python<'py>,
    item: &ComponentItem,
) -> PyResult<Bound<'py, PyAny>> {
    Ok(match item {
        ComponentItem::ComponentFunc(f) => describe_func(py, f)?,
        ComponentItem::ComponentInstance(inst) => {
            let dict = PyDict::new(py);
            for (n, i) in inst.exports() {
                dict.set_item(n, describe_item(py, i)?)?;
            }
            ("instance", dict).into_pyobject(py)?.into_any()
        }
        ComponentItem::Resource(_) => ("resource",).into_pyobject(py)?.into_any(),
        ComponentItem::Module => ("module",).into_pyobject(py)?.into_any(),
        ComponentItem::Component => ("component",).into_pyobject(py)?.into_any(),
        ComponentItem::Type => ("type",).into_pyobject(py)?.into_any(),
    })
}
