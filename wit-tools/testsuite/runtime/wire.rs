//! The values a C replay program reads and writes: a `Val` of a WIT type
//! as space-separated tokens, in the order the type lays them out, with no
//! names (both sides know the type):
//!
//! | type | tokens |
//! |---|---|
//! | `bool` | `0` or `1` |
//! | integers, `char` | the number in decimal (a `char` by its code point) |
//! | `f32`, `f64` | the IEEE 754 bits in decimal, so NaNs keep theirs |
//! | `string` | `s` and the UTF-8 bytes in hex (`s` alone when empty) |
//! | `list<T>` | the length, then the elements |
//! | `record`, `tuple` | the fields in order |
//! | `variant`, `enum` | the case's index, then its payload if it has one |
//! | `flags` | the set flags as a bit mask (flag `i` is bit `i`) |
//! | `option<T>` | `0`, or `1` and the value |
//! | `result<T, E>` | `0` and the ok value, or `1` and the error (if typed) |
//! | `own<R>`, `borrow<R>` | the C program's number for the handle |
//!
//! A resource handle the C program holds is a `Val::Resource` of the
//! host type [`CHandle`] whose rep is the program's number for it.

use kiln::component::{ResourceAny, ResourceType, Val};
use kiln_wit::wit_parser::{Type, TypeDefKind};
use kiln_wit::WorldAnalysis;
use std::fmt::Write as _;

/// The type of the `ResourceAny`s standing for the C program's handles.
pub struct CHandle;

/// The `Val` standing for the C program's handle `id`.
pub fn handle(id: u32) -> Val {
    Val::Resource(ResourceAny::new_own(ResourceType::host::<CHandle>(), id).unwrap())
}

/// Appends the tokens of `v`, of type `ty`, to `out` (each after a space).
pub fn encode(a: &WorldAnalysis, ty: &Type, v: &Val, out: &mut String) -> Result<(), String> {
    let mismatch = || format!("{v:?} is not a value of {ty:?}");
    match (a.dealias(ty), v) {
        (Type::Bool, Val::Bool(b)) => write!(out, " {}", u8::from(*b)),
        (Type::U8, Val::U8(x)) => write!(out, " {x}"),
        (Type::U16, Val::U16(x)) => write!(out, " {x}"),
        (Type::U32, Val::U32(x)) => write!(out, " {x}"),
        (Type::U64, Val::U64(x)) => write!(out, " {x}"),
        (Type::S8, Val::S8(x)) => write!(out, " {x}"),
        (Type::S16, Val::S16(x)) => write!(out, " {x}"),
        (Type::S32, Val::S32(x)) => write!(out, " {x}"),
        (Type::S64, Val::S64(x)) => write!(out, " {x}"),
        (Type::F32, Val::Float32(x)) => write!(out, " {}", x.to_bits()),
        (Type::F64, Val::Float64(x)) => write!(out, " {}", x.to_bits()),
        (Type::Char, Val::Char(c)) => write!(out, " {}", u32::from(*c)),
        (Type::String, Val::String(s)) => {
            out.push_str(" s");
            for b in s.bytes() {
                write!(out, "{b:02x}").unwrap();
            }
            Ok(())
        }
        (Type::Id(id), v) => {
            return match (&a.resolve().types[id].kind, v) {
                (TypeDefKind::List(t), Val::List(items)) => {
                    write!(out, " {}", items.len()).unwrap();
                    items.iter().try_for_each(|item| encode(a, t, item, out))
                }
                (TypeDefKind::Record(r), Val::Record(fields)) => {
                    if r.fields.len() != fields.len() {
                        return Err(mismatch());
                    }
                    r.fields
                        .iter()
                        .zip(fields)
                        .try_for_each(|(f, (_, v))| encode(a, &f.ty, v, out))
                }
                (TypeDefKind::Tuple(t), Val::Tuple(items)) => {
                    if t.types.len() != items.len() {
                        return Err(mismatch());
                    }
                    t.types
                        .iter()
                        .zip(items)
                        .try_for_each(|(t, v)| encode(a, t, v, out))
                }
                (TypeDefKind::Variant(var), Val::Variant(case, payload)) => {
                    let i = var
                        .cases
                        .iter()
                        .position(|c| c.name == *case)
                        .ok_or_else(mismatch)?;
                    write!(out, " {i}").unwrap();
                    match (&var.cases[i].ty, payload) {
                        (Some(t), Some(p)) => encode(a, t, p, out),
                        (None, None) => Ok(()),
                        _ => Err(mismatch()),
                    }
                }
                (TypeDefKind::Enum(e), Val::Enum(case)) => {
                    let i = e
                        .cases
                        .iter()
                        .position(|c| c.name == *case)
                        .ok_or_else(mismatch)?;
                    write!(out, " {i}").unwrap();
                    Ok(())
                }
                (TypeDefKind::Flags(f), Val::Flags(names)) => {
                    let mut mask = 0u32;
                    for name in names {
                        let i = f
                            .flags
                            .iter()
                            .position(|f| f.name == *name)
                            .ok_or_else(mismatch)?;
                        mask |= 1 << i;
                    }
                    write!(out, " {mask}").unwrap();
                    Ok(())
                }
                (TypeDefKind::Option(t), Val::Option(o)) => match o {
                    None => {
                        out.push_str(" 0");
                        Ok(())
                    }
                    Some(v) => {
                        out.push_str(" 1");
                        encode(a, t, v, out)
                    }
                },
                (TypeDefKind::Result(r), Val::Result(res)) => {
                    let (side, payload, tag) = match res {
                        Ok(p) => (&r.ok, p, " 0"),
                        Err(p) => (&r.err, p, " 1"),
                    };
                    out.push_str(tag);
                    match (side, payload) {
                        (Some(t), Some(p)) => encode(a, t, p, out),
                        (None, None) => Ok(()),
                        _ => Err(mismatch()),
                    }
                }
                (TypeDefKind::Handle(_), Val::Resource(r)) => {
                    let id = r.rep().ok_or_else(mismatch)?;
                    write!(out, " {id}").unwrap();
                    Ok(())
                }
                _ => Err(mismatch()),
            };
        }
        _ => return Err(mismatch()),
    }
    .map_err(|e| e.to_string())
}

/// The tokens of a C program's answer.
pub struct Tokens<'a>(std::str::SplitAsciiWhitespace<'a>);

impl<'a> Tokens<'a> {
    pub fn new(text: &'a str) -> Tokens<'a> {
        Tokens(text.split_ascii_whitespace())
    }

    pub fn next(&mut self) -> Result<&'a str, String> {
        self.0
            .next()
            .ok_or_else(|| "the value ends early".to_string())
    }

    pub fn number<T: std::str::FromStr>(&mut self) -> Result<T, String> {
        let t = self.next()?;
        t.parse()
            .map_err(|_| format!("`{t}` is not a {}", std::any::type_name::<T>()))
    }

    /// Whether every token was read.
    pub fn is_empty(&mut self) -> bool {
        self.0.clone().next().is_none()
    }

    fn index(&mut self, len: usize) -> Result<usize, String> {
        let i: usize = self.number()?;
        (i < len)
            .then_some(i)
            .ok_or_else(|| format!("case {i} of {len}"))
    }
}

/// The bytes a `string` token holds.
pub fn bytes(token: &str) -> Result<Vec<u8>, String> {
    let hex = token
        .strip_prefix('s')
        .ok_or_else(|| format!("`{token}` is not a string"))?;
    if hex.len() % 2 != 0 {
        return Err(format!("odd hex `{token}`"));
    }
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).map_err(|e| e.to_string()))
        .collect()
}

/// Reads a value of type `ty`.
pub fn decode(a: &WorldAnalysis, ty: &Type, t: &mut Tokens<'_>) -> Result<Val, String> {
    Ok(match a.dealias(ty) {
        Type::Bool => Val::Bool(match t.next()? {
            "0" => false,
            "1" => true,
            other => return Err(format!("`{other}` is not a bool")),
        }),
        Type::U8 => Val::U8(t.number()?),
        Type::U16 => Val::U16(t.number()?),
        Type::U32 => Val::U32(t.number()?),
        Type::U64 => Val::U64(t.number()?),
        Type::S8 => Val::S8(t.number()?),
        Type::S16 => Val::S16(t.number()?),
        Type::S32 => Val::S32(t.number()?),
        Type::S64 => Val::S64(t.number()?),
        Type::F32 => Val::Float32(f32::from_bits(t.number()?)),
        Type::F64 => Val::Float64(f64::from_bits(t.number()?)),
        Type::Char => {
            let c: u32 = t.number()?;
            Val::Char(char::from_u32(c).ok_or_else(|| format!("{c:#x} is not a char"))?)
        }
        Type::String => {
            Val::String(String::from_utf8(bytes(t.next()?)?).map_err(|e| e.to_string())?)
        }
        Type::ErrorContext => unreachable!("refused by the analysis"),
        Type::Id(id) => match &a.resolve().types[id].kind {
            TypeDefKind::List(e) => {
                let n: usize = t.number()?;
                Val::List((0..n).map(|_| decode(a, e, t)).collect::<Result<_, _>>()?)
            }
            TypeDefKind::Record(r) => Val::Record(
                r.fields
                    .iter()
                    .map(|f| Ok((f.name.clone(), decode(a, &f.ty, t)?)))
                    .collect::<Result<_, String>>()?,
            ),
            TypeDefKind::Tuple(tu) => Val::Tuple(
                tu.types
                    .iter()
                    .map(|ty| decode(a, ty, t))
                    .collect::<Result<_, _>>()?,
            ),
            TypeDefKind::Variant(v) => {
                let case = &v.cases[t.index(v.cases.len())?];
                let payload = match &case.ty {
                    Some(ty) => Some(Box::new(decode(a, ty, t)?)),
                    None => None,
                };
                Val::Variant(case.name.clone(), payload)
            }
            TypeDefKind::Enum(e) => Val::Enum(e.cases[t.index(e.cases.len())?].name.clone()),
            TypeDefKind::Flags(f) => {
                let mask: u32 = t.number()?;
                if f.flags.len() < 32 && mask >> f.flags.len() != 0 {
                    return Err(format!(
                        "flags {mask:#x} beyond the {} flags",
                        f.flags.len()
                    ));
                }
                Val::Flags(
                    f.flags
                        .iter()
                        .enumerate()
                        .filter(|(i, _)| mask & (1 << i) != 0)
                        .map(|(_, f)| f.name.clone())
                        .collect(),
                )
            }
            TypeDefKind::Option(ty) => match t.index(2)? {
                0 => Val::Option(None),
                _ => Val::Option(Some(Box::new(decode(a, ty, t)?))),
            },
            TypeDefKind::Result(r) => {
                let err = t.index(2)? == 1;
                let side = if err { &r.err } else { &r.ok };
                let payload = match side {
                    Some(ty) => Some(Box::new(decode(a, ty, t)?)),
                    None => None,
                };
                Val::Result(if err { Err(payload) } else { Ok(payload) })
            }
            TypeDefKind::Handle(_) => handle(t.number()?),
            other => return Err(format!("unexpected {}", other.as_str())),
        },
    })
}
