//! Linear memory: the whole 32-bit range plus guard pages is reserved up front,
//! so in-bounds checks are free and growing never moves the memory.

use super::vmcontext::{VMMemoryDefinition, VMRuntimeLimits};
use crate::environ::types::MemoryType;
use crate::environ::vmoffsets::GUARD_SIZE;

pub(crate) const WASM_PAGE_SIZE: usize = 65536;
const MAX_PAGES: u32 = 65536;
const RESERVATION: usize = (4u64 << 30) as usize + GUARD_SIZE as usize;

/// One linear memory, owning its address-space reservation.
pub(crate) struct LinearMemory {
    definition: Box<VMMemoryDefinition>,
    ty: MemoryType,
}

// SAFETY: the memory is only accessed through the store that owns it, which is `Send`.
unsafe impl Send for LinearMemory {}

impl LinearMemory {
    /// Reserves the address space and makes the initial pages accessible.
    pub fn new(ty: MemoryType) -> Result<LinearMemory, String> {
        if ty.minimum() > MAX_PAGES {
            return Err(format!(
                "memory minimum size of {} pages exceeds memory limits",
                ty.minimum()
            ));
        }
        // SAFETY: an anonymous, private, inaccessible mapping touches no existing memory.
        let base = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                RESERVATION,
                libc::PROT_NONE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE,
                -1,
                0,
            )
        };
        if base == libc::MAP_FAILED {
            return Err(format!(
                "failed to reserve address space for a linear memory: {}",
                std::io::Error::last_os_error()
            ));
        }
        let mut memory = LinearMemory {
            definition: Box::new(VMMemoryDefinition {
                base: base as *mut u8,
                current_length: 0,
            }),
            ty,
        };
        memory.set_accessible(ty.minimum() as usize * WASM_PAGE_SIZE)?;
        Ok(memory)
    }

    fn set_accessible(&mut self, len: usize) -> Result<(), String> {
        let old = self.definition.current_length;
        if len > old {
            // SAFETY: `[base + old, base + len)` lies inside the reservation made in
            // `new`, because `len` is at most 4 GiB.
            let rc = unsafe {
                libc::mprotect(
                    self.definition.base.add(old) as *mut libc::c_void,
                    len - old,
                    libc::PROT_READ | libc::PROT_WRITE,
                )
            };
            if rc != 0 {
                return Err(format!(
                    "failed to grow linear memory: {}",
                    std::io::Error::last_os_error()
                ));
            }
        }
        self.definition.current_length = len;
        Ok(())
    }

    pub fn ty(&self) -> MemoryType {
        MemoryType::new(self.pages(), self.ty.maximum())
    }

    pub fn pages(&self) -> u32 {
        (self.definition.current_length / WASM_PAGE_SIZE) as u32
    }

    pub fn definition_ptr(&mut self) -> *mut VMMemoryDefinition {
        &mut *self.definition
    }

    pub fn len(&self) -> usize {
        self.definition.current_length
    }

    /// Grows by `delta` pages and returns the old size in pages, or `None` if
    /// the maximum would be exceeded.
    pub fn grow(&mut self, delta: u32) -> Option<u32> {
        let old = self.pages();
        let new = old.checked_add(delta)?;
        let max = self.ty.maximum().unwrap_or(MAX_PAGES).min(MAX_PAGES);
        if new > max {
            return None;
        }
        self.set_accessible(new as usize * WASM_PAGE_SIZE).ok()?;
        Some(old)
    }

    /// Grows by `delta` pages if the store's bounds in `limits` allow it,
    /// counting the growth there (see `Store::memory_growths`); returns the
    /// old size in pages. Every growth, by wasm or the host, goes through
    /// here.
    pub fn grow_in_store(&mut self, delta: u32, limits: &mut VMRuntimeLimits) -> Option<u32> {
        let wanted = u64::from(self.pages()) + u64::from(delta);
        if !limits.resources.memory_pages_allowed(wanted) {
            return None;
        }
        let old = self.grow(delta)?;
        limits.memory_growths += 1;
        Some(old)
    }

    pub fn data(&self) -> &[u8] {
        // SAFETY: `[base, base + current_length)` is mapped read-write for as long
        // as `self` lives, and the borrow of `self` keeps it from growing.
        unsafe { std::slice::from_raw_parts(self.definition.base, self.definition.current_length) }
    }

    pub fn data_mut(&mut self) -> &mut [u8] {
        // SAFETY: as in `data`, and `&mut self` makes this the only view.
        unsafe {
            std::slice::from_raw_parts_mut(self.definition.base, self.definition.current_length)
        }
    }
}

impl Drop for LinearMemory {
    fn drop(&mut self) {
        // SAFETY: the reservation was mapped in `new` with this size and nothing
        // refers to it once the memory is dropped (its store is gone).
        unsafe {
            libc::munmap(self.definition.base as *mut libc::c_void, RESERVATION);
        }
    }
}
