//! The types of WebAssembly values and entities, as the public API describes them.

use std::fmt;

/// The type of a WebAssembly value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ValType {
    /// 32-bit integer.
    I32,
    /// 64-bit integer.
    I64,
    /// 32-bit IEEE 754 float.
    F32,
    /// 64-bit IEEE 754 float.
    F64,
    /// 128-bit vector.
    V128,
    /// A nullable reference to a function.
    FuncRef,
    /// A nullable reference to a host value.
    ExternRef,
}

impl ValType {
    /// Whether this is a reference type.
    pub fn is_ref(&self) -> bool {
        matches!(self, ValType::FuncRef | ValType::ExternRef)
    }

    pub(crate) fn from_wasmparser(ty: wasmparser::ValType) -> Option<ValType> {
        use wasmparser::ValType as W;
        Some(match ty {
            W::I32 => ValType::I32,
            W::I64 => ValType::I64,
            W::F32 => ValType::F32,
            W::F64 => ValType::F64,
            W::V128 => ValType::V128,
            W::Ref(r) if r.is_func_ref() && r.is_nullable() => ValType::FuncRef,
            W::Ref(r) if r.is_extern_ref() && r.is_nullable() => ValType::ExternRef,
            W::Ref(_) => return None,
        })
    }
}

impl fmt::Display for ValType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ValType::I32 => "i32",
            ValType::I64 => "i64",
            ValType::F32 => "f32",
            ValType::F64 => "f64",
            ValType::V128 => "v128",
            ValType::FuncRef => "funcref",
            ValType::ExternRef => "externref",
        })
    }
}

/// The signature of a function: its parameter and result types.
///
/// ```
/// use kiln::{FuncType, ValType};
/// let ty = FuncType::new([ValType::I32, ValType::I32], [ValType::I64]);
/// assert_eq!(ty.params(), &[ValType::I32, ValType::I32]);
/// assert_eq!(ty.to_string(), "(func (param i32 i32) (result i64))");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FuncType {
    // Shared, so that the clone every dynamic call takes costs no allocation.
    params: std::sync::Arc<[ValType]>,
    results: std::sync::Arc<[ValType]>,
}

impl FuncType {
    /// Creates a function type from its parameter and result types.
    pub fn new(
        params: impl IntoIterator<Item = ValType>,
        results: impl IntoIterator<Item = ValType>,
    ) -> FuncType {
        FuncType {
            params: params.into_iter().collect(),
            results: results.into_iter().collect(),
        }
    }

    /// The parameter types.
    pub fn params(&self) -> &[ValType] {
        &self.params
    }

    /// The result types.
    pub fn results(&self) -> &[ValType] {
        &self.results
    }

    /// Whether every parameter and result is an `i32`, `i64`, `f32` or `f64`:
    /// values that bindings pass as plain numbers, and that
    /// [`Func::call_unchecked`](crate::Func::call_unchecked) takes in slots.
    ///
    /// ```
    /// use kiln::{FuncType, ValType};
    /// assert!(FuncType::new([ValType::I32, ValType::F64], [ValType::I64]).numbers_only());
    /// assert!(!FuncType::new([ValType::ExternRef], []).numbers_only());
    /// ```
    pub fn numbers_only(&self) -> bool {
        self.params
            .iter()
            .chain(self.results.iter())
            .all(|t| matches!(t, ValType::I32 | ValType::I64 | ValType::F32 | ValType::F64))
    }
}

impl fmt::Display for FuncType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("(func")?;
        if !self.params.is_empty() {
            f.write_str(" (param")?;
            for p in self.params.iter() {
                write!(f, " {p}")?;
            }
            f.write_str(")")?;
        }
        if !self.results.is_empty() {
            f.write_str(" (result")?;
            for r in self.results.iter() {
                write!(f, " {r}")?;
            }
            f.write_str(")")?;
        }
        f.write_str(")")
    }
}

/// Size limits of a memory (in 64 KiB pages) or a table (in elements).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Limits {
    /// The initial size.
    pub min: u32,
    /// The maximum size, if any.
    pub max: Option<u32>,
}

impl Limits {
    /// Whether limits `self` (of an import's actual entity) satisfy the limits
    /// `required` by an import declaration, per the spec's subtyping rule.
    pub(crate) fn matches(&self, required: &Limits) -> bool {
        if self.min < required.min {
            return false;
        }
        match (self.max, required.max) {
            (_, None) => true,
            (None, Some(_)) => false,
            (Some(a), Some(b)) => a <= b,
        }
    }
}

impl fmt::Display for Limits {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.max {
            Some(max) => write!(f, "{} {}", self.min, max),
            None => write!(f, "{}", self.min),
        }
    }
}

/// The type of a linear memory: its limits in 64 KiB pages.
///
/// ```
/// use kiln::MemoryType;
/// let ty = MemoryType::new(1, Some(2));
/// assert_eq!(ty.minimum(), 1);
/// assert_eq!(ty.maximum(), Some(2));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct MemoryType {
    pub(crate) limits: Limits,
}

impl MemoryType {
    /// A memory type of `min` pages, growable up to `max` pages.
    pub fn new(min: u32, max: Option<u32>) -> MemoryType {
        MemoryType {
            limits: Limits { min, max },
        }
    }
    /// The initial size in pages.
    pub fn minimum(&self) -> u32 {
        self.limits.min
    }
    /// The maximum size in pages.
    pub fn maximum(&self) -> Option<u32> {
        self.limits.max
    }
    /// The limits.
    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// The base-2 logarithm of the size of a page in bytes: 16, for the
    /// 64 KiB pages of every memory Kiln supports.
    ///
    /// ```
    /// use kiln::MemoryType;
    /// assert_eq!(1u64 << MemoryType::new(1, None).page_size_log2(), 65536);
    /// ```
    pub fn page_size_log2(&self) -> u32 {
        16
    }
}

impl fmt::Display for MemoryType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "(memory {})", self.limits)
    }
}

/// The type of a table: element type and limits in elements.
///
/// ```
/// use kiln::{TableType, ValType};
/// let ty = TableType::new(ValType::FuncRef, 10, None);
/// assert_eq!(ty.element(), ValType::FuncRef);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TableType {
    pub(crate) element: ValType,
    pub(crate) limits: Limits,
}

impl TableType {
    /// A table of `element` references with `min` initial elements.
    pub fn new(element: ValType, min: u32, max: Option<u32>) -> TableType {
        TableType {
            element,
            limits: Limits { min, max },
        }
    }
    /// The element type.
    pub fn element(&self) -> ValType {
        self.element
    }
    /// The initial size in elements.
    pub fn minimum(&self) -> u32 {
        self.limits.min
    }
    /// The maximum size in elements.
    pub fn maximum(&self) -> Option<u32> {
        self.limits.max
    }
}

impl fmt::Display for TableType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "(table {} {})", self.limits, self.element)
    }
}

/// Whether a global can be changed after instantiation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Mutability {
    /// Immutable.
    Const,
    /// Mutable.
    Var,
}

/// The type of a global: its value type and mutability.
///
/// ```
/// use kiln::{GlobalType, Mutability, ValType};
/// let ty = GlobalType::new(ValType::I32, Mutability::Var);
/// assert_eq!(ty.content(), ValType::I32);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct GlobalType {
    pub(crate) content: ValType,
    pub(crate) mutability: Mutability,
}

impl GlobalType {
    /// A global holding `content` values.
    pub fn new(content: ValType, mutability: Mutability) -> GlobalType {
        GlobalType {
            content,
            mutability,
        }
    }
    /// The value type.
    pub fn content(&self) -> ValType {
        self.content
    }
    /// Whether the global is mutable.
    pub fn mutability(&self) -> Mutability {
        self.mutability
    }
}

impl fmt::Display for GlobalType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.mutability {
            Mutability::Const => write!(f, "(global {})", self.content),
            Mutability::Var => write!(f, "(global (mut {}))", self.content),
        }
    }
}

/// The type of an import or export.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ExternType {
    /// A function.
    Func(FuncType),
    /// A table.
    Table(TableType),
    /// A linear memory.
    Memory(MemoryType),
    /// A global.
    Global(GlobalType),
}

impl ExternType {
    /// The kind of entity, as the spec names it ("func", "table", "memory", "global").
    pub fn kind_name(&self) -> &'static str {
        match self {
            ExternType::Func(_) => "func",
            ExternType::Table(_) => "table",
            ExternType::Memory(_) => "memory",
            ExternType::Global(_) => "global",
        }
    }
    /// The function type, if this is a function.
    pub fn func(&self) -> Option<&FuncType> {
        match self {
            ExternType::Func(f) => Some(f),
            _ => None,
        }
    }
    /// The memory type, if this is a memory.
    pub fn memory(&self) -> Option<&MemoryType> {
        match self {
            ExternType::Memory(m) => Some(m),
            _ => None,
        }
    }
    /// The table type, if this is a table.
    pub fn table(&self) -> Option<&TableType> {
        match self {
            ExternType::Table(t) => Some(t),
            _ => None,
        }
    }
    /// The global type, if this is a global.
    pub fn global(&self) -> Option<&GlobalType> {
        match self {
            ExternType::Global(g) => Some(g),
            _ => None,
        }
    }
}

impl fmt::Display for ExternType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExternType::Func(t) => t.fmt(f),
            ExternType::Table(t) => t.fmt(f),
            ExternType::Memory(t) => t.fmt(f),
            ExternType::Global(t) => t.fmt(f),
        }
    }
}

/// A module's import: where it comes from and what type it must have.
#[derive(Debug, Clone)]
pub struct ImportType {
    pub(crate) module: String,
    pub(crate) name: String,
    pub(crate) ty: ExternType,
}

impl ImportType {
    /// The module name.
    pub fn module(&self) -> &str {
        &self.module
    }
    /// The field name.
    pub fn name(&self) -> &str {
        &self.name
    }
    /// The required type.
    pub fn ty(&self) -> &ExternType {
        &self.ty
    }
}

/// A module's export: its name and type.
#[derive(Debug, Clone)]
pub struct ExportType {
    pub(crate) name: String,
    pub(crate) ty: ExternType,
}

impl ExportType {
    /// The export name.
    pub fn name(&self) -> &str {
        &self.name
    }
    /// The exported entity's type.
    pub fn ty(&self) -> &ExternType {
        &self.ty
    }
}
