//! The floor of the engine, plain safe data that the compiler, the runtime
//! and the public API all build on and that imports nothing of Kiln: value
//! and function types, `Error`, trap codes, store limits, the compiler's
//! tunables, VMContext offsets, and module metadata (what wasmparser reads
//! out of a module's sections).

pub(crate) mod code_registry;
pub(crate) mod error;
pub(crate) mod limits;
mod parse;
pub(crate) mod trap;
pub(crate) mod tunables;
pub(crate) mod types;
pub(crate) mod vmoffsets;

pub(crate) use parse::{parse_module, FunctionBodyToCompile};
pub(crate) use vmoffsets::VMOffsets;

use crate::environ::types::{FuncType, GlobalType, MemoryType, TableType, ValType};
use std::collections::HashMap;

/// Which index space an import or export refers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum EntityIndex {
    Func(u32),
    Table(u32),
    Memory(u32),
    Global(u32),
}

#[derive(Debug, Clone)]
pub(crate) struct Import {
    pub module: String,
    pub name: String,
    pub index: EntityIndex,
}

/// One instruction of a constant expression (global initialisers, segment offsets).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum ConstOp {
    I32(i32),
    I64(i64),
    F32(u32),
    F64(u64),
    V128(u128),
    GlobalGet(u32),
    RefNull(ValType),
    RefFunc(u32),
    I32Add,
    I32Sub,
    I32Mul,
    I64Add,
    I64Sub,
    I64Mul,
}

/// A constant expression, evaluated at instantiation.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ConstExpr(pub Vec<ConstOp>);

#[derive(Debug, Clone)]
pub(crate) enum SegmentMode {
    Active { index: u32, offset: ConstExpr },
    Passive,
    Declared,
}

#[derive(Debug, Clone)]
pub(crate) struct ElementSegment {
    pub mode: SegmentMode,
    pub items: Vec<ConstExpr>,
}

#[derive(Debug, Clone)]
pub(crate) struct DataSegment {
    pub mode: SegmentMode,
    pub bytes: Vec<u8>,
}

/// Everything about a module except its function bodies' code.
#[derive(Debug, Default)]
pub(crate) struct ModuleInfo {
    pub name: Option<String>,
    pub types: Vec<FuncType>,
    /// Type index of every function, imported ones first.
    pub functions: Vec<u32>,
    pub tables: Vec<TableType>,
    pub memories: Vec<MemoryType>,
    pub globals: Vec<GlobalType>,
    /// Initialisers of the defined (non-imported) globals.
    pub global_inits: Vec<ConstExpr>,
    /// Initialisers of the defined tables (`ref.null` when absent).
    pub table_inits: Vec<Option<ConstExpr>>,
    pub imports: Vec<Import>,
    pub exports: Vec<(String, EntityIndex)>,
    pub start: Option<u32>,
    pub elements: Vec<ElementSegment>,
    pub data: Vec<DataSegment>,
    pub func_names: HashMap<u32, String>,
    /// Byte offset in the module of each defined function's body.
    pub body_offsets: Vec<u32>,
    /// Whether each defined function is brief (see `parse::is_brief`).
    pub brief: Vec<bool>,
    pub num_imported_funcs: u32,
    pub num_imported_tables: u32,
    pub num_imported_memories: u32,
    pub num_imported_globals: u32,
}

impl ModuleInfo {
    pub fn func_type(&self, func_index: u32) -> &FuncType {
        &self.types[self.functions[func_index as usize] as usize]
    }

    pub fn num_defined_funcs(&self) -> u32 {
        self.functions.len() as u32 - self.num_imported_funcs
    }

    pub fn defined_func_index(&self, func_index: u32) -> Option<u32> {
        func_index.checked_sub(self.num_imported_funcs)
    }
}
