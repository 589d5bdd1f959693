//! Tables: growable arrays of pointer-sized references (null is 0), kept in
//! a vector of their own, or in a slot of the engine's pool (see
//! [`super::pooling`]) whose elements never move.

use super::pooling::{PoolingAllocator, MAX_TABLE_ELEMENTS};
use super::vmcontext::VMTableDefinition;
use crate::environ::types::TableType;
use std::sync::Arc;

pub(crate) struct TableData {
    definition: Box<VMTableDefinition>,
    storage: Storage,
    ty: TableType,
}

enum Storage {
    /// A vector of exactly the table's elements; growing may move them.
    Vec(Vec<usize>),
    /// Slot `index` of the pool, `capacity` elements from the definition's
    /// base, of which the table has used `used` since it was taken.
    Pooled {
        pool: Arc<PoolingAllocator>,
        index: u32,
        capacity: usize,
        used: usize,
    },
}

// SAFETY: a table is only accessed through the store that owns it, which is `Send`.
unsafe impl Send for TableData {}

fn too_large(ty: &TableType, limit: usize, what: &str) -> String {
    format!(
        "table minimum size of {} elements exceeds {what}{limit} elements",
        ty.minimum()
    )
}

impl TableData {
    pub fn new(ty: TableType, init: usize) -> Result<TableData, String> {
        if ty.minimum() > MAX_TABLE_ELEMENTS as u64 {
            return Err(too_large(&ty, MAX_TABLE_ELEMENTS, "the limit of "));
        }
        let mut table = TableData {
            definition: Box::new(VMTableDefinition {
                base: std::ptr::null_mut(),
                current_elements: 0,
            }),
            storage: Storage::Vec(vec![init; ty.minimum() as usize]),
            ty,
        };
        table.sync_definition();
        Ok(table)
    }

    /// Takes a slot of `pool` for a table of type `ty` with every element
    /// set to `init`.
    pub fn new_pooled(
        ty: TableType,
        init: usize,
        pool: &Arc<PoolingAllocator>,
    ) -> Result<TableData, String> {
        let capacity = pool.tables.elements();
        if ty.minimum() > capacity as u64 {
            return Err(too_large(
                &ty,
                capacity,
                "the pooling allocator's limit (table_elements) of ",
            ));
        }
        let (index, base) = pool.tables.take()?;
        let len = ty.minimum() as usize;
        let mut table = TableData {
            definition: Box::new(VMTableDefinition {
                base,
                current_elements: len as u32,
            }),
            storage: Storage::Pooled {
                pool: pool.clone(),
                index,
                capacity,
                used: len,
            },
            ty,
        };
        table.elements_mut().fill(init);
        Ok(table)
    }

    fn sync_definition(&mut self) {
        if let Storage::Vec(elements) = &mut self.storage {
            self.definition.base = elements.as_mut_ptr();
            self.definition.current_elements = elements.len() as u32;
        }
    }

    /// The table's type, with its current size as the minimum.
    pub fn ty(&self) -> TableType {
        let mut ty = self.ty;
        ty.limits.min = self.size();
        ty
    }

    pub fn definition_ptr(&mut self) -> *mut VMTableDefinition {
        &mut *self.definition
    }

    pub fn size(&self) -> u64 {
        u64::from(self.definition.current_elements)
    }

    pub fn get(&self, index: u64) -> Option<usize> {
        self.raw_elements()
            .get(usize::try_from(index).ok()?)
            .copied()
    }

    pub fn set(&mut self, index: u64, value: usize) -> Result<(), ()> {
        let index = usize::try_from(index).map_err(|_| ())?;
        let slot = self.elements_mut().get_mut(index).ok_or(())?;
        *slot = value;
        Ok(())
    }

    pub fn raw_elements(&self) -> &[usize] {
        match &self.storage {
            Storage::Vec(elements) => elements,
            // SAFETY: the slot holds `capacity >= current_elements`
            // read-write elements for as long as the table has it.
            Storage::Pooled { .. } => unsafe {
                std::slice::from_raw_parts(
                    self.definition.base,
                    self.definition.current_elements as usize,
                )
            },
        }
    }

    pub fn elements_mut(&mut self) -> &mut [usize] {
        match &mut self.storage {
            Storage::Vec(elements) => elements,
            // SAFETY: as in `raw_elements`, and `&mut self` makes this the
            // only view.
            Storage::Pooled { .. } => unsafe {
                std::slice::from_raw_parts_mut(
                    self.definition.base,
                    self.definition.current_elements as usize,
                )
            },
        }
    }

    /// Grows by `delta` elements set to `init`; returns the old size, or `None`
    /// when the maximum (or the pool's slot) would be exceeded.
    pub fn grow(&mut self, delta: u64, init: usize) -> Option<u64> {
        let old = self.size();
        let new = old.checked_add(delta)?;
        let max = self
            .ty
            .maximum()
            .unwrap_or(u64::MAX)
            .min(MAX_TABLE_ELEMENTS as u64);
        if new > max {
            return None;
        }
        match &mut self.storage {
            Storage::Vec(elements) => {
                elements.resize(new as usize, init);
                self.sync_definition();
            }
            Storage::Pooled { capacity, used, .. } => {
                if new > *capacity as u64 {
                    return None;
                }
                *used = (*used).max(new as usize);
                self.definition.current_elements = new as u32;
                self.elements_mut()[old as usize..].fill(init);
            }
        }
        Some(old)
    }
}

impl Drop for TableData {
    fn drop(&mut self) {
        if let Storage::Pooled {
            pool, index, used, ..
        } = &self.storage
        {
            // SAFETY: the slot was taken from this pool with this base, and
            // nothing refers to it once the table is dropped; the table
            // wrote at most its first `used` elements.
            unsafe { pool.tables.give_back(*index, self.definition.base, *used) };
        }
    }
}
