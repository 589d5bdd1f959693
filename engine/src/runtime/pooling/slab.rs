//! A slab: `total` equal slots of address space, reserved a chunk of slots
//! at a time as they are first needed and kept until the slab is dropped,
//! with a free list of the slots given back. Thread-safe: one lock guards
//! the free list and the chunk table, held only to take or return an index.

use crate::runtime::memory_image::host_page_size;
use std::sync::Mutex;

/// How much address space one chunk reserves at most (unless one slot is
/// larger): 64 GiB, so a pool grows in steps that cost nothing until used.
const CHUNK_BYTES: usize = 64 << 30;

/// A free slot, with how many bytes from its start are still read-write
/// (in a slab whose slots start inaccessible) and zeroed.
#[derive(Debug, Clone, Copy)]
pub(crate) struct FreeSlot {
    pub index: u32,
    pub accessible: usize,
}

/// Why a slot could not be had.
pub(crate) enum SlabError {
    /// Every slot is in use.
    Exhausted,
    /// The system refused to reserve another chunk.
    Reserve(std::io::Error),
}

struct SlabState {
    free: Vec<FreeSlot>,
    /// Slots below this index have been handed out at least once.
    fresh: u32,
    /// The base of each reserved chunk.
    chunks: Vec<*mut u8>,
}

pub(crate) struct Slab {
    /// Bytes from one slot's start to the next one's, a multiple of the
    /// host page size.
    stride: usize,
    slots_per_chunk: u32,
    total: u32,
    /// The protection a chunk is mapped with: `PROT_NONE` for slots whose
    /// unused bytes must fault, read-write otherwise.
    prot: libc::c_int,
    state: Mutex<SlabState>,
}

// SAFETY: the chunk pointers are mappings the slab owns; the lock guards the
// table of them, and a slot's bytes belong to whoever holds its index.
unsafe impl Send for Slab {}
// SAFETY: as above.
unsafe impl Sync for Slab {}

impl Slab {
    /// A slab of `total` slots of `stride` bytes (a multiple of the host
    /// page size), reserved with protection `prot`; nothing is reserved yet.
    pub fn new(total: u32, stride: usize, prot: libc::c_int) -> Slab {
        debug_assert!(stride > 0 && stride.is_multiple_of(host_page_size()));
        let per_chunk = (CHUNK_BYTES / stride).clamp(1, total.max(1) as usize);
        Slab {
            stride,
            slots_per_chunk: per_chunk as u32,
            total,
            prot,
            state: Mutex::new(SlabState {
                free: Vec::new(),
                fresh: 0,
                chunks: Vec::new(),
            }),
        }
    }

    pub fn total(&self) -> u32 {
        self.total
    }

    /// The bytes of the chunk holding slot `first`.
    fn chunk_bytes(&self, first: u32) -> usize {
        let slots = (self.total - first).min(self.slots_per_chunk);
        slots as usize * self.stride
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, SlabState> {
        // A panic while holding the lock leaves the state consistent: every
        // update is one push, pop or increment.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Takes a slot: the most recently freed one (its pages are the likeliest
    /// to be warm), else the next never-used one, reserving its chunk if
    /// needed. Returns the slot and the address of its first byte.
    pub fn take(&self) -> Result<(FreeSlot, *mut u8), SlabError> {
        let mut state = self.lock();
        let slot = match state.free.pop() {
            Some(slot) => slot,
            None if state.fresh < self.total => {
                let index = state.fresh;
                if index.is_multiple_of(self.slots_per_chunk) {
                    let bytes = self.chunk_bytes(index);
                    // SAFETY: an anonymous, private mapping touches no
                    // existing memory; `MAP_NORESERVE` commits nothing.
                    let chunk = unsafe {
                        libc::mmap(
                            std::ptr::null_mut(),
                            bytes,
                            self.prot,
                            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE,
                            -1,
                            0,
                        )
                    };
                    if chunk == libc::MAP_FAILED {
                        return Err(SlabError::Reserve(std::io::Error::last_os_error()));
                    }
                    state.chunks.push(chunk.cast());
                }
                state.fresh += 1;
                FreeSlot {
                    index,
                    accessible: 0,
                }
            }
            None => return Err(SlabError::Exhausted),
        };
        let chunk = state.chunks[(slot.index / self.slots_per_chunk) as usize];
        let offset = (slot.index % self.slots_per_chunk) as usize * self.stride;
        // SAFETY: the slot lies inside its chunk, which is mapped until the
        // slab is dropped.
        Ok((slot, unsafe { chunk.add(offset) }))
    }

    /// Gives a slot back. Its bytes must be zeroed, and the first
    /// `slot.accessible` of them the only read-write ones (in a slab whose
    /// chunks start inaccessible).
    pub fn give_back(&self, slot: FreeSlot) {
        self.lock().free.push(slot);
    }

    /// How many slots are taken.
    #[cfg(test)]
    pub fn in_use(&self) -> u32 {
        let state = self.lock();
        state.fresh - state.free.len() as u32
    }
}

impl Drop for Slab {
    fn drop(&mut self) {
        let chunks = std::mem::take(&mut self.lock().chunks);
        for (i, chunk) in chunks.into_iter().enumerate() {
            let bytes = self.chunk_bytes(i as u32 * self.slots_per_chunk);
            // SAFETY: each chunk was mapped with this size in `take`, and no
            // slot is in use: every holder keeps the pool alive.
            unsafe { libc::munmap(chunk.cast(), bytes) };
        }
    }
}

/// Zeroes the first `used` bytes at `base`, a multiple of the host page
/// size: the first `keep_resident` by writing zeros, so they stay resident,
/// the rest with `madvise(MADV_DONTNEED)`, which hands their pages back to
/// the kernel and makes them read as zeros. False if the kernel refused,
/// in which case the bytes must not be reused.
///
/// # Safety
/// `[base, base + used)` must be read-write memory of a private anonymous
/// mapping that the caller owns and nothing else refers to.
pub(crate) unsafe fn zero(base: *mut u8, used: usize, keep_resident: usize) -> bool {
    let page = host_page_size();
    let written = (keep_resident / page * page).min(used);
    // SAFETY: the first `written <= used` bytes are the caller's to write.
    unsafe { std::ptr::write_bytes(base, 0, written) };
    if used > written {
        // SAFETY: the range is the caller's, page-aligned (`base` and
        // `written` are), and private anonymous, where `MADV_DONTNEED`
        // means zero pages on the next touch.
        let rc = unsafe {
            libc::madvise(
                base.add(written).cast(),
                used - written,
                libc::MADV_DONTNEED,
            )
        };
        return rc == 0;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_are_reused_last_freed_first_and_run_out_at_the_total() {
        let page = host_page_size();
        let slab = Slab::new(3, page, libc::PROT_READ | libc::PROT_WRITE);
        let (a, pa) = slab.take().ok().unwrap();
        let (b, pb) = slab.take().ok().unwrap();
        let (c, _) = slab.take().ok().unwrap();
        assert_eq!((a.index, b.index, c.index), (0, 1, 2));
        // SAFETY: the slots are distinct and follow each other in one chunk.
        assert_eq!(pb, unsafe { pa.add(page) });
        assert!(matches!(slab.take(), Err(SlabError::Exhausted)));
        slab.give_back(a);
        slab.give_back(c);
        assert_eq!(slab.take().ok().unwrap().0.index, 2);
        assert_eq!(slab.in_use(), 2);
    }

    #[test]
    fn zeroing_writes_what_stays_resident_and_drops_the_rest() {
        let page = host_page_size();
        let slab = Slab::new(1, 4 * page, libc::PROT_READ | libc::PROT_WRITE);
        let (_, base) = slab.take().ok().unwrap();
        // SAFETY: the slot's four pages are read-write and ours.
        let bytes = unsafe { std::slice::from_raw_parts_mut(base, 4 * page) };
        bytes.fill(0xa5);
        // SAFETY: as above.
        assert!(unsafe { zero(base, 3 * page, page + 1) });
        assert!(bytes[..3 * page].iter().all(|&b| b == 0));
        assert!(bytes[3 * page..].iter().all(|&b| b == 0xa5));
    }
}
