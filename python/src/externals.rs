//! `Memory`, `Table` and `Global`, and the conversion of externs in both
//! directions.

use crate::args::Arg;
use crate::errors::{argument_type_error, kiln_error, to_py_err};
use crate::func::{check_same_store, Func};
use crate::store::{Guard, Store, StoreLike};
use crate::types::{GlobalType, MemoryType, TableType};
use crate::values::{from_val, to_val};
use pyo3::exceptions::PyIndexError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyByteArray, PyBytes};

/// The Python object for an extern of the store `guard` holds.
pub(crate) fn wrap_extern(
    py: Python<'_>,
    guard: &mut Guard<'_>,
    item: kiln::Extern,
) -> PyResult<Py<PyAny>> {
    let store_id = guard.shared().id;
    Ok(match item {
        kiln::Extern::Func(f) => Py::new(py, Func::wrap(guard, f))?.into_any(),
        kiln::Extern::Memory(memory) => Py::new(py, Memory { memory, store_id })?.into_any(),
        kiln::Extern::Table(table) => Py::new(py, Table { table, store_id })?.into_any(),
        kiln::Extern::Global(global) => Py::new(py, Global { global, store_id })?.into_any(),
    })
}

/// The engine's extern for a Python `Func`, `Memory`, `Table` or `Global`.
pub(crate) fn to_extern(obj: &Bound<'_, PyAny>) -> PyResult<(kiln::Extern, u64)> {
    if let Ok(f) = obj.cast::<Func>() {
        let f = f.get();
        return Ok((kiln::Extern::Func(f.func), f.store_id));
    }
    if let Ok(m) = obj.cast::<Memory>() {
        let m = m.get();
        return Ok((kiln::Extern::Memory(m.memory), m.store_id));
    }
    if let Ok(t) = obj.cast::<Table>() {
        let t = t.get();
        return Ok((kiln::Extern::Table(t.table), t.store_id));
    }
    if let Ok(g) = obj.cast::<Global>() {
        let g = g.get();
        return Ok((kiln::Extern::Global(g.global), g.store_id));
    }
    Err(argument_type_error("a Func, Memory, Table or Global", obj))
}

/// A store argument resolved and checked against a handle's store.
fn enter<'py>(store: StoreLike<'py>, id: u64, what: &str) -> PyResult<Bound<'py, Store>> {
    let store = store.store()?;
    check_same_store(id, store.get().shared(), what)?;
    Ok(store)
}

static C_UBYTE: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

/// A linear memory. `buffer(store)` views it in place (for `memoryview` and
/// `numpy.frombuffer`); `read` and `write` copy.
#[pyclass(module = "kiln", frozen, name = "Memory")]
pub struct Memory {
    memory: kiln::Memory,
    store_id: u64,
}

#[pymethods]
impl Memory {
    /// A new memory of type `ty` in `store`.
    #[new]
    fn new(store: StoreLike<'_>, ty: Arg<'_, MemoryType>) -> PyResult<Self> {
        let store = store.store()?;
        let shared = store.get().shared();
        let mut guard = shared.enter(&store)?;
        let ty = ty.get().0;
        let memory = kiln::Memory::new(guard.cx(), ty).map_err(|e| to_py_err(store.py(), e))?;
        Ok(Memory {
            memory,
            store_id: shared.id,
        })
    }

    /// The memory's type.
    fn r#type(&self, store: StoreLike<'_>) -> PyResult<MemoryType> {
        let store = enter(store, self.store_id, "memory")?;
        let mut guard = store.get().shared().enter(&store)?;
        Ok(MemoryType(self.memory.ty(guard.cx())))
    }

    /// The size in pages.
    fn size(&self, store: StoreLike<'_>) -> PyResult<u64> {
        let store = enter(store, self.store_id, "memory")?;
        let mut guard = store.get().shared().enter(&store)?;
        Ok(self.memory.size(guard.cx()))
    }

    /// The size of a page in bytes: 64 KiB.
    fn page_size(&self, store: StoreLike<'_>) -> PyResult<u64> {
        Ok(1 << self.page_size_log2(store)?)
    }

    /// The base-2 logarithm of `page_size`.
    fn page_size_log2(&self, store: StoreLike<'_>) -> PyResult<u32> {
        let store = enter(store, self.store_id, "memory")?;
        let mut guard = store.get().shared().enter(&store)?;
        Ok(self.memory.ty(guard.cx()).page_size_log2())
    }

    /// The size in bytes.
    fn data_len(&self, store: StoreLike<'_>) -> PyResult<usize> {
        let store = enter(store, self.store_id, "memory")?;
        let mut guard = store.get().shared().enter(&store)?;
        Ok(self.memory.data_size(guard.cx()))
    }

    /// A `ctypes` pointer to the first byte (`ctypes.POINTER(c_ubyte)`),
    /// as wasmtime-py gives: index it, or take its address with
    /// `ctypes.addressof(ptr.contents)`. The address never changes: a memory
    /// reserves its whole address range up front and never moves.
    fn data_ptr<'py>(&self, store: StoreLike<'py>) -> PyResult<Bound<'py, PyAny>> {
        let store = enter(store, self.store_id, "memory")?;
        let py = store.py();
        let ptr = store
            .get()
            .shared()
            .enter(&store)?
            .memory_data(self.memory)
            .0;
        let ctypes = py.import("ctypes")?;
        let c_ubyte =
            C_UBYTE.get_or_try_init(py, || ctypes.getattr("c_ubyte").map(Bound::unbind))?;
        let pointer_type = ctypes.call_method1("POINTER", (c_ubyte.bind(py),))?;
        ctypes.call_method1("cast", (ptr as usize, pointer_type))
    }

    /// Grows the memory by `delta` pages; returns the previous size in pages.
    /// A negative `delta` is a `KilnError`, as in wasmtime-py.
    fn grow(&self, store: StoreLike<'_>, delta: i64) -> PyResult<u64> {
        let store = enter(store, self.store_id, "memory")?;
        let delta = grow_delta(delta, "memory", "pages")?;
        let mut guard = store.get().shared().enter(&store)?;
        self.memory
            .grow(guard.cx(), delta)
            .map_err(|e| to_py_err(store.py(), e))
    }

    /// A copy of the bytes from `start` up to `stop`, chosen as
    /// `bytes[start:stop]` would be: negative positions count from the end,
    /// and positions past either end are clamped, so the result may be
    /// shorter than asked or empty (as in wasmtime-py).
    #[pyo3(
        signature = (store, start=Some(0), stop=None),
        text_signature = "($self, store, start=0, stop=None)"
    )]
    fn read<'py>(
        &self,
        store: StoreLike<'py>,
        start: Option<isize>,
        stop: Option<isize>,
    ) -> PyResult<Bound<'py, PyByteArray>> {
        let store = enter(store, self.store_id, "memory")?;
        let py = store.py();
        let mut guard = store.get().shared().enter(&store)?;
        let cx = guard.cx();
        let len = self.memory.data_size(&cx);
        let start = slice_position(start, 0, len);
        let stop = slice_position(stop, len, len).max(start);
        PyByteArray::new_with(py, stop - start, |bytes| {
            self.memory
                .read(&cx, start, bytes)
                .map_err(|e| to_py_err(py, e))
        })
    }

    /// Copies `value` (any bytes-like object) into memory at `start` (a
    /// negative `start` counts from the end, as in `bytes[start:]`); returns
    /// the number of bytes written. Raises `IndexError`, writing nothing,
    /// when `start` is not inside the memory or `value` would run past its
    /// end (as in wasmtime-py).
    #[pyo3(signature = (store, value, start=None))]
    fn write(
        &self,
        store: StoreLike<'_>,
        value: &Bound<'_, PyAny>,
        start: Option<isize>,
    ) -> PyResult<usize> {
        let store = enter(store, self.store_id, "memory")?;
        let py = store.py();
        let bytes = match value.cast::<PyBytes>() {
            Ok(b) => b.clone(),
            Err(_) => py
                .get_type::<PyBytes>()
                .call1((value,))?
                .cast_into::<PyBytes>()?,
        };
        let bytes = bytes.as_bytes();
        let mut guard = store.get().shared().enter(&store)?;
        let len = self.memory.data_size(guard.cx());
        let at = slice_position(start, 0, len);
        if at >= len {
            return Err(PyIndexError::new_err(format!(
                "cannot write at byte {at} of a memory of {len} bytes"
            )));
        }
        if bytes.len() > len - at {
            return Err(PyIndexError::new_err(format!(
                "cannot write {} bytes at byte {at} of a memory of {len} bytes",
                bytes.len()
            )));
        }
        self.memory
            .write(guard.cx(), at, bytes)
            .map_err(|e| to_py_err(py, e))?;
        Ok(bytes.len())
    }

    /// The memory's current bytes in place, as a writable `memoryview` of
    /// format `"B"` that keeps `store` alive; `numpy.frombuffer` and
    /// `memoryview` slicing use it without copying. After a `grow` the view
    /// still covers only the old size (memory never moves, so it stays
    /// valid); take a new view to see the new pages.
    fn buffer<'py>(&self, store: StoreLike<'py>) -> PyResult<Bound<'py, PyAny>> {
        let store = enter(store, self.store_id, "memory")?;
        let (ptr, len) = store.get().shared().enter(&store)?.memory_data(self.memory);
        let array = bytes_in_place(&store, ptr, len)?;
        // ctypes describes its bytes as "<B", which memoryview cannot assign
        // slices to; the cast makes it plain "B".
        array
            .py()
            .get_type::<pyo3::types::PyMemoryView>()
            .call1((array,))?
            .call_method1("cast", ("B",))
    }

    /// `size` bytes of the memory from byte `offset` (all the rest by
    /// default) in place, as a `ctypes` array of `c_ubyte` (as wasmtime-py
    /// gives, for `numpy.frombuffer`). Unlike wasmtime-py it is checked:
    /// bytes outside the memory raise `IndexError`. The array keeps the
    /// store alive, as `buffer`'s view does.
    #[pyo3(signature = (store, size=None, offset=0))]
    fn get_buffer_ptr<'py>(
        &self,
        store: StoreLike<'py>,
        size: Option<usize>,
        offset: usize,
    ) -> PyResult<Bound<'py, PyAny>> {
        let store = enter(store, self.store_id, "memory")?;
        let (ptr, len) = store.get().shared().enter(&store)?.memory_data(self.memory);
        let size = size.unwrap_or(len.saturating_sub(offset));
        if offset.checked_add(size).is_none_or(|end| end > len) {
            return Err(PyIndexError::new_err(format!(
                "{size} bytes at byte {offset} are outside a memory of {len} bytes"
            )));
        }
        // SAFETY: `offset + size <= len` was checked just above, so the
        // pointer stays within the memory's `len` bytes at `ptr`.
        bytes_in_place(&store, unsafe { ptr.add(offset) }, size)
    }
}

/// The `len` bytes of one of `store`'s memories at `ptr`, in place, as a
/// `ctypes` array of `c_ubyte` that keeps the store alive.
fn bytes_in_place<'py>(
    store: &Bound<'py, Store>,
    ptr: *mut u8,
    len: usize,
) -> PyResult<Bound<'py, PyAny>> {
    let py = store.py();
    let c_ubyte = C_UBYTE.get_or_try_init(py, || {
        py.import("ctypes")?.getattr("c_ubyte").map(Bound::unbind)
    })?;
    let array = c_ubyte
        .bind(py)
        .mul(len)?
        .call_method1("from_address", (ptr as usize,))?;
    // The array owns nothing, so it holds the store (and with it the
    // memory's mapping) for as long as it or any view of it exists, and
    // counts itself so that closing the store leaves the mapping in place.
    store.get().shared().add_view();
    let owner = Py::new(
        py,
        MemoryViewOwner {
            store: store.clone().unbind(),
        },
    )?;
    array.setattr("_kiln_store", owner)?;
    Ok(array)
}

/// A `grow` delta for a 32-bit memory or table, or the `KilnError`
/// wasmtime-py raises for a negative one (and, here, for one past 32 bits).
fn grow_delta(delta: i64, what: &str, units: &str) -> PyResult<u64> {
    u64::try_from(delta).map_err(|_| {
        kiln_error(format!(
            "cannot grow a {what} by a negative number of {units} ({delta})"
        ))
    })
}

/// A slice bound as Python reads it for a sequence of `len` items: `None`
/// is `default`, a negative position counts from the end, and the result
/// is clamped to `0..=len`.
fn slice_position(position: Option<isize>, default: usize, len: usize) -> usize {
    match position {
        None => default,
        Some(p) if p < 0 => len.saturating_sub(p.unsigned_abs()),
        Some(p) => (p as usize).min(len),
    }
}

/// What keeps a memory view's store, and its memory, alive.
#[pyclass(module = "kiln", frozen, name = "_MemoryViewOwner")]
struct MemoryViewOwner {
    store: Py<Store>,
}

impl Drop for MemoryViewOwner {
    fn drop(&mut self) {
        self.store.get().shared().drop_view();
    }
}

/// A table of references.
#[pyclass(module = "kiln", frozen, name = "Table")]
pub struct Table {
    table: kiln::Table,
    store_id: u64,
}

#[pymethods]
impl Table {
    /// A new table of type `ty` in `store`, every element `init`.
    #[new]
    fn new(
        store: StoreLike<'_>,
        ty: Arg<'_, TableType>,
        init: &Bound<'_, PyAny>,
    ) -> PyResult<Self> {
        let store = store.store()?;
        let shared = store.get().shared();
        let ty = ty.get().0;
        let init = to_val(init, ty.element())?;
        let mut guard = shared.enter(&store)?;
        let table = kiln::Table::new(guard.cx(), ty, init).map_err(|e| to_py_err(store.py(), e))?;
        Ok(Table {
            table,
            store_id: shared.id,
        })
    }

    /// The table's type.
    fn r#type(&self, store: StoreLike<'_>) -> PyResult<TableType> {
        let store = enter(store, self.store_id, "table")?;
        let mut guard = store.get().shared().enter(&store)?;
        Ok(TableType(self.table.ty(guard.cx())))
    }

    /// The number of elements.
    fn size(&self, store: StoreLike<'_>) -> PyResult<u64> {
        let store = enter(store, self.store_id, "table")?;
        let mut guard = store.get().shared().enter(&store)?;
        Ok(self.table.size(guard.cx()))
    }

    /// The element at `index`: `None` for a null reference, and past the
    /// end (as wasmtime-py's `Table.get`).
    fn get(&self, store: StoreLike<'_>, index: u32) -> PyResult<Py<PyAny>> {
        let store = enter(store, self.store_id, "table")?;
        let py = store.py();
        let value = {
            let mut guard = store.get().shared().enter(&store)?;
            self.table.get(guard.cx(), index.into())
        };
        let Some(value) = value else {
            return Ok(py.None());
        };
        let mut wrap = |f| {
            let mut guard = store.get().shared().enter(&store)?;
            Ok(Py::new(py, Func::wrap(&mut guard, f))?.into_any())
        };
        Ok(from_val(py, &value, &mut wrap)?.unbind())
    }

    /// Sets the element at `index` to `value`.
    fn set(&self, store: StoreLike<'_>, index: u32, value: &Bound<'_, PyAny>) -> PyResult<()> {
        let store = enter(store, self.store_id, "table")?;
        let mut guard = store.get().shared().enter(&store)?;
        let element = self.table.ty(guard.cx()).element();
        let value = to_val(value, element)?;
        self.table
            .set(guard.cx(), index.into(), value)
            .map_err(|e| to_py_err(store.py(), e))
    }

    /// Grows the table by `delta` elements set to `init`; returns the
    /// previous size. A negative `delta` is a `KilnError`, as in
    /// wasmtime-py.
    fn grow(&self, store: StoreLike<'_>, delta: i64, init: &Bound<'_, PyAny>) -> PyResult<u64> {
        let store = enter(store, self.store_id, "table")?;
        let delta = grow_delta(delta, "table", "elements")?;
        let mut guard = store.get().shared().enter(&store)?;
        let element = self.table.ty(guard.cx()).element();
        let init = to_val(init, element)?;
        self.table
            .grow(guard.cx(), delta, init)
            .map_err(|e| to_py_err(store.py(), e))
    }
}

/// A global variable.
#[pyclass(module = "kiln", frozen, name = "Global")]
pub struct Global {
    global: kiln::Global,
    store_id: u64,
}

#[pymethods]
impl Global {
    /// A new global of type `ty` in `store`, holding `value`.
    #[new]
    fn new(
        store: StoreLike<'_>,
        ty: Arg<'_, GlobalType>,
        value: &Bound<'_, PyAny>,
    ) -> PyResult<Self> {
        let store = store.store()?;
        let shared = store.get().shared();
        let ty = ty.get().0;
        let value = to_val(value, ty.content())?;
        let mut guard = shared.enter(&store)?;
        let global =
            kiln::Global::new(guard.cx(), ty, value).map_err(|e| to_py_err(store.py(), e))?;
        Ok(Global {
            global,
            store_id: shared.id,
        })
    }

    /// The global's type.
    fn r#type(&self, store: StoreLike<'_>) -> PyResult<GlobalType> {
        let store = enter(store, self.store_id, "global")?;
        let mut guard = store.get().shared().enter(&store)?;
        Ok(GlobalType(self.global.ty(guard.cx())))
    }

    /// The current value.
    fn value(&self, store: StoreLike<'_>) -> PyResult<Py<PyAny>> {
        let store = enter(store, self.store_id, "global")?;
        let py = store.py();
        let value = {
            let mut guard = store.get().shared().enter(&store)?;
            self.global.get(guard.cx())
        };
        let mut wrap = |f| {
            let mut guard = store.get().shared().enter(&store)?;
            Ok(Py::new(py, Func::wrap(&mut guard, f))?.into_any())
        };
        Ok(from_val(py, &value, &mut wrap)?.unbind())
    }

    /// Sets the value; the global must be mutable.
    fn set_value(&self, store: StoreLike<'_>, value: &Bound<'_, PyAny>) -> PyResult<()> {
        let store = enter(store, self.store_id, "global")?;
        let mut guard = store.get().shared().enter(&store)?;
        let content = self.global.ty(guard.cx()).content();
        let value = to_val(value, content)?;
        self.global
            .set(guard.cx(), value)
            .map_err(|e| to_py_err(store.py(), e))
    }
}
