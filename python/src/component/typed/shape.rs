//! Specs compiled into shapes: each type with its canonical ABI layout.

use super::*;

/// How a resource handle is represented in Python.
pub(super) enum Handle {
    /// A handle the host holds as a generated class: `factory(ResourceAny)`
    /// makes one, and its `_handle` is the `ResourceAny`.
    Wrapped(Py<PyAny>),
    /// A resource the host implements, looked up in a table of its objects
    /// (`insert(obj) -> rep`, `get(rep) -> obj`).
    Table(Py<PyAny>),
}

/// A type as the typed path walks it.
pub(super) enum Kind {
    Bool,
    S8,
    U8,
    S16,
    U16,
    S32,
    U32,
    S64,
    U64,
    F32,
    F64,
    Char,
    String,
    /// `list<u8>` as `bytes`.
    Bytes,
    List(Box<Shape>),
    /// A class called with the fields in order; fields are read by name.
    Record {
        cls: Py<PyAny>,
        fields: Vec<(Py<PyString>, Shape, u32)>,
    },
    Tuple(Vec<(Shape, u32)>),
    /// One class per case, called with the payload (if any) and read back
    /// through its `value`; `index` maps each class to its case.
    Variant {
        cases: Vec<(Py<PyAny>, Option<Shape>)>,
        index: Py<PyDict>,
        payload: u32,
    },
    /// The members of an `enum.Enum` in order; `index` maps them back.
    Enum {
        members: Vec<Py<PyAny>>,
        index: Py<PyDict>,
    },
    /// An `enum.Flag` whose values are the flags' bits (`mask` has a bit
    /// per flag: the rest are ignored when lifting).
    Flags {
        cls: Py<PyAny>,
        mask: u32,
    },
    /// `None` or the payload; with `wrap`, the payload is in `Some`.
    Option {
        some: Box<Shape>,
        wrap: bool,
        payload: u32,
    },
    /// `Ok(value)` or `Err(value)`.
    Result {
        ok: Option<Box<Shape>>,
        err: Option<Box<Shape>>,
        payload: u32,
    },
    Own(Handle, ResourceType),
    Borrow(Handle, ResourceType),
}

/// A type as the typed path walks it, with the engine's type it stands for
/// and that type's canonical ABI layout, read from the engine once.
pub(crate) struct Shape {
    pub(super) kind: Kind,
    /// The component type of the values: only its layout matters, so the
    /// names of cases and flags in it are placeholders.
    pub(super) ty: Type,
    pub(super) size: u32,
    pub(super) align: u32,
    pub(super) flat: usize,
}

/// Placeholder names for `n` cases or flags.
fn names(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("case{i}")).collect()
}

pub(super) fn spec_error(spec: &Bound<'_, PyAny>, why: &str) -> PyErr {
    PyTypeError::new_err(format!("invalid type spec {spec}: {why}"))
}

/// Where a spec's resource types come from: the function's own component
/// types (exports), or the host's type numbers (imports).
#[derive(Clone, Copy)]
pub(super) enum Source<'t> {
    Type(Option<&'t Type>),
    Host,
}

impl<'t> Source<'t> {
    fn ty(self) -> Option<&'t Type> {
        match self {
            Source::Type(t) => t,
            Source::Host => None,
        }
    }
}

pub(super) fn sub<'t>(src: Source<'t>, f: impl FnOnce(&'t Type) -> Option<&'t Type>) -> Source<'t> {
    match src {
        Source::Type(Some(t)) => Source::Type(f(t)),
        other => other,
    }
}

impl Shape {
    fn new(kind: Kind, ty: Type) -> Shape {
        Shape {
            size: ty.size(),
            align: ty.align(),
            flat: ty.flat_count(),
            kind,
            ty,
        }
    }

    /// The size in bytes of a variant's, option's or result's discriminant.
    pub(super) fn discriminant_size(&self) -> u32 {
        match &self.ty {
            Type::Variant(v) => v.discriminant_size(),
            _ => 1,
        }
    }

    /// Compiles `spec`, checking it against `src`'s component type when
    /// there is one.
    pub(super) fn compile(spec: &Bound<'_, PyAny>, src: Source<'_>) -> PyResult<Shape> {
        let py = spec.py();
        if let Ok(name) = spec.cast::<PyString>() {
            let name = name.to_cow()?;
            let shape = match &*name {
                "bool" => Shape::new(Kind::Bool, Type::Bool),
                "s8" => Shape::new(Kind::S8, Type::S8),
                "u8" => Shape::new(Kind::U8, Type::U8),
                "s16" => Shape::new(Kind::S16, Type::S16),
                "u16" => Shape::new(Kind::U16, Type::U16),
                "s32" => Shape::new(Kind::S32, Type::S32),
                "u32" => Shape::new(Kind::U32, Type::U32),
                "s64" => Shape::new(Kind::S64, Type::S64),
                "u64" => Shape::new(Kind::U64, Type::U64),
                "f32" => Shape::new(Kind::F32, Type::Float32),
                "f64" => Shape::new(Kind::F64, Type::Float64),
                "char" => Shape::new(Kind::Char, Type::Char),
                "string" => Shape::new(Kind::String, Type::String),
                "bytes" => Shape::new(Kind::Bytes, Type::List(List::new(Type::U8))),
                _ => return Err(spec_error(spec, "unknown type name")),
            };
            check(spec, &shape, src)?;
            return Ok(shape);
        }
        let tuple = spec
            .cast::<PyTuple>()
            .map_err(|_| spec_error(spec, "not a str or tuple"))?;
        let tag: String = tuple.get_item(0)?.extract()?;
        let item = |i: usize| tuple.get_item(i);
        let shape = match tag.as_str() {
            "list" => {
                let elem = Shape::compile(
                    &item(1)?,
                    sub(src, |t| match t {
                        Type::List(l) => Some(l.ty()),
                        _ => None,
                    }),
                )?;
                let ty = Type::List(List::new(elem.ty.clone()));
                Shape::new(Kind::List(Box::new(elem)), ty)
            }
            "record" => {
                let cls = item(1)?.unbind();
                let field_types: Vec<&Type> = match src.ty() {
                    Some(Type::Record(r)) => r.fields().map(|f| f.ty).collect(),
                    _ => Vec::new(),
                };
                let mut fields = Vec::new();
                for (i, f) in item(2)?.try_iter()?.enumerate() {
                    let f = f?;
                    // Interned, so that reading the field of each record
                    // finds it in the instance's keys by identity.
                    let name = f.get_item(0)?.cast_into::<PyString>()?;
                    let name = PyString::intern(name.py(), &name.to_cow()?).unbind();
                    let fsrc = match src {
                        Source::Type(_) => Source::Type(field_types.get(i).copied()),
                        Source::Host => Source::Host,
                    };
                    let shape = Shape::compile(&f.get_item(1)?, fsrc)?;
                    fields.push((name, shape, 0));
                }
                let record = Record::new(
                    fields
                        .iter()
                        .map(|(n, f, _)| Ok((n.bind(py).to_cow()?.into_owned(), f.ty.clone())))
                        .collect::<PyResult<_>>()?,
                );
                for (field, offset) in fields.iter_mut().zip(record.field_offsets()) {
                    field.2 = *offset;
                }
                Shape::new(Kind::Record { cls, fields }, Type::Record(record))
            }
            "tuple" => {
                let types: Vec<&Type> = match src.ty() {
                    Some(Type::Tuple(t)) => t.types().collect(),
                    _ => Vec::new(),
                };
                let mut elems = Vec::new();
                for (i, e) in item(1)?.try_iter()?.enumerate() {
                    let esrc = match src {
                        Source::Type(_) => Source::Type(types.get(i).copied()),
                        Source::Host => Source::Host,
                    };
                    elems.push((Shape::compile(&e?, esrc)?, 0));
                }
                let tuple = Tuple::new(elems.iter().map(|(e, _)| e.ty.clone()).collect());
                for (elem, offset) in elems.iter_mut().zip(tuple.offsets()) {
                    elem.1 = *offset;
                }
                Shape::new(Kind::Tuple(elems), Type::Tuple(tuple))
            }
            "variant" => {
                let case_types: Vec<Option<&Type>> = match src.ty() {
                    Some(Type::Variant(v)) => v.cases().map(|c| c.ty).collect(),
                    _ => Vec::new(),
                };
                let index = PyDict::new(py);
                let mut cases = Vec::new();
                for (i, c) in item(1)?.try_iter()?.enumerate() {
                    let c = c?;
                    let cls = c.get_item(0)?;
                    index.set_item(&cls, i)?;
                    let payload = c.get_item(1)?;
                    let csrc = match src {
                        Source::Type(_) => Source::Type(case_types.get(i).copied().flatten()),
                        Source::Host => Source::Host,
                    };
                    let shape = if payload.is_none() {
                        None
                    } else {
                        Some(Shape::compile(&payload, csrc)?)
                    };
                    cases.push((cls.unbind(), shape));
                }
                let variant = Variant::new(
                    names(cases.len())
                        .into_iter()
                        .zip(&cases)
                        .map(|(n, (_, s))| (n, s.as_ref().map(|s| s.ty.clone())))
                        .collect(),
                );
                let payload = variant.payload_offset();
                let kind = Kind::Variant {
                    cases,
                    index: index.unbind(),
                    payload,
                };
                Shape::new(kind, Type::Variant(variant))
            }
            "enum" => {
                let index = PyDict::new(py);
                let mut members = Vec::new();
                for (i, m) in item(1)?.try_iter()?.enumerate() {
                    let m = m?;
                    index.set_item(&m, i)?;
                    members.push(m.unbind());
                }
                let ty = Type::Enum(Enum::new(names(members.len())));
                let kind = Kind::Enum {
                    members,
                    index: index.unbind(),
                };
                Shape::new(kind, ty)
            }
            "flags" => {
                let n: usize = item(2)?.extract()?;
                if n > 32 {
                    return Err(spec_error(spec, "more than 32 flags"));
                }
                let kind = Kind::Flags {
                    cls: item(1)?.unbind(),
                    mask: if n == 32 { u32::MAX } else { (1u32 << n) - 1 },
                };
                Shape::new(kind, Type::Flags(Flags::new(names(n))))
            }
            "option" => {
                let some = Shape::compile(
                    &item(1)?,
                    sub(src, |t| match t {
                        Type::Option(o) => Some(o.ty()),
                        _ => None,
                    }),
                )?;
                let wrap: bool = item(2)?.extract()?;
                let option = OptionType::new(some.ty.clone());
                let kind = Kind::Option {
                    some: Box::new(some),
                    wrap,
                    payload: option.payload_offset(),
                };
                Shape::new(kind, Type::Option(option))
            }
            "result" => {
                let side = |i: usize,
                            pick: fn(&kiln::component::types::ResultType) -> Option<&Type>|
                 -> PyResult<Option<Box<Shape>>> {
                    let s = item(i)?;
                    if s.is_none() {
                        return Ok(None);
                    }
                    let ssrc = sub(src, |t| match t {
                        Type::Result(r) => pick(r),
                        _ => None,
                    });
                    Ok(Some(Box::new(Shape::compile(&s, ssrc)?)))
                };
                let ok = side(1, |r| r.ok())?;
                let err = side(2, |r| r.err())?;
                let result = ResultType::new(
                    ok.as_ref().map(|s| s.ty.clone()),
                    err.as_ref().map(|s| s.ty.clone()),
                );
                let payload = result.payload_offset();
                Shape::new(Kind::Result { ok, err, payload }, Type::Result(result))
            }
            "own" | "borrow" | "host-own" | "host-borrow" => {
                let handle = if tag.starts_with("host-") {
                    Handle::Table(item(1)?.unbind())
                } else {
                    Handle::Wrapped(item(1)?.unbind())
                };
                let ty = match (src, &handle) {
                    (Source::Type(Some(Type::Own(r) | Type::Borrow(r))), _) => r.clone(),
                    (Source::Host, Handle::Table(table)) => {
                        let key: u32 = table.bind(py).getattr("key")?.extract()?;
                        remember_host_type(key)
                    }
                    _ => return Err(spec_error(spec, "no resource type for this handle")),
                };
                if tag.ends_with("own") {
                    Shape::new(Kind::Own(handle, ty.clone()), Type::Own(ty))
                } else {
                    Shape::new(Kind::Borrow(handle, ty.clone()), Type::Borrow(ty))
                }
            }
            _ => return Err(spec_error(spec, "unknown type tag")),
        };
        check(spec, &shape, src)?;
        Ok(shape)
    }
}

/// Checks that a compiled spec has the component type's layout: glue
/// generated from another WIT fails here, at setup, not in a call.
pub(super) fn check(spec: &Bound<'_, PyAny>, shape: &Shape, src: Source<'_>) -> PyResult<()> {
    let Source::Type(ty) = src else {
        return Ok(());
    };
    let Some(ty) = ty else {
        return Err(spec_error(spec, "the function has no such value"));
    };
    let same = match (&shape.kind, ty) {
        (Kind::Bool, Type::Bool)
        | (Kind::S8, Type::S8)
        | (Kind::U8, Type::U8)
        | (Kind::S16, Type::S16)
        | (Kind::U16, Type::U16)
        | (Kind::S32, Type::S32)
        | (Kind::U32, Type::U32)
        | (Kind::S64, Type::S64)
        | (Kind::U64, Type::U64)
        | (Kind::F32, Type::Float32)
        | (Kind::F64, Type::Float64)
        | (Kind::Char, Type::Char)
        | (Kind::String, Type::String)
        | (Kind::List(_), Type::List(_))
        | (Kind::Own(..), Type::Own(_))
        | (Kind::Borrow(..), Type::Borrow(_)) => true,
        (Kind::Bytes, Type::List(l)) => matches!(l.ty(), Type::U8),
        (Kind::Record { fields, .. }, Type::Record(r)) => fields.len() == r.fields().len(),
        (Kind::Tuple(e), Type::Tuple(t)) => e.len() == t.types().len(),
        (Kind::Variant { cases, .. }, Type::Variant(v)) => cases.len() == v.cases().len(),
        (Kind::Enum { members, .. }, Type::Enum(e)) => members.len() == e.names().len(),
        (Kind::Flags { .. }, Type::Flags(_)) | (Kind::Option { .. }, Type::Option(_)) => true,
        (Kind::Result { ok, err, .. }, Type::Result(r)) => {
            ok.is_some() == r.ok().is_some() && err.is_some() == r.err().is_some()
        }
        _ => false,
    };
    if same {
        Ok(())
    } else {
        Err(spec_error(spec, &format!("the component's type is {ty}")))
    }
}
