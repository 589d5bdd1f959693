//! Resource types and the host's handles to resources.

use super::state::InstanceState;
use super::trap;
use crate::environ::error::{Error, Result};
use crate::{AsContextMut, StoreContextMut};
use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

static NEXT_RESOURCE_TYPE: AtomicU64 = AtomicU64::new(1);

fn next_key() -> u64 {
    NEXT_RESOURCE_TYPE.fetch_add(1, Ordering::Relaxed)
}

/// A resource type: each `(type (resource ...))` of each component instance
/// is a distinct one, and the host defines its own with
/// [`ResourceType::host`].
///
/// ```
/// use kiln::component::ResourceType;
/// struct File;
/// struct Socket;
/// assert_eq!(ResourceType::host::<File>(), ResourceType::host::<File>());
/// assert_ne!(ResourceType::host::<File>(), ResourceType::host::<Socket>());
/// ```
#[derive(Clone)]
pub struct ResourceType(pub(crate) Arc<ResourceTypeInner>);

pub(crate) struct ResourceTypeInner {
    /// What equality compares: one per type.
    pub key: u64,
    pub name: String,
    pub kind: ResourceKind,
}

pub(crate) enum ResourceKind {
    /// Defined by the host.
    Host,
    /// Defined by a component instance, with its destructor.
    Guest {
        instance: Arc<InstanceState>,
        dtor: Option<crate::Func>,
    },
    /// A resource type a component declares, before instantiation gives it
    /// a concrete type.
    Declared(wasmparser::component_types::ResourceId),
}

impl ResourceType {
    /// The resource type of host resources represented by the Rust type
    /// `T`: the same type for every call with the same `T`.
    pub fn host<T: 'static>() -> ResourceType {
        static HOST_TYPES: OnceLock<Mutex<HashMap<TypeId, ResourceType>>> = OnceLock::new();
        let mut types = HOST_TYPES
            .get_or_init(Default::default)
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        types
            .entry(TypeId::of::<T>())
            .or_insert_with(|| ResourceType::host_unique(std::any::type_name::<T>()))
            .clone()
    }

    /// The host resource type identified by `key`, for hosts whose resource
    /// types are not Rust types (C glue keys them by an address): the same
    /// type for every call with the same key, named `name` after the first.
    ///
    /// ```
    /// use kiln::component::ResourceType;
    /// let file = ResourceType::host_dynamic(1, "file");
    /// assert_eq!(file, ResourceType::host_dynamic(1, "file"));
    /// assert_ne!(file, ResourceType::host_dynamic(2, "file"));
    /// assert_eq!(file.to_string(), "file");
    /// ```
    pub fn host_dynamic(key: u64, name: &str) -> ResourceType {
        static HOST_TYPES: OnceLock<Mutex<HashMap<u64, ResourceType>>> = OnceLock::new();
        let mut types = HOST_TYPES
            .get_or_init(Default::default)
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        types
            .entry(key)
            .or_insert_with(|| ResourceType::host_unique(name))
            .clone()
    }

    /// A host resource type of its own, not tied to a Rust type.
    pub(crate) fn host_unique(name: &str) -> ResourceType {
        ResourceType(Arc::new(ResourceTypeInner {
            key: next_key(),
            name: name.to_string(),
            kind: ResourceKind::Host,
        }))
    }

    pub(crate) fn guest(
        instance: Arc<InstanceState>,
        dtor: Option<crate::Func>,
        name: String,
    ) -> ResourceType {
        ResourceType(Arc::new(ResourceTypeInner {
            key: next_key(),
            name,
            kind: ResourceKind::Guest { instance, dtor },
        }))
    }

    pub(crate) fn declared(id: wasmparser::component_types::ResourceId) -> ResourceType {
        ResourceType::declared_as(id, "resource")
    }

    /// A declared resource type named `name` (its import or export name).
    pub(crate) fn declared_as(
        id: wasmparser::component_types::ResourceId,
        name: &str,
    ) -> ResourceType {
        ResourceType(Arc::new(ResourceTypeInner {
            key: next_key(),
            name: name.to_string(),
            kind: ResourceKind::Declared(id),
        }))
    }

    pub(crate) fn key(&self) -> u64 {
        self.0.key
    }

    pub(crate) fn is_host(&self) -> bool {
        matches!(self.0.kind, ResourceKind::Host)
    }

    /// The component instance that defines this type, if a component does.
    pub(crate) fn implementer(&self) -> Option<&Arc<InstanceState>> {
        match &self.0.kind {
            ResourceKind::Guest { instance, .. } => Some(instance),
            _ => None,
        }
    }
}

impl PartialEq for ResourceType {
    fn eq(&self, other: &ResourceType) -> bool {
        match (&self.0.kind, &other.0.kind) {
            (ResourceKind::Declared(a), ResourceKind::Declared(b)) => a == b,
            _ => self.0.key == other.0.key,
        }
    }
}

impl Eq for ResourceType {}

impl Hash for ResourceType {
    fn hash<H: Hasher>(&self, state: &mut H) {
        match &self.0.kind {
            ResourceKind::Declared(id) => id.hash(state),
            _ => self.0.key.hash(state),
        }
    }
}

impl fmt::Debug for ResourceType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ResourceType({})", self)
    }
}

impl fmt::Display for ResourceType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.name)
    }
}

/// A host resource's destructor, as the linker holds it, typed by the
/// store's data.
pub(crate) struct HostDtor<T>(
    #[allow(clippy::type_complexity)]
    pub  Box<dyn Fn(StoreContextMut<'_, T>, u32) -> Result<()> + Send + Sync>,
);

/// Host resources' destructors by resource type, type-erased.
pub(crate) type HostDtors = HashMap<ResourceType, Arc<dyn Any + Send + Sync>>;

/// What a [`ResourceAny`] is good for now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum HandleState {
    Live,
    /// Passed to a component as an `own`: the component owns it now.
    Moved,
    /// Dropped by the host.
    Dropped,
    /// A borrow whose call has returned.
    Expired,
}

/// The host's handle to a resource: an `own` the host holds, or a `borrow`
/// valid for the duration of one host function call. Clones are the same
/// handle: moving one into a component or dropping it ends them all.
///
/// ```
/// use kiln::component::{ResourceAny, ResourceType};
/// use kiln::{Engine, Store};
/// struct Counter;
/// let mut store = Store::new(&Engine::default(), ());
/// let r = ResourceAny::new_own(ResourceType::host::<Counter>(), 7).unwrap();
/// assert_eq!(r.rep(), Some(7));
/// assert!(r.owned());
/// r.clone().resource_drop(&mut store).unwrap();
/// assert!(r.resource_drop(&mut store).is_err());
/// ```
#[derive(Clone)]
pub struct ResourceAny(Arc<ResourceAnyInner>);

struct ResourceAnyInner {
    ty: ResourceType,
    rep: u32,
    own: bool,
    state: Mutex<HandleState>,
    /// The destructor of a host resource lifted from a component.
    host_dtor: Option<Arc<dyn Any + Send + Sync>>,
}

impl ResourceAny {
    /// An owned handle to the host resource `rep` of host type `ty`, to pass
    /// to a component.
    pub fn new_own(ty: ResourceType, rep: u32) -> Result<ResourceAny> {
        Self::new_host(ty, rep, true)
    }

    /// A borrowed handle to the host resource `rep` of host type `ty`, to
    /// pass to a component function that takes a `borrow`.
    pub fn new_borrow(ty: ResourceType, rep: u32) -> Result<ResourceAny> {
        Self::new_host(ty, rep, false)
    }

    fn new_host(ty: ResourceType, rep: u32, own: bool) -> Result<ResourceAny> {
        if !ty.is_host() {
            return Err(Error::usage(format!(
                "the host can only make handles to host resources, and `{ty}` is not one"
            )));
        }
        Ok(ResourceAny::new(ty, rep, own, None))
    }

    pub(crate) fn new(
        ty: ResourceType,
        rep: u32,
        own: bool,
        host_dtor: Option<Arc<dyn Any + Send + Sync>>,
    ) -> ResourceAny {
        ResourceAny(Arc::new(ResourceAnyInner {
            ty,
            rep,
            own,
            state: Mutex::new(HandleState::Live),
            host_dtor,
        }))
    }

    /// The resource's type.
    pub fn ty(&self) -> ResourceType {
        self.0.ty.clone()
    }

    /// Whether this is an owned handle (not a borrow).
    pub fn owned(&self) -> bool {
        self.0.own
    }

    /// The host's representation of a host resource; `None` for a resource
    /// a component defines, whose representation is the component's own.
    pub fn rep(&self) -> Option<u32> {
        self.0.ty.is_host().then_some(self.0.rep)
    }

    pub(crate) fn raw_rep(&self) -> u32 {
        self.0.rep
    }

    fn state(&self) -> std::sync::MutexGuard<'_, HandleState> {
        self.0.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn check_live(&self, state: HandleState) -> Result<()> {
        match state {
            HandleState::Live => Ok(()),
            HandleState::Moved => Err(Error::usage(
                "this resource was passed to a component, which owns it now",
            )),
            HandleState::Dropped => Err(Error::usage("this resource has already been dropped")),
            HandleState::Expired => Err(Error::usage(
                "this borrowed resource is no longer valid: the call it was lent for has returned",
            )),
        }
    }

    /// Checks that the handle may be passed as a value of `own<R>` or
    /// `borrow<R>` (`own` says which) without changing it.
    pub(crate) fn check_use(&self, own: bool) -> Result<()> {
        if own && !self.0.own {
            return Err(Error::usage(
                "a borrowed resource cannot be passed where an owned one is expected",
            ));
        }
        self.check_live(*self.state())
    }

    /// Gives up ownership to a component: the representation to put in its
    /// handle table.
    pub(crate) fn take_own(&self) -> Result<u32> {
        self.check_use(true)?;
        *self.state() = HandleState::Moved;
        Ok(self.0.rep)
    }

    /// Ends a borrow lent to a host function.
    pub(crate) fn expire(&self) {
        let mut state = self.state();
        if *state == HandleState::Live {
            *state = HandleState::Expired;
        }
    }

    /// Drops the handle. For an owned handle this runs the resource's
    /// destructor: the component's, for a resource a component defines, or
    /// the one given to [`LinkerInstance::resource`](super::LinkerInstance::resource)
    /// for a host resource that came back from a component. Dropping a
    /// borrow just ends it. A handle already dropped, or moved into a
    /// component, is an error.
    pub fn resource_drop<T: 'static>(self, mut store: impl AsContextMut<Data = T>) -> Result<()> {
        {
            let mut state = self.state();
            self.check_live(*state)?;
            *state = HandleState::Dropped;
        }
        if !self.0.own {
            return Ok(());
        }
        let mut store = store.as_context_mut();
        match &self.0.ty.0.kind {
            ResourceKind::Guest { instance, dtor } => {
                instance.check_store(&store)?;
                if !instance.host_may_enter() {
                    return Err(trap::cannot_enter());
                }
                if let Some(dtor) = dtor {
                    let rep = crate::Val::I32(self.0.rep as i32);
                    dtor.call(&mut store, &[rep], &mut [])?;
                }
                Ok(())
            }
            _ => match &self.0.host_dtor {
                Some(dtor) => run_host_dtor(store, dtor, self.0.rep),
                None => Ok(()),
            },
        }
    }
}

/// Runs a host resource's destructor kept type-erased.
pub(crate) fn run_host_dtor<T: 'static>(
    store: StoreContextMut<'_, T>,
    dtor: &Arc<dyn Any + Send + Sync>,
    rep: u32,
) -> Result<()> {
    match dtor.downcast_ref::<HostDtor<T>>() {
        Some(dtor) => (dtor.0)(store, rep),
        None => Err(Error::usage(
            "the resource's destructor was defined for a store of another data type",
        )),
    }
}

impl PartialEq for ResourceAny {
    fn eq(&self, other: &ResourceAny) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl fmt::Debug for ResourceAny {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResourceAny")
            .field("ty", &self.0.ty)
            .field("own", &self.0.own)
            .field("state", &*self.state())
            .finish()
    }
}
