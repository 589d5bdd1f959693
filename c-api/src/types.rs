//! Type representations: value, function, global, table, memory, extern,
//! import and export types, and their vectors.
//!
//! `wasm_functype_t`, `wasm_globaltype_t`, `wasm_tabletype_t` and
//! `wasm_memorytype_t` are transparent wrappers of `wasm_externtype_t`, so the
//! `_as_externtype` conversions are pointer casts, as the header promises.

use crate::byte_vec::{wasm_name_t, OwnedName};
use crate::guard;
use kiln::{
    ExportType, ExternType, FuncType, GlobalType, ImportType, MemoryType, Mutability, TableType,
    ValType,
};

/// `wasm_valkind_t`.
pub type wasm_valkind_t = u8;
/// `wasm_externkind_t`.
pub type wasm_externkind_t = u8;
/// `wasm_mutability_t`.
pub type wasm_mutability_t = u8;

pub(crate) const WASM_I32: u8 = 0;
pub(crate) const WASM_I64: u8 = 1;
pub(crate) const WASM_F32: u8 = 2;
pub(crate) const WASM_F64: u8 = 3;
/// Not in the standard header: Kiln's kind for `v128`, which C cannot pass.
pub(crate) const KILN_V128: u8 = 4;
pub(crate) const WASM_EXTERNREF: u8 = 128;
pub(crate) const WASM_FUNCREF: u8 = 129;

pub(crate) const WASM_EXTERN_FUNC: u8 = 0;
pub(crate) const WASM_EXTERN_GLOBAL: u8 = 1;
pub(crate) const WASM_EXTERN_TABLE: u8 = 2;
pub(crate) const WASM_EXTERN_MEMORY: u8 = 3;

pub(crate) fn kind_of(ty: ValType) -> wasm_valkind_t {
    match ty {
        ValType::I32 => WASM_I32,
        ValType::I64 => WASM_I64,
        ValType::F32 => WASM_F32,
        ValType::F64 => WASM_F64,
        ValType::V128 => KILN_V128,
        ValType::ExternRef => WASM_EXTERNREF,
        ValType::FuncRef => WASM_FUNCREF,
    }
}

pub(crate) fn valtype_of(kind: wasm_valkind_t) -> Option<ValType> {
    Some(match kind {
        WASM_I32 => ValType::I32,
        WASM_I64 => ValType::I64,
        WASM_F32 => ValType::F32,
        WASM_F64 => ValType::F64,
        WASM_EXTERNREF => ValType::ExternRef,
        WASM_FUNCREF => ValType::FuncRef,
        _ => return None,
    })
}

/// Declares `_delete` and `_copy` for an owned, cloneable type.
macro_rules! owned_type {
    ($t:ident, $delete:ident, $copy:ident) => {
        #[no_mangle]
        pub unsafe extern "C" fn $delete(p: Option<Box<$t>>) {
            $crate::guard((), || drop(p))
        }

        #[no_mangle]
        pub unsafe extern "C" fn $copy(p: Option<&$t>) -> Option<Box<$t>> {
            $crate::guard(None, || p.map(|p| Box::new(p.clone())))
        }
    };
}

/// Declares the vector of an owned type, whose elements are nullable boxes.
macro_rules! boxed_vec {
    ($vec:ident, $t:ident, $a:ident, $b:ident, $c:ident, $d:ident, $e:ident) => {
        declare_vec!(
            $vec, Option<Box<$t>>, $a, $b, $c, $d, $e,
            uninit: None, copy: |e: &Option<Box<$t>>| e.clone(), drop: drop,
        );
    };
}

// ----- Value types -----

/// A value type.
#[derive(Clone)]
pub struct wasm_valtype_t {
    pub(crate) ty: ValType,
}

owned_type!(wasm_valtype_t, wasm_valtype_delete, wasm_valtype_copy);
boxed_vec!(
    wasm_valtype_vec_t,
    wasm_valtype_t,
    wasm_valtype_vec_new_empty,
    wasm_valtype_vec_new_uninitialized,
    wasm_valtype_vec_new,
    wasm_valtype_vec_copy,
    wasm_valtype_vec_delete
);

impl wasm_valtype_vec_t {
    fn of(types: &[ValType]) -> wasm_valtype_vec_t {
        wasm_valtype_vec_t::from_vec(
            types
                .iter()
                .map(|ty| Some(Box::new(wasm_valtype_t { ty: *ty })))
                .collect(),
        )
    }
}

#[no_mangle]
pub unsafe extern "C" fn wasm_valtype_new(kind: wasm_valkind_t) -> Option<Box<wasm_valtype_t>> {
    guard(None, || {
        Some(Box::new(wasm_valtype_t {
            ty: valtype_of(kind)?,
        }))
    })
}

#[no_mangle]
pub unsafe extern "C" fn wasm_valtype_kind(ty: Option<&wasm_valtype_t>) -> wasm_valkind_t {
    guard(WASM_I32, || ty.map_or(WASM_I32, |t| kind_of(t.ty)))
}

// ----- Limits -----

/// Size limits; `max` is `u32::MAX` when there is none.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct wasm_limits_t {
    /// The minimum.
    pub min: u32,
    /// The maximum, or `u32::MAX`.
    pub max: u32,
}

impl wasm_limits_t {
    /// The C API's limits are 32-bit: those of 64-bit memories and tables
    /// saturate at `u32::MAX`, as does "no maximum".
    fn new(min: u64, max: Option<u64>) -> wasm_limits_t {
        let saturate = |n: u64| u32::try_from(n).unwrap_or(u32::MAX);
        wasm_limits_t {
            min: saturate(min),
            max: max.map_or(u32::MAX, saturate),
        }
    }

    fn max(&self) -> Option<u32> {
        (self.max != u32::MAX).then_some(self.max)
    }
}

// ----- Extern types and their four kinds -----

pub(crate) struct CFuncType {
    pub(crate) ty: FuncType,
    params: wasm_valtype_vec_t,
    results: wasm_valtype_vec_t,
}

impl CFuncType {
    fn new(ty: FuncType) -> CFuncType {
        CFuncType {
            params: wasm_valtype_vec_t::of(ty.params()),
            results: wasm_valtype_vec_t::of(ty.results()),
            ty,
        }
    }
}

impl Clone for CFuncType {
    fn clone(&self) -> CFuncType {
        CFuncType::new(self.ty.clone())
    }
}

impl Drop for CFuncType {
    fn drop(&mut self) {
        // SAFETY: both vectors are owned by `self`, made by `from_vec`.
        unsafe {
            drop(self.params.take());
            drop(self.results.take());
        }
    }
}

#[derive(Clone)]
pub(crate) struct CGlobalType {
    pub(crate) ty: GlobalType,
    content: wasm_valtype_t,
}

#[derive(Clone)]
pub(crate) struct CTableType {
    pub(crate) ty: TableType,
    element: wasm_valtype_t,
    limits: wasm_limits_t,
}

#[derive(Clone)]
pub(crate) struct CMemoryType {
    pub(crate) ty: MemoryType,
    limits: wasm_limits_t,
}

#[derive(Clone)]
pub(crate) enum CExternType {
    Func(CFuncType),
    Global(CGlobalType),
    Table(CTableType),
    Memory(CMemoryType),
}

/// The type of an import or export.
#[derive(Clone)]
pub struct wasm_externtype_t {
    pub(crate) which: CExternType,
}

impl wasm_externtype_t {
    pub(crate) fn new(ty: ExternType) -> wasm_externtype_t {
        let which = match ty {
            ExternType::Func(f) => CExternType::Func(CFuncType::new(f)),
            ExternType::Global(g) => CExternType::Global(CGlobalType {
                content: wasm_valtype_t { ty: g.content() },
                ty: g,
            }),
            ExternType::Table(t) => CExternType::Table(CTableType {
                element: wasm_valtype_t { ty: t.element() },
                limits: wasm_limits_t::new(t.minimum(), t.maximum()),
                ty: t,
            }),
            ExternType::Memory(m) => CExternType::Memory(CMemoryType {
                limits: wasm_limits_t::new(m.minimum(), m.maximum()),
                ty: m,
            }),
        };
        wasm_externtype_t { which }
    }

    fn kind(&self) -> wasm_externkind_t {
        match self.which {
            CExternType::Func(_) => WASM_EXTERN_FUNC,
            CExternType::Global(_) => WASM_EXTERN_GLOBAL,
            CExternType::Table(_) => WASM_EXTERN_TABLE,
            CExternType::Memory(_) => WASM_EXTERN_MEMORY,
        }
    }
}

owned_type!(
    wasm_externtype_t,
    wasm_externtype_delete,
    wasm_externtype_copy
);
boxed_vec!(
    wasm_externtype_vec_t,
    wasm_externtype_t,
    wasm_externtype_vec_new_empty,
    wasm_externtype_vec_new_uninitialized,
    wasm_externtype_vec_new,
    wasm_externtype_vec_copy,
    wasm_externtype_vec_delete
);

#[no_mangle]
pub unsafe extern "C" fn wasm_externtype_kind(ty: Option<&wasm_externtype_t>) -> wasm_externkind_t {
    guard(WASM_EXTERN_FUNC, || {
        ty.map_or(WASM_EXTERN_FUNC, |t| t.kind())
    })
}

/// Declares one of the four kinds of extern type: a transparent wrapper, its
/// accessor of the inner data, `_delete`, `_copy`, its vector, and the four
/// conversions to and from `wasm_externtype_t`.
macro_rules! extern_kind {
    (
        $t:ident, $variant:ident, $inner:ident, $delete:ident, $copy:ident,
        vec: ($vec:ident, $a:ident, $b:ident, $c:ident, $d:ident, $e:ident),
        $as_ext:ident, $as_ext_const:ident, $from_ext:ident, $from_ext_const:ident
    ) => {
        #[doc = concat!("`", stringify!($t), "`: an extern type of one kind.")]
        #[repr(transparent)]
        #[derive(Clone)]
        pub struct $t {
            pub(crate) ext: wasm_externtype_t,
        }

        impl $t {
            pub(crate) fn new(inner: $inner) -> Box<$t> {
                Box::new($t {
                    ext: wasm_externtype_t {
                        which: CExternType::$variant(inner),
                    },
                })
            }

            pub(crate) fn inner(&self) -> &$inner {
                match &self.ext.which {
                    CExternType::$variant(inner) => inner,
                    _ => unreachable!(concat!(stringify!($t), " of another kind")),
                }
            }
        }

        owned_type!($t, $delete, $copy);
        boxed_vec!($vec, $t, $a, $b, $c, $d, $e);

        #[no_mangle]
        pub unsafe extern "C" fn $as_ext(t: *mut $t) -> *mut wasm_externtype_t {
            t.cast()
        }

        #[no_mangle]
        pub unsafe extern "C" fn $as_ext_const(t: *const $t) -> *const wasm_externtype_t {
            t.cast()
        }

        #[no_mangle]
        pub unsafe extern "C" fn $from_ext(t: *mut wasm_externtype_t) -> *mut $t {
            // SAFETY: `t` is null or a live extern type.
            match unsafe { t.as_ref() } {
                Some(ext) if matches!(ext.which, CExternType::$variant(_)) => t.cast(),
                _ => std::ptr::null_mut(),
            }
        }

        #[no_mangle]
        pub unsafe extern "C" fn $from_ext_const(t: *const wasm_externtype_t) -> *const $t {
            // SAFETY: `t` is null or a live extern type.
            match unsafe { t.as_ref() } {
                Some(ext) if matches!(ext.which, CExternType::$variant(_)) => t.cast(),
                _ => std::ptr::null(),
            }
        }
    };
}

extern_kind!(
    wasm_functype_t, Func, CFuncType, wasm_functype_delete, wasm_functype_copy,
    vec: (
        wasm_functype_vec_t, wasm_functype_vec_new_empty, wasm_functype_vec_new_uninitialized,
        wasm_functype_vec_new, wasm_functype_vec_copy, wasm_functype_vec_delete
    ),
    wasm_functype_as_externtype, wasm_functype_as_externtype_const,
    wasm_externtype_as_functype, wasm_externtype_as_functype_const
);

extern_kind!(
    wasm_globaltype_t, Global, CGlobalType, wasm_globaltype_delete, wasm_globaltype_copy,
    vec: (
        wasm_globaltype_vec_t, wasm_globaltype_vec_new_empty,
        wasm_globaltype_vec_new_uninitialized, wasm_globaltype_vec_new,
        wasm_globaltype_vec_copy, wasm_globaltype_vec_delete
    ),
    wasm_globaltype_as_externtype, wasm_globaltype_as_externtype_const,
    wasm_externtype_as_globaltype, wasm_externtype_as_globaltype_const
);

extern_kind!(
    wasm_tabletype_t, Table, CTableType, wasm_tabletype_delete, wasm_tabletype_copy,
    vec: (
        wasm_tabletype_vec_t, wasm_tabletype_vec_new_empty,
        wasm_tabletype_vec_new_uninitialized, wasm_tabletype_vec_new,
        wasm_tabletype_vec_copy, wasm_tabletype_vec_delete
    ),
    wasm_tabletype_as_externtype, wasm_tabletype_as_externtype_const,
    wasm_externtype_as_tabletype, wasm_externtype_as_tabletype_const
);

extern_kind!(
    wasm_memorytype_t, Memory, CMemoryType, wasm_memorytype_delete, wasm_memorytype_copy,
    vec: (
        wasm_memorytype_vec_t, wasm_memorytype_vec_new_empty,
        wasm_memorytype_vec_new_uninitialized, wasm_memorytype_vec_new,
        wasm_memorytype_vec_copy, wasm_memorytype_vec_delete
    ),
    wasm_memorytype_as_externtype, wasm_memorytype_as_externtype_const,
    wasm_externtype_as_memorytype, wasm_externtype_as_memorytype_const
);

impl wasm_functype_t {
    pub(crate) fn from_kiln(ty: FuncType) -> Box<wasm_functype_t> {
        wasm_functype_t::new(CFuncType::new(ty))
    }
}

impl wasm_globaltype_t {
    pub(crate) fn from_kiln(ty: GlobalType) -> Box<wasm_globaltype_t> {
        wasm_globaltype_t::new(CGlobalType {
            content: wasm_valtype_t { ty: ty.content() },
            ty,
        })
    }
}

impl wasm_tabletype_t {
    pub(crate) fn from_kiln(ty: TableType) -> Box<wasm_tabletype_t> {
        wasm_tabletype_t::new(CTableType {
            element: wasm_valtype_t { ty: ty.element() },
            limits: wasm_limits_t::new(ty.minimum(), ty.maximum()),
            ty,
        })
    }
}

impl wasm_memorytype_t {
    pub(crate) fn from_kiln(ty: MemoryType) -> Box<wasm_memorytype_t> {
        wasm_memorytype_t::new(CMemoryType {
            limits: wasm_limits_t::new(ty.minimum(), ty.maximum()),
            ty,
        })
    }
}

/// Takes the value types out of an owned vector; `None` if one is null.
///
/// # Safety
/// `v` must be null or an owned vector.
unsafe fn take_valtypes(v: *mut wasm_valtype_vec_t) -> Option<Vec<ValType>> {
    // SAFETY: guaranteed by the caller.
    let v = unsafe { v.as_mut() }?;
    // SAFETY: as above.
    let items = unsafe { v.take() };
    items.into_iter().map(|t| t.map(|t| t.ty)).collect()
}

#[no_mangle]
pub unsafe extern "C" fn wasm_functype_new(
    params: *mut wasm_valtype_vec_t,
    results: *mut wasm_valtype_vec_t,
) -> Option<Box<wasm_functype_t>> {
    guard(None, || {
        // SAFETY: both are null or owned vectors, whose ownership passes here.
        let (params, results) = unsafe { (take_valtypes(params), take_valtypes(results)) };
        Some(wasm_functype_t::from_kiln(FuncType::new(params?, results?)))
    })
}

#[no_mangle]
pub unsafe extern "C" fn wasm_functype_params(
    ty: Option<&wasm_functype_t>,
) -> *const wasm_valtype_vec_t {
    guard(std::ptr::null(), || {
        ty.map_or(std::ptr::null(), |t| &t.inner().params as *const _)
    })
}

#[no_mangle]
pub unsafe extern "C" fn wasm_functype_results(
    ty: Option<&wasm_functype_t>,
) -> *const wasm_valtype_vec_t {
    guard(std::ptr::null(), || {
        ty.map_or(std::ptr::null(), |t| &t.inner().results as *const _)
    })
}

#[no_mangle]
pub unsafe extern "C" fn wasm_globaltype_new(
    content: Option<Box<wasm_valtype_t>>,
    mutability: wasm_mutability_t,
) -> Option<Box<wasm_globaltype_t>> {
    guard(None, || {
        let mutability = match mutability {
            0 => Mutability::Const,
            1 => Mutability::Var,
            _ => return None,
        };
        Some(wasm_globaltype_t::from_kiln(GlobalType::new(
            content?.ty,
            mutability,
        )))
    })
}

#[no_mangle]
pub unsafe extern "C" fn wasm_globaltype_content(
    ty: Option<&wasm_globaltype_t>,
) -> *const wasm_valtype_t {
    guard(std::ptr::null(), || {
        ty.map_or(std::ptr::null(), |t| &t.inner().content as *const _)
    })
}

#[no_mangle]
pub unsafe extern "C" fn wasm_globaltype_mutability(
    ty: Option<&wasm_globaltype_t>,
) -> wasm_mutability_t {
    guard(0, || {
        ty.map_or(0, |t| match t.inner().ty.mutability() {
            Mutability::Const => 0,
            Mutability::Var => 1,
        })
    })
}

#[no_mangle]
pub unsafe extern "C" fn wasm_tabletype_new(
    element: Option<Box<wasm_valtype_t>>,
    limits: Option<&wasm_limits_t>,
) -> Option<Box<wasm_tabletype_t>> {
    guard(None, || {
        let (element, limits) = (element?, limits?);
        if !element.ty.is_ref() {
            return None;
        }
        Some(wasm_tabletype_t::from_kiln(TableType::new(
            element.ty,
            limits.min,
            limits.max(),
        )))
    })
}

#[no_mangle]
pub unsafe extern "C" fn wasm_tabletype_element(
    ty: Option<&wasm_tabletype_t>,
) -> *const wasm_valtype_t {
    guard(std::ptr::null(), || {
        ty.map_or(std::ptr::null(), |t| &t.inner().element as *const _)
    })
}

#[no_mangle]
pub unsafe extern "C" fn wasm_tabletype_limits(
    ty: Option<&wasm_tabletype_t>,
) -> *const wasm_limits_t {
    guard(std::ptr::null(), || {
        ty.map_or(std::ptr::null(), |t| &t.inner().limits as *const _)
    })
}

#[no_mangle]
pub unsafe extern "C" fn wasm_memorytype_new(
    limits: Option<&wasm_limits_t>,
) -> Option<Box<wasm_memorytype_t>> {
    guard(None, || {
        let limits = limits?;
        Some(wasm_memorytype_t::from_kiln(MemoryType::new(
            limits.min,
            limits.max(),
        )))
    })
}

#[no_mangle]
pub unsafe extern "C" fn wasm_memorytype_limits(
    ty: Option<&wasm_memorytype_t>,
) -> *const wasm_limits_t {
    guard(std::ptr::null(), || {
        ty.map_or(std::ptr::null(), |t| &t.inner().limits as *const _)
    })
}

// ----- Import and export types -----

/// A module's import: module name, field name and type.
#[derive(Clone)]
pub struct wasm_importtype_t {
    module: OwnedName,
    name: OwnedName,
    ty: wasm_externtype_t,
}

impl wasm_importtype_t {
    pub(crate) fn from_kiln(import: ImportType) -> Box<wasm_importtype_t> {
        Box::new(wasm_importtype_t {
            module: OwnedName::new(import.module()),
            name: OwnedName::new(import.name()),
            ty: wasm_externtype_t::new(import.ty().clone()),
        })
    }
}

/// A module's export: name and type.
#[derive(Clone)]
pub struct wasm_exporttype_t {
    name: OwnedName,
    ty: wasm_externtype_t,
}

impl wasm_exporttype_t {
    pub(crate) fn from_kiln(export: ExportType) -> Box<wasm_exporttype_t> {
        Box::new(wasm_exporttype_t {
            name: OwnedName::new(export.name()),
            ty: wasm_externtype_t::new(export.ty().clone()),
        })
    }
}

owned_type!(
    wasm_importtype_t,
    wasm_importtype_delete,
    wasm_importtype_copy
);
boxed_vec!(
    wasm_importtype_vec_t,
    wasm_importtype_t,
    wasm_importtype_vec_new_empty,
    wasm_importtype_vec_new_uninitialized,
    wasm_importtype_vec_new,
    wasm_importtype_vec_copy,
    wasm_importtype_vec_delete
);
owned_type!(
    wasm_exporttype_t,
    wasm_exporttype_delete,
    wasm_exporttype_copy
);
boxed_vec!(
    wasm_exporttype_vec_t,
    wasm_exporttype_t,
    wasm_exporttype_vec_new_empty,
    wasm_exporttype_vec_new_uninitialized,
    wasm_exporttype_vec_new,
    wasm_exporttype_vec_copy,
    wasm_exporttype_vec_delete
);

/// Takes an owned name.
///
/// # Safety
/// `name` must be null or an owned byte vector.
unsafe fn take_name(name: *mut wasm_name_t) -> Option<OwnedName> {
    // SAFETY: guaranteed by the caller.
    let name = unsafe { name.as_mut() }?;
    // SAFETY: as above.
    let bytes = unsafe { name.take() };
    Some(OwnedName(crate::byte_vec::wasm_byte_vec_t::from_vec(bytes)))
}

#[no_mangle]
pub unsafe extern "C" fn wasm_importtype_new(
    module: *mut wasm_name_t,
    name: *mut wasm_name_t,
    ty: Option<Box<wasm_externtype_t>>,
) -> Option<Box<wasm_importtype_t>> {
    guard(None, || {
        // SAFETY: both are null or owned names, whose ownership passes here.
        let (module, name) = unsafe { (take_name(module), take_name(name)) };
        Some(Box::new(wasm_importtype_t {
            module: module?,
            name: name?,
            ty: *ty?,
        }))
    })
}

#[no_mangle]
pub unsafe extern "C" fn wasm_importtype_module(
    ty: Option<&wasm_importtype_t>,
) -> *const wasm_name_t {
    guard(std::ptr::null(), || {
        ty.map_or(std::ptr::null(), |t| &t.module.0 as *const _)
    })
}

#[no_mangle]
pub unsafe extern "C" fn wasm_importtype_name(
    ty: Option<&wasm_importtype_t>,
) -> *const wasm_name_t {
    guard(std::ptr::null(), || {
        ty.map_or(std::ptr::null(), |t| &t.name.0 as *const _)
    })
}

#[no_mangle]
pub unsafe extern "C" fn wasm_importtype_type(
    ty: Option<&wasm_importtype_t>,
) -> *const wasm_externtype_t {
    guard(std::ptr::null(), || {
        ty.map_or(std::ptr::null(), |t| &t.ty as *const _)
    })
}

#[no_mangle]
pub unsafe extern "C" fn wasm_exporttype_new(
    name: *mut wasm_name_t,
    ty: Option<Box<wasm_externtype_t>>,
) -> Option<Box<wasm_exporttype_t>> {
    guard(None, || {
        // SAFETY: `name` is null or an owned name, whose ownership passes here.
        let name = unsafe { take_name(name) };
        Some(Box::new(wasm_exporttype_t {
            name: name?,
            ty: *ty?,
        }))
    })
}

#[no_mangle]
pub unsafe extern "C" fn wasm_exporttype_name(
    ty: Option<&wasm_exporttype_t>,
) -> *const wasm_name_t {
    guard(std::ptr::null(), || {
        ty.map_or(std::ptr::null(), |t| &t.name.0 as *const _)
    })
}

#[no_mangle]
pub unsafe extern "C" fn wasm_exporttype_type(
    ty: Option<&wasm_exporttype_t>,
) -> *const wasm_externtype_t {
    guard(std::ptr::null(), || {
        ty.map_or(std::ptr::null(), |t| &t.ty as *const _)
    })
}
