//! Linear memory: 4 GiB plus guard pages is reserved up front for every
//! memory, whatever its type, so growing never moves it (which shared
//! memories require, and which lets compiled code keep the base in a
//! register), and 32-bit accesses with 64 KiB pages need no bounds checks.

use super::vmcontext::{VMMemoryDefinition, VMRuntimeLimits};
use crate::environ::types::MemoryType;
use crate::environ::vmoffsets::GUARD_SIZE;

/// The most bytes any memory can hold: its reservation without the guard.
pub(crate) const MAX_MEMORY_BYTES: u64 = 4 << 30;
const RESERVATION: usize = (MAX_MEMORY_BYTES + GUARD_SIZE) as usize;

/// One linear memory, owning its address-space reservation.
pub(crate) struct LinearMemory {
    definition: Box<VMMemoryDefinition>,
    ty: MemoryType,
    /// Bytes from `base` mapped read-write: the current length rounded up
    /// to whole host pages (they differ only for byte-sized wasm pages).
    accessible: usize,
}

// SAFETY: the memory is only accessed through the store that owns it, which is `Send`.
unsafe impl Send for LinearMemory {}

impl LinearMemory {
    /// Reserves the address space and makes the initial pages accessible.
    pub fn new(ty: MemoryType) -> Result<LinearMemory, String> {
        let bytes = ty.minimum().checked_mul(ty.page_size());
        if bytes.is_none_or(|b| b > MAX_MEMORY_BYTES) {
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
            accessible: 0,
        };
        memory.set_len(bytes.unwrap_or(0) as usize)?;
        Ok(memory)
    }

    /// Makes the first `len` bytes (at most `MAX_MEMORY_BYTES`) accessible.
    fn set_len(&mut self, len: usize) -> Result<(), String> {
        let page = super::memory_image::host_page_size();
        let accessible = len.div_ceil(page) * page;
        if accessible > self.accessible {
            // SAFETY: `[base + self.accessible, base + accessible)` lies inside
            // the reservation made in `new`, because `len` is at most
            // `MAX_MEMORY_BYTES`, a multiple of the host page size.
            let rc = unsafe {
                libc::mprotect(
                    self.definition.base.add(self.accessible) as *mut libc::c_void,
                    accessible - self.accessible,
                    libc::PROT_READ | libc::PROT_WRITE,
                )
            };
            if rc != 0 {
                return Err(format!(
                    "failed to grow linear memory: {}",
                    std::io::Error::last_os_error()
                ));
            }
            self.accessible = accessible;
        }
        self.definition.current_length = len;
        Ok(())
    }

    /// The memory's type, with its current size as the minimum.
    pub fn ty(&self) -> MemoryType {
        let mut ty = self.ty;
        ty.limits.min = self.pages();
        ty
    }

    /// The current size in pages of the memory's page size.
    pub fn pages(&self) -> u64 {
        (self.definition.current_length as u64) >> self.ty.page_size_log2()
    }

    pub fn definition_ptr(&mut self) -> *mut VMMemoryDefinition {
        &mut *self.definition
    }

    pub fn len(&self) -> usize {
        self.definition.current_length
    }

    /// The address of the first byte; it never changes.
    pub fn base(&self) -> *mut u8 {
        self.definition.base
    }

    /// Grows by `delta` pages and returns the old size in pages, or `None` if
    /// the maximum (or what the reservation holds) would be exceeded.
    pub fn grow(&mut self, delta: u64) -> Option<u64> {
        let old = self.pages();
        let new = old.checked_add(delta)?;
        let max = self
            .ty
            .maximum()
            .unwrap_or(u64::MAX)
            .min(self.ty.max_pages_for_index_type());
        let bytes = new.checked_mul(self.ty.page_size())?;
        if new > max || bytes > MAX_MEMORY_BYTES {
            return None;
        }
        self.set_len(bytes as usize).ok()?;
        Some(old)
    }

    /// Grows by `delta` pages if the store's bounds in `limits` allow it,
    /// counting the growth there (see `Store::memory_growths`); returns the
    /// old size in pages. Every growth, by wasm or the host, goes through
    /// here.
    pub fn grow_in_store(&mut self, delta: u64, limits: &mut VMRuntimeLimits) -> Option<u64> {
        let wanted = self
            .pages()
            .checked_add(delta)?
            .checked_mul(self.ty.page_size())?;
        if !limits.resources.memory_bytes_allowed(wanted) {
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
