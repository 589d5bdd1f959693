//! Lifting flat values and the guest's memory into Python objects.

use super::*;

pub(super) fn lift_char(v: u32) -> Res<char> {
    char::from_u32(v).ok_or_else(|| {
        Failure::Kiln(kiln::component::abi_trap(format!(
            "invalid char value {v:#x}"
        )))
    })
}

pub(super) fn make_handle<'py>(
    py: Python<'py>,
    handle: &Handle,
    r: kiln::component::ResourceAny,
) -> Res<Bound<'py, PyAny>> {
    match handle {
        Handle::Wrapped(factory) => Ok(factory.bind(py).call1((ResourceAny::new(r),))?),
        Handle::Table(table) => {
            let rep = r
                .rep()
                .ok_or_else(|| kiln_error("a host resource has no representation"))?;
            Ok(table.bind(py).call_method1("get", (rep,))?)
        }
    }
}

/// `case`, checked against the cases of the variant, option or result
/// `shape`, with the engine's wording for one out of range.
fn checked_case(shape: &Shape, case: u32) -> Res<u32> {
    if (case as usize) < case_count(shape) {
        return Ok(case);
    }
    let what = match shape.kind {
        Kind::Option { .. } => "option",
        Kind::Result { .. } => "result",
        _ => "variant",
    };
    Err(Failure::Kiln(kiln::component::abi_trap(format!(
        "invalid {what} discriminant {case}"
    ))))
}

pub(super) fn make_case<'py>(
    py: Python<'py>,
    shape: &Shape,
    case: u32,
    value: Option<Bound<'py, PyAny>>,
) -> Res<Bound<'py, PyAny>> {
    match &shape.kind {
        Kind::Variant { cases, .. } => {
            let Some((cls, _)) = cases.get(case as usize) else {
                return Err(Failure::Kiln(kiln::component::abi_trap(format!(
                    "invalid variant discriminant {case}"
                ))));
            };
            Ok(match value {
                Some(v) => cls.bind(py).call1((v,))?,
                None => cls.bind(py).call0()?,
            })
        }
        Kind::Option { wrap, .. } => match (case, value) {
            (0, _) => Ok(py.None().into_bound(py)),
            (1, Some(v)) if *wrap => Ok(runtime_class(py, &SOME, "Some")?.call1((v,))?),
            (1, Some(v)) => Ok(v),
            _ => Err(Failure::Kiln(kiln::component::abi_trap(format!(
                "invalid option discriminant {case}"
            )))),
        },
        Kind::Result { .. } => {
            let cls = match case {
                0 => runtime_class(py, &OK, "Ok")?,
                1 => runtime_class(py, &ERR, "Err")?,
                _ => {
                    return Err(Failure::Kiln(kiln::component::abi_trap(format!(
                        "invalid result discriminant {case}"
                    ))))
                }
            };
            let v = value.unwrap_or_else(|| py.None().into_bound(py));
            Ok(cls.call1((v,))?)
        }
        _ => unreachable!("only variant-like shapes have cases"),
    }
}

pub(super) fn case_count(shape: &Shape) -> usize {
    match &shape.kind {
        Kind::Variant { cases, .. } => cases.len(),
        _ => 2,
    }
}

/// The next flat value (zero past the end: a case's unused slots).
pub(super) fn take(src: &[u64], pos: &mut usize) -> u64 {
    let v = src.get(*pos).copied().unwrap_or(0);
    *pos += 1;
    v
}

pub(super) fn lift_flat<'py>(
    py: Python<'py>,
    shape: &Shape,
    cx: &mut Cx<'_, '_>,
    src: &[u64],
    pos: &mut usize,
) -> Res<Bound<'py, PyAny>> {
    Ok(match &shape.kind {
        Kind::Bool => PyBool::new(py, take(src, pos) as u32 != 0)
            .to_owned()
            .into_any(),
        Kind::S8 => (take(src, pos) as i8).into_pyobject(py)?.into_any(),
        Kind::U8 => (take(src, pos) as u8).into_pyobject(py)?.into_any(),
        Kind::S16 => (take(src, pos) as i16).into_pyobject(py)?.into_any(),
        Kind::U16 => (take(src, pos) as u16).into_pyobject(py)?.into_any(),
        Kind::S32 => (take(src, pos) as i32).into_pyobject(py)?.into_any(),
        Kind::U32 => (take(src, pos) as u32).into_pyobject(py)?.into_any(),
        Kind::S64 => (take(src, pos) as i64).into_pyobject(py)?.into_any(),
        Kind::U64 => take(src, pos).into_pyobject(py)?.into_any(),
        Kind::F32 => PyFloat::new(py, f64::from(f32::from_bits(take(src, pos) as u32))).into_any(),
        Kind::F64 => PyFloat::new(py, f64::from_bits(take(src, pos))).into_any(),
        Kind::Char => {
            let c = lift_char(take(src, pos) as u32)?;
            PyString::new(py, c.encode_utf8(&mut [0; 4])).into_any()
        }
        Kind::String | Kind::Bytes | Kind::List(_) => {
            let ptr = take(src, pos) as u32;
            let len = take(src, pos) as u32;
            lift_list_like(py, shape, cx, ptr, len)?
        }
        Kind::Record { cls, fields } => {
            let mut values = Vec::with_capacity(fields.len());
            for (_, f, _) in fields {
                values.push(lift_flat(py, f, cx, src, pos)?);
            }
            cls.bind(py).call1(PyTuple::new(py, values)?)?
        }
        Kind::Tuple(elems) => {
            let mut values = Vec::with_capacity(elems.len());
            for (e, _) in elems {
                values.push(lift_flat(py, e, cx, src, pos)?);
            }
            PyTuple::new(py, values)?.into_any()
        }
        Kind::Variant { .. } | Kind::Option { .. } | Kind::Result { .. } => {
            let start = *pos;
            let case = checked_case(shape, take(src, pos) as u32)?;
            let value = match case_shape(shape, case) {
                Some(s) => Some(lift_flat(py, s, cx, src, pos)?),
                None => None,
            };
            *pos = start + shape.flat;
            make_case(py, shape, case, value)?
        }
        Kind::Enum { members, .. } => {
            let i = take(src, pos) as u32;
            match members.get(i as usize) {
                Some(m) => m.bind(py).clone(),
                None => {
                    return Err(Failure::Kiln(kiln::component::abi_trap(format!(
                        "invalid enum discriminant {i}"
                    ))))
                }
            }
        }
        Kind::Flags { cls, mask } => cls.bind(py).call1((take(src, pos) as u32 & mask,))?,
        Kind::Own(handle, ty) => {
            let r = cx.lift_own(take(src, pos) as u32, ty)?;
            make_handle(py, handle, r)?
        }
        Kind::Borrow(handle, ty) => {
            let r = cx.lift_borrow(take(src, pos) as u32, ty)?;
            make_handle(py, handle, r)?
        }
    })
}

pub(super) fn lift_list_like<'py>(
    py: Python<'py>,
    shape: &Shape,
    cx: &mut Cx<'_, '_>,
    ptr: u32,
    len: u32,
) -> Res<Bound<'py, PyAny>> {
    Ok(match &shape.kind {
        Kind::String => PyString::new(py, &cx.load_string(ptr, len)?).into_any(),
        Kind::Bytes => PyBytes::new(py, cx.list(ptr, len, 1, 1)?).into_any(),
        Kind::List(elem) => {
            let data = cx.list(ptr, len, elem.size, elem.align)?.to_vec();
            let list = PyList::empty(py);
            for i in 0..len as usize {
                list.append(load(py, elem, cx, &data, i * elem.size as usize)?)?;
            }
            list.into_any()
        }
        _ => unreachable!("only strings and lists are lifted this way"),
    })
}

pub(super) fn get<const N: usize>(data: &[u8], at: usize) -> [u8; N] {
    data[at..at + N].try_into().expect("the slice has N bytes")
}

pub(super) fn get_disc(data: &[u8], at: usize, size: u32) -> u32 {
    match size {
        1 => u32::from(data[at]),
        2 => u32::from(u16::from_le_bytes(get(data, at))),
        _ => u32::from_le_bytes(get(data, at)),
    }
}

/// Loads a value of `shape` at `at` in `data`, a copy of guest memory.
pub(super) fn load<'py>(
    py: Python<'py>,
    shape: &Shape,
    cx: &mut Cx<'_, '_>,
    data: &[u8],
    at: usize,
) -> Res<Bound<'py, PyAny>> {
    Ok(match &shape.kind {
        Kind::Bool => PyBool::new(py, data[at] != 0).to_owned().into_any(),
        Kind::S8 => (data[at] as i8).into_pyobject(py)?.into_any(),
        Kind::U8 => data[at].into_pyobject(py)?.into_any(),
        Kind::S16 => i16::from_le_bytes(get(data, at))
            .into_pyobject(py)?
            .into_any(),
        Kind::U16 => u16::from_le_bytes(get(data, at))
            .into_pyobject(py)?
            .into_any(),
        Kind::S32 => i32::from_le_bytes(get(data, at))
            .into_pyobject(py)?
            .into_any(),
        Kind::U32 => u32::from_le_bytes(get(data, at))
            .into_pyobject(py)?
            .into_any(),
        Kind::S64 => i64::from_le_bytes(get(data, at))
            .into_pyobject(py)?
            .into_any(),
        Kind::U64 => u64::from_le_bytes(get(data, at))
            .into_pyobject(py)?
            .into_any(),
        Kind::F32 => PyFloat::new(py, f64::from(f32::from_le_bytes(get(data, at)))).into_any(),
        Kind::F64 => PyFloat::new(py, f64::from_le_bytes(get(data, at))).into_any(),
        Kind::Char => {
            let c = lift_char(u32::from_le_bytes(get(data, at)))?;
            PyString::new(py, c.encode_utf8(&mut [0; 4])).into_any()
        }
        Kind::String | Kind::Bytes | Kind::List(_) => {
            let ptr = u32::from_le_bytes(get(data, at));
            let len = u32::from_le_bytes(get(data, at + 4));
            lift_list_like(py, shape, cx, ptr, len)?
        }
        Kind::Record { cls, fields } => {
            let mut values = Vec::with_capacity(fields.len());
            for (_, f, offset) in fields {
                values.push(load(py, f, cx, data, at + *offset as usize)?);
            }
            cls.bind(py).call1(PyTuple::new(py, values)?)?
        }
        Kind::Tuple(elems) => {
            let mut values = Vec::with_capacity(elems.len());
            for (e, offset) in elems {
                values.push(load(py, e, cx, data, at + *offset as usize)?);
            }
            PyTuple::new(py, values)?.into_any()
        }
        Kind::Variant { payload, .. }
        | Kind::Option { payload, .. }
        | Kind::Result { payload, .. } => {
            let case = checked_case(shape, get_disc(data, at, shape.discriminant_size()))?;
            let value = match case_shape(shape, case) {
                Some(s) => Some(load(py, s, cx, data, at + *payload as usize)?),
                None => None,
            };
            make_case(py, shape, case, value)?
        }
        Kind::Enum { .. } | Kind::Flags { .. } | Kind::Own(..) | Kind::Borrow(..) => {
            let v = match &shape.kind {
                Kind::Enum { .. } | Kind::Flags { .. } => get_disc(data, at, shape.size),
                _ => u32::from_le_bytes(get(data, at)),
            };
            lift_flat(py, shape, cx, &[u64::from(v)], &mut 0)?
        }
    })
}
