//! Component values (`kiln_component_val_t`): the dynamic path from C,
//! calling an export with values and defining host functions that receive
//! and return them. The engine type-checks, lowers and lifts; this file
//! only converts between the C tree and `kiln::component::Val`.
//!
//! Every block a value points to (a string's bytes, a list's elements, a
//! payload) comes from the C library's `malloc` and is released with `free`
//! by `kiln_component_val_delete`, so that a host builds the values it
//! hands to Kiln (a host function's results) with `malloc` too, without a
//! constructor call per node.

use super::component::{
    def_names, define_in, err, kiln_component_func_t, kiln_component_linker_t,
    kiln_component_resource_t, trap_of,
};
use super::error::{kiln_error_t, run};
use crate::guard;
use crate::reference::HostInfo;
use crate::store::{lend_while, store_mut, wasm_store_t, StoreData};
use crate::trap::wasm_trap_t;
use kiln::component::Val;
use kiln::{AsContextMut, ErrorKind, StoreContextMut};
use std::alloc::Layout;
use std::ffi::{c_char, c_void};
use std::ptr;

extern "C" {
    fn malloc(size: usize) -> *mut c_void;
    fn free(ptr: *mut c_void);
}

/// Which member of `kiln_component_val_t::of` a value holds: one of the
/// `KILN_COMPONENT_*` constants.
pub type kiln_component_valkind_t = u8;

/// `bool`, in `of.boolean`.
pub const KILN_COMPONENT_BOOL: kiln_component_valkind_t = 0;
/// `s8`, in `of.s8`.
pub const KILN_COMPONENT_S8: kiln_component_valkind_t = 1;
/// `u8`, in `of.u8`.
pub const KILN_COMPONENT_U8: kiln_component_valkind_t = 2;
/// `s16`, in `of.s16`.
pub const KILN_COMPONENT_S16: kiln_component_valkind_t = 3;
/// `u16`, in `of.u16`.
pub const KILN_COMPONENT_U16: kiln_component_valkind_t = 4;
/// `s32`, in `of.s32`.
pub const KILN_COMPONENT_S32: kiln_component_valkind_t = 5;
/// `u32`, in `of.u32`.
pub const KILN_COMPONENT_U32: kiln_component_valkind_t = 6;
/// `s64`, in `of.s64`.
pub const KILN_COMPONENT_S64: kiln_component_valkind_t = 7;
/// `u64`, in `of.u64`.
pub const KILN_COMPONENT_U64: kiln_component_valkind_t = 8;
/// `f32`, in `of.f32`.
pub const KILN_COMPONENT_F32: kiln_component_valkind_t = 9;
/// `f64`, in `of.f64`.
pub const KILN_COMPONENT_F64: kiln_component_valkind_t = 10;
/// `char`, a Unicode scalar value in `of.character`.
pub const KILN_COMPONENT_CHAR: kiln_component_valkind_t = 11;
/// `string`, UTF-8 in `of.string`.
pub const KILN_COMPONENT_STRING: kiln_component_valkind_t = 12;
/// `list<T>`, in `of.list`.
pub const KILN_COMPONENT_LIST: kiln_component_valkind_t = 13;
/// A record, its fields in the type's order in `of.record`.
pub const KILN_COMPONENT_RECORD: kiln_component_valkind_t = 14;
/// A tuple, in `of.list`.
pub const KILN_COMPONENT_TUPLE: kiln_component_valkind_t = 15;
/// A variant, in `of.variant`.
pub const KILN_COMPONENT_VARIANT: kiln_component_valkind_t = 16;
/// An enum: the case's name in `of.enumeration`.
pub const KILN_COMPONENT_ENUM: kiln_component_valkind_t = 17;
/// `option<T>`: `of.option` is the payload, or NULL for `none`.
pub const KILN_COMPONENT_OPTION: kiln_component_valkind_t = 18;
/// `result<T, E>`, in `of.result`.
pub const KILN_COMPONENT_RESULT: kiln_component_valkind_t = 19;
/// Flags: the names of those set, in `of.flags`.
pub const KILN_COMPONENT_FLAGS: kiln_component_valkind_t = 20;
/// `own<R>` or `borrow<R>`: `of.resource`.
pub const KILN_COMPONENT_RESOURCE: kiln_component_valkind_t = 21;

/// A string of `size` UTF-8 bytes at `data` (not null-terminated; `data`
/// may be NULL when `size` is 0).
#[repr(C)]
#[derive(Clone, Copy)]
pub struct kiln_component_string_t {
    /// The length in bytes.
    pub size: usize,
    /// The bytes, from `malloc` in a value Kiln or the host owns.
    pub data: *mut c_char,
}

/// The elements of a list or a tuple.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct kiln_component_vallist_t {
    /// The number of elements.
    pub size: usize,
    /// The elements (NULL when there are none).
    pub data: *mut kiln_component_val_t,
}

/// The fields of a record, in the type's order: `names[i]` is the name of
/// the field whose value is `vals[i]`.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct kiln_component_valrecord_t {
    /// The number of fields.
    pub size: usize,
    /// Their names (NULL when there are none).
    pub names: *mut kiln_component_string_t,
    /// Their values (NULL when there are none).
    pub vals: *mut kiln_component_val_t,
}

/// A variant's case.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct kiln_component_valvariant_t {
    /// The case's name.
    pub name: kiln_component_string_t,
    /// Its payload, or NULL for a case without one.
    pub val: *mut kiln_component_val_t,
}

/// A result's side.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct kiln_component_valresult_t {
    /// Whether this is the `err` side.
    pub is_err: bool,
    /// Its payload, or NULL when that side has no payload type.
    pub val: *mut kiln_component_val_t,
}

/// The flags that are set, by name.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct kiln_component_valflags_t {
    /// The number of names.
    pub size: usize,
    /// The names (NULL when there are none).
    pub data: *mut kiln_component_string_t,
}

/// The payload of a `kiln_component_val_t`, chosen by its kind.
#[repr(C)]
#[derive(Clone, Copy)]
pub union kiln_component_valunion_t {
    /// `KILN_COMPONENT_BOOL`
    pub boolean: bool,
    /// `KILN_COMPONENT_S8`
    pub s8: i8,
    /// `KILN_COMPONENT_U8`
    pub u8: u8,
    /// `KILN_COMPONENT_S16`
    pub s16: i16,
    /// `KILN_COMPONENT_U16`
    pub u16: u16,
    /// `KILN_COMPONENT_S32`
    pub s32: i32,
    /// `KILN_COMPONENT_U32`
    pub u32: u32,
    /// `KILN_COMPONENT_S64`
    pub s64: i64,
    /// `KILN_COMPONENT_U64`
    pub u64: u64,
    /// `KILN_COMPONENT_F32`
    pub f32: f32,
    /// `KILN_COMPONENT_F64`
    pub f64: f64,
    /// `KILN_COMPONENT_CHAR`
    pub character: u32,
    /// `KILN_COMPONENT_STRING`
    pub string: kiln_component_string_t,
    /// `KILN_COMPONENT_LIST` and `KILN_COMPONENT_TUPLE`
    pub list: kiln_component_vallist_t,
    /// `KILN_COMPONENT_RECORD`
    pub record: kiln_component_valrecord_t,
    /// `KILN_COMPONENT_VARIANT`
    pub variant: kiln_component_valvariant_t,
    /// `KILN_COMPONENT_ENUM`
    pub enumeration: kiln_component_string_t,
    /// `KILN_COMPONENT_OPTION`
    pub option: *mut kiln_component_val_t,
    /// `KILN_COMPONENT_RESULT`
    pub result: kiln_component_valresult_t,
    /// `KILN_COMPONENT_FLAGS`
    pub flags: kiln_component_valflags_t,
    /// `KILN_COMPONENT_RESOURCE`: owned by the value.
    pub resource: *mut kiln_component_resource_t,
}

/// A value of a component function's parameter or result
/// (`kiln::component::Val`). A value owns what it points to, all of it from
/// `malloc` (resources aside: `kiln_component_resource_t`s), and
/// `kiln_component_val_delete` releases it.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct kiln_component_val_t {
    /// Which member of `of` is set.
    pub kind: kiln_component_valkind_t,
    /// The value.
    pub of: kiln_component_valunion_t,
}

/// How deep a value from C may nest: deeper than any component type can,
/// and shallow enough that converting it cannot exhaust the stack, even
/// if the host built a cycle by mistake.
const MAX_DEPTH: usize = 1000;

/// A value without memory, safe to delete: what a host function's results
/// hold until it sets them.
const EMPTY: kiln_component_val_t = kiln_component_val_t {
    kind: KILN_COMPONENT_BOOL,
    of: kiln_component_valunion_t { boolean: false },
};

/// Moves `items` into a block from `malloc`; (0, NULL) when empty.
fn c_array<T>(items: impl IntoIterator<Item = T>) -> (usize, *mut T) {
    let items: Vec<T> = items.into_iter().collect();
    if items.is_empty() {
        return (0, ptr::null_mut());
    }
    let layout = Layout::array::<T>(items.len()).expect("a value's array fits in memory");
    // SAFETY: `malloc` has no preconditions; the size is not zero, and
    // malloc's alignment suits every type of this file.
    let data = unsafe { malloc(layout.size()) }.cast::<T>();
    if data.is_null() {
        std::alloc::handle_alloc_error(layout);
    }
    let size = items.len();
    for (i, item) in items.into_iter().enumerate() {
        // SAFETY: `data` has room for `size` elements and `i < size`.
        unsafe { data.add(i).write(item) };
    }
    (size, data)
}

/// A `malloc` copy of `s`.
fn c_string(s: &str) -> kiln_component_string_t {
    if s.is_empty() {
        return kiln_component_string_t {
            size: 0,
            data: ptr::null_mut(),
        };
    }
    // SAFETY: `malloc` has no preconditions; the size is not zero.
    let data = unsafe { malloc(s.len()) }.cast::<u8>();
    if data.is_null() {
        std::alloc::handle_alloc_error(Layout::array::<u8>(s.len()).expect("a string's size"));
    }
    // SAFETY: `data` has room for the string's bytes, and a new block does
    // not overlap them.
    unsafe { ptr::copy_nonoverlapping(s.as_ptr(), data, s.len()) };
    kiln_component_string_t {
        size: s.len(),
        data: data.cast(),
    }
}

/// A `malloc` block holding `v`.
fn c_box(v: kiln_component_val_t) -> *mut kiln_component_val_t {
    c_array([v]).1
}

/// `v` as a C value whose memory comes from `malloc` (a resource is a
/// new handle to the same resource).
pub(crate) fn to_c(v: &Val) -> kiln_component_val_t {
    use kiln_component_valunion_t as U;
    let payload = |p: &Option<Box<Val>>| p.as_deref().map_or(ptr::null_mut(), |p| c_box(to_c(p)));
    let list = |items: &[Val]| {
        let (size, data) = c_array(items.iter().map(to_c));
        kiln_component_vallist_t { size, data }
    };
    let (kind, of) = match v {
        Val::Bool(boolean) => (KILN_COMPONENT_BOOL, U { boolean: *boolean }),
        Val::S8(s8) => (KILN_COMPONENT_S8, U { s8: *s8 }),
        Val::U8(u8) => (KILN_COMPONENT_U8, U { u8: *u8 }),
        Val::S16(s16) => (KILN_COMPONENT_S16, U { s16: *s16 }),
        Val::U16(u16) => (KILN_COMPONENT_U16, U { u16: *u16 }),
        Val::S32(s32) => (KILN_COMPONENT_S32, U { s32: *s32 }),
        Val::U32(u32) => (KILN_COMPONENT_U32, U { u32: *u32 }),
        Val::S64(s64) => (KILN_COMPONENT_S64, U { s64: *s64 }),
        Val::U64(u64) => (KILN_COMPONENT_U64, U { u64: *u64 }),
        Val::Float32(f32) => (KILN_COMPONENT_F32, U { f32: *f32 }),
        Val::Float64(f64) => (KILN_COMPONENT_F64, U { f64: *f64 }),
        Val::Char(c) => (
            KILN_COMPONENT_CHAR,
            U {
                character: u32::from(*c),
            },
        ),
        Val::String(s) => (
            KILN_COMPONENT_STRING,
            U {
                string: c_string(s),
            },
        ),
        Val::List(items) => (KILN_COMPONENT_LIST, U { list: list(items) }),
        Val::Tuple(items) => (KILN_COMPONENT_TUPLE, U { list: list(items) }),
        Val::Record(fields) => {
            let (names, vals): (Vec<_>, Vec<_>) = fields
                .iter()
                .map(|(name, v)| (c_string(name), to_c(v)))
                .unzip();
            let (size, names) = c_array(names);
            let (_, vals) = c_array(vals);
            (
                KILN_COMPONENT_RECORD,
                U {
                    record: kiln_component_valrecord_t { size, names, vals },
                },
            )
        }
        Val::Variant(name, p) => (
            KILN_COMPONENT_VARIANT,
            U {
                variant: kiln_component_valvariant_t {
                    name: c_string(name),
                    val: payload(p),
                },
            },
        ),
        Val::Enum(name) => (
            KILN_COMPONENT_ENUM,
            U {
                enumeration: c_string(name),
            },
        ),
        Val::Option(p) => (KILN_COMPONENT_OPTION, U { option: payload(p) }),
        Val::Result(r) => {
            let (is_err, p) = match r {
                Ok(p) => (false, p),
                Err(p) => (true, p),
            };
            (
                KILN_COMPONENT_RESULT,
                U {
                    result: kiln_component_valresult_t {
                        is_err,
                        val: payload(p),
                    },
                },
            )
        }
        Val::Flags(names) => {
            let (size, data) = c_array(names.iter().map(|n| c_string(n)));
            (
                KILN_COMPONENT_FLAGS,
                U {
                    flags: kiln_component_valflags_t { size, data },
                },
            )
        }
        Val::Resource(resource) => (
            KILN_COMPONENT_RESOURCE,
            U {
                resource: Box::into_raw(Box::new(kiln_component_resource_t {
                    resource: resource.clone(),
                })),
            },
        ),
    };
    kiln_component_val_t { kind, of }
}

/// The elements of a C array, borrowed; an error if it is NULL but not
/// empty.
///
/// # Safety
/// `data` is NULL or points to `size` initialised elements.
unsafe fn c_slice<'a, T>(size: usize, data: *const T) -> Result<&'a [T], String> {
    if size == 0 {
        return Ok(&[]);
    }
    if data.is_null() {
        return Err(format!("NULL data for {size} elements"));
    }
    // SAFETY: guaranteed by the caller, checked non-null.
    Ok(unsafe { std::slice::from_raw_parts(data, size) })
}

/// The string `s`, copied; an error if it is not UTF-8.
///
/// # Safety
/// `s` describes `size` readable bytes (see [`c_slice`]).
unsafe fn from_c_string(s: &kiln_component_string_t) -> Result<String, String> {
    // SAFETY: guaranteed by the caller.
    let bytes = unsafe { c_slice(s.size, s.data.cast::<u8>()) }?;
    String::from_utf8(bytes.to_vec()).map_err(|e| format!("string is not UTF-8: {e}"))
}

/// `v` as an engine value (copied; a resource is shared, not taken); an
/// error naming what is wrong with it.
///
/// # Safety
/// `v` is a value whose kind says which member is set, with pointers as
/// the header describes.
pub(crate) unsafe fn from_c(v: &kiln_component_val_t) -> Result<Val, String> {
    // SAFETY: guaranteed by the caller.
    unsafe { from_c_at(v, 0) }
}

/// [`from_c`] at nesting depth `depth`.
///
/// # Safety
/// As for [`from_c`].
unsafe fn from_c_at(v: &kiln_component_val_t, depth: usize) -> Result<Val, String> {
    if depth > MAX_DEPTH {
        return Err(format!("value nested deeper than {MAX_DEPTH} levels"));
    }
    let child = |p: &kiln_component_val_t| {
        // SAFETY: a member of a valid value is valid (the caller's
        // guarantee).
        unsafe { from_c_at(p, depth + 1) }
    };
    let payload = |p: *mut kiln_component_val_t| -> Result<Option<Box<Val>>, String> {
        // SAFETY: a non-null payload points to a valid value.
        unsafe { p.as_ref() }
            .map(|p| child(p).map(Box::new))
            .transpose()
    };
    let list = |l: &kiln_component_vallist_t| -> Result<Vec<Val>, String> {
        // SAFETY: a valid list describes its elements.
        let items = unsafe { c_slice(l.size, l.data) }?;
        items
            .iter()
            .enumerate()
            .map(|(i, e)| child(e).map_err(|e| format!("element {i}: {e}")))
            .collect()
    };
    // SAFETY: `kind` says which member of the union is set, and the
    // arrays and strings it points to are as the header describes (the
    // caller's guarantee).
    let val = unsafe {
        match v.kind {
            KILN_COMPONENT_BOOL => Val::Bool(v.of.boolean),
            KILN_COMPONENT_S8 => Val::S8(v.of.s8),
            KILN_COMPONENT_U8 => Val::U8(v.of.u8),
            KILN_COMPONENT_S16 => Val::S16(v.of.s16),
            KILN_COMPONENT_U16 => Val::U16(v.of.u16),
            KILN_COMPONENT_S32 => Val::S32(v.of.s32),
            KILN_COMPONENT_U32 => Val::U32(v.of.u32),
            KILN_COMPONENT_S64 => Val::S64(v.of.s64),
            KILN_COMPONENT_U64 => Val::U64(v.of.u64),
            KILN_COMPONENT_F32 => Val::Float32(v.of.f32),
            KILN_COMPONENT_F64 => Val::Float64(v.of.f64),
            KILN_COMPONENT_CHAR => {
                let c = v.of.character;
                Val::Char(
                    char::from_u32(c)
                        .ok_or_else(|| format!("char {c:#x} is not a Unicode scalar value"))?,
                )
            }
            KILN_COMPONENT_STRING => Val::String(from_c_string(&v.of.string)?),
            KILN_COMPONENT_LIST => Val::List(list(&v.of.list)?),
            KILN_COMPONENT_TUPLE => Val::Tuple(list(&v.of.list)?),
            KILN_COMPONENT_RECORD => {
                let r = v.of.record;
                let names = c_slice(r.size, r.names)?;
                let vals = c_slice(r.size, r.vals)?;
                Val::Record(
                    names
                        .iter()
                        .zip(vals)
                        .map(|(n, v)| {
                            let name = from_c_string(n)?;
                            let val = child(v).map_err(|e| format!("field `{name}`: {e}"))?;
                            Ok((name, val))
                        })
                        .collect::<Result<_, String>>()?,
                )
            }
            KILN_COMPONENT_VARIANT => {
                let c = v.of.variant;
                let name = from_c_string(&c.name)?;
                let p = payload(c.val).map_err(|e| format!("case `{name}`: {e}"))?;
                Val::Variant(name, p)
            }
            KILN_COMPONENT_ENUM => Val::Enum(from_c_string(&v.of.enumeration)?),
            KILN_COMPONENT_OPTION => {
                Val::Option(payload(v.of.option).map_err(|e| format!("some: {e}"))?)
            }
            KILN_COMPONENT_RESULT => {
                let r = v.of.result;
                let side = if r.is_err { "err" } else { "ok" };
                let p = payload(r.val).map_err(|e| format!("{side}: {e}"))?;
                Val::Result(if r.is_err { Err(p) } else { Ok(p) })
            }
            KILN_COMPONENT_FLAGS => {
                let f = v.of.flags;
                let names = c_slice(f.size, f.data)?;
                Val::Flags(
                    names
                        .iter()
                        .map(|n| from_c_string(n))
                        .collect::<Result<_, _>>()?,
                )
            }
            KILN_COMPONENT_RESOURCE => {
                let r = v.of.resource.as_ref().ok_or("NULL resource")?;
                Val::Resource(r.resource.clone())
            }
            kind => return Err(format!("unknown value kind {kind}")),
        }
    };
    Ok(val)
}

/// Releases what `v` owns and leaves it empty.
///
/// # Safety
/// `v` is a value whose memory came from `malloc`, not released yet.
unsafe fn free_c(v: &mut kiln_component_val_t, depth: usize) {
    // Past the depth `from_c` accepts, a tree is a cycle or a mistake:
    // leaking is the only safe way out.
    if depth > MAX_DEPTH {
        return;
    }
    let free_payload = |p: *mut kiln_component_val_t| {
        // SAFETY: a non-null payload is a valid value in a `malloc` block
        // of its own, released here once.
        unsafe {
            if let Some(p) = p.as_mut() {
                free_c(p, depth + 1);
                free(ptr::from_mut(p).cast());
            }
        }
    };
    let free_list = |l: kiln_component_vallist_t| {
        if !l.data.is_null() {
            for i in 0..l.size {
                // SAFETY: the list's `size` elements are valid values.
                unsafe { free_c(&mut *l.data.add(i), depth + 1) };
            }
            // SAFETY: the elements' block came from `malloc`.
            unsafe { free(l.data.cast()) };
        }
    };
    let free_strings = |size: usize, data: *mut kiln_component_string_t| {
        if !data.is_null() {
            for i in 0..size {
                // SAFETY: the array's `size` strings came from `malloc`.
                unsafe { free((*data.add(i)).data.cast()) };
            }
            // SAFETY: the array came from `malloc`.
            unsafe { free(data.cast()) };
        }
    };
    // SAFETY: `kind` says which member of the union is set, and its blocks
    // came from `malloc` and are released once (the caller's guarantee).
    unsafe {
        match v.kind {
            KILN_COMPONENT_STRING => free(v.of.string.data.cast()),
            KILN_COMPONENT_ENUM => free(v.of.enumeration.data.cast()),
            KILN_COMPONENT_LIST | KILN_COMPONENT_TUPLE => free_list(v.of.list),
            KILN_COMPONENT_RECORD => {
                let r = v.of.record;
                free_strings(r.size, r.names);
                free_list(kiln_component_vallist_t {
                    size: r.size,
                    data: r.vals,
                });
            }
            KILN_COMPONENT_VARIANT => {
                free(v.of.variant.name.data.cast());
                free_payload(v.of.variant.val);
            }
            KILN_COMPONENT_OPTION => free_payload(v.of.option),
            KILN_COMPONENT_RESULT => free_payload(v.of.result.val),
            KILN_COMPONENT_FLAGS => free_strings(v.of.flags.size, v.of.flags.data),
            KILN_COMPONENT_RESOURCE => {
                let r = v.of.resource;
                if !r.is_null() {
                    drop(Box::from_raw(r));
                }
            }
            _ => {}
        }
    }
    *v = EMPTY;
}

/// Releases what `value` owns (its strings, elements, payloads and
/// resource handle, with `free` and `kiln_component_resource_delete`) and
/// leaves it an empty `bool`, so that deleting it again does nothing.
#[no_mangle]
pub unsafe extern "C" fn kiln_component_val_delete(value: Option<&mut kiln_component_val_t>) {
    guard((), || {
        if let Some(v) = value {
            // SAFETY: the header's rule: a value's memory comes from
            // `malloc` and is released once.
            unsafe { free_c(v, 0) }
        }
    })
}

/// Calls `func`, an export of an instance in `store`, with the `nargs`
/// values at `args` (borrowed; a resource is passed as the handle it
/// holds), writing its `nresults` results to `results` (owned by the
/// caller, to release with `kiln_component_val_delete`) on success.
///
/// A wrong argument (a value of the wrong type, the wrong number of them)
/// or an instance that cannot be entered is an error; a trap writes an
/// owned trap to `trap` and returns NULL, and leaves the instance unable to
/// be entered again.
#[no_mangle]
pub unsafe extern "C" fn kiln_component_func_call(
    func: Option<&kiln_component_func_t>,
    store: *mut wasm_store_t,
    args: *const kiln_component_val_t,
    nargs: usize,
    results: *mut kiln_component_val_t,
    nresults: usize,
    trap: Option<&mut *mut wasm_trap_t>,
) -> Option<Box<kiln_error_t>> {
    run(|| {
        let (Some(func), Some(trap)) = (func, trap) else {
            return Err(kiln_error_t::msg("NULL function or trap"));
        };
        *trap = ptr::null_mut();
        if store.is_null() {
            return Err(kiln_error_t::msg("NULL store"));
        }
        // SAFETY: `args` points to `nargs` values (the caller's guarantee).
        let c_args = unsafe { c_slice(nargs, args) }.map_err(kiln_error_t::msg)?;
        if results.is_null() && nresults != 0 {
            return Err(kiln_error_t::msg("NULL results"));
        }
        let mut args = Vec::with_capacity(c_args.len());
        for (i, a) in c_args.iter().enumerate() {
            // SAFETY: each argument is a valid value (the caller's
            // guarantee).
            let v = unsafe { from_c(a) }
                .map_err(|e| kiln_error_t::msg(format!("argument {i}: {e}")))?;
            args.push(v);
        }
        let mut outs = vec![Val::Bool(false); nresults];
        // SAFETY: `store` is a live store (checked non-null).
        let mut cx = unsafe { store_mut(store) };
        match func.func.call(&mut cx, &args, &mut outs) {
            Ok(()) => {
                for (i, v) in outs.into_iter().enumerate() {
                    // SAFETY: `results` has room for `nresults` values.
                    unsafe { results.add(i).write(to_c(&v)) };
                }
                Ok(())
            }
            Err(e) if e.kind() == ErrorKind::Usage => Err(err(e)),
            Err(e) => {
                *trap = trap_of(store, &e);
                Ok(())
            }
        }
    })
}

/// The number of parameters and results of `func`, an export of an
/// instance in `store`, written to `nparams` and `nresults`: how many
/// values `kiln_component_func_call` takes and gives.
#[no_mangle]
pub unsafe extern "C" fn kiln_component_func_arity(
    func: Option<&kiln_component_func_t>,
    store: *mut wasm_store_t,
    nparams: Option<&mut usize>,
    nresults: Option<&mut usize>,
) -> Option<Box<kiln_error_t>> {
    run(|| {
        let (Some(func), Some(nparams), Some(nresults)) = (func, nparams, nresults) else {
            return Err(kiln_error_t::msg("NULL function or out"));
        };
        if store.is_null() {
            return Err(kiln_error_t::msg("NULL store"));
        }
        // SAFETY: `store` is a live store (checked non-null).
        let store = unsafe { store_mut(store) };
        *nparams = func.func.params(&store).len();
        *nresults = func.func.results(&store).len();
        Ok(())
    })
}

/// Defines the function `name` of the instance `interface` (NULL: the
/// root) for calls with values: `callback` receives `env`, the store, the
/// `nargs` arguments and `nresults` results to set, each an empty `bool`
/// until it does. The arguments are Kiln's, released when the callback
/// returns; it may keep what one holds (a resource handle, say) by taking
/// it out and leaving an empty `bool` in its place. The results' memory passes to
/// Kiln when the callback returns, so it must come from `malloc` (a
/// resource: a `kiln_component_resource_t` Kiln takes). The callback
/// returns NULL or an owned trap. `finalizer` (if not NULL) runs with
/// `env` when the linker is deleted, or at once if the function cannot be
/// defined.
#[no_mangle]
pub unsafe extern "C" fn kiln_component_linker_func_new(
    linker: Option<&mut kiln_component_linker_t>,
    interface: *const c_char,
    name: *const c_char,
    callback: Option<
        unsafe extern "C" fn(
            *mut c_void,
            *mut wasm_store_t,
            *mut kiln_component_val_t,
            usize,
            *mut kiln_component_val_t,
            usize,
        ) -> *mut wasm_trap_t,
    >,
    env: *mut c_void,
    finalizer: Option<unsafe extern "C" fn(*mut c_void)>,
) -> Option<Box<kiln_error_t>> {
    // The environment is finalized even when the function is not defined.
    let env = HostInfo {
        info: env,
        finalizer,
    };
    run(|| {
        let (Some(linker), Some(callback)) = (linker, callback) else {
            return Err(kiln_error_t::msg("NULL linker or callback"));
        };
        // SAFETY: both are null or null-terminated strings.
        let (interface, name) = unsafe { def_names(interface, name)? };
        let label = match interface {
            Some(i) => format!("{i}/{name}"),
            None => name.to_string(),
        };
        let body = move |mut cx: StoreContextMut<'_, StoreData>,
                         params: &[Val],
                         results: &mut [Val]|
              -> kiln::Result<()> {
            // The whole `HostInfo` (which is `Send`), not just its pointer.
            let env = &env;
            let store = cx.data().this.0;
            let mut args: Vec<kiln_component_val_t> = params.iter().map(to_c).collect();
            let mut outs = vec![EMPTY; results.len()];
            // SAFETY: `store` holds the context lent, which the callback
            // reaches only through the store's operations, one at a time;
            // both vectors live for the call.
            let trap = unsafe {
                lend_while(store, cx.as_context_mut(), || {
                    callback(
                        env.info,
                        store,
                        args.as_mut_ptr(),
                        args.len(),
                        outs.as_mut_ptr(),
                        outs.len(),
                    )
                })
            };
            let mut outcome = Ok(());
            if trap.is_null() {
                for (i, (slot, out)) in results.iter_mut().zip(&outs).enumerate() {
                    // SAFETY: the callback set a valid value, or left the
                    // empty one.
                    match unsafe { from_c(out) } {
                        Ok(v) => *slot = v,
                        Err(e) => {
                            outcome = Err(kiln::Error::msg(format!(
                                "result {i} of host function `{label}`: {e}"
                            )));
                            break;
                        }
                    }
                }
            } else {
                // SAFETY: the callback returned an owned trap.
                outcome = Err(unsafe { Box::from_raw(trap) }.to_error());
            }
            for v in args.iter_mut().chain(outs.iter_mut()) {
                // SAFETY: Kiln made the arguments with `malloc`, and the
                // results are the callback's, handed over.
                unsafe { free_c(v, 0) };
            }
            outcome
        };
        define_in(linker, interface, |mut i| {
            i.func_new(name, body).map(|_| ())
        })
    })
}
