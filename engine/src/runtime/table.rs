//! Tables: growable arrays of pointer-sized references (null is 0).

use super::vmcontext::VMTableDefinition;
use crate::environ::types::TableType;

/// Tables may not grow past this many elements, whatever their maximum says;
/// it fits the `u32` length compiled code reads.
const MAX_TABLE_ELEMENTS: u64 = 10_000_000;

pub(crate) struct TableData {
    definition: Box<VMTableDefinition>,
    elements: Vec<usize>,
    ty: TableType,
}

// SAFETY: a table is only accessed through the store that owns it, which is `Send`.
unsafe impl Send for TableData {}

impl TableData {
    pub fn new(ty: TableType, init: usize) -> Result<TableData, String> {
        if ty.minimum() > MAX_TABLE_ELEMENTS {
            return Err(format!(
                "table minimum size of {} elements exceeds table limits",
                ty.minimum()
            ));
        }
        let elements = vec![init; ty.minimum() as usize];
        let mut table = TableData {
            definition: Box::new(VMTableDefinition {
                base: std::ptr::null_mut(),
                current_elements: 0,
            }),
            elements,
            ty,
        };
        table.sync_definition();
        Ok(table)
    }

    fn sync_definition(&mut self) {
        self.definition.base = self.elements.as_mut_ptr();
        self.definition.current_elements = self.elements.len() as u32;
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
        self.elements.len() as u64
    }

    pub fn get(&self, index: u64) -> Option<usize> {
        self.elements.get(usize::try_from(index).ok()?).copied()
    }

    pub fn set(&mut self, index: u64, value: usize) -> Result<(), ()> {
        let index = usize::try_from(index).map_err(|_| ())?;
        let slot = self.elements.get_mut(index).ok_or(())?;
        *slot = value;
        Ok(())
    }

    pub fn raw_elements(&self) -> &[usize] {
        &self.elements
    }

    pub fn elements_mut(&mut self) -> &mut [usize] {
        &mut self.elements
    }

    /// Grows by `delta` elements set to `init`; returns the old size, or `None`
    /// when the maximum would be exceeded.
    pub fn grow(&mut self, delta: u64, init: usize) -> Option<u64> {
        let old = self.size();
        let new = old.checked_add(delta)?;
        if new
            > self
                .ty
                .maximum()
                .unwrap_or(u64::MAX)
                .min(MAX_TABLE_ELEMENTS)
        {
            return None;
        }
        self.elements.resize(new as usize, init);
        self.sync_definition();
        Some(old)
    }
}
