//! Linear memory: address space reserved up front by the rules of
//! [`MemoryTunables`], with an inaccessible guard after the reservation.
//! Within the reservation, growing only makes pages accessible, so the
//! memory stays put; past it, a memory that may move is copied to a larger
//! reservation, and one that may not cannot grow. Compiled code leaves out
//! the bounds checks the reservation and guard make redundant. Under the
//! pooling allocator a memory lives in a slot of the engine's pool instead
//! (see [`super::pooling`]) and never moves.

use super::memory_image::host_page_size;
use super::pooling::PoolingAllocator;
use super::vmcontext::{VMMemoryDefinition, VMRuntimeLimits};
use crate::environ::tunables::{self, MemoryTunables, MAX_MEMORY_BYTES};
use crate::environ::types::MemoryType;
use std::sync::Arc;

/// One linear memory, owning its address-space reservation.
pub(crate) struct LinearMemory {
    definition: Box<VMMemoryDefinition>,
    ty: MemoryType,
    /// Bytes from `base` mapped read-write: the current length rounded up
    /// to whole host pages (they differ only for byte-sized wasm pages).
    /// In an unguarded pool slot, where every byte is read-write, the bytes
    /// the memory has had: what must be zeroed when it is freed.
    accessible: usize,
    /// Bytes from `base` reserved for the memory, a multiple of the host
    /// page size; the guard follows them.
    reservation: usize,
    /// Inaccessible bytes after the reservation, a multiple of the host
    /// page size.
    guard: usize,
    /// The most bytes the memory may hold.
    max_bytes: u64,
    /// Whether the memory moves to a larger reservation when it outgrows
    /// this one, and how much room past its new size it then reserves.
    may_move: bool,
    reservation_for_growth: u64,
    /// Where the address space comes from.
    backing: Backing,
}

enum Backing {
    /// A mapping of its own, `reservation + guard` bytes from the base.
    Mapped,
    /// Slot `index` of the pool: the mapping belongs to the pool, which
    /// zeroes the slot when the memory is dropped. `protects` when bytes
    /// past the accessible part must be made inaccessible (a guarded pool).
    Pooled {
        pool: Arc<PoolingAllocator>,
        index: u32,
        protects: bool,
    },
}

// SAFETY: the memory is only accessed through the store that owns it, which is `Send`.
unsafe impl Send for LinearMemory {}

fn round_up_to_pages(bytes: u64) -> Option<usize> {
    let page = host_page_size() as u64;
    usize::try_from(bytes.checked_next_multiple_of(page)?).ok()
}

/// Reserves `bytes` of inaccessible address space.
fn reserve(bytes: usize) -> Result<*mut u8, String> {
    // SAFETY: an anonymous, private, inaccessible mapping touches no existing memory.
    let base = unsafe {
        libc::mmap(
            std::ptr::null_mut(),
            bytes,
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
    Ok(base.cast())
}

/// Makes `[base + from, base + to)` read-write.
///
/// # Safety
/// The range must lie inside a reservation owned by the caller.
unsafe fn make_accessible(base: *mut u8, from: usize, to: usize) -> Result<(), String> {
    if to <= from {
        return Ok(());
    }
    // SAFETY: guaranteed by the caller.
    let rc = unsafe {
        libc::mprotect(
            base.add(from).cast(),
            to - from,
            libc::PROT_READ | libc::PROT_WRITE,
        )
    };
    if rc != 0 {
        return Err(format!(
            "failed to grow linear memory: {}",
            std::io::Error::last_os_error()
        ));
    }
    Ok(())
}

impl LinearMemory {
    /// Reserves the address space `tunables` give a memory of type `ty`
    /// and makes the initial pages accessible.
    pub fn new(ty: MemoryType, tunables: &MemoryTunables) -> Result<LinearMemory, String> {
        let bytes = ty.minimum().checked_mul(ty.page_size());
        if bytes.is_none_or(|b| b > MAX_MEMORY_BYTES) {
            return Err(format!(
                "memory minimum size of {} pages exceeds memory limits",
                ty.minimum()
            ));
        }
        let too_large = || "the memory settings reserve more than the address space".to_string();
        let reservation = round_up_to_pages(tunables.reservation_for(&ty)).ok_or_else(too_large)?;
        let guard = round_up_to_pages(tunables.guard_size).ok_or_else(too_large)?;
        // A memory of no pages with no guard still maps one page, so that
        // every memory has an address of its own.
        let total = reservation
            .checked_add(guard)
            .ok_or_else(too_large)?
            .max(host_page_size());
        let base = reserve(total)?;
        let mut memory = LinearMemory {
            definition: Box::new(VMMemoryDefinition {
                base,
                current_length: 0,
            }),
            ty,
            accessible: 0,
            reservation,
            guard: total - reservation,
            max_bytes: tunables::max_bytes(&ty),
            may_move: tunables.base_may_move(&ty),
            reservation_for_growth: tunables.reservation_for_growth,
            backing: Backing::Mapped,
        };
        memory.set_len(bytes.unwrap_or(0) as usize)?;
        Ok(memory)
    }

    /// Takes a slot of `pool` for a memory of type `ty`, its initial pages
    /// accessible and zero.
    pub fn new_pooled(
        ty: MemoryType,
        pool: &Arc<PoolingAllocator>,
    ) -> Result<LinearMemory, String> {
        let memories = &pool.memories;
        let max_bytes = tunables::max_bytes(&ty).min(memories.max_bytes());
        let bytes = tunables::min_bytes(&ty);
        if bytes > memories.max_bytes() {
            return Err(format!(
                "memory minimum size of {} pages exceeds the pooling allocator's limit of {} pages (max_memory_size of {} bytes)",
                ty.minimum(),
                memories.max_bytes() / ty.page_size(),
                memories.max_bytes()
            ));
        }
        let len = bytes as usize;
        let page = host_page_size();
        let accessible = len.div_ceil(page) * page;
        let (index, base) = memories.take(accessible)?;
        Ok(LinearMemory {
            definition: Box::new(VMMemoryDefinition {
                base,
                current_length: len,
            }),
            ty,
            accessible,
            reservation: round_up_to_pages(memories.max_bytes()).unwrap_or(usize::MAX),
            guard: 0,
            max_bytes,
            may_move: false,
            reservation_for_growth: 0,
            backing: Backing::Pooled {
                pool: pool.clone(),
                index,
                protects: memories.guarded(),
            },
        })
    }

    /// Whether the memory's pages are its own to replace with a mapping
    /// of a memory image (not a pool's, which are reset by zeroing).
    pub fn owns_mapping(&self) -> bool {
        matches!(self.backing, Backing::Mapped)
    }

    /// Makes the first `len` bytes accessible, where `len` fits in the
    /// reservation.
    fn set_len(&mut self, len: usize) -> Result<(), String> {
        let page = host_page_size();
        let accessible = len.div_ceil(page) * page;
        debug_assert!(accessible <= self.reservation);
        if accessible > self.accessible {
            let protects = match self.backing {
                Backing::Mapped => true,
                Backing::Pooled { protects, .. } => protects,
            };
            if protects {
                // SAFETY: `[self.accessible, accessible)` lies inside the
                // reservation (or slot) this memory owns: `len` fits in it
                // and it is a multiple of the host page size.
                unsafe { make_accessible(self.definition.base, self.accessible, accessible)? };
            }
            self.accessible = accessible;
        }
        self.definition.current_length = len;
        Ok(())
    }

    /// Moves the memory to a new reservation that holds `len` bytes plus
    /// room to grow (up to its maximum), copying its contents; the old
    /// reservation is released.
    fn relocate(&mut self, len: usize) -> Result<(), String> {
        let wanted = (len as u64)
            .saturating_add(self.reservation_for_growth)
            .min(self.max_bytes)
            .max(len as u64);
        let too_large = || "the memory settings reserve more than the address space".to_string();
        let reservation = round_up_to_pages(wanted).ok_or_else(too_large)?;
        let total = reservation.checked_add(self.guard).ok_or_else(too_large)?;
        let base = reserve(total)?;
        let page = host_page_size();
        let accessible = len.div_ceil(page) * page;
        // SAFETY: `[base, base + accessible)` lies in the reservation just
        // made, since `accessible` is `len` rounded up to a page and
        // `reservation` is at least that.
        if let Err(e) = unsafe { make_accessible(base, 0, accessible) } {
            // SAFETY: the mapping was made above and nothing refers to it.
            unsafe { libc::munmap(base.cast(), total) };
            return Err(e);
        }
        let old_len = self.definition.current_length;
        // SAFETY: the old memory's first `old_len` bytes are accessible and
        // the new one's first `accessible >= old_len` bytes are too; the
        // two mappings are distinct.
        unsafe { std::ptr::copy_nonoverlapping(self.definition.base, base, old_len) };
        // SAFETY: the old reservation was mapped with this size and is
        // replaced below; nothing refers to it once the store's borrow of
        // this memory (which a growth holds) ends, and compiled code
        // reloads the base of a memory that may move.
        unsafe { libc::munmap(self.definition.base.cast(), self.reservation + self.guard) };
        self.definition.base = base;
        self.reservation = reservation;
        self.accessible = accessible;
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

    #[inline]
    pub fn len(&self) -> usize {
        self.definition.current_length
    }

    /// The address of the first byte. It changes only when a memory that
    /// may move grows past its reservation.
    pub fn base(&self) -> *mut u8 {
        self.definition.base
    }

    /// Bytes reserved from the base, not counting the guard.
    #[cfg(test)]
    pub fn reservation(&self) -> usize {
        self.reservation
    }

    /// Grows by `delta` pages and returns the old size in pages, or `None` if
    /// the maximum (or what the reservation holds, for a memory that may
    /// not move) would be exceeded.
    pub fn grow(&mut self, delta: u64) -> Option<u64> {
        let old = self.pages();
        let bytes = old.checked_add(delta)?.checked_mul(self.ty.page_size())?;
        if bytes > self.max_bytes {
            return None;
        }
        let len = usize::try_from(bytes).ok()?;
        if len > self.reservation {
            if !self.may_move {
                return None;
            }
            self.relocate(len).ok()?;
        } else {
            self.set_len(len).ok()?;
        }
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

    #[inline]
    pub fn data(&self) -> &[u8] {
        // SAFETY: `[base, base + current_length)` is mapped read-write for as long
        // as `self` lives, and the borrow of `self` keeps it from growing.
        unsafe { std::slice::from_raw_parts(self.definition.base, self.definition.current_length) }
    }

    #[inline]
    pub fn data_mut(&mut self) -> &mut [u8] {
        // SAFETY: as in `data`, and `&mut self` makes this the only view.
        unsafe {
            std::slice::from_raw_parts_mut(self.definition.base, self.definition.current_length)
        }
    }
}

impl Drop for LinearMemory {
    fn drop(&mut self) {
        let base = self.definition.base;
        match &self.backing {
            // SAFETY: the reservation was mapped with this size and nothing
            // refers to it once the memory is dropped (its store is gone).
            Backing::Mapped => unsafe {
                libc::munmap(base.cast(), self.reservation + self.guard);
            },
            // SAFETY: the slot was taken from this pool with this base, and
            // nothing refers to it once the memory is dropped; the memory
            // made at most `accessible` bytes of it read-write and touched.
            Backing::Pooled { pool, index, .. } => unsafe {
                pool.memories.give_back(*index, base, self.accessible);
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tunables(reservation: u64, guard_size: u64, may_move: bool) -> MemoryTunables {
        MemoryTunables {
            reservation,
            guard_size,
            reservation_for_growth: 0,
            may_move,
            pool: None,
        }
    }

    #[test]
    fn reserves_by_the_settings() {
        let defaults = tunables(4 << 30, 32 << 20, true);
        let unbounded = LinearMemory::new(MemoryType::new(1, None), &defaults).unwrap();
        assert_eq!(unbounded.reservation(), 4 << 30);
        assert_eq!(unbounded.guard, 32 << 20);
        let small = LinearMemory::new(MemoryType::new(1, Some(3)), &defaults).unwrap();
        assert_eq!(small.reservation(), 3 << 16);
        let no_guard = LinearMemory::new(MemoryType::new(0, Some(0)), &tunables(0, 0, true));
        assert_eq!(no_guard.unwrap().guard, host_page_size());
    }

    #[test]
    fn a_memory_that_may_move_moves_with_its_contents_and_one_that_may_not_stops() {
        let mut moving =
            LinearMemory::new(MemoryType::new(1, None), &tunables(1 << 16, 0, true)).unwrap();
        moving.data_mut()[65535] = 9;
        let base = moving.base();
        assert_eq!(moving.grow(1), Some(1));
        assert_ne!(moving.base(), base);
        assert_eq!(moving.reservation(), 2 << 16);
        assert_eq!((moving.len(), moving.data()[65535]), (2 << 16, 9));
        assert_eq!(moving.data()[65536], 0);

        let mut fixed =
            LinearMemory::new(MemoryType::new(1, None), &tunables(1 << 16, 0, false)).unwrap();
        assert_eq!(fixed.grow(1), None);
        assert_eq!(fixed.grow(0), Some(1));
    }
}
