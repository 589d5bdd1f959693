//! The pooling allocator: instances, memories and tables of every store of
//! an engine come from pools reserved in advance, so instantiating makes
//! no `mmap`, `mprotect` or `munmap` and dropping a store only zeroes what
//! its instances used.
//!
//! Memory slots are `max_memory_size` bytes. When slots plus the guard
//! reach past every 32-bit index, compiled code leaves bounds checks to the
//! guard ([`PoolSlots::guard_elides_checks`]), so the slots are *guarded*:
//! each slot's bytes past its memory's length, and a guard after it, are
//! inaccessible. That costs two kernel mappings per live memory, and Linux
//! allows a process 65,530 by default (`vm.max_map_count`): a guarded pool
//! holds about 32,000 memories. Smaller slots are checked explicitly by
//! compiled code and by every host access, so they need no protection of
//! their own: a pool of them is one read-write mapping per 64 GiB chunk,
//! whatever the number of live memories, which is what lets the default
//! configuration hold 100,000. Small pools are guarded anyway, as defence
//! in depth, when the process may map that many regions.

pub(crate) mod slab;

use crate::environ::limits::PoolingLimits;
use crate::environ::tunables::{MemoryTunables, PoolSlots, MAX_MEMORY_BYTES};
use crate::runtime::memory_image::host_page_size;
use slab::{FreeSlot, Slab, SlabError};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;

/// The most elements a table slot may hold: what any table may hold.
pub(crate) const MAX_TABLE_ELEMENTS: usize = 10_000_000;

/// The most address space the pools of one engine may span: all of what
/// x86-64 Linux gives a process (128 TiB).
const MAX_POOL_BYTES: u128 = 1 << 47;

/// Mappings a process may hold when `/proc/sys/vm/max_map_count` cannot be
/// read: Linux's default.
const DEFAULT_MAX_MAP_COUNT: u64 = 65_530;

/// Mappings left to the rest of the process when deciding whether a pool
/// of small slots can be guarded.
const MAP_COUNT_RESERVE: u64 = 10_000;

pub(crate) struct PoolingAllocator {
    total_core_instances: u32,
    live_instances: AtomicU32,
    pub memories: MemoryPool,
    pub tables: TablePool,
}

/// The memory slots.
pub(crate) struct MemoryPool {
    slab: Slab,
    /// The most bytes a pooled memory may hold.
    max_bytes: u64,
    /// Whether a slot's bytes past its memory's accessible part, and the
    /// guard after the slot, are inaccessible.
    guarded: bool,
    keep_resident: usize,
}

/// The table slots.
pub(crate) struct TablePool {
    slab: Slab,
    /// The most elements a pooled table may hold.
    elements: usize,
    keep_resident: usize,
}

fn round_up_to_pages(bytes: u64) -> Option<usize> {
    let page = host_page_size() as u64;
    usize::try_from(bytes.checked_next_multiple_of(page)?).ok()
}

/// How many mappings the kernel lets this process hold.
fn max_map_count() -> u64 {
    std::fs::read_to_string("/proc/sys/vm/max_map_count")
        .ok()
        .and_then(|text| text.trim().parse().ok())
        .unwrap_or(DEFAULT_MAX_MAP_COUNT)
}

impl PoolingAllocator {
    /// The pools `limits` describe, for memories laid out by `memory`;
    /// nothing is reserved until a slot is first taken.
    pub fn new(
        limits: &PoolingLimits,
        memory: &MemoryTunables,
    ) -> Result<PoolingAllocator, String> {
        if limits.max_memory_size as u64 > MAX_MEMORY_BYTES {
            return Err(format!(
                "the pooling allocator's max_memory_size of {} bytes is more than the {MAX_MEMORY_BYTES} bytes a memory can hold",
                limits.max_memory_size
            ));
        }
        if limits.table_elements > MAX_TABLE_ELEMENTS {
            return Err(format!(
                "the pooling allocator's table_elements of {} is more than the {MAX_TABLE_ELEMENTS} elements a table can hold",
                limits.table_elements
            ));
        }
        let page = host_page_size();
        let slots = PoolSlots {
            slot_bytes: limits.max_memory_size as u64,
        };
        let guarded = slots.guard_elides_checks(memory.guard_size)
            || 2 * u64::from(limits.total_memories) + MAP_COUNT_RESERVE <= max_map_count();
        let too_large = |what: &str, count: u32, stride: usize| {
            format!(
                "the pooling allocator's {count} {what} slots of {stride} bytes need more address space than a process has"
            )
        };
        let slot_bytes = round_up_to_pages(slots.slot_bytes)
            .ok_or_else(|| too_large("memory", limits.total_memories, usize::MAX))?;
        let guard = if guarded {
            round_up_to_pages(memory.guard_size)
                .ok_or_else(|| too_large("memory", limits.total_memories, usize::MAX))?
        } else {
            0
        };
        let memory_stride = slot_bytes.saturating_add(guard).max(page);
        let table_stride = round_up_to_pages(limits.table_elements as u64 * 8)
            .unwrap_or(usize::MAX)
            .max(page);
        for (what, count, stride) in [
            ("memory", limits.total_memories, memory_stride),
            ("table", limits.total_tables, table_stride),
        ] {
            if u128::from(count) * stride as u128 > MAX_POOL_BYTES {
                return Err(too_large(what, count, stride));
            }
        }
        let memory_prot = if guarded {
            libc::PROT_NONE
        } else {
            libc::PROT_READ | libc::PROT_WRITE
        };
        Ok(PoolingAllocator {
            total_core_instances: limits.total_core_instances,
            live_instances: AtomicU32::new(0),
            memories: MemoryPool {
                slab: Slab::new(limits.total_memories, memory_stride, memory_prot),
                max_bytes: limits.max_memory_size as u64,
                guarded,
                keep_resident: limits.linear_memory_keep_resident,
            },
            tables: TablePool {
                slab: Slab::new(
                    limits.total_tables,
                    table_stride,
                    libc::PROT_READ | libc::PROT_WRITE,
                ),
                elements: limits.table_elements,
                keep_resident: limits.table_keep_resident,
            },
        })
    }

    /// A place for one more live core instance, held until the permit is
    /// dropped with the instance.
    pub fn instance_permit(self: &Arc<Self>) -> Result<InstancePermit, String> {
        let taken = self.live_instances.fetch_add(1, Ordering::AcqRel);
        if taken >= self.total_core_instances {
            self.live_instances.fetch_sub(1, Ordering::AcqRel);
            return Err(format!(
                "maximum concurrent limit of {} for core instances reached",
                self.total_core_instances
            ));
        }
        Ok(InstancePermit(self.clone()))
    }
}

/// One live core instance's place in the pool.
pub(crate) struct InstancePermit(Arc<PoolingAllocator>);

impl Drop for InstancePermit {
    fn drop(&mut self) {
        self.0.live_instances.fetch_sub(1, Ordering::AcqRel);
    }
}

fn exhausted_or_refused(error: SlabError, slab: &Slab, what: &str) -> String {
    match error {
        SlabError::Exhausted => format!(
            "maximum concurrent limit of {} for {what} reached",
            slab.total()
        ),
        SlabError::Reserve(e) => {
            format!("failed to reserve address space for the pooling allocator's {what}: {e}")
        }
    }
}

impl MemoryPool {
    /// The most bytes a pooled memory may hold.
    pub fn max_bytes(&self) -> u64 {
        self.max_bytes
    }

    /// Whether bytes of a slot past what its memory made accessible fault;
    /// otherwise the whole slot is read-write and only explicit checks
    /// keep accesses within the memory.
    pub fn guarded(&self) -> bool {
        self.guarded
    }

    /// Takes a slot whose first `accessible` bytes (a multiple of the host
    /// page size, at most [`MemoryPool::max_bytes`] rounded up) are
    /// read-write and zero; in a guarded pool, the rest of it faults.
    /// Returns the slot's index and base.
    pub fn take(&self, accessible: usize) -> Result<(u32, *mut u8), String> {
        let (slot, base) = self
            .slab
            .take()
            .map_err(|e| exhausted_or_refused(e, &self.slab, "memories"))?;
        if self.guarded && slot.accessible != accessible {
            let (from, to, prot) = if accessible > slot.accessible {
                (
                    slot.accessible,
                    accessible,
                    libc::PROT_READ | libc::PROT_WRITE,
                )
            } else {
                (accessible, slot.accessible, libc::PROT_NONE)
            };
            // SAFETY: `[from, to)` lies inside the slot, which is ours: both
            // ends are at most the slot's size.
            let rc = unsafe { libc::mprotect(base.add(from).cast(), to - from, prot) };
            if rc != 0 {
                let error = std::io::Error::last_os_error();
                // The slot's protection is unknown now: it is not reused.
                return Err(format!(
                    "failed to make a pooled memory accessible: {error}"
                ));
            }
        }
        Ok((slot.index, base))
    }

    /// Gives back slot `index` at `base`, of which the memory made `used`
    /// bytes (a multiple of the host page size) accessible, zeroing them.
    ///
    /// # Safety
    /// The slot must have been taken from this pool with that base, and
    /// nothing may refer to its bytes any more.
    pub unsafe fn give_back(&self, index: u32, base: *mut u8, used: usize) {
        // SAFETY: the caller gives up the slot's bytes, of which `used` are
        // read-write.
        if unsafe { slab::zero(base, used, self.keep_resident) } {
            let accessible = if self.guarded { used } else { 0 };
            self.slab.give_back(FreeSlot { index, accessible });
        }
    }
}

impl TablePool {
    /// The most elements a pooled table may hold.
    pub fn elements(&self) -> usize {
        self.elements
    }

    /// Takes a slot of [`TablePool::elements`] read-write, zeroed elements;
    /// returns its index and base.
    pub fn take(&self) -> Result<(u32, *mut usize), String> {
        let (slot, base) = self
            .slab
            .take()
            .map_err(|e| exhausted_or_refused(e, &self.slab, "tables"))?;
        Ok((slot.index, base.cast()))
    }

    /// Gives back slot `index` at `base`, of which the table used the
    /// first `used` elements, zeroing them.
    ///
    /// # Safety
    /// The slot must have been taken from this pool with that base, and
    /// nothing may refer to its elements any more.
    pub unsafe fn give_back(&self, index: u32, base: *mut usize, used: usize) {
        let page = host_page_size();
        let bytes = (used * std::mem::size_of::<usize>()).div_ceil(page) * page;
        // SAFETY: the caller gives up the slot, which is read-write and at
        // least `bytes` long (its stride is the table's size in whole pages).
        if unsafe { slab::zero(base.cast(), bytes, self.keep_resident) } {
            self.slab.give_back(FreeSlot {
                index,
                accessible: 0,
            });
        }
    }
}
