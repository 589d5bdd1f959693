//! Resource handles and types: `ResourceType`, `ResourceAny` (any handle a
//! component gave the host) and `ResourceHost` (a handle to a resource the
//! host implements, by integer representation and type).

use crate::errors::{call_error, kiln_error};
use crate::store::StoreLike;
use pyo3::prelude::*;
use std::sync::Mutex;

/// The host resource type with integer identifier `key`.
pub(crate) fn host_type(key: u32) -> kiln::component::ResourceType {
    kiln::component::ResourceType::host_dynamic(u64::from(key), "host resource")
}

/// A resource type; `ResourceType.host(n)` is the host's type number `n`.
#[pyclass(module = "kiln.component", frozen, name = "ResourceType", eq)]
pub struct ResourceType {
    pub(crate) inner: kiln::component::ResourceType,
    /// The number `ResourceType.host` made it from.
    pub(crate) key: Option<u32>,
}

impl PartialEq for ResourceType {
    fn eq(&self, other: &Self) -> bool {
        self.inner == other.inner
    }
}

#[pymethods]
impl ResourceType {
    #[new]
    fn py_new() -> PyResult<Self> {
        Err(kiln_error("Cannot directly construct a `ResourceType`"))
    }

    /// The type of host resources identified by the integer `val`.
    #[staticmethod]
    fn host(val: u32) -> ResourceType {
        ResourceType {
            inner: remember_host_type(val),
            key: Some(val),
        }
    }

    /// A resource type a component declares, for its type's description.
    #[staticmethod]
    fn _declared() -> ResourceType {
        ResourceType {
            inner: kiln::component::ResourceType::host_dynamic(u64::MAX, "declared"),
            key: None,
        }
    }

    fn __repr__(&self) -> String {
        format!("<kiln.component.ResourceType {}>", self.inner)
    }
}

/// A handle to a resource: owned or borrowed, of a component's resource
/// type or of the host's.
#[pyclass(module = "kiln.component", frozen, name = "ResourceAny")]
pub struct ResourceAny {
    /// `None` once dropped.
    handle: Mutex<Option<kiln::component::ResourceAny>>,
}

impl ResourceAny {
    pub(crate) fn new(handle: kiln::component::ResourceAny) -> ResourceAny {
        ResourceAny {
            handle: Mutex::new(Some(handle)),
        }
    }

    /// The handle, unless it was dropped.
    pub(crate) fn handle(&self) -> PyResult<kiln::component::ResourceAny> {
        self.handle
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
            .ok_or_else(|| kiln_error("the resource handle has been dropped"))
    }

    /// Takes the handle out, to give it to a component: the object is
    /// dead afterwards, as after `drop`.
    pub(crate) fn take(&self) -> PyResult<kiln::component::ResourceAny> {
        self.handle
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take()
            .ok_or_else(|| kiln_error("the resource handle has been dropped"))
    }
}

#[pymethods]
impl ResourceAny {
    #[new]
    fn py_new() -> PyResult<Self> {
        Err(kiln_error("Cannot directly construct a `ResourceAny`"))
    }

    /// The handle's resource type.
    #[getter]
    fn r#type(&self) -> PyResult<ResourceType> {
        Ok(ResourceType {
            inner: self.handle()?.ty(),
            key: None,
        })
    }

    /// Whether the handle was dropped, or moved into a component.
    #[getter]
    fn dropped(&self) -> bool {
        self.handle
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .is_none()
    }

    /// Whether this is an `own` handle (else a `borrow`).
    #[getter]
    fn owned(&self) -> PyResult<bool> {
        Ok(self.handle()?.owned())
    }

    /// Drops the handle: for an owned one, runs the resource's destructor
    /// (the component's, or the host's). Using the handle afterwards is a
    /// `KilnError`.
    fn drop(&self, store: StoreLike<'_>) -> PyResult<()> {
        let store = store.store()?;
        let py = store.py();
        let handle = self.handle()?;
        let mut guard = store.get().shared().enter(&store)?;
        handle
            .resource_drop(guard.cx())
            .map_err(|e| call_error(py, e))?;
        *self.handle.lock().unwrap_or_else(|e| e.into_inner()) = None;
        Ok(())
    }

    /// The handle as a `ResourceHost`, for a resource the host implements;
    /// a `KilnError` for a component's resource.
    fn to_host(&self, store: StoreLike<'_>) -> PyResult<ResourceHost> {
        let _ = store.store()?;
        let handle = self.handle()?;
        let rep = handle
            .rep()
            .ok_or_else(|| kiln_error("the resource is not a host resource"))?;
        let ty = handle.ty();
        let key = HOST_KEYS
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .find(|(t, _)| *t == ty)
            .map(|(_, k)| *k)
            .ok_or_else(|| kiln_error("the resource's type was not made by ResourceType.host"))?;
        Ok(ResourceHost {
            rep,
            ty: key,
            owned: handle.owned(),
            made: Mutex::new(Some(handle)),
        })
    }

    fn __repr__(&self) -> String {
        match &*self.handle.lock().unwrap_or_else(|e| e.into_inner()) {
            Some(h) => format!(
                "<kiln.component.ResourceAny {} {}>",
                if h.owned() { "own" } else { "borrow" },
                h.ty()
            ),
            None => "<kiln.component.ResourceAny dropped>".into(),
        }
    }
}

/// The host resource types `ResourceType.host` made, with their numbers, so
/// that a handle's type tells its number back.
static HOST_KEYS: Mutex<Vec<(kiln::component::ResourceType, u32)>> = Mutex::new(Vec::new());

pub(crate) fn remember_host_type(key: u32) -> kiln::component::ResourceType {
    let ty = host_type(key);
    let mut keys = HOST_KEYS.lock().unwrap_or_else(|e| e.into_inner());
    if !keys.iter().any(|(_, k)| *k == key) {
        keys.push((ty.clone(), key));
    }
    ty
}

/// A handle to a resource the host implements: its representation `rep`
/// and its type number.
#[pyclass(module = "kiln.component", frozen, name = "ResourceHost")]
pub struct ResourceHost {
    rep: u32,
    ty: u32,
    owned: bool,
    /// The engine's handle, once made: a handle passed to a component
    /// moves (own) or is lent (borrow) as the same handle each time.
    made: Mutex<Option<kiln::component::ResourceAny>>,
}

impl ResourceHost {
    pub(crate) fn to_handle(&self) -> PyResult<kiln::component::ResourceAny> {
        let mut made = self.made.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(h) = &*made {
            return Ok(h.clone());
        }
        let ty = remember_host_type(self.ty);
        let h = if self.owned {
            kiln::component::ResourceAny::new_own(ty, self.rep)
        } else {
            kiln::component::ResourceAny::new_borrow(ty, self.rep)
        }
        .map_err(|e| kiln_error(e.to_string()))?;
        *made = Some(h.clone());
        Ok(h)
    }
}

#[pymethods]
impl ResourceHost {
    #[new]
    fn py_new() -> PyResult<Self> {
        Err(kiln_error("Cannot directly construct a `ResourceHost`"))
    }

    /// An owned handle to the host resource `rep` of type number `ty`.
    #[staticmethod]
    fn own(rep: u32, ty: u32) -> ResourceHost {
        remember_host_type(ty);
        ResourceHost {
            rep,
            ty,
            owned: true,
            made: Mutex::new(None),
        }
    }

    /// A borrowed handle to the host resource `rep` of type number `ty`.
    #[staticmethod]
    fn borrow(rep: u32, ty: u32) -> ResourceHost {
        remember_host_type(ty);
        ResourceHost {
            rep,
            ty,
            owned: false,
            made: Mutex::new(None),
        }
    }

    /// The host's representation of the resource.
    #[getter]
    fn rep(&self) -> u32 {
        self.rep
    }

    /// The resource's type number.
    #[getter]
    fn r#type(&self) -> u32 {
        self.ty
    }

    /// Whether this is an `own` handle.
    #[getter]
    fn owned(&self) -> bool {
        self.owned
    }

    /// The handle as a `ResourceAny`.
    fn to_any(&self, store: StoreLike<'_>) -> PyResult<ResourceAny> {
        let _ = store.store()?;
        Ok(ResourceAny::new(self.to_handle()?))
    }

    fn __repr__(&self) -> String {
        format!(
            "<kiln.component.ResourceHost {} rep={} type={}>",
            if self.owned { "own" } else { "borrow" },
            self.rep,
            self.ty
        )
    }
}
