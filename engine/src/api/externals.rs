//! Memories, tables and globals, and `Extern`, the sum of everything that can
//! be imported or exported.

use super::func::Func;
use super::store::{AsContext, AsContextMut, StoreContext, StoreContextMut, StoreOpaque, Stored};
use super::values::Val;
use crate::environ::error::{Error, ErrorKind, Result};
use crate::environ::types::{ExternType, GlobalType, MemoryType, Mutability, TableType};
use crate::runtime::memory::LinearMemory;
use crate::runtime::table::TableData;
use crate::runtime::vmcontext::VMGlobal;

/// Anything an instance can import or export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Extern {
    /// A function.
    Func(Func),
    /// A linear memory.
    Memory(Memory),
    /// A table.
    Table(Table),
    /// A global.
    Global(Global),
}

impl Extern {
    /// The function, if this is one.
    pub fn into_func(self) -> Option<Func> {
        match self {
            Extern::Func(f) => Some(f),
            _ => None,
        }
    }
    /// The memory, if this is one.
    pub fn into_memory(self) -> Option<Memory> {
        match self {
            Extern::Memory(m) => Some(m),
            _ => None,
        }
    }
    /// The table, if this is one.
    pub fn into_table(self) -> Option<Table> {
        match self {
            Extern::Table(t) => Some(t),
            _ => None,
        }
    }
    /// The global, if this is one.
    pub fn into_global(self) -> Option<Global> {
        match self {
            Extern::Global(g) => Some(g),
            _ => None,
        }
    }
    /// The type of the entity.
    pub fn ty(&self, store: impl AsContext) -> ExternType {
        match self {
            Extern::Func(f) => ExternType::Func(f.ty(&store)),
            Extern::Memory(m) => ExternType::Memory(m.ty(&store)),
            Extern::Table(t) => ExternType::Table(t.ty(&store)),
            Extern::Global(g) => ExternType::Global(g.ty(&store)),
        }
    }
    pub(crate) fn stored(&self) -> Stored {
        match self {
            Extern::Func(f) => f.0,
            Extern::Memory(m) => m.0,
            Extern::Table(t) => t.0,
            Extern::Global(g) => g.0,
        }
    }
}

impl From<Func> for Extern {
    fn from(f: Func) -> Extern {
        Extern::Func(f)
    }
}
impl From<Memory> for Extern {
    fn from(m: Memory) -> Extern {
        Extern::Memory(m)
    }
}
impl From<Table> for Extern {
    fn from(t: Table) -> Extern {
        Extern::Table(t)
    }
}
impl From<Global> for Extern {
    fn from(g: Global) -> Extern {
        Extern::Global(g)
    }
}

/// A linear memory: a byte array that wasm loads from and stores to.
///
/// Address space is reserved when the memory is created: by default 4 GiB,
/// or its maximum if that is smaller (see
/// [`Config::memory_reservation`](crate::Config::memory_reservation)), so
/// growing does not move it (and no memory, of any type, grows past 4 GiB).
/// Only an engine configured with a smaller reservation moves a memory that
/// outgrows it; either way a slice from [`Memory::data`] borrows the store
/// and cannot outlive a `grow`.
///
/// Sizes are counted in pages of the memory type's page size, as `u64` so
/// that 64-bit memories (see [`MemoryType::new64`]) fit.
///
/// ```
/// use kiln::{Engine, Store, Memory, MemoryType};
/// let engine = Engine::default();
/// let mut store = Store::new(&engine, ());
/// let memory = Memory::new(&mut store, MemoryType::new(1, Some(2))).unwrap();
/// memory.data_mut(&mut store)[0] = 7;
/// assert_eq!(memory.grow(&mut store, 1).unwrap(), 1);
/// assert_eq!(memory.size(&store), 2);
/// assert_eq!(memory.data(&store)[0], 7);
/// assert!(memory.grow(&mut store, 1).is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Memory(pub(crate) Stored);

impl Memory {
    /// Creates a memory of type `ty`. Fails if the type is invalid (a
    /// maximum below the minimum, limits past what its index type can
    /// address, a shared memory without a maximum, a page size other than
    /// 1 or 64 KiB), if it needs a feature the engine's configuration lacks
    /// ([`Config::wasm_memory64`](crate::Config::wasm_memory64),
    /// [`Config::wasm_threads`](crate::Config::wasm_threads),
    /// [`Config::wasm_custom_page_sizes`](crate::Config::wasm_custom_page_sizes)),
    /// or if its minimum is more than the host can give.
    pub fn new(mut store: impl AsContextMut, ty: MemoryType) -> Result<Memory> {
        let store = &mut store.as_inner_mut().opaque;
        ty.check().map_err(Error::usage)?;
        store.engine.check_memory_features(&ty)?;
        store.add_memory(ty)
    }

    #[inline]
    fn get<'a>(&self, store: &'a StoreOpaque) -> &'a LinearMemory {
        store.assert_owns(self.0, "memory");
        &store.memories[self.0.index as usize]
    }

    #[inline]
    fn get_mut<'a>(&self, store: &'a mut StoreOpaque) -> &'a mut LinearMemory {
        store.assert_owns(self.0, "memory");
        &mut store.memories[self.0.index as usize]
    }

    /// The memory's current type (its minimum is the current size).
    pub fn ty(&self, store: impl AsContext) -> MemoryType {
        self.get(&store.as_inner().opaque).ty()
    }

    /// The size in pages.
    pub fn size(&self, store: impl AsContext) -> u64 {
        self.get(&store.as_inner().opaque).pages()
    }

    /// The size in bytes.
    pub fn data_size(&self, store: impl AsContext) -> usize {
        self.get(&store.as_inner().opaque).len()
    }

    /// The memory's bytes.
    pub fn data<'a, T: 'a>(&self, store: impl Into<StoreContext<'a, T>>) -> &'a [u8] {
        let store = store.into().0;
        self.get(&store.opaque).data()
    }

    /// The memory's bytes, mutably.
    pub fn data_mut<'a, T: 'a>(&self, store: impl Into<StoreContextMut<'a, T>>) -> &'a mut [u8] {
        let store = store.into().0;
        self.get_mut(&mut store.opaque).data_mut()
    }

    /// The memory's bytes and the store's host data, borrowed together (they
    /// are disjoint), as host functions that read guest memory while updating
    /// their own state need.
    pub fn data_and_store_mut<'a, T: 'a>(
        &self,
        store: impl Into<StoreContextMut<'a, T>>,
    ) -> (&'a mut [u8], &'a mut T) {
        let store = store.into().0;
        let data = self.get_mut(&mut store.opaque).data_mut();
        (data, &mut store.data)
    }

    /// Grows by `delta` pages and returns the previous size in pages.
    pub fn grow(&self, mut store: impl AsContextMut, delta: u64) -> Result<u64> {
        let opaque = &mut store.as_inner_mut().opaque;
        opaque.assert_owns(self.0, "memory");
        let memory = &mut opaque.memories[self.0.index as usize];
        memory
            .grow_in_store(delta, &mut opaque.limits)
            .ok_or_else(|| {
                Error::new(
                    ErrorKind::ResourceLimit,
                    format!(
                        "failed to grow memory of {} pages by {delta} pages",
                        memory.pages()
                    ),
                )
            })
    }

    /// Copies bytes out of memory at `offset`.
    pub fn read(&self, store: impl AsContext, offset: usize, buffer: &mut [u8]) -> Result<()> {
        let data = self.get(&store.as_inner().opaque).data();
        let src = offset
            .checked_add(buffer.len())
            .and_then(|end| data.get(offset..end))
            .ok_or_else(|| Error::usage("out of bounds memory access"))?;
        buffer.copy_from_slice(src);
        Ok(())
    }

    /// Copies bytes into memory at `offset`.
    pub fn write(&self, mut store: impl AsContextMut, offset: usize, buffer: &[u8]) -> Result<()> {
        let data = self.get_mut(&mut store.as_inner_mut().opaque).data_mut();
        let dst = offset
            .checked_add(buffer.len())
            .and_then(|end| data.get_mut(offset..end))
            .ok_or_else(|| Error::usage("out of bounds memory access"))?;
        dst.copy_from_slice(buffer);
        Ok(())
    }

    pub(crate) fn definition(&self, store: &mut StoreOpaque) -> *mut LinearMemory {
        &mut *store.memories[self.0.index as usize]
    }
}

/// A table of references, indexed by `call_indirect` and the table instructions.
///
/// ```
/// use kiln::{Engine, Store, Table, TableType, Val, ValType};
/// let engine = Engine::default();
/// let mut store = Store::new(&engine, ());
/// let table = Table::new(&mut store, TableType::new(ValType::FuncRef, 2, None), Val::FuncRef(None)).unwrap();
/// assert_eq!(table.size(&store), 2);
/// assert_eq!(table.get(&mut store, 0), Some(Val::FuncRef(None)));
/// assert_eq!(table.get(&mut store, 2), None);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Table(pub(crate) Stored);

impl Table {
    /// Creates a table of type `ty` with every element set to `init`.
    /// A 64-bit table needs
    /// [`Config::wasm_memory64`](crate::Config::wasm_memory64).
    pub fn new(mut store: impl AsContextMut, ty: TableType, init: Val) -> Result<Table> {
        let store = &mut store.as_inner_mut().opaque;
        if !ty.element().is_ref() {
            return Err(Error::usage("table elements must be a reference type"));
        }
        if ty.maximum().is_some_and(|max| max < ty.minimum()) {
            return Err(Error::usage("table maximum is below its minimum"));
        }
        if ty.is_64() {
            store.engine.check_feature(
                wasmparser::WasmFeatures::MEMORY64,
                "64-bit tables need memory64",
            )?;
        } else if ty.minimum() > u64::from(u32::MAX)
            || ty.maximum().is_some_and(|max| max > u64::from(u32::MAX))
        {
            return Err(Error::usage(
                "table size must be at most 2^32-1 elements for a 32-bit table",
            ));
        }
        init.check_type(store, ty.element(), "table initial value")?;
        let raw = init.to_raw(store)? as usize;
        store.add_table(ty, raw)
    }

    fn get_data<'a>(&self, store: &'a StoreOpaque) -> &'a TableData {
        store.assert_owns(self.0, "table");
        &store.tables[self.0.index as usize]
    }

    /// The table's current type.
    pub fn ty(&self, store: impl AsContext) -> TableType {
        self.get_data(&store.as_inner().opaque).ty()
    }

    /// The number of elements.
    pub fn size(&self, store: impl AsContext) -> u64 {
        self.get_data(&store.as_inner().opaque).size()
    }

    /// The element at `index`, or `None` if out of bounds.
    pub fn get(&self, mut store: impl AsContextMut, index: u64) -> Option<Val> {
        let store = &mut store.as_inner_mut().opaque;
        let data = self.get_data(store);
        let raw = data.get(index)?;
        let element = data.ty().element();
        Some(Val::from_raw(store, raw as u128, element))
    }

    /// Sets the element at `index`.
    pub fn set(&self, mut store: impl AsContextMut, index: u64, value: Val) -> Result<()> {
        let store = &mut store.as_inner_mut().opaque;
        let ty = self.get_data(store).ty();
        value.check_type(store, ty.element(), "table element")?;
        let raw = value.to_raw(store)? as usize;
        store.tables[self.0.index as usize]
            .set(index, raw)
            .map_err(|()| Error::usage("out of bounds table access"))
    }

    /// Grows by `delta` elements set to `init`; returns the previous size.
    pub fn grow(&self, mut store: impl AsContextMut, delta: u64, init: Val) -> Result<u64> {
        let store = &mut store.as_inner_mut().opaque;
        let ty = self.get_data(store).ty();
        init.check_type(store, ty.element(), "table initial value")?;
        let raw = init.to_raw(store)? as usize;
        let bounds = store.limits.resources;
        let table = &mut store.tables[self.0.index as usize];
        let wanted = table.size().saturating_add(delta);
        let grown = if bounds.table_elements_allowed(wanted) {
            table.grow(delta, raw)
        } else {
            None
        };
        grown.ok_or_else(|| {
            Error::new(
                ErrorKind::ResourceLimit,
                format!(
                    "failed to grow table of {} elements by {delta}",
                    ty.minimum()
                ),
            )
        })
    }
}

pub(crate) struct GlobalData {
    pub ty: GlobalType,
    pub storage: Box<VMGlobal>,
}

/// A global variable.
///
/// ```
/// use kiln::{Engine, Store, Global, GlobalType, Mutability, Val, ValType};
/// let engine = Engine::default();
/// let mut store = Store::new(&engine, ());
/// let g = Global::new(&mut store, GlobalType::new(ValType::I32, Mutability::Var), Val::I32(1)).unwrap();
/// g.set(&mut store, Val::I32(2)).unwrap();
/// assert_eq!(g.get(&mut store), Val::I32(2));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Global(pub(crate) Stored);

impl Global {
    /// Creates a global of type `ty` holding `value`.
    pub fn new(mut store: impl AsContextMut, ty: GlobalType, value: Val) -> Result<Global> {
        let store = &mut store.as_inner_mut().opaque;
        value.check_type(store, ty.content(), "global value")?;
        let raw = value.to_raw(store)?;
        Ok(store.add_global(ty, raw))
    }

    /// The global's type.
    pub fn ty(&self, store: impl AsContext) -> GlobalType {
        let store = &store.as_inner().opaque;
        store.assert_owns(self.0, "global");
        store.globals[self.0.index as usize].ty
    }

    /// The current value.
    pub fn get(&self, mut store: impl AsContextMut) -> Val {
        let store = &mut store.as_inner_mut().opaque;
        store.assert_owns(self.0, "global");
        let data = &store.globals[self.0.index as usize];
        let raw = u128::from_le_bytes(data.storage.bytes);
        let content = data.ty.content();
        Val::from_raw(store, raw, content)
    }

    /// Sets the value; fails if the global is immutable or the type differs.
    pub fn set(&self, mut store: impl AsContextMut, value: Val) -> Result<()> {
        let store = &mut store.as_inner_mut().opaque;
        store.check(self.0, "global")?;
        let ty = store.globals[self.0.index as usize].ty;
        if ty.mutability() == Mutability::Const {
            return Err(Error::usage("cannot set an immutable global"));
        }
        value.check_type(store, ty.content(), "global value")?;
        let raw = value.to_raw(store)?;
        store.globals[self.0.index as usize].storage.bytes = raw.to_le_bytes();
        Ok(())
    }
}

impl StoreOpaque {
    pub(crate) fn add_memory(&mut self, ty: MemoryType) -> Result<Memory> {
        let bounds = self.limits.resources;
        bounds.check_counts([0, self.memories.len(), 0], [0, 1, 0])?;
        let bytes = ty.minimum().saturating_mul(ty.page_size());
        if !bounds.memory_bytes_allowed(bytes) {
            return Err(Error::new(
                ErrorKind::ResourceLimit,
                format!(
                    "a memory of {} pages is larger than the store's limit of {} bytes",
                    ty.minimum(),
                    bounds.memory_size
                ),
            ));
        }
        let memory = match &self.engine.0.pool {
            Some(pool) => LinearMemory::new_pooled(ty, pool),
            None => LinearMemory::new(ty, &self.engine.0.tunables.memory),
        }
        .map_err(|e| Error::new(ErrorKind::ResourceLimit, e))?;
        self.memories.push(Box::new(memory));
        Ok(Memory(self.stored(self.memories.len() - 1)))
    }

    pub(crate) fn add_table(&mut self, ty: TableType, init: usize) -> Result<Table> {
        let bounds = self.limits.resources;
        bounds.check_counts([0, 0, self.tables.len()], [0, 0, 1])?;
        if !bounds.table_elements_allowed(ty.minimum()) {
            return Err(Error::new(
                ErrorKind::ResourceLimit,
                format!(
                    "a table of {} elements is larger than the store's limit of {} elements",
                    ty.minimum(),
                    bounds.table_elements
                ),
            ));
        }
        let table = match &self.engine.0.pool {
            Some(pool) => TableData::new_pooled(ty, init, pool),
            None => TableData::new(ty, init),
        }
        .map_err(|e| Error::new(ErrorKind::ResourceLimit, e))?;
        self.tables.push(Box::new(table));
        Ok(Table(self.stored(self.tables.len() - 1)))
    }

    pub(crate) fn add_global(&mut self, ty: GlobalType, raw: u128) -> Global {
        self.globals.push(GlobalData {
            ty,
            storage: Box::new(VMGlobal {
                bytes: raw.to_le_bytes(),
            }),
        });
        Global(self.stored(self.globals.len() - 1))
    }
}
