//! The layout of an instance's `VMContext`, computed once per module and shared
//! by the code generator (which emits loads at these offsets) and the runtime
//! (which fills the context in).
//!
//! ```text
//! 0   magic
//! 8   *mut StoreOpaque
//! 16  *mut VMRuntimeLimits
//! 24  *const VMBuiltins
//! 32  *mut InstanceData
//! 40  [u32; num_types]               canonical signature ids, padded to 8
//!     [*const VMFuncRef; imported]   imported functions
//!     [*mut VMMemoryDefinition; n]   every memory, imported or defined
//!     [*mut VMTableDefinition; n]    every table
//!     [*mut VMGlobal; n]             every global (16 bytes of storage each)
//!     [VMFuncRef; defined]           the defined functions' references
//! ```

use super::ModuleInfo;

/// Size of a `VMFuncRef`: `func_ptr`, `vmctx`, `type_id` (padded).
pub(crate) const FUNCREF_SIZE: u32 = 24;
pub(crate) const FUNCREF_FUNC_PTR: i32 = 0;
pub(crate) const FUNCREF_VMCTX: i32 = 8;
pub(crate) const FUNCREF_TYPE_ID: i32 = 16;
/// `VMMemoryDefinition`: base pointer, then current length in bytes.
pub(crate) const MEMORY_BASE: i32 = 0;
pub(crate) const MEMORY_LENGTH: i32 = 8;
/// `VMTableDefinition`: element pointer, then current length in elements (u32).
pub(crate) const TABLE_BASE: i32 = 0;
pub(crate) const TABLE_LENGTH: i32 = 8;
/// `VMRuntimeLimits`: the lowest address the wasm stack may reach.
pub(crate) const LIMITS_STACK_LIMIT: i32 = 0;
/// `VMRuntimeLimits`: fuel left, an `i64`.
pub(crate) const LIMITS_FUEL: i32 = 8;
/// `VMRuntimeLimits`: the epoch at which compiled code traps, a `u64`.
pub(crate) const LIMITS_EPOCH_DEADLINE: i32 = 16;
/// `VMRuntimeLimits`: a pointer to the engine's epoch counter, an atomic `u64`.
pub(crate) const LIMITS_EPOCH: i32 = 24;

/// A host function's context (what its `VMFuncRef`'s `vmctx` points at):
/// the entry its wasm-to-host trampoline calls, an
/// `extern "C" fn(ctx, caller_vmctx, values) -> i32`, right after the
/// `VMFuncRef` the context starts with.
pub(crate) const HOST_CTX_ENTRY: i32 = FUNCREF_SIZE as i32;

/// Offsets of the builtins in the runtime's `VMBuiltins` table of function
/// pointers, which the runtime checks against its layout at compile time.
pub(crate) struct BuiltinOffsets;

impl BuiltinOffsets {
    pub const MEMORY_GROW: i32 = 0;
    pub const MEMORY_COPY: i32 = 8;
    pub const MEMORY_FILL: i32 = 16;
    pub const MEMORY_INIT: i32 = 24;
    pub const DATA_DROP: i32 = 32;
    pub const TABLE_COPY: i32 = 40;
    pub const TABLE_INIT: i32 = 48;
    pub const ELEM_DROP: i32 = 56;
    pub const TABLE_GROW: i32 = 64;
    pub const TABLE_FILL: i32 = 72;
    pub const MEMORY_ATOMIC_WAIT: i32 = 80;
    pub const MEMORY_ATOMIC_NOTIFY: i32 = 88;
}

pub(crate) const VMCTX_MAGIC: u64 = 0x6b69_6c6e_766d_6378; // "kilnvmcx"
pub(crate) const VMCTX_STORE: i32 = 8;
pub(crate) const VMCTX_LIMITS: i32 = 16;
pub(crate) const VMCTX_BUILTINS: i32 = 24;
pub(crate) const VMCTX_INSTANCE: i32 = 32;
const HEADER_SIZE: u32 = 40;

#[derive(Debug, Clone)]
pub(crate) struct VMOffsets {
    type_ids: u32,
    imported_funcs: u32,
    memories: u32,
    tables: u32,
    globals: u32,
    defined_funcrefs: u32,
    size: u32,
}

fn align8(n: u32) -> u32 {
    (n + 7) & !7
}

impl VMOffsets {
    pub fn new(info: &ModuleInfo) -> VMOffsets {
        let type_ids = HEADER_SIZE;
        let imported_funcs = align8(type_ids + 4 * info.types.len() as u32);
        let memories = imported_funcs + 8 * info.num_imported_funcs;
        let tables = memories + 8 * info.memories.len() as u32;
        let globals = tables + 8 * info.tables.len() as u32;
        let defined_funcrefs = globals + 8 * info.globals.len() as u32;
        let size = defined_funcrefs + FUNCREF_SIZE * info.num_defined_funcs();
        VMOffsets {
            type_ids,
            imported_funcs,
            memories,
            tables,
            globals,
            defined_funcrefs,
            size,
        }
    }

    pub fn size(&self) -> u32 {
        self.size
    }
    pub fn type_id(&self, type_index: u32) -> u32 {
        self.type_ids + 4 * type_index
    }
    pub fn imported_func(&self, func_index: u32) -> u32 {
        self.imported_funcs + 8 * func_index
    }
    pub fn memory(&self, index: u32) -> u32 {
        self.memories + 8 * index
    }
    pub fn table(&self, index: u32) -> u32 {
        self.tables + 8 * index
    }
    pub fn global(&self, index: u32) -> u32 {
        self.globals + 8 * index
    }
    pub fn defined_funcref(&self, defined_index: u32) -> u32 {
        self.defined_funcrefs + FUNCREF_SIZE * defined_index
    }
}
