//! Lowering Python objects into flat values and the guest's memory.

use super::*;

pub(super) fn type_error(expected: &str, obj: &Bound<'_, PyAny>) -> Failure {
    let got = obj
        .get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "an object".into());
    Failure::Py(PyTypeError::new_err(format!(
        "expected {expected}, got {got}"
    )))
}

pub(super) fn int<T: for<'a, 'py> FromPyObject<'a, 'py>>(
    obj: &Bound<'_, PyAny>,
    what: &str,
) -> Res<T> {
    if !obj.is_instance_of::<PyInt>() || obj.is_instance_of::<PyBool>() {
        return Err(type_error("an int", obj));
    }
    obj.extract::<T>().map_err(|_| {
        Failure::Py(PyValueError::new_err(format!(
            "{obj} is out of range for {what}"
        )))
    })
}

pub(super) fn float(obj: &Bound<'_, PyAny>) -> Res<f64> {
    if let Ok(f) = obj.cast::<PyFloat>() {
        return Ok(f.value());
    }
    if obj.is_instance_of::<PyInt>() && !obj.is_instance_of::<PyBool>() {
        return Ok(obj.extract()?);
    }
    Err(type_error("a float", obj))
}

pub(super) fn char_of(obj: &Bound<'_, PyAny>) -> Res<u32> {
    let s = obj
        .cast::<PyString>()
        .map_err(|_| type_error("a str of one character", obj))?
        .to_cow()?;
    let mut chars = s.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) => Ok(u32::from(c)),
        _ => Err(type_error("a str of one character", obj)),
    }
}

/// The case index and payload of a variant-like value.
pub(super) fn case_of<'py>(
    shape: &Shape,
    obj: &Bound<'py, PyAny>,
) -> Res<(u32, Option<Bound<'py, PyAny>>)> {
    let py = obj.py();
    match &shape.kind {
        Kind::Variant { cases, index, .. } => {
            let cls = obj.get_type();
            let Some(i) = index.bind(py).get_item(&cls)? else {
                return Err(type_error("a case of the variant", obj));
            };
            let i: u32 = i.extract()?;
            let payload = match &cases[i as usize].1 {
                Some(_) => Some(obj.getattr(pyo3::intern!(py, "value"))?),
                None => None,
            };
            Ok((i, payload))
        }
        Kind::Option { wrap, .. } => {
            if obj.is_none() {
                Ok((0, None))
            } else if *wrap {
                if !obj.is_instance(runtime_class(py, &SOME, "Some")?)? {
                    return Err(type_error("None or Some", obj));
                }
                Ok((1, Some(obj.getattr(pyo3::intern!(py, "value"))?)))
            } else {
                Ok((1, Some(obj.clone())))
            }
        }
        Kind::Result { ok, err, .. } => {
            let value = || obj.getattr(pyo3::intern!(py, "value"));
            if obj.is_instance(runtime_class(py, &OK, "Ok")?)? {
                Ok((0, if ok.is_some() { Some(value()?) } else { None }))
            } else if obj.is_instance(runtime_class(py, &ERR, "Err")?)? {
                Ok((1, if err.is_some() { Some(value()?) } else { None }))
            } else {
                Err(type_error("Ok or Err", obj))
            }
        }
        _ => unreachable!("only variant-like shapes have cases"),
    }
}

pub(super) fn case_shape(shape: &Shape, case: u32) -> Option<&Shape> {
    match &shape.kind {
        Kind::Variant { cases, .. } => cases[case as usize].1.as_ref(),
        Kind::Option { some, .. } => (case == 1).then_some(&**some),
        Kind::Result { ok, err, .. } => {
            if case == 0 {
                ok.as_deref()
            } else {
                err.as_deref()
            }
        }
        _ => None,
    }
}

/// The `ResourceAny` of a handle object, for lowering: an own handle is
/// moved out of it (the object is dead afterwards), a borrow lent.
pub(super) fn handle_of(
    cx: &mut Cx<'_, '_>,
    handle: &Handle,
    ty: &ResourceType,
    obj: &Bound<'_, PyAny>,
    own: bool,
) -> Res<kiln::component::ResourceAny> {
    let py = obj.py();
    match handle {
        Handle::Wrapped(_) => {
            let inner = obj.getattr(pyo3::intern!(py, "_handle"))?;
            let r = inner
                .cast::<ResourceAny>()
                .map_err(|_| type_error("a resource handle", obj))?;
            if own {
                Ok(r.get().take()?)
            } else {
                Ok(r.get().handle()?)
            }
        }
        Handle::Table(table) => {
            let _ = cx;
            let rep: u32 = table.bind(py).call_method1("insert", (obj,))?.extract()?;
            let r = if own {
                kiln::component::ResourceAny::new_own(ty.clone(), rep)
            } else {
                kiln::component::ResourceAny::new_borrow(ty.clone(), rep)
            };
            Ok(r?)
        }
    }
}

pub(super) fn lower_flat(
    shape: &Shape,
    cx: &mut Cx<'_, '_>,
    obj: &Bound<'_, PyAny>,
    out: &mut Vec<u64>,
) -> Res<()> {
    match &shape.kind {
        Kind::Bool => out.push(u64::from(
            obj.cast::<PyBool>()
                .map_err(|_| type_error("a bool", obj))?
                .is_true(),
        )),
        Kind::S8 => out.push(u64::from(int::<i8>(obj, "s8")? as u32)),
        Kind::U8 => out.push(u64::from(int::<u8>(obj, "u8")?)),
        Kind::S16 => out.push(u64::from(int::<i16>(obj, "s16")? as u32)),
        Kind::U16 => out.push(u64::from(int::<u16>(obj, "u16")?)),
        Kind::S32 => out.push(u64::from(int::<i32>(obj, "s32")? as u32)),
        Kind::U32 => out.push(u64::from(int::<u32>(obj, "u32")?)),
        Kind::S64 => out.push(int::<i64>(obj, "s64")? as u64),
        Kind::U64 => out.push(int::<u64>(obj, "u64")?),
        Kind::F32 => out.push(u64::from((float(obj)? as f32).to_bits())),
        Kind::F64 => out.push(float(obj)?.to_bits()),
        Kind::Char => out.push(u64::from(char_of(obj)?)),
        Kind::String | Kind::Bytes | Kind::List(_) => {
            let (ptr, len) = lower_list_like(shape, cx, obj)?;
            out.push(u64::from(ptr));
            out.push(u64::from(len));
        }
        Kind::Record { fields, .. } => {
            for (name, f, _) in fields {
                lower_flat(f, cx, &obj.getattr(name.bind(obj.py()))?, out)?;
            }
        }
        Kind::Tuple(elems) => {
            let t = obj
                .cast::<PyTuple>()
                .map_err(|_| type_error("a tuple", obj))?;
            if t.len() != elems.len() {
                return Err(type_error(&format!("a tuple of {}", elems.len()), obj));
            }
            for ((e, _), v) in elems.iter().zip(t.iter()) {
                lower_flat(e, cx, &v, out)?;
            }
        }
        Kind::Variant { .. } | Kind::Option { .. } | Kind::Result { .. } => {
            let (case, payload) = case_of(shape, obj)?;
            let start = out.len();
            out.push(u64::from(case));
            if let (Some(s), Some(p)) = (case_shape(shape, case), payload) {
                lower_flat(s, cx, &p, out)?;
            }
            out.resize(start + shape.flat, 0);
        }
        Kind::Enum { index, .. } => {
            let Some(i) = index.bind(obj.py()).get_item(obj)? else {
                return Err(type_error("a member of the enum", obj));
            };
            out.push(i.extract()?);
        }
        Kind::Flags { cls, .. } => {
            if !obj.is_instance(cls.bind(obj.py()))? {
                return Err(type_error("flags of the type", obj));
            }
            out.push(u64::from(obj.getattr("value")?.extract::<u32>()?));
        }
        Kind::Own(handle, ty) => {
            let r = handle_of(cx, handle, ty, obj, true)?;
            out.push(u64::from(cx.lower_own(&r, ty)?));
        }
        Kind::Borrow(handle, ty) => {
            let r = handle_of(cx, handle, ty, obj, false)?;
            out.push(u64::from(cx.lower_borrow(&r, ty)?));
        }
    }
    Ok(())
}

/// Lowers a string, `bytes` or list into memory: its pointer and length.
pub(super) fn lower_list_like(
    shape: &Shape,
    cx: &mut Cx<'_, '_>,
    obj: &Bound<'_, PyAny>,
) -> Res<(u32, u32)> {
    match &shape.kind {
        Kind::String => {
            let s = obj
                .cast::<PyString>()
                .map_err(|_| type_error("a str", obj))?;
            with_utf8(s, |text| Ok(cx.store_string(text)?))
        }
        Kind::Bytes => {
            let b = obj
                .cast::<PyBytes>()
                .map_err(|_| type_error("bytes", obj))?;
            let bytes = b.as_bytes();
            let len = u32::try_from(bytes.len()).map_err(|_| kiln_error("the list is too long"))?;
            let ptr = cx.realloc(1, len)?;
            cx.bytes_mut(ptr, len)?.copy_from_slice(bytes);
            Ok((ptr, len))
        }
        Kind::List(elem) => {
            let list = obj
                .cast::<PyList>()
                .map_err(|_| type_error("a list", obj))?;
            let n = list.len();
            let total = (n as u64) * u64::from(elem.size);
            let total = u32::try_from(total).map_err(|_| kiln_error("the list is too long"))?;
            let mut buf = vec![0u8; total as usize];
            for (i, item) in list.iter().enumerate() {
                store(elem, cx, &item, &mut buf, i * elem.size as usize)?;
            }
            let ptr = cx.realloc(elem.align, total)?;
            cx.bytes_mut(ptr, total)?.copy_from_slice(&buf);
            Ok((ptr, n as u32))
        }
        _ => unreachable!("only strings and lists are lowered this way"),
    }
}

#[cfg(not(windows))]
extern "C" {
    /// In the stable ABI since CPython 3.10, so pyo3's `abi3-py39` does not
    /// declare it; called only when the running interpreter is 3.10 or later.
    /// (Every CPython on Unix exports it, so the module loads on 3.9 too;
    /// Windows' `python3.dll` of 3.9 does not, hence no Windows here.)
    fn PyUnicode_AsUTF8AndSize(
        unicode: *mut pyo3::ffi::PyObject,
        size: *mut pyo3::ffi::Py_ssize_t,
    ) -> *const std::os::raw::c_char;
}

/// Whether `PyUnicode_AsUTF8AndSize` may be called: the interpreter is
/// 3.10 or later (it is in the stable ABI there).
#[cfg(not(windows))]
fn utf8_borrowable(py: Python<'_>) -> bool {
    static BORROWABLE: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *BORROWABLE.get_or_init(|| py.version_info() >= (3, 10))
}

/// Calls `f` with the UTF-8 text of `s`. On CPython 3.10 and later the text
/// is borrowed from the string (an ASCII string's own characters, or the
/// UTF-8 copy CPython caches in the string); on 3.9, whose limited API has
/// no borrowed view, it is encoded into a temporary `bytes`. A lone
/// surrogate, which UTF-8 cannot encode, raises `UnicodeEncodeError` either
/// way.
pub(super) fn with_utf8<R>(s: &Bound<'_, PyString>, f: impl FnOnce(&str) -> Res<R>) -> Res<R> {
    #[cfg(not(windows))]
    if utf8_borrowable(s.py()) {
        let mut len: pyo3::ffi::Py_ssize_t = 0;
        // SAFETY: `s` is a live `str` (a bound reference, with the GIL
        // held), and `len` is a valid place for the length.
        let ptr = unsafe { PyUnicode_AsUTF8AndSize(s.as_ptr(), &mut len) };
        if ptr.is_null() {
            return Err(Failure::Py(PyErr::fetch(s.py())));
        }
        // SAFETY: CPython returns `len` bytes at `ptr` that belong to the
        // string and live as long as it does: `s` holds a reference for the
        // whole call of `f`, and a `str` is immutable. They are valid UTF-8,
        // since CPython's encoder is strict (it fails on lone surrogates,
        // above, rather than writing them).
        let text = unsafe {
            std::str::from_utf8_unchecked(std::slice::from_raw_parts(
                ptr.cast::<u8>(),
                len as usize,
            ))
        };
        return f(text);
    }
    let bytes = s.encode_utf8()?;
    let text = std::str::from_utf8(bytes.as_bytes())
        .map_err(|e| Failure::Py(PyValueError::new_err(e.to_string())))?;
    f(text)
}

pub(super) fn put(buf: &mut [u8], at: usize, bytes: &[u8]) {
    buf[at..at + bytes.len()].copy_from_slice(bytes);
}

pub(super) fn put_disc(buf: &mut [u8], at: usize, size: u32, value: u32) {
    match size {
        1 => buf[at] = value as u8,
        2 => put(buf, at, &(value as u16).to_le_bytes()),
        _ => put(buf, at, &value.to_le_bytes()),
    }
}

/// Stores `obj` at `at` in `buf`, a host-side copy of guest memory being
/// assembled.
pub(super) fn store(
    shape: &Shape,
    cx: &mut Cx<'_, '_>,
    obj: &Bound<'_, PyAny>,
    buf: &mut [u8],
    at: usize,
) -> Res<()> {
    match &shape.kind {
        Kind::Bool => {
            buf[at] = u8::from(
                obj.cast::<PyBool>()
                    .map_err(|_| type_error("a bool", obj))?
                    .is_true(),
            )
        }
        Kind::S8 => buf[at] = int::<i8>(obj, "s8")? as u8,
        Kind::U8 => buf[at] = int::<u8>(obj, "u8")?,
        Kind::S16 => put(buf, at, &int::<i16>(obj, "s16")?.to_le_bytes()),
        Kind::U16 => put(buf, at, &int::<u16>(obj, "u16")?.to_le_bytes()),
        Kind::S32 => put(buf, at, &int::<i32>(obj, "s32")?.to_le_bytes()),
        Kind::U32 => put(buf, at, &int::<u32>(obj, "u32")?.to_le_bytes()),
        Kind::S64 => put(buf, at, &int::<i64>(obj, "s64")?.to_le_bytes()),
        Kind::U64 => put(buf, at, &int::<u64>(obj, "u64")?.to_le_bytes()),
        Kind::F32 => put(buf, at, &(float(obj)? as f32).to_le_bytes()),
        Kind::F64 => put(buf, at, &float(obj)?.to_le_bytes()),
        Kind::Char => put(buf, at, &char_of(obj)?.to_le_bytes()),
        Kind::String | Kind::Bytes | Kind::List(_) => {
            let (ptr, len) = lower_list_like(shape, cx, obj)?;
            put(buf, at, &ptr.to_le_bytes());
            put(buf, at + 4, &len.to_le_bytes());
        }
        Kind::Record { fields, .. } => {
            for (name, f, offset) in fields {
                store(
                    f,
                    cx,
                    &obj.getattr(name.bind(obj.py()))?,
                    buf,
                    at + *offset as usize,
                )?;
            }
        }
        Kind::Tuple(elems) => {
            let t = obj
                .cast::<PyTuple>()
                .map_err(|_| type_error("a tuple", obj))?;
            if t.len() != elems.len() {
                return Err(type_error(&format!("a tuple of {}", elems.len()), obj));
            }
            for ((e, offset), v) in elems.iter().zip(t.iter()) {
                store(e, cx, &v, buf, at + *offset as usize)?;
            }
        }
        Kind::Variant { payload, .. }
        | Kind::Option { payload, .. }
        | Kind::Result { payload, .. } => {
            let (case, value) = case_of(shape, obj)?;
            put_disc(buf, at, shape.discriminant_size(), case);
            if let (Some(s), Some(v)) = (case_shape(shape, case), value) {
                store(s, cx, &v, buf, at + *payload as usize)?;
            }
        }
        Kind::Enum { index, .. } => {
            let Some(i) = index.bind(obj.py()).get_item(obj)? else {
                return Err(type_error("a member of the enum", obj));
            };
            put_disc(buf, at, shape.size, i.extract()?);
        }
        Kind::Flags { .. } => {
            let mut flat = Vec::with_capacity(1);
            lower_flat(shape, cx, obj, &mut flat)?;
            let bits = flat[0] as u32;
            put(buf, at, &bits.to_le_bytes()[..shape.size as usize]);
        }
        Kind::Own(..) | Kind::Borrow(..) => {
            let mut flat = Vec::with_capacity(1);
            lower_flat(shape, cx, obj, &mut flat)?;
            put(buf, at, &(flat[0] as u32).to_le_bytes());
        }
    }
    Ok(())
}

/// Checks, before a call begins, that every handle object in `obj` is
/// still alive: using a dropped or moved handle is then a `KilnError`
/// that leaves the instance usable, rather than a failure in the middle of
/// lowering, which would abandon the call.
pub(super) fn check_handles(shape: &Shape, obj: &Bound<'_, PyAny>) -> Res<()> {
    let py = obj.py();
    match &shape.kind {
        Kind::Own(Handle::Wrapped(_), _) | Kind::Borrow(Handle::Wrapped(_), _) => {
            let inner = obj.getattr(pyo3::intern!(py, "_handle"))?;
            let r = inner
                .cast::<ResourceAny>()
                .map_err(|_| type_error("a resource handle", obj))?;
            r.get().handle()?;
        }
        Kind::List(e) if e.ty.has_resources() => {
            for item in obj
                .cast::<PyList>()
                .map_err(|_| type_error("a list", obj))?
                .iter()
            {
                check_handles(e, &item)?;
            }
        }
        Kind::Record { fields, .. } => {
            for (name, f, _) in fields.iter().filter(|(_, f, _)| f.ty.has_resources()) {
                check_handles(f, &obj.getattr(name.bind(py))?)?;
            }
        }
        Kind::Tuple(elems) => {
            let t = obj
                .cast::<PyTuple>()
                .map_err(|_| type_error("a tuple", obj))?;
            for ((e, _), v) in elems.iter().zip(t.iter()) {
                check_handles(e, &v)?;
            }
        }
        Kind::Variant { .. } | Kind::Option { .. } | Kind::Result { .. } => {
            let (case, payload) = case_of(shape, obj)?;
            if let (Some(s), Some(p)) = (case_shape(shape, case), payload) {
                check_handles(s, &p)?;
            }
        }
        _ => {}
    }
    Ok(())
}

/// Checks a top-level argument before a call begins, as far as is cheap:
/// scalars fully, strings, `bytes` and lists by their Python type. A
/// wrong value found later, while lowering, abandons the call (the
/// instance cannot be entered again, as after a trap).
pub(super) fn precheck(shape: &Shape, obj: &Bound<'_, PyAny>) -> Res<()> {
    match &shape.kind {
        Kind::Bool => {
            obj.cast::<PyBool>()
                .map_err(|_| type_error("a bool", obj))?;
        }
        Kind::S8 => drop(int::<i8>(obj, "s8")?),
        Kind::U8 => drop(int::<u8>(obj, "u8")?),
        Kind::S16 => drop(int::<i16>(obj, "s16")?),
        Kind::U16 => drop(int::<u16>(obj, "u16")?),
        Kind::S32 => drop(int::<i32>(obj, "s32")?),
        Kind::U32 => drop(int::<u32>(obj, "u32")?),
        Kind::S64 => drop(int::<i64>(obj, "s64")?),
        Kind::U64 => drop(int::<u64>(obj, "u64")?),
        Kind::F32 | Kind::F64 => drop(float(obj)?),
        Kind::Char => drop(char_of(obj)?),
        Kind::String => with_utf8(
            obj.cast::<PyString>()
                .map_err(|_| type_error("a str", obj))?,
            |_| Ok(()),
        )?,
        Kind::Bytes => {
            obj.cast::<PyBytes>()
                .map_err(|_| type_error("bytes", obj))?;
        }
        Kind::List(_) => {
            obj.cast::<PyList>()
                .map_err(|_| type_error("a list", obj))?;
        }
        Kind::Record { cls, .. } | Kind::Flags { cls, .. }
            if !obj.is_instance(cls.bind(obj.py()))? =>
        {
            return Err(type_error("an instance of the generated class", obj));
        }
        Kind::Enum { index, .. } if index.bind(obj.py()).get_item(obj)?.is_none() => {
            return Err(type_error("a member of the enum", obj));
        }
        Kind::Variant { .. } | Kind::Option { .. } | Kind::Result { .. } => {
            case_of(shape, obj)?;
        }
        _ => {}
    }
    if shape.ty.has_resources() {
        check_handles(shape, obj)?;
    }
    Ok(())
}
