//! `ComponentVal`s cross JNI as bytes: Java's `ComponentVal.encode` and
//! `decode` write and read the same format as this module, one tag byte per
//! value followed by its payload (little-endian numbers; strings as a `u32`
//! byte count and UTF-8; lists, records, tuples and flags with a `u32`
//! count; a resource as the address of a boxed `ResourceAny` handle, which
//! the receiving side owns).

use crate::errors::{Failure, JResult};
use crate::handles::{borrow, into_handle};
use kiln::component::{ResourceAny, Val};

const BOOL: u8 = 0;
const S8: u8 = 1;
const U8: u8 = 2;
const S16: u8 = 3;
const U16: u8 = 4;
const S32: u8 = 5;
const U32: u8 = 6;
const S64: u8 = 7;
const U64: u8 = 8;
const F32: u8 = 9;
const F64: u8 = 10;
const CHAR: u8 = 11;
const STRING: u8 = 12;
const LIST: u8 = 13;
const RECORD: u8 = 14;
const TUPLE: u8 = 15;
const VARIANT: u8 = 16;
const ENUM: u8 = 17;
const OPTION: u8 = 18;
const RESULT: u8 = 19;
const FLAGS: u8 = 20;
const RESOURCE: u8 = 21;

/// Encodes `vals` (a count, then each value).
pub(crate) fn encode_all(vals: &[Val]) -> JResult<Vec<u8>> {
    let mut out = Vec::with_capacity(16 * vals.len() + 4);
    out.extend_from_slice(&(vals.len() as u32).to_le_bytes());
    for v in vals {
        encode(v, &mut out);
    }
    Ok(out)
}

fn put_str(s: &str, out: &mut Vec<u8>) {
    out.extend_from_slice(&(s.len() as u32).to_le_bytes());
    out.extend_from_slice(s.as_bytes());
}

fn put_opt(v: &Option<Box<Val>>, out: &mut Vec<u8>) {
    match v {
        Some(v) => {
            out.push(1);
            encode(v, out);
        }
        None => out.push(0),
    }
}

fn encode(v: &Val, out: &mut Vec<u8>) {
    match v {
        Val::Bool(b) => out.extend_from_slice(&[BOOL, u8::from(*b)]),
        Val::S8(x) => out.extend_from_slice(&[S8, *x as u8]),
        Val::U8(x) => out.extend_from_slice(&[U8, *x]),
        Val::S16(x) => {
            out.push(S16);
            out.extend_from_slice(&x.to_le_bytes());
        }
        Val::U16(x) => {
            out.push(U16);
            out.extend_from_slice(&x.to_le_bytes());
        }
        Val::S32(x) => {
            out.push(S32);
            out.extend_from_slice(&x.to_le_bytes());
        }
        Val::U32(x) => {
            out.push(U32);
            out.extend_from_slice(&x.to_le_bytes());
        }
        Val::S64(x) => {
            out.push(S64);
            out.extend_from_slice(&x.to_le_bytes());
        }
        Val::U64(x) => {
            out.push(U64);
            out.extend_from_slice(&x.to_le_bytes());
        }
        Val::Float32(x) => {
            out.push(F32);
            out.extend_from_slice(&x.to_bits().to_le_bytes());
        }
        Val::Float64(x) => {
            out.push(F64);
            out.extend_from_slice(&x.to_bits().to_le_bytes());
        }
        Val::Char(c) => {
            out.push(CHAR);
            out.extend_from_slice(&u32::from(*c).to_le_bytes());
        }
        Val::String(s) => {
            out.push(STRING);
            put_str(s, out);
        }
        Val::List(items) | Val::Tuple(items) => {
            out.push(if matches!(v, Val::List(_)) {
                LIST
            } else {
                TUPLE
            });
            out.extend_from_slice(&(items.len() as u32).to_le_bytes());
            for item in items {
                encode(item, out);
            }
        }
        Val::Record(fields) => {
            out.push(RECORD);
            out.extend_from_slice(&(fields.len() as u32).to_le_bytes());
            for (name, value) in fields {
                put_str(name, out);
                encode(value, out);
            }
        }
        Val::Variant(case, payload) => {
            out.push(VARIANT);
            put_str(case, out);
            put_opt(payload, out);
        }
        Val::Enum(case) => {
            out.push(ENUM);
            put_str(case, out);
        }
        Val::Option(payload) => {
            out.push(OPTION);
            put_opt(payload, out);
        }
        Val::Result(r) => {
            out.push(RESULT);
            let (is_err, payload) = match r {
                Ok(p) => (0, p),
                Err(p) => (1, p),
            };
            out.push(is_err);
            put_opt(payload, out);
        }
        Val::Flags(names) => {
            out.push(FLAGS);
            out.extend_from_slice(&(names.len() as u32).to_le_bytes());
            for name in names {
                put_str(name, out);
            }
        }
        Val::Resource(r) => {
            out.push(RESOURCE);
            out.extend_from_slice(&into_handle(r.clone()).to_le_bytes());
        }
    }
}

/// Decodes the values of `bytes` into `results`, which must be as many.
pub(crate) fn decode_into(bytes: &[u8], results: &mut [Val]) -> JResult<()> {
    let vals = decode_all(bytes)?;
    if vals.len() != results.len() {
        return Err(Failure::Argument(format!(
            "the function returns {} values, {} were given",
            results.len(),
            vals.len()
        )));
    }
    for (r, v) in results.iter_mut().zip(vals) {
        *r = v;
    }
    Ok(())
}

/// Decodes a count and that many values.
pub(crate) fn decode_all(bytes: &[u8]) -> JResult<Vec<Val>> {
    let mut r = Reader { bytes, at: 0 };
    let n = r.u32()?;
    let mut vals = Vec::with_capacity(n.min(1024) as usize);
    for _ in 0..n {
        vals.push(r.val()?);
    }
    Ok(vals)
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

fn malformed() -> Failure {
    Failure::Argument("malformed component values".into())
}

impl Reader<'_> {
    fn take<const N: usize>(&mut self) -> JResult<[u8; N]> {
        let end = self.at.checked_add(N).ok_or_else(malformed)?;
        let bytes = self.bytes.get(self.at..end).ok_or_else(malformed)?;
        self.at = end;
        Ok(bytes.try_into().expect("N bytes"))
    }

    fn u8(&mut self) -> JResult<u8> {
        Ok(self.take::<1>()?[0])
    }

    fn u32(&mut self) -> JResult<u32> {
        Ok(u32::from_le_bytes(self.take()?))
    }

    fn str(&mut self) -> JResult<String> {
        let n = self.u32()? as usize;
        let end = self.at.checked_add(n).ok_or_else(malformed)?;
        let bytes = self.bytes.get(self.at..end).ok_or_else(malformed)?;
        self.at = end;
        String::from_utf8(bytes.to_vec()).map_err(|_| malformed())
    }

    fn opt(&mut self) -> JResult<Option<Box<Val>>> {
        Ok(match self.u8()? {
            0 => None,
            _ => Some(Box::new(self.val()?)),
        })
    }

    fn vals(&mut self) -> JResult<Vec<Val>> {
        let n = self.u32()?;
        let mut out = Vec::with_capacity(n.min(1024) as usize);
        for _ in 0..n {
            out.push(self.val()?);
        }
        Ok(out)
    }

    fn val(&mut self) -> JResult<Val> {
        Ok(match self.u8()? {
            BOOL => Val::Bool(self.u8()? != 0),
            S8 => Val::S8(self.u8()? as i8),
            U8 => Val::U8(self.u8()?),
            S16 => Val::S16(i16::from_le_bytes(self.take()?)),
            U16 => Val::U16(u16::from_le_bytes(self.take()?)),
            S32 => Val::S32(i32::from_le_bytes(self.take()?)),
            U32 => Val::U32(self.u32()?),
            S64 => Val::S64(i64::from_le_bytes(self.take()?)),
            U64 => Val::U64(u64::from_le_bytes(self.take()?)),
            F32 => Val::Float32(f32::from_bits(self.u32()?)),
            F64 => Val::Float64(f64::from_bits(u64::from_le_bytes(self.take()?))),
            CHAR => {
                let c = self.u32()?;
                Val::Char(char::from_u32(c).ok_or_else(|| {
                    Failure::Argument(format!("{c:#x} is not a Unicode scalar value"))
                })?)
            }
            STRING => Val::String(self.str()?),
            LIST => Val::List(self.vals()?),
            TUPLE => Val::Tuple(self.vals()?),
            RECORD => {
                let n = self.u32()?;
                let mut fields = Vec::with_capacity(n.min(1024) as usize);
                for _ in 0..n {
                    let name = self.str()?;
                    fields.push((name, self.val()?));
                }
                Val::Record(fields)
            }
            VARIANT => {
                let case = self.str()?;
                Val::Variant(case, self.opt()?)
            }
            ENUM => Val::Enum(self.str()?),
            OPTION => Val::Option(self.opt()?),
            RESULT => {
                let is_err = self.u8()? != 0;
                let payload = self.opt()?;
                Val::Result(if is_err { Err(payload) } else { Ok(payload) })
            }
            FLAGS => {
                let n = self.u32()?;
                let mut names = Vec::with_capacity(n.min(64) as usize);
                for _ in 0..n {
                    names.push(self.str()?);
                }
                Val::Flags(names)
            }
            RESOURCE => {
                let handle = i64::from_le_bytes(self.take()?);
                if handle == 0 {
                    return Err(Failure::State("the resource handle is closed".into()));
                }
                // SAFETY: Java writes the handle of a live
                // `ComponentResource`, which it keeps reachable (so its
                // cleaner cannot free the handle) while the values are
                // decoded: `ComponentFunc.call` fences its arguments, and
                // `ComponentVal.dispatch` hands the result to the native
                // side with the bytes.
                let r: &ResourceAny = unsafe { borrow(handle) };
                Val::Resource(r.clone())
            }
            _ => return Err(malformed()),
        })
    }
}
