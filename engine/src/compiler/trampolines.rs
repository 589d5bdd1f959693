//! Per-signature trampolines between the host's calling convention and wasm's,
//! compiled on first use and cached for the engine's lifetime.

use super::{ir_type, wasm_signature, TrapCodes};
use crate::environ::code_registry::{self, FunctionCode, ModuleNames};
use crate::environ::types::FuncType;
use crate::environ::vmoffsets::HOST_CTX_ENTRY;
use cranelift_codegen::ir::types::{I32, I64};
use cranelift_codegen::ir::{
    AbiParam, Endianness, InstBuilder, MemFlagsData, Signature, StackSlotData, StackSlotKind,
    UserFuncName,
};
use cranelift_codegen::isa::{CallConv, OwnedTargetIsa};
use cranelift_codegen::Context;
use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext};
use cranelift_jit::JITModule;
use cranelift_module::Module;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Each value crosses the host boundary in a 16-byte slot.
pub(crate) const VALUE_SLOT: i32 = 16;

/// What a wasm-to-host trampoline calls, read from the host function's
/// context (`HOST_CTX_ENTRY`):
/// `(host_ctx, caller_vmctx, values) -> 0 on success, 1 when an error is pending`.
pub(crate) type HostCallEntry = unsafe extern "C" fn(*mut u8, *mut u8, *mut u128) -> i32;

#[derive(Clone, Copy)]
pub(crate) struct Trampolines {
    /// `extern "C" fn(callee_vmctx, caller_vmctx, func_ptr, values)`: calls
    /// the wasm function at `func_ptr` with arguments read from `values` and
    /// writes its results back there. Only `kiln_enter_wasm` calls it.
    pub array_to_wasm: *const u8,
    pub wasm_to_host: *const u8,
}

// SAFETY: trampolines are immutable code addresses, valid while the engine lives.
unsafe impl Send for Trampolines {}
// SAFETY: as above.
unsafe impl Sync for Trampolines {}

struct Inner {
    module: JITModule,
    cache: HashMap<FuncType, Trampolines>,
    registered: Vec<usize>,
}

pub(crate) struct TrampolineCache {
    inner: Mutex<Option<Inner>>,
    isa: OwnedTargetIsa,
    names: Arc<ModuleNames>,
}

impl TrampolineCache {
    pub fn new(isa: OwnedTargetIsa) -> TrampolineCache {
        TrampolineCache {
            inner: Mutex::new(None),
            isa,
            names: Arc::new(ModuleNames::default()),
        }
    }

    pub fn get(&self, ty: &FuncType) -> Trampolines {
        let mut guard = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        let inner = guard.get_or_insert_with(|| Inner {
            module: super::code::new_jit_module(self.isa.clone()),
            cache: HashMap::new(),
            registered: Vec::new(),
        });
        if let Some(t) = inner.cache.get(ty) {
            return *t;
        }
        let array_to_wasm = self.compile(inner, ty, true);
        let wasm_to_host = self.compile(inner, ty, false);
        let t = Trampolines {
            array_to_wasm,
            wasm_to_host,
        };
        inner.cache.insert(ty.clone(), t);
        t
    }

    fn compile(&self, inner: &mut Inner, ty: &FuncType, array_to_wasm: bool) -> *const u8 {
        let mut ctx = Context::new();
        let mut fb = FunctionBuilderContext::new();
        let wasm_sig = wasm_signature(ty);
        let mut array_sig = Signature::new(CallConv::SystemV);
        for _ in 0..4 {
            array_sig.params.push(AbiParam::new(I64));
        }
        ctx.func.signature = if array_to_wasm {
            array_sig
        } else {
            wasm_sig.clone()
        };
        ctx.func.name = UserFuncName::user(1, inner.registered.len() as u32);
        let flags = MemFlagsData::trusted().with_endianness(Endianness::Little);
        {
            let mut b = FunctionBuilder::new(&mut ctx.func, &mut fb);
            let entry = b.create_block();
            b.append_block_params_for_function_params(entry);
            b.switch_to_block(entry);
            let params = b.block_params(entry).to_vec();
            if array_to_wasm {
                let (callee, caller, func_ptr, values) =
                    (params[0], params[1], params[2], params[3]);
                let mut args = vec![callee, caller];
                for (i, t) in ty.params().iter().enumerate() {
                    args.push(
                        b.ins()
                            .load(ir_type(*t), flags, values, i as i32 * VALUE_SLOT),
                    );
                }
                let sig = b.import_signature(wasm_sig);
                let call = b.ins().call_indirect(sig, func_ptr, &args);
                let results = b.inst_results(call).to_vec();
                for (i, r) in results.iter().enumerate() {
                    b.ins().store(flags, *r, values, i as i32 * VALUE_SLOT);
                }
                b.ins().return_(&[]);
            } else {
                let (callee, caller) = (params[0], params[1]);
                let slots = ty.params().len().max(ty.results().len()).max(1) as u32;
                let slot = b.create_sized_stack_slot(StackSlotData::new(
                    StackSlotKind::ExplicitSlot,
                    slots * VALUE_SLOT as u32,
                    4,
                ));
                let values = b.ins().stack_addr(I64, slot, 0);
                for (i, p) in params[2..].iter().enumerate() {
                    b.ins().store(flags, *p, values, i as i32 * VALUE_SLOT);
                }
                let mut host_sig = Signature::new(CallConv::SystemV);
                for _ in 0..3 {
                    host_sig.params.push(AbiParam::new(I64));
                }
                host_sig.returns.push(AbiParam::new(I32));
                let host_sig = b.import_signature(host_sig);
                // Each host function's context names its own entry.
                let entry_fn = b.ins().load(
                    I64,
                    MemFlagsData::trusted().with_readonly(),
                    callee,
                    HOST_CTX_ENTRY,
                );
                let call = b
                    .ins()
                    .call_indirect(host_sig, entry_fn, &[callee, caller, values]);
                let status = b.inst_results(call)[0];
                b.ins().trapnz(status, TrapCodes::PENDING);
                let mut results = Vec::new();
                for (i, t) in ty.results().iter().enumerate() {
                    results.push(
                        b.ins()
                            .load(ir_type(*t), flags, values, i as i32 * VALUE_SLOT),
                    );
                }
                b.ins().return_(&results);
            }
            b.seal_all_blocks();
            b.finalize(self.isa.frontend_config());
        }
        let id = inner
            .module
            .declare_anonymous_function(&ctx.func.signature)
            .expect("declare trampoline");
        inner
            .module
            .define_function(id, &mut ctx)
            .expect("trampolines always compile");
        let compiled = ctx.compiled_code().expect("compiled");
        let traps: Vec<_> = compiled
            .buffer
            .traps()
            .iter()
            .map(|t| (t.offset, t.code))
            .collect();
        let traps = TrapCodes::public_sites(&traps);
        let len = compiled.code_buffer().len();
        inner
            .module
            .finalize_definitions()
            .expect("finalize trampolines");
        let ptr = inner.module.get_finalized_function(id);
        code_registry::register(
            ptr as usize,
            Arc::new(FunctionCode {
                len,
                func_index: None,
                body_offset: 0,
                names: self.names.clone(),
                traps,
                srclocs: Vec::new(),
            }),
        );
        inner.registered.push(ptr as usize);
        ptr
    }
}

impl Drop for TrampolineCache {
    fn drop(&mut self) {
        if let Some(inner) = self
            .inner
            .get_mut()
            .unwrap_or_else(|e| e.into_inner())
            .take()
        {
            drop(super::code::CodeMemory::from_parts(
                inner.module,
                inner.registered,
            ));
        }
    }
}
