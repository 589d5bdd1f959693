//! `Module`: validated, compiled WebAssembly code, ready to instantiate.

use super::cache;
use super::engine::Engine;
use crate::compiler::{self, CodeMemory};
use crate::environ::code_registry::ModuleNames;
use crate::environ::error::{Error, Result};
use crate::environ::types::{ExportType, ExternType, ImportType};
use crate::environ::{self, EntityIndex, ModuleInfo, VMOffsets};
use crate::runtime::memory_image::{host_page_size, MemoryImage};
use std::sync::{Arc, OnceLock};

pub(crate) struct ModuleInner {
    pub engine: Engine,
    pub info: ModuleInfo,
    pub offsets: VMOffsets,
    pub code: CodeMemory,
    /// Engine-wide signature id of each type index.
    pub type_ids: Vec<u32>,
    /// What [`Module::serialize`] writes: the original bytes and the code.
    wasm: Vec<u8>,
    functions: Vec<compiler::CompiledFunction>,
    /// The initial contents of the module's own memory, made on the first
    /// instantiation (see [`ModuleInner::memory_image`]).
    memory_image: OnceLock<Option<MemoryImage>>,
}

impl ModuleInner {
    /// The image every instance maps over its memory 0 instead of copying
    /// the active data segments, if the module defines that memory and its
    /// segments all go there at constant offsets, within the minimum size.
    /// Then they cannot trap, and applying them before the element segments
    /// (rather than after) is invisible: the memory is not reachable until
    /// instantiation succeeds.
    pub(crate) fn memory_image(&self) -> Option<&MemoryImage> {
        self.memory_image
            .get_or_init(|| initial_memory(&self.info).and_then(|b| MemoryImage::new(&b)))
            .as_ref()
    }
}

/// The bytes of memory 0 after the active data segments, up to the last
/// page they touch, if an image can stand in for them.
fn initial_memory(info: &ModuleInfo) -> Option<Vec<u8>> {
    if info.num_imported_memories != 0 {
        return None;
    }
    let memory = info.memories.first()?;
    // Byte-sized pages may end inside a host page, which an image (whole
    // host pages) would overrun.
    if memory.page_size_log2() != crate::environ::types::DEFAULT_PAGE_SIZE_LOG2 {
        return None;
    }
    let size = memory.minimum().checked_mul(memory.page_size())?;
    let mut placed = Vec::with_capacity(info.data.len());
    for seg in &info.data {
        let environ::SegmentMode::Active { index, offset } = &seg.mode else {
            continue;
        };
        let start = match offset.0[..] {
            [environ::ConstOp::I32(start)] if !memory.is_64() => u64::from(start as u32),
            [environ::ConstOp::I64(start)] if memory.is_64() => start as u64,
            _ => return None,
        };
        let end = start.checked_add(seg.bytes.len() as u64)?;
        if *index != 0 || end > size {
            return None;
        }
        placed.push((start as usize, &seg.bytes));
    }
    let end = placed.iter().map(|(s, b)| s + b.len()).max()?;
    if end == 0 {
        return None;
    }
    let page = host_page_size();
    let mut image = vec![0u8; end.div_ceil(page) * page];
    for (start, bytes) in placed {
        image[start..start + bytes.len()].copy_from_slice(bytes);
    }
    Some(image)
}

/// A compiled WebAssembly module. Cheap to clone; instantiate it any number
/// of times, in any store of the same engine.
///
/// ```
/// use kiln::{Engine, Module, ExternType};
/// let engine = Engine::default();
/// let module = Module::new(&engine, r#"
///     (module
///       (import "env" "log" (func (param i32)))
///       (func (export "run") (param i32) (result i32) local.get 0))
/// "#).unwrap();
/// let import = module.imports().next().unwrap();
/// assert_eq!((import.module(), import.name()), ("env", "log"));
/// assert!(matches!(module.exports().next().unwrap().ty(), ExternType::Func(_)));
/// ```
#[derive(Clone)]
pub struct Module(pub(crate) Arc<ModuleInner>);

/// What an artifact must have been made by to load on `engine`.
fn engine_fingerprint(engine: &Engine) -> String {
    compiler::artifact::fingerprint(&*engine.0.isa, &engine.0.tunables)
}

/// Whether `bytes` look like the binary format rather than text.
fn is_binary(bytes: &[u8]) -> bool {
    bytes.starts_with(b"\0asm")
}

impl Module {
    /// Compiles a module from its binary or text format.
    pub fn new(engine: &Engine, bytes: impl AsRef<[u8]>) -> Result<Module> {
        let bytes = bytes.as_ref();
        if is_binary(bytes) {
            return Module::from_binary(engine, bytes);
        }
        let wasm = wat::parse_bytes(bytes).map_err(|e| Error::validation(e.to_string()))?;
        Module::from_binary(engine, &wasm)
    }

    /// Compiles a module from a file in the binary or text format.
    pub fn from_file(engine: &Engine, path: impl AsRef<std::path::Path>) -> Result<Module> {
        let path = path.as_ref();
        let bytes = std::fs::read(path)
            .map_err(|e| Error::usage(format!("failed to read {}: {e}", path.display())))?;
        Module::new(engine, bytes)
    }

    /// Validates and compiles a module in the binary format, or loads it
    /// from the engine's [cache](crate::Config::cache).
    pub fn from_binary(engine: &Engine, bytes: &[u8]) -> Result<Module> {
        match &engine.0.config.cache {
            Some(cache) => {
                let fingerprint = engine_fingerprint(engine);
                cache::load_or_compile(engine, cache, &fingerprint, bytes, || {
                    Module::compile(engine, bytes)
                })
            }
            None => Module::compile(engine, bytes),
        }
    }

    fn compile(engine: &Engine, bytes: &[u8]) -> Result<Module> {
        let (info, bodies) = environ::parse_module(bytes, engine.0.config.features)?;
        let functions =
            compiler::compile_functions(&*engine.0.isa, &engine.0.tunables, &info, bodies)?;
        Module::from_parts(engine, bytes, info, functions)
    }

    /// The compiled module as bytes that [`Module::deserialize`] loads
    /// without compiling again, on an engine with the same configuration.
    pub fn serialize(&self) -> Result<Vec<u8>> {
        let fingerprint = engine_fingerprint(&self.0.engine);
        compiler::artifact::serialize(&fingerprint, &self.0.wasm, &self.0.functions)
    }

    /// Loads a module that [`Module::serialize`] produced. An artifact from
    /// another Kiln version, target or configuration is refused with an error.
    ///
    /// ```
    /// use kiln::{Engine, Module};
    /// let engine = Engine::default();
    /// let module = Module::new(&engine, "(module (func (export \"f\")))").unwrap();
    /// let bytes = module.serialize().unwrap();
    /// // SAFETY: the bytes were just produced by `serialize` on this engine.
    /// let loaded = unsafe { Module::deserialize(&engine, &bytes) }.unwrap();
    /// assert_eq!(loaded.exports().next().unwrap().name(), "f");
    /// ```
    ///
    /// # Safety
    /// The bytes hold machine code that will run as is: they must come from
    /// [`Module::serialize`] (of a trusted Kiln), not from an untrusted source.
    /// Format and version errors are detected; deliberately forged code is not.
    pub unsafe fn deserialize(engine: &Engine, bytes: &[u8]) -> Result<Module> {
        let fingerprint = engine_fingerprint(engine);
        let (wasm, functions) = compiler::artifact::deserialize(&fingerprint, bytes)?;
        let (info, bodies) = environ::parse_module(wasm, engine.0.config.features)?;
        if bodies.len() != functions.len() {
            return Err(Error::validation(
                "the compiled module's code does not match its functions",
            ));
        }
        Module::from_parts(engine, wasm, info, functions)
    }

    fn from_parts(
        engine: &Engine,
        bytes: &[u8],
        info: ModuleInfo,
        functions: Vec<compiler::CompiledFunction>,
    ) -> Result<Module> {
        let names = Arc::new(ModuleNames {
            module_name: info.name.clone(),
            func_names: info.func_names.clone(),
        });
        let code = CodeMemory::new(
            engine.0.isa.clone(),
            &functions,
            names,
            info.num_imported_funcs,
            &info.body_offsets,
        )?;
        let type_ids = info.types.iter().map(|t| engine.type_id(t)).collect();
        Ok(Module(Arc::new(ModuleInner {
            engine: engine.clone(),
            offsets: VMOffsets::new(&info),
            info,
            code,
            type_ids,
            wasm: bytes.to_vec(),
            functions,
            memory_image: OnceLock::new(),
        })))
    }

    /// The contents of every custom section called `name`, in module order.
    ///
    /// ```
    /// use kiln::{Engine, Module};
    /// let engine = Engine::default();
    /// let mut bytes = b"\0asm\x01\0\0\0".to_vec();
    /// bytes.extend_from_slice(b"\x00\x06\x04note\x2a"); // custom section "note": [0x2a]
    /// let module = Module::new(&engine, &bytes).unwrap();
    /// assert_eq!(module.custom_sections("note").collect::<Vec<_>>(), [&[0x2a][..]]);
    /// assert_eq!(module.custom_sections("other").count(), 0);
    /// ```
    pub fn custom_sections<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a [u8]> + 'a {
        // The bytes were validated when the module was made, so the reader
        // cannot fail; a failure would only end the iteration.
        wasmparser::Parser::new(0)
            .parse_all(&self.0.wasm)
            .map_while(|payload| payload.ok())
            .filter_map(move |payload| match payload {
                wasmparser::Payload::CustomSection(section) if section.name() == name => {
                    Some(section.data())
                }
                _ => None,
            })
    }

    /// Checks that `bytes` are a valid module for `engine`'s features, without compiling.
    pub fn validate(engine: &Engine, bytes: &[u8]) -> Result<()> {
        let mut validator = wasmparser::Validator::new_with_features(engine.0.config.features);
        validator
            .validate_all(bytes)
            .map(|_| ())
            .map_err(|e| Error::validation(e.to_string()))
    }

    /// Whether the module was compiled from exactly these bytes.
    pub(crate) fn is_compiled_from(&self, wasm: &[u8]) -> bool {
        self.0.wasm == wasm
    }

    /// The engine the module was compiled for.
    pub fn engine(&self) -> &Engine {
        &self.0.engine
    }

    /// The module's name from its name section.
    pub fn name(&self) -> Option<&str> {
        self.0.info.name.as_deref()
    }

    pub(crate) fn entity_type(&self, index: EntityIndex) -> ExternType {
        let info = &self.0.info;
        match index {
            EntityIndex::Func(i) => ExternType::Func(info.func_type(i).clone()),
            EntityIndex::Table(i) => ExternType::Table(info.tables[i as usize]),
            EntityIndex::Memory(i) => ExternType::Memory(info.memories[i as usize]),
            EntityIndex::Global(i) => ExternType::Global(info.globals[i as usize]),
        }
    }

    /// The imports, in order.
    pub fn imports(&self) -> impl ExactSizeIterator<Item = ImportType> + '_ {
        self.0.info.imports.iter().map(|i| ImportType {
            module: i.module.clone(),
            name: i.name.clone(),
            ty: self.entity_type(i.index),
        })
    }

    /// The exports, in order.
    pub fn exports(&self) -> impl ExactSizeIterator<Item = ExportType> + '_ {
        self.0.info.exports.iter().map(|(name, index)| ExportType {
            name: name.clone(),
            ty: self.entity_type(*index),
        })
    }
}

impl std::fmt::Debug for Module {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Module")
            .field("name", &self.name())
            .finish()
    }
}
