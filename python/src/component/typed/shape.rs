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

/// A type with its canonical ABI layout.
pub(crate) struct Shape {
    pub(super) kind: Kind,
    pub(super) size: u32,
    pub(super) align: u32,
    pub(super) flat: usize,
}

pub(super) fn align_to(offset: u32, align: u32) -> u32 {
    offset.div_ceil(align) * align
}

pub(super) fn discriminant_size(cases: usize) -> u32 {
    if cases <= 1 << 8 {
        1
    } else if cases <= 1 << 16 {
        2
    } else {
        4
    }
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
    fn scalar(kind: Kind, size: u32) -> Shape {
        Shape {
            kind,
            size,
            align: size,
            flat: 1,
        }
    }

    /// Compiles `spec`, checking it against `src`'s component type when
    /// there is one.
    pub(super) fn compile(spec: &Bound<'_, PyAny>, src: Source<'_>) -> PyResult<Shape> {
        let py = spec.py();
        if let Ok(name) = spec.cast::<PyString>() {
            let name = name.to_cow()?;
            let shape = match &*name {
                "bool" => Shape::scalar(Kind::Bool, 1),
                "s8" => Shape::scalar(Kind::S8, 1),
                "u8" => Shape::scalar(Kind::U8, 1),
                "s16" => Shape::scalar(Kind::S16, 2),
                "u16" => Shape::scalar(Kind::U16, 2),
                "s32" => Shape::scalar(Kind::S32, 4),
                "u32" => Shape::scalar(Kind::U32, 4),
                "s64" => Shape::scalar(Kind::S64, 8),
                "u64" => Shape::scalar(Kind::U64, 8),
                "f32" => Shape::scalar(Kind::F32, 4),
                "f64" => Shape::scalar(Kind::F64, 8),
                "char" => Shape::scalar(Kind::Char, 4),
                "string" => Shape {
                    kind: Kind::String,
                    size: 8,
                    align: 4,
                    flat: 2,
                },
                "bytes" => Shape {
                    kind: Kind::Bytes,
                    size: 8,
                    align: 4,
                    flat: 2,
                },
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
                Shape {
                    kind: Kind::List(Box::new(elem)),
                    size: 8,
                    align: 4,
                    flat: 2,
                }
            }
            "record" => {
                let cls = item(1)?.unbind();
                let field_types: Vec<&Type> = match src.ty() {
                    Some(Type::Record(r)) => r.fields().map(|f| f.ty).collect(),
                    _ => Vec::new(),
                };
                let mut fields = Vec::new();
                let (mut offset, mut align, mut flat) = (0, 1, 0);
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
                    offset = align_to(offset, shape.align);
                    align = align.max(shape.align);
                    flat += shape.flat;
                    let size = shape.size;
                    fields.push((name, shape, offset));
                    offset += size;
                }
                Shape {
                    kind: Kind::Record { cls, fields },
                    size: align_to(offset, align),
                    align,
                    flat,
                }
            }
            "tuple" => {
                let types: Vec<&Type> = match src.ty() {
                    Some(Type::Tuple(t)) => t.types().collect(),
                    _ => Vec::new(),
                };
                let mut elems = Vec::new();
                let (mut offset, mut align, mut flat) = (0, 1, 0);
                for (i, e) in item(1)?.try_iter()?.enumerate() {
                    let esrc = match src {
                        Source::Type(_) => Source::Type(types.get(i).copied()),
                        Source::Host => Source::Host,
                    };
                    let shape = Shape::compile(&e?, esrc)?;
                    offset = align_to(offset, shape.align);
                    align = align.max(shape.align);
                    flat += shape.flat;
                    let size = shape.size;
                    elems.push((shape, offset));
                    offset += size;
                }
                Shape {
                    kind: Kind::Tuple(elems),
                    size: align_to(offset, align),
                    align,
                    flat,
                }
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
                let (payload, size, align, flat) =
                    variant_layout(cases.len(), cases.iter().map(|(_, s)| s.as_ref()));
                Shape {
                    kind: Kind::Variant {
                        cases,
                        index: index.unbind(),
                        payload,
                    },
                    size,
                    align,
                    flat,
                }
            }
            "enum" => {
                let index = PyDict::new(py);
                let mut members = Vec::new();
                for (i, m) in item(1)?.try_iter()?.enumerate() {
                    let m = m?;
                    index.set_item(&m, i)?;
                    members.push(m.unbind());
                }
                let size = discriminant_size(members.len());
                Shape {
                    kind: Kind::Enum {
                        members,
                        index: index.unbind(),
                    },
                    size,
                    align: size,
                    flat: 1,
                }
            }
            "flags" => {
                let n: usize = item(2)?.extract()?;
                if n > 32 {
                    return Err(spec_error(spec, "more than 32 flags"));
                }
                let size = match n {
                    0..=8 => 1,
                    9..=16 => 2,
                    _ => 4,
                };
                Shape {
                    kind: Kind::Flags {
                        cls: item(1)?.unbind(),
                        mask: if n == 32 { u32::MAX } else { (1u32 << n) - 1 },
                    },
                    size,
                    align: size,
                    flat: 1,
                }
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
                let (payload, size, align, flat) =
                    variant_layout(2, [None, Some(&some)].into_iter());
                Shape {
                    kind: Kind::Option {
                        some: Box::new(some),
                        wrap,
                        payload,
                    },
                    size,
                    align,
                    flat,
                }
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
                let (payload, size, align, flat) =
                    variant_layout(2, [ok.as_deref(), err.as_deref()].into_iter());
                Shape {
                    kind: Kind::Result { ok, err, payload },
                    size,
                    align,
                    flat,
                }
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
                let kind = if tag.ends_with("own") {
                    Kind::Own(handle, ty)
                } else {
                    Kind::Borrow(handle, ty)
                };
                Shape {
                    kind,
                    size: 4,
                    align: 4,
                    flat: 1,
                }
            }
            _ => return Err(spec_error(spec, "unknown type tag")),
        };
        check(spec, &shape, src)?;
        Ok(shape)
    }
}

/// The payload offset, size, alignment and flat count of a variant.
pub(super) fn variant_layout<'a>(
    n: usize,
    cases: impl Iterator<Item = Option<&'a Shape>>,
) -> (u32, u32, u32, usize) {
    let disc = discriminant_size(n);
    let (mut size, mut align, mut flat) = (0, disc, 0);
    for s in cases.flatten() {
        size = size.max(s.size);
        align = align.max(s.align);
        flat = flat.max(s.flat);
    }
    let payload = align_to(disc, align);
    (payload, align_to(payload + size, align), align, flat + 1)
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

/// Whether values of `shape` hold resource handles.
pub(super) fn has_handles(shape: &Shape) -> bool {
    match &shape.kind {
        Kind::Own(..) | Kind::Borrow(..) => true,
        Kind::List(e) => has_handles(e),
        Kind::Record { fields, .. } => fields.iter().any(|(_, f, _)| has_handles(f)),
        Kind::Tuple(elems) => elems.iter().any(|(e, _)| has_handles(e)),
        Kind::Variant { cases, .. } => cases
            .iter()
            .any(|(_, c)| c.as_ref().is_some_and(has_handles)),
        Kind::Option { some, .. } => has_handles(some),
        Kind::Result { ok, err, .. } => {
            ok.as_deref().is_some_and(has_handles) || err.as_deref().is_some_and(has_handles)
        }
        _ => false,
    }
}
