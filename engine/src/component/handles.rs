//! A component instance's table of resource handles, with the checks the
//! canonical ABI makes on every use.

use super::resources::ResourceType;
use super::trap::trap;
use crate::environ::error::Result;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;

/// The most handles one instance may hold (as the canonical ABI bounds it,
/// so that guests may use the top two bits of an index).
const MAX_HANDLES: usize = 1 << 30;

/// One handle in a table.
pub(crate) struct HandleElem {
    /// The resource type's key.
    pub ty: u64,
    pub rep: u32,
    pub own: bool,
    /// For a borrow, the count of borrows of the export call it was lent to.
    pub scope: Option<Arc<AtomicU32>>,
    /// For an own, how many calls it is lent to right now.
    pub lend_count: u32,
}

/// The handles of one component instance, indexed from 1 (0 is never a
/// valid handle).
pub(crate) struct HandleTable {
    slots: Vec<Option<HandleElem>>,
    free: Vec<u32>,
}

impl Default for HandleTable {
    fn default() -> HandleTable {
        HandleTable {
            slots: vec![None],
            free: Vec::new(),
        }
    }
}

impl HandleTable {
    /// Adds a handle and returns its index.
    pub fn add(&mut self, elem: HandleElem) -> Result<u32> {
        if let Some(i) = self.free.pop() {
            self.slots[i as usize] = Some(elem);
            return Ok(i);
        }
        if self.slots.len() >= MAX_HANDLES {
            return Err(trap("resource handle table is full"));
        }
        self.slots.push(Some(elem));
        Ok(self.slots.len() as u32 - 1)
    }

    /// The handle at `index`, which must be of resource type `ty`.
    pub fn get(&mut self, index: u32, ty: &ResourceType) -> Result<&mut HandleElem> {
        let elem = self
            .slots
            .get_mut(index as usize)
            .and_then(|s| s.as_mut())
            .ok_or_else(|| trap(format!("unknown handle index {index}")))?;
        if elem.ty != ty.key() {
            return Err(trap(format!(
                "handle index {index} is not a handle to a `{ty}` resource"
            )));
        }
        Ok(elem)
    }

    /// Removes the handle at `index` for `own<ty>` (`own`) or `borrow<ty>`:
    /// it must be of that type and kind, and an own must not be lent out.
    pub fn remove(&mut self, index: u32, ty: &ResourceType, own: bool) -> Result<HandleElem> {
        let elem = self.get(index, ty)?;
        if elem.own && elem.lend_count != 0 {
            return Err(trap(format!(
                "cannot remove owned resource handle {index} while it is borrowed"
            )));
        }
        if own && !elem.own {
            return Err(trap(format!(
                "handle index {index} is a borrow, but an owned handle is required"
            )));
        }
        let elem = self.slots[index as usize].take().expect("checked above");
        self.free.push(index);
        Ok(elem)
    }

    /// Ends one lending of the own handle at `index`.
    pub fn end_lend(&mut self, index: u32) {
        if let Some(Some(elem)) = self.slots.get_mut(index as usize) {
            elem.lend_count = elem.lend_count.saturating_sub(1);
        }
    }
}

/// The borrows lent to one call of an export: each must be dropped before
/// the call returns. The count is made on the first borrow, so calls that
/// lend none allocate nothing.
#[derive(Default)]
pub(crate) struct ExportCall {
    borrows: std::sync::OnceLock<Arc<AtomicU32>>,
}

impl ExportCall {
    /// Counts one more borrow lent to the call; returns the count, which the
    /// borrow's handle keeps to count its drop.
    pub fn lend(&self) -> Arc<AtomicU32> {
        let count = self.borrows.get_or_init(Default::default);
        count.fetch_add(1, Ordering::Relaxed);
        count.clone()
    }

    /// Checks, as the call returns, that every borrow lent to it is gone.
    pub fn exit(&self) -> Result<()> {
        match self.borrows.get() {
            Some(count) if count.load(Ordering::Relaxed) != 0 => {
                Err(trap("borrow handles still remain at the end of the call"))
            }
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn own(ty: &ResourceType, rep: u32) -> HandleElem {
        HandleElem {
            ty: ty.key(),
            rep,
            own: true,
            scope: None,
            lend_count: 0,
        }
    }

    #[test]
    fn indices_start_at_one_and_are_reused() {
        struct A;
        let ty = ResourceType::host::<A>();
        let mut table = HandleTable::default();
        assert_eq!(table.add(own(&ty, 10)).unwrap(), 1);
        assert_eq!(table.add(own(&ty, 11)).unwrap(), 2);
        assert_eq!(table.remove(1, &ty, true).unwrap().rep, 10);
        assert_eq!(table.add(own(&ty, 12)).unwrap(), 1);
        assert_eq!(
            table.get(0, &ty).err().unwrap().to_string(),
            "unknown handle index 0"
        );
    }

    #[test]
    fn wrong_type_and_lent_handles_trap() {
        struct A;
        struct B;
        let (a, b) = (ResourceType::host::<A>(), ResourceType::host::<B>());
        let mut table = HandleTable::default();
        let i = table.add(own(&a, 1)).unwrap();
        assert!(table.get(i, &b).is_err());
        table.get(i, &a).unwrap().lend_count += 1;
        let err = table.remove(i, &a, true).err().unwrap();
        assert!(err.to_string().contains("while it is borrowed"));
        table.end_lend(i);
        table.remove(i, &a, true).unwrap();
    }
}
