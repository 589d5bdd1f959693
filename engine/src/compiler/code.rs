//! Compiled code as an artifact (bytes, relocations, trap sites, source
//! locations) and its placement in executable memory with cranelift-jit.

use crate::environ::code_registry::{self, FunctionCode, ModuleNames};
use cranelift_codegen::binemit::Reloc as RelocKind;
use cranelift_codegen::ir::{self, ExternalName, LibCall};
use cranelift_codegen::isa::{CallConv, OwnedTargetIsa};
use cranelift_codegen::{CompiledCode, FinalizedRelocTarget};
use cranelift_jit::{JITBuilder, JITModule};
use cranelift_module::{Module, ModuleReloc, ModuleRelocTarget};
use std::sync::Arc;

/// What a relocation points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RelocTarget {
    /// A defined function of the same module, by defined-function index.
    Func(u32),
    /// A Cranelift runtime library routine.
    LibCall(LibCall),
}

#[derive(Debug, Clone)]
pub(crate) struct Reloc {
    pub offset: u32,
    pub kind: RelocKind,
    pub target: RelocTarget,
    pub addend: i64,
}

/// One function's machine code before placement.
#[derive(Debug, Clone)]
pub(crate) struct CompiledFunction {
    pub bytes: Vec<u8>,
    pub alignment: u64,
    pub relocs: Vec<Reloc>,
    pub traps: Vec<(u32, ir::TrapCode)>,
    pub srclocs: Vec<(u32, u32)>,
}

impl CompiledFunction {
    pub fn from_compiled(compiled: &CompiledCode, func: &ir::Function) -> CompiledFunction {
        let relocs = compiled
            .buffer
            .relocs()
            .iter()
            .filter_map(|r| {
                let target = match &r.target {
                    FinalizedRelocTarget::ExternalName(ExternalName::User(name)) => {
                        RelocTarget::Func(func.params.user_named_funcs()[*name].index)
                    }
                    FinalizedRelocTarget::ExternalName(ExternalName::LibCall(lc)) => {
                        RelocTarget::LibCall(*lc)
                    }
                    _ => return None,
                };
                Some(Reloc {
                    offset: r.offset,
                    kind: r.kind,
                    target,
                    addend: r.addend,
                })
            })
            .collect();
        let mut traps: Vec<(u32, ir::TrapCode)> = compiled
            .buffer
            .traps()
            .iter()
            .map(|t| (t.offset, t.code))
            .collect();
        traps.sort_by_key(|t| t.0);
        let srclocs = compiled
            .buffer
            .get_srclocs_sorted()
            .iter()
            .filter(|s| !s.loc.is_default())
            .map(|s| (s.start, s.loc.bits()))
            .collect();
        CompiledFunction {
            bytes: compiled.code_buffer().to_vec(),
            alignment: compiled.buffer.alignment as u64,
            relocs,
            traps,
            srclocs,
        }
    }
}

/// Executable memory holding one module's functions (or the engine's
/// trampolines), registered for trap lookup while it lives.
pub(crate) struct CodeMemory {
    module: Option<JITModule>,
    functions: Vec<*const u8>,
    registered: Vec<usize>,
}

// SAFETY: after finalisation the code memory is immutable; the JIT module is
// only touched again to free it, which needs `&mut self`.
unsafe impl Send for CodeMemory {}
// SAFETY: as above; shared access only reads function addresses.
unsafe impl Sync for CodeMemory {}

pub(crate) fn new_jit_module(isa: OwnedTargetIsa) -> JITModule {
    JITModule::new(JITBuilder::with_isa(
        isa,
        cranelift_module::default_libcall_names(),
    ))
}

fn module_error(e: cranelift_module::ModuleError) -> crate::environ::error::Error {
    crate::environ::error::Error::new(crate::environ::error::ErrorKind::Compile, e.to_string())
}

impl CodeMemory {
    /// Places `functions` in executable memory, resolves their relocations and
    /// registers them for trap lookup.
    pub fn new(
        isa: OwnedTargetIsa,
        functions: &[CompiledFunction],
        names: Arc<ModuleNames>,
        num_imported_funcs: u32,
        body_offsets: &[u32],
    ) -> crate::environ::error::Result<CodeMemory> {
        // One contiguous arena, so calls between the module's functions can
        // be direct PC-relative calls.
        let code_size: usize = functions
            .iter()
            .map(|f| f.bytes.len() + f.alignment as usize)
            .sum();
        let arena = cranelift_jit::ArenaMemoryProvider::new_with_size(2 * code_size + (1 << 20))
            .map_err(|e| {
                crate::environ::error::Error::new(
                    crate::environ::error::ErrorKind::ResourceLimit,
                    format!("cannot reserve memory for compiled code: {e}"),
                )
            })?;
        let mut builder = JITBuilder::with_isa(isa, cranelift_module::default_libcall_names());
        builder.memory_provider(Box::new(arena));
        let mut module = JITModule::new(builder);
        let sig = ir::Signature::new(CallConv::Tail);
        let mut ids = Vec::with_capacity(functions.len());
        for _ in functions {
            ids.push(
                module
                    .declare_anonymous_function(&sig)
                    .map_err(module_error)?,
            );
        }
        for (f, id) in functions.iter().zip(&ids) {
            let relocs: Vec<ModuleReloc> = f
                .relocs
                .iter()
                .map(|r| ModuleReloc {
                    offset: r.offset,
                    kind: r.kind,
                    name: match r.target {
                        RelocTarget::Func(index) => ModuleRelocTarget::user(0, index),
                        RelocTarget::LibCall(lc) => ModuleRelocTarget::LibCall(lc),
                    },
                    addend: r.addend,
                })
                .collect();
            module
                .define_function_bytes(*id, f.alignment, &f.bytes, &relocs)
                .map_err(module_error)?;
        }
        module.finalize_definitions().map_err(module_error)?;
        let mut code = CodeMemory {
            module: None,
            functions: Vec::with_capacity(functions.len()),
            registered: Vec::with_capacity(functions.len()),
        };
        for (i, (f, id)) in functions.iter().zip(&ids).enumerate() {
            let ptr = module.get_finalized_function(*id);
            code.functions.push(ptr);
            code_registry::register(
                ptr as usize,
                Arc::new(FunctionCode {
                    len: f.bytes.len(),
                    func_index: Some(num_imported_funcs + i as u32),
                    body_offset: body_offsets[i],
                    names: names.clone(),
                    traps: super::TrapCodes::public_sites(&f.traps),
                    srclocs: f.srclocs.clone(),
                }),
            );
            code.registered.push(ptr as usize);
        }
        code.module = Some(module);
        Ok(code)
    }

    /// The address of defined function `index`.
    pub fn function(&self, index: u32) -> *const u8 {
        self.functions[index as usize]
    }

    /// Wraps a JIT module whose functions were registered by the caller.
    pub fn from_parts(module: JITModule, registered: Vec<usize>) -> CodeMemory {
        CodeMemory {
            module: Some(module),
            functions: Vec::new(),
            registered,
        }
    }
}

impl Drop for CodeMemory {
    fn drop(&mut self) {
        for start in &self.registered {
            code_registry::unregister(*start);
        }
        if let Some(module) = self.module.take() {
            // SAFETY: the module's code is unreachable once its `CodeMemory` is
            // dropped: every instance and func referring to it holds a clone of
            // the `Arc` that owns this value.
            unsafe { module.free_memory() }
        }
    }
}
