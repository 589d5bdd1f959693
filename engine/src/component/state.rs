//! What the canonical ABI keeps per component instance: whether it may be
//! entered or left now, and its handle table.

use super::handles::HandleTable;
use super::resources::HostDtors;
use crate::environ::error::Result;
use crate::AsContext;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

static NEXT_INSTANCE: AtomicU64 = AtomicU64::new(1);

/// One component instance's runtime state (a nested component instance has
/// its own).
pub(crate) struct InstanceState {
    pub store_id: u64,
    /// Cleared while the instance calls a host import, so the host cannot
    /// reenter it, and for good once a call into it traps.
    may_enter: AtomicBool,
    /// Cleared while values are lowered into the instance and while its
    /// `post-return` runs: it may not call imports then.
    may_leave: AtomicBool,
    /// Set once a call into the instance trapped: it may never be entered
    /// again.
    poisoned: AtomicBool,
    /// How many calls into the instance are running: the host may not call
    /// into it while one is, even through another component.
    active: std::sync::atomic::AtomicU32,
    handles: Mutex<HandleTable>,
    /// Destructors of the host's resource types, from the linker.
    pub host_dtors: Arc<HostDtors>,
    pub id: u64,
}

impl InstanceState {
    pub fn new(store_id: u64, host_dtors: Arc<HostDtors>) -> InstanceState {
        InstanceState {
            store_id,
            may_enter: AtomicBool::new(true),
            may_leave: AtomicBool::new(true),
            poisoned: AtomicBool::new(false),
            active: std::sync::atomic::AtomicU32::new(0),
            handles: Mutex::new(HandleTable::default()),
            host_dtors,
            id: NEXT_INSTANCE.fetch_add(1, Ordering::Relaxed),
        }
    }

    pub fn check_store(&self, store: impl AsContext) -> Result<()> {
        if store.as_inner().opaque.id == self.store_id {
            Ok(())
        } else {
            Err(crate::api::store::foreign_store("component instance"))
        }
    }

    pub fn may_enter(&self) -> bool {
        self.may_enter.load(Ordering::Relaxed) && !self.poisoned.load(Ordering::Relaxed)
    }

    pub fn set_may_enter(&self, value: bool) {
        self.may_enter.store(value, Ordering::Relaxed);
    }

    pub fn may_leave(&self) -> bool {
        self.may_leave.load(Ordering::Relaxed)
    }

    pub fn set_may_leave(&self, value: bool) {
        self.may_leave.store(value, Ordering::Relaxed);
    }

    /// Whether the host may call into the instance now: it may be entered,
    /// and no call into it is running (a component calling its child,
    /// which calls it back through a function it gave the child, is fine;
    /// the host calling into an instance below it on the stack is not).
    pub fn host_may_enter(&self) -> bool {
        self.may_enter() && self.active.load(Ordering::Relaxed) == 0
    }

    /// Runs `f` as a call into the instance.
    pub fn enter<R>(&self, f: impl FnOnce() -> Result<R>) -> Result<R> {
        self.begin_call();
        let result = f();
        self.end_call();
        result
    }

    /// Counts a call into the instance as running, until [`Self::end_call`].
    pub fn begin_call(&self) {
        self.active.fetch_add(1, Ordering::Relaxed);
    }

    pub fn end_call(&self) {
        self.active.fetch_sub(1, Ordering::Relaxed);
    }

    /// Marks the instance as having trapped: it may not be entered again.
    pub fn poison(&self) {
        self.poisoned.store(true, Ordering::Relaxed);
    }

    pub fn handles(&self) -> MutexGuard<'_, HandleTable> {
        self.handles.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Poisons the instance if `result` is a trap (or any other failure of
    /// its code), passing the result on.
    pub fn poison_on_error<R>(&self, result: Result<R>) -> Result<R> {
        if result.is_err() {
            self.poison();
        }
        result
    }
}

impl std::fmt::Debug for InstanceState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("InstanceState")
            .field("id", &self.id)
            .finish()
    }
}

/// Whether `a` and `b` are the same instance.
pub(crate) fn same(a: &Arc<InstanceState>, b: &Arc<InstanceState>) -> bool {
    Arc::ptr_eq(a, b)
}
