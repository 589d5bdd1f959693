//! `Val`: a component value as the host sees it, for the dynamic call path.

use super::resources::ResourceAny;
use super::types::Type;
use crate::environ::error::{Error, Result};

/// A component value: what [`Func::call`](super::Func::call) takes and
/// returns, and what host functions defined with
/// [`LinkerInstance::func_new`](super::LinkerInstance::func_new) receive.
///
/// Records list their fields and flags their set names in the order of
/// their type.
///
/// ```
/// use kiln::component::Val;
/// let point = Val::Record(vec![("x".into(), Val::S32(1)), ("y".into(), Val::S32(-1))]);
/// let maybe = Val::Option(Some(Box::new(Val::String("hi".into()))));
/// assert_ne!(point, maybe);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub enum Val {
    /// `bool`
    Bool(bool),
    /// `s8`
    S8(i8),
    /// `u8`
    U8(u8),
    /// `s16`
    S16(i16),
    /// `u16`
    U16(u16),
    /// `s32`
    S32(i32),
    /// `u32`
    U32(u32),
    /// `s64`
    S64(i64),
    /// `u64`
    U64(u64),
    /// `f32`
    Float32(f32),
    /// `f64`
    Float64(f64),
    /// `char`
    Char(char),
    /// `string`
    String(String),
    /// `list<T>`
    List(Vec<Val>),
    /// `record`: field names and values, in the type's order.
    Record(Vec<(String, Val)>),
    /// `tuple`
    Tuple(Vec<Val>),
    /// `variant`: the case's name and its payload, if it has one.
    Variant(String, Option<Box<Val>>),
    /// `enum`: the case's name.
    Enum(String),
    /// `option<T>`
    Option(Option<Box<Val>>),
    /// `result<T, E>`; a side without a payload type holds `None`.
    Result(Result<Option<Box<Val>>, Option<Box<Val>>>),
    /// `flags`: the names of the flags that are set.
    Flags(Vec<String>),
    /// `own<R>` or `borrow<R>`
    Resource(ResourceAny),
}

impl Val {
    /// The zero value of `ty` (`false`, 0, `""`, an empty list, the first
    /// case, `none`, ...): what a host function's results hold before it
    /// sets them. Resources have none, and get `Bool(false)`.
    pub(crate) fn default_for(ty: &Type) -> Val {
        let or_bool = |ty: Option<&Type>| ty.map(|t| Box::new(Val::default_for(t)));
        match ty {
            Type::Bool => Val::Bool(false),
            Type::S8 => Val::S8(0),
            Type::U8 => Val::U8(0),
            Type::S16 => Val::S16(0),
            Type::U16 => Val::U16(0),
            Type::S32 => Val::S32(0),
            Type::U32 => Val::U32(0),
            Type::S64 => Val::S64(0),
            Type::U64 => Val::U64(0),
            Type::Float32 => Val::Float32(0.0),
            Type::Float64 => Val::Float64(0.0),
            Type::Char => Val::Char('\0'),
            Type::String => Val::String(String::new()),
            Type::List(_) => Val::List(Vec::new()),
            Type::Record(r) => Val::Record(
                r.fields()
                    .map(|f| (f.name.to_string(), Val::default_for(f.ty)))
                    .collect(),
            ),
            Type::Tuple(t) => Val::Tuple(t.types().map(Val::default_for).collect()),
            Type::Variant(v) => match v.cases().next() {
                Some(case) => Val::Variant(case.name.to_string(), or_bool(case.ty)),
                None => Val::Bool(false),
            },
            Type::Enum(e) => Val::Enum(e.names().next().unwrap_or_default().to_string()),
            Type::Option(_) => Val::Option(None),
            Type::Result(r) => Val::Result(Ok(or_bool(r.ok()))),
            Type::Flags(_) => Val::Flags(Vec::new()),
            Type::Own(_) | Type::Borrow(_) => Val::Bool(false),
        }
    }

    /// What kind of value this is, for error messages.
    pub(crate) fn desc(&self) -> &'static str {
        match self {
            Val::Bool(_) => "bool",
            Val::S8(_) => "s8",
            Val::U8(_) => "u8",
            Val::S16(_) => "s16",
            Val::U16(_) => "u16",
            Val::S32(_) => "s32",
            Val::U32(_) => "u32",
            Val::S64(_) => "s64",
            Val::U64(_) => "u64",
            Val::Float32(_) => "f32",
            Val::Float64(_) => "f64",
            Val::Char(_) => "char",
            Val::String(_) => "string",
            Val::List(_) => "list",
            Val::Record(_) => "record",
            Val::Tuple(_) => "tuple",
            Val::Variant(..) => "variant",
            Val::Enum(_) => "enum",
            Val::Option(_) => "option",
            Val::Result(_) => "result",
            Val::Flags(_) => "flags",
            Val::Resource(_) => "resource",
        }
    }

    /// Checks that this value is of type `ty`, and that the resources in it
    /// may be used as `ty` says; `what` names the value in the error.
    pub(crate) fn typecheck(&self, ty: &Type, what: &dyn std::fmt::Display) -> Result<()> {
        let mismatch = || {
            Error::usage(format!(
                "type mismatch for {what}: expected `{ty}`, found a value of kind `{}`",
                self.desc()
            ))
        };
        match (self, ty) {
            (Val::Bool(_), Type::Bool)
            | (Val::S8(_), Type::S8)
            | (Val::U8(_), Type::U8)
            | (Val::S16(_), Type::S16)
            | (Val::U16(_), Type::U16)
            | (Val::S32(_), Type::S32)
            | (Val::U32(_), Type::U32)
            | (Val::S64(_), Type::S64)
            | (Val::U64(_), Type::U64)
            | (Val::Float32(_), Type::Float32)
            | (Val::Float64(_), Type::Float64)
            | (Val::Char(_), Type::Char)
            | (Val::String(_), Type::String) => Ok(()),
            (Val::List(items), Type::List(l)) => {
                for (i, item) in items.iter().enumerate() {
                    item.typecheck(l.ty(), &format_args!("element {i} of {what}"))?;
                }
                Ok(())
            }
            (Val::Record(fields), Type::Record(r)) => {
                if fields.len() != r.fields().len() {
                    return Err(Error::usage(format!(
                        "type mismatch for {what}: expected {} record fields, found {}",
                        r.fields().len(),
                        fields.len()
                    )));
                }
                for ((name, val), field) in fields.iter().zip(r.fields()) {
                    if name != field.name {
                        return Err(Error::usage(format!(
                            "type mismatch for {what}: expected field `{}`, found `{name}`",
                            field.name
                        )));
                    }
                    val.typecheck(field.ty, &format_args!("field `{name}` of {what}"))?;
                }
                Ok(())
            }
            (Val::Tuple(items), Type::Tuple(t)) => {
                if items.len() != t.types().len() {
                    return Err(Error::usage(format!(
                        "type mismatch for {what}: expected a tuple of {} elements, found {}",
                        t.types().len(),
                        items.len()
                    )));
                }
                for (i, (item, ty)) in items.iter().zip(t.types()).enumerate() {
                    item.typecheck(ty, &format_args!("element {i} of {what}"))?;
                }
                Ok(())
            }
            (Val::Variant(name, payload), Type::Variant(v)) => {
                let case = v.cases().find(|c| c.name == name).ok_or_else(|| {
                    Error::usage(format!(
                        "type mismatch for {what}: `{ty}` has no case `{name}`"
                    ))
                })?;
                check_payload(payload, case.ty, what, name)
            }
            (Val::Enum(name), Type::Enum(e)) => {
                if e.names().any(|n| n == name) {
                    Ok(())
                } else {
                    Err(Error::usage(format!(
                        "type mismatch for {what}: `{ty}` has no case `{name}`"
                    )))
                }
            }
            (Val::Option(payload), Type::Option(o)) => match payload {
                Some(v) => v.typecheck(o.ty(), &format_args!("the payload of {what}")),
                None => Ok(()),
            },
            (Val::Result(r), Type::Result(rt)) => match r {
                Ok(p) => check_payload(p, rt.ok(), what, "ok"),
                Err(p) => check_payload(p, rt.err(), what, "err"),
            },
            (Val::Flags(names), Type::Flags(f)) => {
                for name in names {
                    if !f.names().any(|n| n == name) {
                        return Err(Error::usage(format!(
                            "type mismatch for {what}: `{ty}` has no flag `{name}`"
                        )));
                    }
                }
                Ok(())
            }
            (Val::Resource(r), Type::Own(rt) | Type::Borrow(rt)) => {
                if r.ty() != *rt {
                    return Err(Error::usage(format!(
                        "type mismatch for {what}: expected a `{rt}` resource, found a `{}` one",
                        r.ty()
                    )));
                }
                r.check_use(matches!(ty, Type::Own(_)))
            }
            _ => Err(mismatch()),
        }
    }
}

fn check_payload(
    payload: &Option<Box<Val>>,
    ty: Option<&Type>,
    what: &dyn std::fmt::Display,
    case: &str,
) -> Result<()> {
    match (payload, ty) {
        (None, None) => Ok(()),
        (Some(v), Some(ty)) => v.typecheck(ty, &format_args!("case `{case}` of {what}")),
        (Some(_), None) => Err(Error::usage(format!(
            "type mismatch for {what}: case `{case}` has no payload, but one was given"
        ))),
        (None, Some(_)) => Err(Error::usage(format!(
            "type mismatch for {what}: case `{case}` needs a payload"
        ))),
    }
}
