//! `Tunables`: the engine settings that shape compiled code, handed to the
//! compiler as plain data so that it never reads the public `Config`.

use super::types::{MemoryType, DEFAULT_PAGE_SIZE_LOG2};
use wasmparser::WasmFeatures;

/// The settings every function of a module is compiled against, and that an
/// artifact must match to be loaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Tunables {
    /// The wasm proposals the validator accepts.
    pub features: WasmFeatures,
    /// Compiled code counts fuel and traps when it runs out.
    pub consume_fuel: bool,
    /// Compiled code checks the engine's epoch against the store's deadline.
    pub epoch_interruption: bool,
    /// Every memory access is bounds-checked in code rather than by guard
    /// pages (under valgrind, which cannot deliver the signals guard pages
    /// raise).
    pub explicit_bounds_checks: bool,
    /// How linear memories are laid out in the address space.
    pub memory: MemoryTunables,
}

/// The most bytes any linear memory holds, whatever its type: 65,536 pages
/// of 64 KiB.
pub(crate) const MAX_MEMORY_BYTES: u64 = 1 << 32;

/// The number of bytes a 32-bit index can reach past a memory's base,
/// before the access's static offset and size are added.
const MAX_32BIT_INDEX: u64 = u32::MAX as u64;

/// How linear memories are placed in the address space: how much each one
/// reserves, how large the inaccessible guard after it is, and whether it
/// may move when it grows. The runtime reserves by these rules and the
/// compiler leaves out a bounds check only where they guarantee that the
/// access either hits the memory or faults (see [`MemoryTunables::covered`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct MemoryTunables {
    /// Bytes reserved for a memory that may grow past them.
    pub reservation: u64,
    /// Inaccessible bytes after every reservation.
    pub guard_size: u64,
    /// Extra bytes reserved when a memory moves to grow, so that the next
    /// growths need not move it again.
    pub reservation_for_growth: u64,
    /// A memory that outgrows its reservation moves to a larger one
    /// (otherwise it cannot grow past it).
    pub may_move: bool,
    /// Under the pooling allocator, the slots every memory lives in.
    pub pool: Option<PoolSlots>,
}

/// The memory slots of the pooling allocator: every memory of the engine,
/// whatever its type, lives in one, from its base to `slot_bytes`, and
/// never moves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PoolSlots {
    /// The most bytes a pooled memory holds.
    pub slot_bytes: u64,
}

impl PoolSlots {
    /// Whether slots followed by `guard_size` bytes reach past every 32-bit
    /// index, so that compiled code may leave checks to the guard: then
    /// every byte of a slot past its memory's length, and the guard after
    /// it, must be inaccessible. A pool of smaller slots need not be
    /// guarded (see `runtime::pooling`), and its memories are checked
    /// explicitly.
    pub fn guard_elides_checks(&self, guard_size: u64) -> bool {
        self.slot_bytes.saturating_add(guard_size) > MAX_32BIT_INDEX
    }
}

impl MemoryTunables {
    /// The bytes reserved for a memory of type `ty` when it is made on
    /// demand (not counting the guard, nor rounding to host pages): a
    /// memory whose maximum fits in the configured reservation reserves
    /// only its maximum; one that may grow past it reserves the
    /// reservation, or, when its minimum is larger, its minimum (plus room
    /// to grow if it may move).
    pub fn reservation_for(&self, ty: &MemoryType) -> u64 {
        let (min, max) = (min_bytes(ty), max_bytes(ty));
        if max <= self.reservation {
            max
        } else if min <= self.reservation {
            self.reservation
        } else if self.base_may_move(ty) {
            min.saturating_add(self.reservation_for_growth).min(max)
        } else {
            min
        }
    }

    /// The bytes from a memory's base that are, at any time, either the
    /// memory's accessible bytes or inaccessible (so an access there
    /// faults), for every memory that compiled code may see through a
    /// declaration of type `ty`: defined by the module, or `imported`.
    /// 0 when nothing is guaranteed beyond the memory's length.
    ///
    /// A defined memory reserves [`MemoryTunables::reservation_for`] its
    /// type, which is at least the smaller of its maximum and the
    /// reservation, and moving only ever makes it larger. An imported one
    /// may have been made with any maximum down to its current size, so
    /// only the declared minimum bounds it. Every pooled memory fills a
    /// slot, which is guarded if it is large enough to matter.
    pub fn covered(&self, ty: &MemoryType, imported: bool) -> u64 {
        let reserved = match self.pool {
            Some(pool) if pool.guard_elides_checks(self.guard_size) => pool.slot_bytes,
            Some(_) => return 0,
            None if imported => min_bytes(ty).min(self.reservation),
            None => max_bytes(ty).min(self.reservation),
        };
        reserved.saturating_add(self.guard_size)
    }

    /// Whether an access of `end` bytes past a 32-bit index (its static
    /// offset plus its size) to a memory declared with type `ty` is caught
    /// by the reservation and its guard, so needs no explicit check: only
    /// for 32-bit memories of 64 KiB pages, whose length always ends on a
    /// host page boundary.
    pub fn guard_catches(&self, ty: &MemoryType, imported: bool, end: u64) -> bool {
        !ty.is_64()
            && ty.page_size_log2() == DEFAULT_PAGE_SIZE_LOG2
            && MAX_32BIT_INDEX
                .checked_add(end)
                .is_some_and(|reach| reach <= self.covered(ty, imported))
    }

    /// Whether a memory of type `ty` (or any memory matching an import of
    /// that type) may change its base address when it grows: only when
    /// memories may move, it is not shared, it is not pooled, and its
    /// maximum is past the reservation.
    pub fn base_may_move(&self, ty: &MemoryType) -> bool {
        self.any_may_move() && !ty.is_shared() && max_bytes(ty) > self.reservation
    }

    /// Whether some memory may change its base address when it grows: when
    /// memories may move, are not pooled, and the reservation is smaller
    /// than the largest memory.
    pub fn any_may_move(&self) -> bool {
        self.pool.is_none() && self.may_move && self.reservation < MAX_MEMORY_BYTES
    }
}

/// The initial size of a memory of type `ty`, in bytes (saturating).
pub(crate) fn min_bytes(ty: &MemoryType) -> u64 {
    ty.minimum().saturating_mul(ty.page_size())
}

/// The most bytes a memory of type `ty` can hold: its maximum, or what its
/// index type allows, and never more than [`MAX_MEMORY_BYTES`].
pub(crate) fn max_bytes(ty: &MemoryType) -> u64 {
    ty.maximum()
        .unwrap_or(u64::MAX)
        .min(ty.max_pages_for_index_type())
        .saturating_mul(ty.page_size())
        .min(MAX_MEMORY_BYTES)
}

#[cfg(test)]
mod tests {
    use super::*;

    const GIB: u64 = 1 << 30;
    const MIB: u64 = 1 << 20;

    fn on_demand(reservation: u64, guard_size: u64, may_move: bool) -> MemoryTunables {
        MemoryTunables {
            reservation,
            guard_size,
            reservation_for_growth: 2 * GIB,
            may_move,
            pool: None,
        }
    }

    #[test]
    fn a_small_maximum_reserves_only_itself_and_loses_the_free_checks() {
        let t = on_demand(4 * GIB, 32 * MIB, true);
        let small = MemoryType::new(1, Some(2));
        assert_eq!(t.reservation_for(&small), 2 << 16);
        assert!(!t.guard_catches(&small, false, 4));
        let unbounded = MemoryType::new(1, None);
        assert_eq!(t.reservation_for(&unbounded), 4 * GIB);
        assert!(t.guard_catches(&unbounded, false, 32 * MIB));
        assert!(!t.guard_catches(&unbounded, false, 32 * MIB + 2));
        assert!(!t.base_may_move(&unbounded));
    }

    #[test]
    fn an_imported_memory_is_trusted_only_as_far_as_its_minimum() {
        let t = on_demand(4 * GIB, 32 * MIB, true);
        assert!(!t.guard_catches(&MemoryType::new(1, None), true, 1));
        assert!(t.guard_catches(&MemoryType::new(65536, None), true, 8));
    }

    #[test]
    fn a_reservation_below_four_gib_checks_and_may_move() {
        let t = on_demand(64 << 10, 0, true);
        let ty = MemoryType::new(1, None);
        assert_eq!(t.reservation_for(&ty), 64 << 10);
        assert!(!t.guard_catches(&ty, false, 1));
        assert!(t.base_may_move(&ty));
        assert!(!t.base_may_move(&MemoryType::shared(1, 65536)));
        assert!(!on_demand(64 << 10, 0, false).base_may_move(&ty));
        // A minimum past the reservation reserves room to grow if it may move.
        let big = MemoryType::new(4, None);
        assert_eq!(t.reservation_for(&big), (4 << 16) + 2 * GIB);
        assert_eq!(on_demand(64 << 10, 0, false).reservation_for(&big), 4 << 16);
    }

    #[test]
    fn no_guard_still_covers_single_bytes_at_offset_zero() {
        let t = on_demand(4 * GIB, 0, true);
        let ty = MemoryType::new(1, None);
        assert!(t.guard_catches(&ty, false, 1));
        assert!(!t.guard_catches(&ty, false, 2));
    }

    #[test]
    fn pooled_memories_are_covered_only_by_slots_that_reach_past_the_32_bit_range() {
        let mut t = on_demand(4 * GIB, 32 * MIB, true);
        t.pool = Some(PoolSlots {
            slot_bytes: 256 * MIB,
        });
        assert_eq!(t.covered(&MemoryType::new(1, None), false), 0);
        assert!(!t.base_may_move(&MemoryType::new(1, None)));
        t.pool = Some(PoolSlots {
            slot_bytes: 4 * GIB,
        });
        assert!(t.guard_catches(&MemoryType::new(1, Some(1)), true, 16));
        assert!(PoolSlots {
            slot_bytes: 4 * GIB
        }
        .guard_elides_checks(0));
        assert!(!PoolSlots { slot_bytes: GIB }.guard_elides_checks(32 * MIB));
    }

    #[test]
    fn sixty_four_bit_and_byte_paged_memories_are_always_checked() {
        let t = on_demand(4 * GIB, 2 * GIB, true);
        assert!(!t.guard_catches(&MemoryType::new64(1, None), false, 1));
        let bytes = MemoryType::new(1, None).with_page_size_log2(0);
        assert!(!t.guard_catches(&bytes, false, 1));
    }
}
