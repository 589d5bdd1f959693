//! `ExternRef`: an opaque host value that wasm can hold and pass around.
//!
//! While wasm holds a reference, the store keeps the value alive in a slab;
//! compiled code sees the slot number. Slots not reachable from any table or
//! global are freed whenever no wasm is running in the store and the slab has
//! doubled since the last collection (or on [`Store::gc`](crate::Store::gc)).

use std::any::Any;
use std::sync::Arc;

/// A reference to a host value of any type, usable as a wasm `externref`.
///
/// ```
/// use kiln::ExternRef;
/// let r = ExternRef::new(String::from("hello"));
/// assert_eq!(r.data().downcast_ref::<String>().unwrap(), "hello");
/// assert!(ExternRef::ptr_eq(&r, &r.clone()));
/// ```
#[derive(Clone)]
pub struct ExternRef(Arc<dyn Any + Send + Sync>);

impl ExternRef {
    /// Wraps a host value.
    pub fn new<T: Any + Send + Sync>(value: T) -> ExternRef {
        ExternRef(Arc::new(value))
    }

    /// The host value.
    pub fn data(&self) -> &(dyn Any + Send + Sync) {
        &*self.0
    }

    /// Whether two references point at the same host value.
    pub fn ptr_eq(a: &ExternRef, b: &ExternRef) -> bool {
        Arc::ptr_eq(&a.0, &b.0)
    }
}

impl PartialEq for ExternRef {
    fn eq(&self, other: &ExternRef) -> bool {
        ExternRef::ptr_eq(self, other)
    }
}

impl std::fmt::Debug for ExternRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ExternRef({:p})", Arc::as_ptr(&self.0))
    }
}

/// The store's live externrefs; a raw externref is its slot index plus one.
#[derive(Default)]
pub(crate) struct ExternRefSlab {
    slots: Vec<Option<ExternRef>>,
    free: Vec<usize>,
    live: usize,
    next_gc: usize,
}

const MIN_GC_THRESHOLD: usize = 1024;

impl ExternRefSlab {
    pub fn insert(&mut self, r: ExternRef) -> usize {
        self.live += 1;
        match self.free.pop() {
            Some(i) => {
                self.slots[i] = Some(r);
                i + 1
            }
            None => {
                self.slots.push(Some(r));
                self.slots.len()
            }
        }
    }

    pub fn get(&self, raw: usize) -> Option<ExternRef> {
        self.slots.get(raw.checked_sub(1)?)?.clone()
    }

    pub fn needs_gc(&self) -> bool {
        self.live > self.next_gc.max(MIN_GC_THRESHOLD)
    }

    /// Frees every slot whose raw value is not in `roots`.
    pub fn collect(&mut self, roots: impl Iterator<Item = usize>) {
        let mut marked = vec![false; self.slots.len()];
        for raw in roots {
            if let Some(m) = raw.checked_sub(1).and_then(|i| marked.get_mut(i)) {
                *m = true;
            }
        }
        for (i, slot) in self.slots.iter_mut().enumerate() {
            if !marked[i] && slot.take().is_some() {
                self.live -= 1;
                self.free.push(i);
            }
        }
        self.next_gc = self.live * 2;
    }

    pub fn live(&self) -> usize {
        self.live
    }
}
