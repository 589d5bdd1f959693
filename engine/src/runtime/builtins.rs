//! Builtins: host routines compiled code calls through the table that every
//! `VMContext` points at (so compiled code holds no absolute addresses).
//!
//! Builtins that can trap record the trap with
//! [`set_pending_trap`](super::traphandler::set_pending_trap) and return
//! non-zero; compiled code then traps with the pending-trap code.

use super::memory::LinearMemory;
use super::parking;
use super::table::TableData;
use super::traphandler::set_pending_trap;
use super::vmcontext::VMRuntimeLimits;
use crate::environ::limits::StoreLimits;
use crate::environ::trap::TrapCode;
use crate::environ::vmoffsets::{BuiltinOffsets, VMCTX_INSTANCE, VMCTX_LIMITS};

/// What builtins need to find an instance's entities from its `VMContext`.
pub(crate) struct InstanceRuntime {
    /// Index of the instance in its store.
    pub index: u32,
    pub memories: Vec<*mut LinearMemory>,
    pub tables: Vec<*mut TableData>,
    /// Data segments still available to `memory.init`: (start, len) of bytes
    /// owned by the instance's module; len 0 once dropped.
    pub data: Vec<(*const u8, usize)>,
    /// Element segments still available to `table.init`, as raw references;
    /// empty once dropped.
    pub elements: Vec<Vec<usize>>,
}

/// The builtins, in the order compiled code finds them.
#[repr(C)]
pub(crate) struct VMBuiltins {
    memory_grow: unsafe extern "C" fn(*mut u8, u64, u32) -> u64,
    memory_copy: unsafe extern "C" fn(*mut u8, u32, u64, u32, u64, u64) -> u32,
    memory_fill: unsafe extern "C" fn(*mut u8, u32, u64, u32, u64) -> u32,
    memory_init: unsafe extern "C" fn(*mut u8, u32, u32, u64, u32, u32) -> u32,
    data_drop: unsafe extern "C" fn(*mut u8, u32),
    table_copy: unsafe extern "C" fn(*mut u8, u32, u64, u32, u64, u64) -> u32,
    table_init: unsafe extern "C" fn(*mut u8, u32, u32, u64, u32, u32) -> u32,
    elem_drop: unsafe extern "C" fn(*mut u8, u32),
    table_grow: unsafe extern "C" fn(*mut u8, u32, u64, u64) -> u64,
    table_fill: unsafe extern "C" fn(*mut u8, u32, u64, u64, u64) -> u32,
    memory_atomic_wait: unsafe extern "C" fn(*mut u8, u32, u64, u64, i64, u32) -> i64,
    memory_atomic_notify: unsafe extern "C" fn(*mut u8, u32, u64, u32) -> i64,
}

// The compiler calls builtins at the offsets `environ` declares.
const _: () =
    assert!(BuiltinOffsets::MEMORY_GROW == std::mem::offset_of!(VMBuiltins, memory_grow) as i32);
const _: () =
    assert!(BuiltinOffsets::MEMORY_COPY == std::mem::offset_of!(VMBuiltins, memory_copy) as i32);
const _: () =
    assert!(BuiltinOffsets::MEMORY_FILL == std::mem::offset_of!(VMBuiltins, memory_fill) as i32);
const _: () =
    assert!(BuiltinOffsets::MEMORY_INIT == std::mem::offset_of!(VMBuiltins, memory_init) as i32);
const _: () =
    assert!(BuiltinOffsets::DATA_DROP == std::mem::offset_of!(VMBuiltins, data_drop) as i32);
const _: () =
    assert!(BuiltinOffsets::TABLE_COPY == std::mem::offset_of!(VMBuiltins, table_copy) as i32);
const _: () =
    assert!(BuiltinOffsets::TABLE_INIT == std::mem::offset_of!(VMBuiltins, table_init) as i32);
const _: () =
    assert!(BuiltinOffsets::ELEM_DROP == std::mem::offset_of!(VMBuiltins, elem_drop) as i32);
const _: () =
    assert!(BuiltinOffsets::TABLE_GROW == std::mem::offset_of!(VMBuiltins, table_grow) as i32);
const _: () =
    assert!(BuiltinOffsets::TABLE_FILL == std::mem::offset_of!(VMBuiltins, table_fill) as i32);
const _: () = assert!(
    BuiltinOffsets::MEMORY_ATOMIC_WAIT
        == std::mem::offset_of!(VMBuiltins, memory_atomic_wait) as i32
);
const _: () = assert!(
    BuiltinOffsets::MEMORY_ATOMIC_NOTIFY
        == std::mem::offset_of!(VMBuiltins, memory_atomic_notify) as i32
);

pub(crate) static BUILTINS: VMBuiltins = VMBuiltins {
    memory_grow,
    memory_copy,
    memory_fill,
    memory_init,
    data_drop,
    table_copy,
    table_init,
    elem_drop,
    table_grow,
    table_fill,
    memory_atomic_wait,
    memory_atomic_notify,
};

/// # Safety
/// `vmctx` must be a live instance's context.
pub(crate) unsafe fn instance_runtime<'a>(vmctx: *mut u8) -> &'a mut InstanceRuntime {
    // SAFETY: the caller guarantees a live vmctx, whose header holds a pointer to
    // its `InstanceRuntime`, owned by the store for the instance's lifetime.
    unsafe { &mut **(vmctx.add(VMCTX_INSTANCE as usize) as *mut *mut InstanceRuntime) }
}

/// The entities of the calling instance.
///
/// # Safety
/// `vmctx` must be the live context of the instance whose code is calling.
unsafe fn instance<'a>(vmctx: *mut u8) -> &'a mut InstanceRuntime {
    // SAFETY: forwarded from the caller.
    unsafe { instance_runtime(vmctx) }
}

fn memory<'a>(instance: &InstanceRuntime, index: u32) -> &'a mut LinearMemory {
    // SAFETY: memory pointers stay valid while the store, and so the calling
    // instance, lives; compiled code is the only user while it runs.
    let ptr = instance.memories[index as usize];
    // SAFETY: as above.
    unsafe { &mut *ptr }
}

fn table<'a>(instance: &InstanceRuntime, index: u32) -> &'a mut TableData {
    let ptr = instance.tables[index as usize];
    // SAFETY: as for `memory`.
    unsafe { &mut *ptr }
}

/// `start..start+len` if it lies within `0..size`. Addresses and lengths
/// arrive as `u64` whatever the index type: compiled code zero-extends
/// 32-bit ones.
fn range(start: u64, len: u64, size: usize) -> Option<std::ops::Range<usize>> {
    let end = start.checked_add(len)?;
    (end <= size as u64).then_some(start as usize..end as usize)
}

fn trap(code: TrapCode) -> u32 {
    set_pending_trap(code);
    1
}

/// The bounds of the store the calling instance belongs to.
///
/// # Safety
/// `vmctx` must be a live instance's context.
unsafe fn store_bounds(vmctx: *mut u8) -> StoreLimits {
    // SAFETY: the caller guarantees a live vmctx, whose header points to its
    // store's runtime limits, which live as long as the store.
    unsafe { (**(vmctx.add(VMCTX_LIMITS as usize) as *const *const VMRuntimeLimits)).resources }
}

/// Returns the old size in pages, or `u64::MAX` (which compiled code
/// truncates to -1 for 32-bit memories) when the memory cannot grow.
unsafe extern "C" fn memory_grow(vmctx: *mut u8, delta: u64, index: u32) -> u64 {
    // SAFETY: compiled code passes its own live vmctx, whose header points
    // to its store's runtime limits, which live as long as the store; wasm
    // holds the store exclusively while it runs, so nothing else references
    // the limits.
    let (instance, limits) = unsafe {
        (
            instance(vmctx),
            &mut **(vmctx.add(VMCTX_LIMITS as usize) as *const *mut VMRuntimeLimits),
        )
    };
    memory(instance, index)
        .grow_in_store(delta, limits)
        .unwrap_or(u64::MAX)
}

unsafe extern "C" fn memory_copy(
    vmctx: *mut u8,
    dst_mem: u32,
    dst: u64,
    src_mem: u32,
    src: u64,
    len: u64,
) -> u32 {
    // SAFETY: compiled code passes its own live vmctx.
    let instance = unsafe { instance(vmctx) };
    let (dst_m, src_m) = (memory(instance, dst_mem), memory(instance, src_mem));
    let (Some(d), Some(s)) = (range(dst, len, dst_m.len()), range(src, len, src_m.len())) else {
        return trap(TrapCode::MemoryOutOfBounds);
    };
    let src_ptr = src_m.data()[s].as_ptr();
    let dst_ptr = dst_m.data_mut()[d].as_mut_ptr();
    // SAFETY: both ranges were checked against their memories; `copy` allows
    // overlap, as `memory.copy` requires.
    unsafe { std::ptr::copy(src_ptr, dst_ptr, len as usize) };
    0
}

unsafe extern "C" fn memory_fill(vmctx: *mut u8, mem: u32, dst: u64, val: u32, len: u64) -> u32 {
    // SAFETY: compiled code passes its own live vmctx.
    let instance = unsafe { instance(vmctx) };
    let m = memory(instance, mem);
    let Some(d) = range(dst, len, m.len()) else {
        return trap(TrapCode::MemoryOutOfBounds);
    };
    m.data_mut()[d].fill(val as u8);
    0
}

unsafe extern "C" fn memory_init(
    vmctx: *mut u8,
    mem: u32,
    seg: u32,
    dst: u64,
    src: u32,
    len: u32,
) -> u32 {
    // SAFETY: compiled code passes its own live vmctx.
    let instance = unsafe { instance(vmctx) };
    let (ptr, seg_len) = instance.data[seg as usize];
    let m = memory(instance, mem);
    let (Some(d), Some(s)) = (
        range(dst, len.into(), m.len()),
        range(src.into(), len.into(), seg_len),
    ) else {
        return trap(TrapCode::MemoryOutOfBounds);
    };
    // SAFETY: `ptr..ptr+seg_len` is the segment's bytes, owned by the module the
    // instance keeps alive; `s` was checked against `seg_len`.
    let bytes = unsafe { std::slice::from_raw_parts(ptr, seg_len) };
    m.data_mut()[d].copy_from_slice(&bytes[s]);
    0
}

unsafe extern "C" fn data_drop(vmctx: *mut u8, seg: u32) {
    // SAFETY: compiled code passes its own live vmctx.
    let instance = unsafe { instance(vmctx) };
    instance.data[seg as usize].1 = 0;
}

unsafe extern "C" fn table_copy(
    vmctx: *mut u8,
    dst_table: u32,
    dst: u64,
    src_table: u32,
    src: u64,
    len: u64,
) -> u32 {
    // SAFETY: compiled code passes its own live vmctx.
    let instance = unsafe { instance(vmctx) };
    let (dt, st) = (table(instance, dst_table), table(instance, src_table));
    let (Some(d), Some(s)) = (
        range(dst, len, dt.size() as usize),
        range(src, len, st.size() as usize),
    ) else {
        return trap(TrapCode::TableOutOfBounds);
    };
    if dst_table == src_table {
        dt.elements_mut().copy_within(s, d.start);
    } else {
        let values = st.elements_mut()[s].to_vec();
        dt.elements_mut()[d].copy_from_slice(&values);
    }
    0
}

unsafe extern "C" fn table_init(
    vmctx: *mut u8,
    table_index: u32,
    seg: u32,
    dst: u64,
    src: u32,
    len: u32,
) -> u32 {
    // SAFETY: compiled code passes its own live vmctx.
    let instance = unsafe { instance(vmctx) };
    let t = table(instance, table_index);
    let segment = &instance.elements[seg as usize];
    let (Some(d), Some(s)) = (
        range(dst, len.into(), t.size() as usize),
        range(src.into(), len.into(), segment.len()),
    ) else {
        return trap(TrapCode::TableOutOfBounds);
    };
    t.elements_mut()[d].copy_from_slice(&segment[s]);
    0
}

unsafe extern "C" fn elem_drop(vmctx: *mut u8, seg: u32) {
    // SAFETY: compiled code passes its own live vmctx.
    let instance = unsafe { instance(vmctx) };
    instance.elements[seg as usize] = Vec::new();
}

/// Returns the old size, or `u64::MAX` (-1 once truncated for 32-bit
/// tables) when the table cannot grow.
unsafe extern "C" fn table_grow(vmctx: *mut u8, table_index: u32, init: u64, delta: u64) -> u64 {
    // SAFETY: compiled code passes its own live vmctx.
    let (instance, bounds) = unsafe { (instance(vmctx), store_bounds(vmctx)) };
    let table = table(instance, table_index);
    if !bounds.table_elements_allowed(table.size().saturating_add(delta)) {
        return u64::MAX;
    }
    table.grow(delta, init as usize).unwrap_or(u64::MAX)
}

unsafe extern "C" fn table_fill(
    vmctx: *mut u8,
    table_index: u32,
    dst: u64,
    val: u64,
    len: u64,
) -> u32 {
    // SAFETY: compiled code passes its own live vmctx.
    let instance = unsafe { instance(vmctx) };
    let t = table(instance, table_index);
    let Some(d) = range(dst, len, t.size() as usize) else {
        return trap(TrapCode::TableOutOfBounds);
    };
    t.elements_mut()[d].fill(val as usize);
    0
}

/// Checks that the `size` bytes at host address `address` lie in memory `m`
/// and returns the memory, or records the trap and returns `None`. Compiled
/// code has checked alignment, but not always bounds: a 32-bit access that
/// the guard region would catch has no check of its own, and the host must
/// not touch the guard.
fn atomic_target(
    instance: &InstanceRuntime,
    m: u32,
    address: u64,
    size: u64,
) -> Option<&mut LinearMemory> {
    let memory = memory(instance, m);
    let offset = (address as usize).wrapping_sub(memory.base() as usize) as u64;
    if range(offset, size, memory.len()).is_none() {
        trap(TrapCode::MemoryOutOfBounds);
        return None;
    }
    Some(memory)
}

/// `memory.atomic.wait32` (`size` 4) and `wait64` (`size` 8) at host address
/// `address`: 0 when woken, 1 when the value differs from `expected`, 2 on
/// timeout (`timeout` in nanoseconds; negative waits forever), or -1 after
/// recording a trap.
unsafe extern "C" fn memory_atomic_wait(
    vmctx: *mut u8,
    mem: u32,
    address: u64,
    expected: u64,
    timeout: i64,
    size: u32,
) -> i64 {
    // SAFETY: compiled code passes its own live vmctx.
    let instance = unsafe { instance(vmctx) };
    let Some(memory) = atomic_target(instance, mem, address, u64::from(size)) else {
        return -1;
    };
    if !memory.ty().is_shared() {
        trap(TrapCode::AtomicWaitNonSharedMemory);
        return -1;
    }
    let timeout = u64::try_from(timeout)
        .ok()
        .map(std::time::Duration::from_nanos);
    let still_expected = || {
        let ptr = address as usize as *mut u8;
        if size == 4 {
            // SAFETY: the 4 bytes at `ptr` lie in the memory (checked above)
            // and are 4-aligned (checked by compiled code); other threads
            // only touch them atomically or through wasm's plain accesses.
            let value = unsafe { std::sync::atomic::AtomicU32::from_ptr(ptr.cast()) };
            u64::from(value.load(std::sync::atomic::Ordering::SeqCst)) == expected
        } else {
            // SAFETY: as above, for 8 bytes, 8-aligned.
            let value = unsafe { std::sync::atomic::AtomicU64::from_ptr(ptr.cast()) };
            value.load(std::sync::atomic::Ordering::SeqCst) == expected
        }
    };
    i64::from(parking::wait(address as usize, still_expected, timeout))
}

/// `memory.atomic.notify` at host address `address`: how many waiters it
/// woke, or -1 after recording a trap.
unsafe extern "C" fn memory_atomic_notify(
    vmctx: *mut u8,
    mem: u32,
    address: u64,
    count: u32,
) -> i64 {
    // SAFETY: compiled code passes its own live vmctx.
    let instance = unsafe { instance(vmctx) };
    if atomic_target(instance, mem, address, 4).is_none() {
        return -1;
    }
    i64::from(parking::notify(address as usize, count))
}
