//! `Instance`: a module with its imports bound, its memories, tables and
//! globals created and initialised, and its start function run.

use super::engine::Engine;
use super::externals::{Extern, Global, Memory, Table};
use super::func::{call_start, Func};
use super::module::Module;
use super::store::{AsContextMut, StoreOpaque, Stored};
use super::typed::{TypedFunc, WasmParams, WasmResults};
use crate::environ::error::{Error, ErrorKind, Result};
use crate::environ::trap::{Trap, TrapCode};
use crate::environ::types::ExternType;
use crate::environ::vmoffsets::*;
use crate::environ::{ConstExpr, ConstOp, EntityIndex, SegmentMode};
use crate::runtime::builtins::{InstanceRuntime, BUILTINS};
use crate::runtime::pooling::InstancePermit;
use crate::runtime::vmcontext::{VMContextBox, VMFuncRef};

pub(crate) struct InstanceData {
    pub module: Module,
    /// The instance's place in the engine's pool, if it pools instances.
    _permit: Option<InstancePermit>,
    /// Compiled code reads this; it must live as long as the instance.
    _vmctx: VMContextBox,
    runtime: Box<InstanceRuntime>,
    /// Imported functions only. A defined function becomes a `Func` in the
    /// store the first time the host sees it (see [`StoreOpaque::instance_func`]),
    /// so instantiating a module of many functions costs no per-function work
    /// beyond filling in its `VMFuncRef`s.
    imported_funcs: Vec<Func>,
    pub memories: Vec<Memory>,
    pub tables: Vec<Table>,
    pub globals: Vec<Global>,
}

/// An instantiated module.
///
/// ```
/// use kiln::{Engine, Store, Module, Instance};
/// let engine = Engine::default();
/// let module = Module::new(&engine, r#"(module (func (export "answer") (result i32) i32.const 42))"#).unwrap();
/// let mut store = Store::new(&engine, ());
/// let instance = Instance::new(&mut store, &module, &[]).unwrap();
/// let answer = instance.get_typed_func::<(), i32>(&mut store, "answer").unwrap();
/// assert_eq!(answer.call(&mut store, ()).unwrap(), 42);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Instance(pub(crate) Stored);

impl Instance {
    /// Instantiates `module` with `imports`, given in the order of
    /// [`Module::imports`]. A trap in a segment initialiser or the start
    /// function fails instantiation.
    pub fn new(
        mut store: impl AsContextMut,
        module: &Module,
        imports: &[Extern],
    ) -> Result<Instance> {
        let store: *mut StoreOpaque = &mut store.as_inner_mut().opaque;
        // SAFETY: `store` comes from a `&mut` borrow held for this call.
        unsafe { instantiate(store, module, imports) }
    }

    /// The export called `name`.
    pub fn get_export(&self, mut store: impl AsContextMut, name: &str) -> Option<Extern> {
        let store = &mut store.as_inner_mut().opaque;
        store.assert_owns(self.0, "instance");
        let module = store.instances[self.0.index as usize].module.clone();
        let (_, index) = module.0.info.exports.iter().find(|(n, _)| n == name)?;
        Some(store.instance_entity(self.0.index, *index))
    }

    /// All exports, in order.
    pub fn exports(&self, mut store: impl AsContextMut) -> Vec<(String, Extern)> {
        let store = &mut store.as_inner_mut().opaque;
        store.assert_owns(self.0, "instance");
        let module = store.instances[self.0.index as usize].module.clone();
        module
            .0
            .info
            .exports
            .iter()
            .map(|(n, i)| (n.clone(), store.instance_entity(self.0.index, *i)))
            .collect()
    }

    /// The exported function called `name`.
    pub fn get_func(&self, store: impl AsContextMut, name: &str) -> Option<Func> {
        self.get_export(store, name)?.into_func()
    }

    /// The exported memory called `name`.
    pub fn get_memory(&self, store: impl AsContextMut, name: &str) -> Option<Memory> {
        self.get_export(store, name)?.into_memory()
    }

    /// The exported table called `name`.
    pub fn get_table(&self, store: impl AsContextMut, name: &str) -> Option<Table> {
        self.get_export(store, name)?.into_table()
    }

    /// The exported global called `name`.
    pub fn get_global(&self, store: impl AsContextMut, name: &str) -> Option<Global> {
        self.get_export(store, name)?.into_global()
    }

    /// The exported function called `name`, with a statically checked signature.
    pub fn get_typed_func<P: WasmParams, R: WasmResults>(
        &self,
        mut store: impl AsContextMut,
        name: &str,
    ) -> Result<TypedFunc<P, R>> {
        let func = self
            .get_func(&mut store, name)
            .ok_or_else(|| Error::usage(format!("no exported function named `{name}`")))?;
        func.typed(&store)
    }
}

impl InstanceData {
    /// The address of the `VMFuncRef` of function `index` (imported or defined).
    fn funcref(&self, store: &StoreOpaque, index: u32) -> *const VMFuncRef {
        match self.imported_funcs.get(index as usize) {
            Some(f) => store.funcs[f.0.index as usize].funcref,
            None => {
                let defined = index - self.imported_funcs.len() as u32;
                let offset = self.module.0.offsets.defined_funcref(defined);
                // SAFETY: `offset` lies within this instance's context, which
                // was laid out by the same `offsets`.
                unsafe { self._vmctx.as_ptr().add(offset as usize) as *const VMFuncRef }
            }
        }
    }
}

impl StoreOpaque {
    /// Function `index` of instance `instance`, registered in the store on
    /// first use.
    fn instance_func(&mut self, instance: u32, index: u32) -> Func {
        let data = &self.instances[instance as usize];
        if let Some(f) = data.imported_funcs.get(index as usize) {
            return *f;
        }
        let funcref = data.funcref(self, index);
        self.func_for_defined_funcref(funcref, instance, index)
    }

    /// The `Func` of a defined function's `VMFuncRef`, registering it if the
    /// host has not seen it before.
    pub(crate) fn func_for_defined_funcref(
        &mut self,
        funcref: *const VMFuncRef,
        instance: u32,
        index: u32,
    ) -> Func {
        if let Some(&i) = self.funcref_to_func.get(&(funcref as usize)) {
            return Func(self.stored(i as usize));
        }
        let info = &self.instances[instance as usize].module.0.info;
        let ty = info.func_type(index).clone();
        let brief = info.brief[(index - info.num_imported_funcs) as usize];
        self.add_wasm_func(ty, funcref, brief, index)
    }

    fn instance_entity(&mut self, instance: u32, index: EntityIndex) -> Extern {
        let data = &self.instances[instance as usize];
        match index {
            EntityIndex::Func(i) => Extern::Func(self.instance_func(instance, i)),
            EntityIndex::Memory(i) => Extern::Memory(data.memories[i as usize]),
            EntityIndex::Table(i) => Extern::Table(data.tables[i as usize]),
            EntityIndex::Global(i) => Extern::Global(data.globals[i as usize]),
        }
    }
}

/// Where a wasm function's `VMFuncRef` is, for a module's functions by index:
/// the store's for imports, the instance context's for its own.
struct FuncRefs<'a> {
    imported: &'a [*const VMFuncRef],
    vmctx: *mut u8,
    offsets: &'a VMOffsets,
}

impl FuncRefs<'_> {
    fn get(&self, index: u32) -> *const VMFuncRef {
        match self.imported.get(index as usize) {
            Some(&f) => f,
            None => {
                let defined = index - self.imported.len() as u32;
                // SAFETY: the offset lies within the context `offsets` describes.
                let funcref = unsafe {
                    self.vmctx
                        .add(self.offsets.defined_funcref(defined) as usize)
                };
                funcref as *const VMFuncRef
            }
        }
    }
}

fn extern_type(store: &StoreOpaque, ext: &Extern) -> ExternType {
    match ext {
        Extern::Func(f) => ExternType::Func(store.funcs[f.0.index as usize].ty.clone()),
        Extern::Memory(m) => ExternType::Memory(store.memories[m.0.index as usize].ty()),
        Extern::Table(t) => ExternType::Table(store.tables[t.0.index as usize].ty()),
        Extern::Global(g) => ExternType::Global(store.globals[g.0.index as usize].ty),
    }
}

/// Whether an entity of type `actual` can satisfy an import of type `expected`.
fn import_matches(actual: &ExternType, expected: &ExternType) -> bool {
    match (actual, expected) {
        (ExternType::Func(a), ExternType::Func(e)) => a == e,
        (ExternType::Memory(a), ExternType::Memory(e)) => {
            a.is_64() == e.is_64()
                && a.is_shared() == e.is_shared()
                && a.page_size_log2() == e.page_size_log2()
                && a.limits.matches(&e.limits)
        }
        (ExternType::Table(a), ExternType::Table(e)) => {
            a.element == e.element && a.is_64() == e.is_64() && a.limits.matches(&e.limits)
        }
        (ExternType::Global(a), ExternType::Global(e)) => a == e,
        _ => false,
    }
}

/// Evaluates a validated constant expression to the slot representation
/// compiled code reads (see `Val::to_raw`), without making handles for the
/// functions it references.
fn eval_const(store: &StoreOpaque, expr: &ConstExpr, globals: &[Global], funcs: &FuncRefs) -> u128 {
    let mut stack: Vec<u128> = Vec::with_capacity(2);
    for op in &expr.0 {
        let v = match *op {
            ConstOp::I32(v) => v as u32 as u128,
            ConstOp::I64(v) => v as u64 as u128,
            ConstOp::F32(v) => v as u128,
            ConstOp::F64(v) => v as u128,
            ConstOp::V128(v) => v,
            ConstOp::GlobalGet(i) => {
                let g = &store.globals[globals[i as usize].0.index as usize];
                u128::from_le_bytes(g.storage.bytes)
            }
            ConstOp::RefNull(_) => 0,
            ConstOp::RefFunc(i) => funcs.get(i) as usize as u128,
            ConstOp::I32Add | ConstOp::I32Sub | ConstOp::I32Mul => {
                let b = stack.pop().unwrap_or(0) as u32;
                let a = stack.pop().unwrap_or(0) as u32;
                (match op {
                    ConstOp::I32Add => a.wrapping_add(b),
                    ConstOp::I32Sub => a.wrapping_sub(b),
                    _ => a.wrapping_mul(b),
                }) as u128
            }
            ConstOp::I64Add | ConstOp::I64Sub | ConstOp::I64Mul => {
                let b = stack.pop().unwrap_or(0) as u64;
                let a = stack.pop().unwrap_or(0) as u64;
                (match op {
                    ConstOp::I64Add => a.wrapping_add(b),
                    ConstOp::I64Sub => a.wrapping_sub(b),
                    _ => a.wrapping_mul(b),
                }) as u128
            }
        };
        stack.push(v);
    }
    stack.pop().expect("validated constant expression")
}

fn trap(code: TrapCode) -> Error {
    Trap::new(code, code.message().to_string(), Vec::new()).into()
}

/// # Safety
/// `store_ptr` must be valid and not otherwise borrowed for the call.
unsafe fn instantiate(
    store_ptr: *mut StoreOpaque,
    module: &Module,
    imports: &[Extern],
) -> Result<Instance> {
    // SAFETY: guaranteed by the caller; this borrow ends before the start function runs.
    let store = unsafe { &mut *store_ptr };
    if !Engine::same(&store.engine, &module.0.engine) {
        return Err(Error::usage(
            "the module and the store use different engines",
        ));
    }
    let info = &module.0.info;
    let offsets = &module.0.offsets;
    if imports.len() != info.imports.len() {
        return Err(Error::link(format!(
            "the module requires {} imports, but {} were provided",
            info.imports.len(),
            imports.len()
        )));
    }
    store.limits.resources.check_counts(
        [
            store.instances.len(),
            store.memories.len(),
            store.tables.len(),
        ],
        [
            1,
            info.memories.len() - info.num_imported_memories as usize,
            info.tables.len() - info.num_imported_tables as usize,
        ],
    )?;
    let permit = match &store.engine.0.pool {
        Some(pool) => Some(
            pool.instance_permit()
                .map_err(|e| Error::new(ErrorKind::ResourceLimit, e))?,
        ),
        None => None,
    };
    let mut funcs = Vec::with_capacity(info.num_imported_funcs as usize);
    let mut memories = Vec::with_capacity(info.memories.len());
    let mut tables = Vec::with_capacity(info.tables.len());
    let mut globals = Vec::with_capacity(info.globals.len());
    for (import, ext) in info.imports.iter().zip(imports) {
        store.check(ext.stored(), "import")?;
        let expected = module.entity_type(import.index);
        let actual = extern_type(store, ext);
        if !import_matches(&actual, &expected) {
            return Err(Error::link(format!(
                "incompatible import type for `{}::{}`: expected {expected}, found {actual}",
                import.module, import.name
            )));
        }
        match ext {
            Extern::Func(f) => funcs.push(*f),
            Extern::Memory(m) => memories.push(*m),
            Extern::Table(t) => tables.push(*t),
            Extern::Global(g) => globals.push(*g),
        }
    }

    let vmctx = VMContextBox::new(offsets.size());
    let instance_index = store.instances.len() as u32;
    let mut runtime = Box::new(InstanceRuntime {
        index: instance_index,
        memories: Vec::new(),
        tables: Vec::new(),
        data: info
            .data
            .iter()
            .map(|d| (d.bytes.as_ptr(), d.bytes.len()))
            .collect(),
        elements: Vec::new(),
    });
    let vmctx_ptr = vmctx.as_ptr();
    // SAFETY: every offset written below comes from `offsets`, computed for this
    // module, so each write is in bounds and aligned.
    unsafe {
        vmctx.write(0, VMCTX_MAGIC);
        vmctx.write(VMCTX_STORE as u32, store_ptr);
        vmctx.write(VMCTX_LIMITS as u32, &mut *store.limits as *mut _);
        vmctx.write(VMCTX_BUILTINS as u32, &BUILTINS as *const _);
        vmctx.write(VMCTX_INSTANCE as u32, &mut *runtime as *mut InstanceRuntime);
        for (i, id) in module.0.type_ids.iter().enumerate() {
            vmctx.write(offsets.type_id(i as u32), *id);
        }
        for (i, f) in funcs.iter().enumerate() {
            vmctx.write(
                offsets.imported_func(i as u32),
                store.funcs[f.0.index as usize].funcref,
            );
        }
        for defined in 0..info.num_defined_funcs() {
            let type_index = info.functions[(info.num_imported_funcs + defined) as usize];
            vmctx.write(
                offsets.defined_funcref(defined),
                VMFuncRef {
                    func_ptr: module.0.code.function(defined),
                    vmctx: vmctx_ptr,
                    type_id: module.0.type_ids[type_index as usize],
                },
            );
        }
    }
    let imported_funcrefs: Vec<*const VMFuncRef> = funcs
        .iter()
        .map(|f| store.funcs[f.0.index as usize].funcref)
        .collect();
    let funcrefs = FuncRefs {
        imported: &imported_funcrefs,
        vmctx: vmctx_ptr,
        offsets,
    };

    for (ty, init) in info.globals[info.num_imported_globals as usize..]
        .iter()
        .zip(&info.global_inits)
    {
        let raw = eval_const(store, init, &globals, &funcrefs);
        globals.push(store.add_global(*ty, raw));
    }
    for ty in &info.memories[info.num_imported_memories as usize..] {
        memories.push(store.add_memory(*ty)?);
    }
    // A pooled memory's slot is reset by zeroing, not unmapping, so it
    // keeps anonymous pages: its data segments are copied instead.
    let image = match memories.first() {
        Some(m) if store.memories[m.0.index as usize].owns_mapping() => module.0.memory_image(),
        _ => None,
    };
    if let Some(image) = image {
        // An image exists only for a module that defines memory 0.
        store.memories[memories[0].0.index as usize]
            .map_image(image)
            .map_err(|e| Error::new(ErrorKind::ResourceLimit, e))?;
    }
    for (ty, init) in info.tables[info.num_imported_tables as usize..]
        .iter()
        .zip(&info.table_inits)
    {
        let raw = match init {
            Some(expr) => eval_const(store, expr, &globals, &funcrefs) as usize,
            None => 0,
        };
        tables.push(store.add_table(*ty, raw)?);
    }

    // SAFETY: as above, offsets come from this module's layout.
    unsafe {
        for (i, m) in memories.iter().enumerate() {
            let def = store.memories[m.0.index as usize].definition_ptr();
            vmctx.write(offsets.memory(i as u32), def);
            runtime.memories.push(m.definition(store));
        }
        for (i, t) in tables.iter().enumerate() {
            let table = &mut store.tables[t.0.index as usize];
            vmctx.write(offsets.table(i as u32), table.definition_ptr());
            runtime.tables.push(&mut **table as *mut _);
        }
        for (i, g) in globals.iter().enumerate() {
            let storage = &mut *store.globals[g.0.index as usize].storage as *mut _;
            vmctx.write(offsets.global(i as u32), storage);
        }
    }

    let segments_globals = globals.clone();
    let memories_for_data = memories.clone();
    let tables_for_elems = tables.clone();
    store.instances.push(InstanceData {
        module: module.clone(),
        _permit: permit,
        _vmctx: vmctx,
        runtime,
        imported_funcs: funcs,
        memories,
        tables,
        globals,
    });
    let instance = Instance(store.stored(instance_index as usize));

    initialize_segments(
        store,
        module,
        instance_index,
        &segments_globals,
        &funcrefs,
        &tables_for_elems,
        &memories_for_data,
        image.is_some(),
    )?;

    let start = info.start.map(|s| store.instance_func(instance_index, s));
    if let Some(start) = start {
        // SAFETY: the store pointer is valid (caller's guarantee) and `store`
        // is not used again after this point; `vmctx_ptr` is the context of
        // the instance just pushed, which the store keeps alive.
        unsafe { call_start(store_ptr, start, vmctx_ptr)? };
    }
    Ok(instance)
}

/// Evaluates element segments and applies active element and data segments.
/// They are applied in order and the first out-of-bounds one traps, leaving
/// earlier writes in place, as the current spec (and its 1.0 testsuite)
/// requires. Active and declarative segments are dropped afterwards. With
/// `data_in_image`, the active data segments are already in memory 0 (see
/// `ModuleInner::memory_image`) and are only dropped.
#[allow(clippy::too_many_arguments)]
fn initialize_segments(
    store: &mut StoreOpaque,
    module: &Module,
    instance_index: u32,
    globals: &[Global],
    funcs: &FuncRefs,
    tables: &[Table],
    memories: &[Memory],
    data_in_image: bool,
) -> Result<()> {
    let info = &module.0.info;
    // A segment's offset has its memory's or table's index type.
    let offset_of = |store: &StoreOpaque, expr: &ConstExpr, is_64: bool| -> u64 {
        let raw = eval_const(store, expr, globals, funcs);
        if is_64 {
            raw as u64
        } else {
            u64::from(raw as u32)
        }
    };
    let mut elements = Vec::with_capacity(info.elements.len());
    for seg in &info.elements {
        let mut raws = Vec::with_capacity(seg.items.len());
        for item in &seg.items {
            raws.push(eval_const(store, item, globals, funcs) as usize);
        }
        elements.push(raws);
    }
    for (i, seg) in info.elements.iter().enumerate() {
        match &seg.mode {
            SegmentMode::Active { index, offset } => {
                let start = offset_of(store, offset, info.tables[*index as usize].is_64());
                let raws = std::mem::take(&mut elements[i]);
                let table = &mut store.tables[tables[*index as usize].0.index as usize];
                let table_elements = table.elements_mut();
                let end = start.checked_add(raws.len() as u64);
                if end.is_none_or(|end| end > table_elements.len() as u64) {
                    store.instances[instance_index as usize].runtime.elements = elements;
                    return Err(trap(TrapCode::TableOutOfBounds));
                }
                let start = start as usize;
                table_elements[start..start + raws.len()].copy_from_slice(&raws);
            }
            SegmentMode::Declared => elements[i] = Vec::new(),
            SegmentMode::Passive => {}
        }
    }
    store.instances[instance_index as usize].runtime.elements = elements;
    for (i, seg) in info.data.iter().enumerate() {
        if let SegmentMode::Active { index, offset } = &seg.mode {
            if data_in_image {
                store.instances[instance_index as usize].runtime.data[i].1 = 0;
                continue;
            }
            let start = offset_of(store, offset, info.memories[*index as usize].is_64());
            let memory = &mut store.memories[memories[*index as usize].0.index as usize];
            let data = memory.data_mut();
            let end = start.checked_add(seg.bytes.len() as u64);
            if end.is_none_or(|end| end > data.len() as u64) {
                return Err(trap(TrapCode::MemoryOutOfBounds));
            }
            let start = start as usize;
            data[start..start + seg.bytes.len()].copy_from_slice(&seg.bytes);
            store.instances[instance_index as usize].runtime.data[i].1 = 0;
        }
    }
    Ok(())
}
