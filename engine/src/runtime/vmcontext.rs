//! The data structures compiled code reads and writes, with the layouts that
//! `environ::vmoffsets` describes.

use crate::environ::limits::StoreLimits;
use crate::environ::vmoffsets;
use std::alloc::{alloc_zeroed, dealloc, Layout};
use std::sync::atomic::AtomicU64;

/// A reference to a function as compiled code sees it: enough to call it and to
/// check its signature.
#[repr(C)]
#[derive(Debug)]
pub(crate) struct VMFuncRef {
    /// Native code with the wasm calling convention:
    /// `(callee_vmctx, caller_vmctx, params...) -> results`.
    pub func_ptr: *const u8,
    /// The callee's context: an instance's `VMContext` or a host function's data.
    pub vmctx: *mut u8,
    /// The engine-wide canonical id of the function's signature.
    pub type_id: u32,
}

const _: () = assert!(std::mem::size_of::<VMFuncRef>() == vmoffsets::FUNCREF_SIZE as usize);
const _: () = assert!(std::mem::offset_of!(VMFuncRef, vmctx) == vmoffsets::FUNCREF_VMCTX as usize);
const _: () =
    assert!(std::mem::offset_of!(VMFuncRef, type_id) == vmoffsets::FUNCREF_TYPE_ID as usize);

/// Where a linear memory lives; compiled code loads `base` and `current_length`.
#[repr(C)]
#[derive(Debug)]
pub(crate) struct VMMemoryDefinition {
    pub base: *mut u8,
    pub current_length: usize,
}

const _: () = assert!(
    std::mem::offset_of!(VMMemoryDefinition, current_length) == vmoffsets::MEMORY_LENGTH as usize
);

/// Where a table's elements live; elements are pointer-sized references.
#[repr(C)]
#[derive(Debug)]
pub(crate) struct VMTableDefinition {
    pub base: *mut usize,
    pub current_elements: u32,
}

const _: () = assert!(
    std::mem::offset_of!(VMTableDefinition, current_elements) == vmoffsets::TABLE_LENGTH as usize
);

/// The storage of one global, large enough for any value type.
#[repr(C, align(16))]
#[derive(Debug, Default)]
pub(crate) struct VMGlobal {
    pub bytes: [u8; 16],
}

/// Per-store limits that compiled code checks.
#[repr(C)]
#[derive(Debug)]
pub(crate) struct VMRuntimeLimits {
    /// Compiled code traps with stack overflow when its stack pointer drops below this.
    pub stack_limit: usize,
    /// Fuel left; compiled code with fuel enabled subtracts each basic block's
    /// cost on entry and traps rather than let it go negative.
    pub fuel: i64,
    /// Compiled code with epoch interruption traps once the engine's epoch
    /// reaches this.
    pub epoch_deadline: u64,
    /// The engine's epoch counter, which another thread may advance at any time.
    pub epoch: *const AtomicU64,
    /// The store's resource bounds, which builtins check (compiled code
    /// never reads them).
    pub resources: StoreLimits,
    /// How many times a memory of the store has grown (see
    /// `Store::memory_growths`); compiled code never reads it.
    pub memory_growths: u64,
}

impl VMRuntimeLimits {
    pub fn new(epoch: &AtomicU64) -> VMRuntimeLimits {
        VMRuntimeLimits {
            stack_limit: 0,
            fuel: 0,
            epoch_deadline: 0,
            epoch,
            resources: StoreLimits::default(),
            memory_growths: 0,
        }
    }
}

const _: () = assert!(
    std::mem::offset_of!(VMRuntimeLimits, stack_limit) == vmoffsets::LIMITS_STACK_LIMIT as usize
);
const _: () =
    assert!(std::mem::offset_of!(VMRuntimeLimits, fuel) == vmoffsets::LIMITS_FUEL as usize);
const _: () = assert!(
    std::mem::offset_of!(VMRuntimeLimits, epoch_deadline)
        == vmoffsets::LIMITS_EPOCH_DEADLINE as usize
);
const _: () =
    assert!(std::mem::offset_of!(VMRuntimeLimits, epoch) == vmoffsets::LIMITS_EPOCH as usize);

/// A zero-initialised, 16-byte aligned block holding one instance's `VMContext`.
pub(crate) struct VMContextBox {
    ptr: *mut u8,
    layout: Layout,
}

impl VMContextBox {
    pub fn new(size: u32) -> VMContextBox {
        let layout = Layout::from_size_align(size.max(16) as usize, 16).expect("vmctx layout");
        // SAFETY: the layout has a non-zero size.
        let ptr = unsafe { alloc_zeroed(layout) };
        if ptr.is_null() {
            std::alloc::handle_alloc_error(layout);
        }
        VMContextBox { ptr, layout }
    }

    pub fn as_ptr(&self) -> *mut u8 {
        self.ptr
    }

    /// Writes a value at `offset`.
    ///
    /// # Safety
    /// `offset` plus the size of `T` must lie within the context and be aligned for `T`.
    pub unsafe fn write<T>(&self, offset: u32, value: T) {
        debug_assert!(offset as usize + std::mem::size_of::<T>() <= self.layout.size());
        // SAFETY: the caller guarantees the offset is in bounds and aligned.
        unsafe { (self.ptr.add(offset as usize) as *mut T).write(value) }
    }
}

impl Drop for VMContextBox {
    fn drop(&mut self) {
        // SAFETY: `ptr` was allocated with `layout` in `new` and is freed only here.
        unsafe { dealloc(self.ptr, self.layout) }
    }
}
