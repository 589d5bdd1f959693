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

/// Size limits of a memory (in pages) or a table (in elements).
///
/// The fields are 64 bits wide so that they can hold the limits of 64-bit
/// memories and tables; those of 32-bit ones always fit in a `u32`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Limits {
    /// The initial size.
    pub min: u64,
    /// The maximum size, if any.
    pub max: Option<u64>,
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

/// The default page size of a linear memory, as a power of two: 64 KiB.
pub(crate) const DEFAULT_PAGE_SIZE_LOG2: u32 = 16;

/// The type of a linear memory: its limits in pages, whether its addresses
/// are 32 or 64 bits wide (memory64), whether it is shared between threads
/// (threads), and the size of its pages (custom page sizes).
///
/// ```
/// use kiln::MemoryType;
/// let ty = MemoryType::new(1, Some(2));
/// assert_eq!(ty.minimum(), 1);
/// assert_eq!(ty.maximum(), Some(2));
/// assert!(!ty.is_64() && !ty.is_shared());
///
/// // A 64-bit memory's type may ask for more than the host could give.
/// let big = MemoryType::new64(0x1_0000_0000, None);
/// assert_eq!(big.minimum(), 0x1_0000_0000);
/// assert!(big.is_64());
///
/// // Shared memories need a maximum; byte-sized pages count in bytes.
/// assert_eq!(MemoryType::shared(1, 4).maximum(), Some(4));
/// let bytes = MemoryType::new(10, Some(100)).with_page_size_log2(0);
/// assert_eq!(bytes.page_size(), 1);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct MemoryType {
    pub(crate) limits: Limits,
    pub(crate) memory64: bool,
    pub(crate) shared: bool,
    pub(crate) page_size_log2: u32,
}

impl MemoryType {
    /// A 32-bit memory type of `min` pages, growable up to `max` pages.
    pub fn new(min: u32, max: Option<u32>) -> MemoryType {
        MemoryType {
            limits: Limits {
                min: u64::from(min),
                max: max.map(u64::from),
            },
            memory64: false,
            shared: false,
            page_size_log2: DEFAULT_PAGE_SIZE_LOG2,
        }
    }

    /// A 64-bit memory type (memory64) of `min` pages, growable up to `max`
    /// pages. The type may describe more memory than the host can reserve;
    /// only creating such a memory fails.
    pub fn new64(min: u64, max: Option<u64>) -> MemoryType {
        MemoryType {
            limits: Limits { min, max },
            memory64: true,
            shared: false,
            page_size_log2: DEFAULT_PAGE_SIZE_LOG2,
        }
    }

    /// A 32-bit memory type shared between threads (threads) of `min`
    /// pages, growable up to `max` pages. A shared memory never moves, so a
    /// pointer to its bytes stays valid across `grow`.
    ///
    /// Create one with [`Memory::new`](crate::Memory::new) (the engine needs
    /// [`Config::wasm_threads`](crate::Config::wasm_threads)) and pass it as
    /// the import of every instance of the store that should share it.
    ///
    /// ```
    /// use kiln::{Config, Engine, Instance, Memory, MemoryType, Module, Store};
    /// let mut config = Config::new();
    /// config.wasm_threads(true);
    /// let engine = Engine::new(&config).unwrap();
    /// let mut store = Store::new(&engine, ());
    /// let memory = Memory::new(&mut store, MemoryType::shared(1, 2)).unwrap();
    /// let wat = r#"(module (import "env" "mem" (memory 1 2 shared))
    ///     (func (export "set") (i32.atomic.store (i32.const 0) (i32.const 42))))"#;
    /// let module = Module::new(&engine, wat).unwrap();
    /// let a = Instance::new(&mut store, &module, &[memory.into()]).unwrap();
    /// let _b = Instance::new(&mut store, &module, &[memory.into()]).unwrap();
    /// a.get_typed_func::<(), ()>(&mut store, "set").unwrap().call(&mut store, ()).unwrap();
    /// let base = memory.data(&store).as_ptr();
    /// assert_eq!(memory.grow(&mut store, 1).unwrap(), 1);
    /// assert_eq!(memory.data(&store).as_ptr(), base);
    /// assert_eq!(memory.data(&store)[0], 42);
    /// ```
    pub fn shared(min: u32, max: u32) -> MemoryType {
        MemoryType {
            shared: true,
            ..MemoryType::new(min, Some(max))
        }
    }

    /// A memory type from limits in pages of `2^page_size_log2` bytes (16,
    /// or 0 for custom byte-sized pages) that may be either width, checked
    /// as a memory's type must be: the limits fit the index type (65,536
    /// pages of 64 KiB or 2^32-1 bytes for a 32-bit memory, 2^48 pages or
    /// 2^64-1 bytes for a 64-bit one), the maximum is not below the
    /// minimum, and a shared memory has a maximum. What the host can give is not checked: a 64-bit type may
    /// ask for more. This is the constructor for bindings whose limits
    /// arrive as plain numbers.
    ///
    /// ```
    /// use kiln::{Limits, MemoryType};
    /// let big = Limits { min: 0x1_0000_0000, max: None };
    /// assert!(MemoryType::try_new(big, true, false, 16).is_ok());
    /// assert!(MemoryType::try_new(big, false, false, 16).is_err());
    /// let unbounded = Limits { min: 1, max: None };
    /// assert!(MemoryType::try_new(unbounded, false, true, 16).is_err());
    /// let bytes = MemoryType::try_new(Limits { min: 100_000, max: None }, false, false, 0).unwrap();
    /// assert_eq!(bytes.page_size(), 1);
    /// assert!(MemoryType::try_new(unbounded, false, false, 12).is_err());
    /// ```
    pub fn try_new(
        limits: Limits,
        is_64: bool,
        shared: bool,
        page_size_log2: u32,
    ) -> Result<MemoryType, crate::environ::error::Error> {
        let ty = MemoryType {
            limits,
            memory64: is_64,
            shared,
            page_size_log2,
        };
        ty.check().map_err(crate::environ::error::Error::usage)?;
        Ok(ty)
    }

    /// This type with pages of `2^log2` bytes (custom page sizes): 0 for
    /// byte-sized pages or 16 for the default 64 KiB ones. Creating a memory
    /// of any other page size fails.
    pub fn with_page_size_log2(self, log2: u32) -> MemoryType {
        MemoryType {
            page_size_log2: log2,
            ..self
        }
    }

    /// This type, shared between threads or not.
    pub fn with_shared(self, shared: bool) -> MemoryType {
        MemoryType { shared, ..self }
    }

    /// The initial size in pages.
    pub fn minimum(&self) -> u64 {
        self.limits.min
    }
    /// The maximum size in pages.
    pub fn maximum(&self) -> Option<u64> {
        self.limits.max
    }
    /// The limits.
    pub fn limits(&self) -> Limits {
        self.limits
    }
    /// Whether addresses are 64 bits wide (memory64).
    pub fn is_64(&self) -> bool {
        self.memory64
    }
    /// Whether the memory is shared between threads.
    pub fn is_shared(&self) -> bool {
        self.shared
    }

    /// The base-2 logarithm of the size of a page in bytes: 16 for the
    /// default 64 KiB pages, 0 for byte-sized ones.
    ///
    /// ```
    /// use kiln::MemoryType;
    /// assert_eq!(1u64 << MemoryType::new(1, None).page_size_log2(), 65536);
    /// ```
    pub fn page_size_log2(&self) -> u32 {
        self.page_size_log2
    }

    /// The size of a page in bytes.
    pub fn page_size(&self) -> u64 {
        1u64.checked_shl(self.page_size_log2).unwrap_or(0)
    }

    /// The most pages a memory of this type could ever hold, whatever its
    /// maximum: its whole address space, less one page for byte-sized
    /// 32-bit memories so that `memory.size` still fits in an `i32`.
    pub(crate) fn max_pages_for_index_type(&self) -> u64 {
        if self.memory64 {
            match self.page_size_log2 {
                0 => u64::MAX,
                log2 => 1u64 << (64 - log2.min(63)),
            }
        } else if self.page_size_log2 == 0 {
            u64::from(u32::MAX)
        } else {
            (1u64 << 32) >> self.page_size_log2.min(32)
        }
    }

    /// Why a memory of this type cannot exist, if it cannot.
    pub(crate) fn check(&self) -> Result<(), String> {
        if self.page_size_log2 != 0 && self.page_size_log2 != DEFAULT_PAGE_SIZE_LOG2 {
            return Err(format!(
                "invalid custom page size: 2^{} bytes (only 1 and 65536 are allowed)",
                self.page_size_log2
            ));
        }
        let index = if self.memory64 { "64" } else { "32" };
        let bound = self.max_pages_for_index_type();
        if self.limits.min > bound || self.limits.max.is_some_and(|m| m > bound) {
            return Err(format!(
                "memory size must be at most {bound} pages for a {index}-bit memory"
            ));
        }
        if self.limits.max.is_some_and(|max| max < self.limits.min) {
            return Err("memory maximum is below its minimum".to_string());
        }
        if self.shared && self.limits.max.is_none() {
            return Err("shared memory must have a maximum size".to_string());
        }
        Ok(())
    }
}

impl fmt::Display for MemoryType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("(memory ")?;
        if self.memory64 {
            f.write_str("i64 ")?;
        }
        write!(f, "{}", self.limits)?;
        if self.shared {
            f.write_str(" shared")?;
        }
        if self.page_size_log2 != DEFAULT_PAGE_SIZE_LOG2 {
            write!(f, " (pagesize {})", self.page_size())?;
        }
        f.write_str(")")
    }
}

/// The type of a table: element type, limits in elements, and whether its
/// indices are 32 or 64 bits wide (table64, part of memory64).
///
/// ```
/// use kiln::{TableType, ValType};
/// let ty = TableType::new(ValType::FuncRef, 10, None);
/// assert_eq!(ty.element(), ValType::FuncRef);
/// assert_eq!(ty.minimum(), 10);
/// assert!(!ty.is_64());
/// assert!(TableType::new64(ValType::ExternRef, 1, Some(1 << 40)).is_64());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TableType {
    pub(crate) element: ValType,
    pub(crate) limits: Limits,
    pub(crate) table64: bool,
}

impl TableType {
    /// A table of `element` references with `min` initial elements.
    pub fn new(element: ValType, min: u32, max: Option<u32>) -> TableType {
        TableType {
            element,
            limits: Limits {
                min: u64::from(min),
                max: max.map(u64::from),
            },
            table64: false,
        }
    }
    /// A table with 64-bit indices (table64) of `element` references with
    /// `min` initial elements.
    pub fn new64(element: ValType, min: u64, max: Option<u64>) -> TableType {
        TableType {
            element,
            limits: Limits { min, max },
            table64: true,
        }
    }
    /// The element type.
    pub fn element(&self) -> ValType {
        self.element
    }
    /// The initial size in elements.
    pub fn minimum(&self) -> u64 {
        self.limits.min
    }
    /// The maximum size in elements.
    pub fn maximum(&self) -> Option<u64> {
        self.limits.max
    }
    /// Whether indices are 64 bits wide.
    pub fn is_64(&self) -> bool {
        self.table64
    }
}

impl fmt::Display for TableType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let index = if self.table64 { "i64 " } else { "" };
        write!(f, "(table {index}{} {})", self.limits, self.element)
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
