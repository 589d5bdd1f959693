//! The compiler: wasm function bodies to relocatable machine code with
//! Cranelift, compiled independently and in parallel.

pub(crate) mod artifact;
mod code;
pub(crate) mod trampolines;
mod translate;

pub(crate) use code::{CodeMemory, CompiledFunction};

use crate::environ::error::{Error, ErrorKind, Result};
use crate::environ::trap::TrapCode;
use crate::environ::tunables::Tunables;
use crate::environ::types::{FuncType, ValType};
use crate::environ::{FunctionBodyToCompile, ModuleInfo, VMOffsets};
use cranelift_codegen::ir::{self, AbiParam, ArgumentPurpose, Type, UserFuncName};
use cranelift_codegen::isa::{CallConv, OwnedTargetIsa};
use cranelift_codegen::settings::{self, Configurable};
use cranelift_codegen::Context;
use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext};
use wasmparser::FuncValidatorAllocations;

/// Kiln's own trap codes, beside Cranelift's built-in ones.
pub(crate) struct TrapCodes;

impl TrapCodes {
    pub const UNREACHABLE: ir::TrapCode = ir::TrapCode::unwrap_user(1);
    pub const UNDEFINED_ELEMENT: ir::TrapCode = ir::TrapCode::unwrap_user(2);
    pub const UNINITIALIZED_ELEMENT: ir::TrapCode = ir::TrapCode::unwrap_user(3);
    pub const INDIRECT_CALL_TYPE_MISMATCH: ir::TrapCode = ir::TrapCode::unwrap_user(4);
    /// Host code recorded the reason before asking compiled code to trap.
    pub const PENDING: ir::TrapCode = ir::TrapCode::unwrap_user(5);
    pub const TABLE_OUT_OF_BOUNDS: ir::TrapCode = ir::TrapCode::unwrap_user(6);
    pub const NULL_REFERENCE: ir::TrapCode = ir::TrapCode::unwrap_user(7);
    pub const OUT_OF_FUEL: ir::TrapCode = ir::TrapCode::unwrap_user(8);
    pub const INTERRUPT: ir::TrapCode = ir::TrapCode::unwrap_user(9);
    pub const HEAP_MISALIGNED: ir::TrapCode = ir::TrapCode::unwrap_user(10);

    /// The trap sites of `sites` (offset, Cranelift code) that have a public
    /// code, with it: what the code registry keeps.
    pub fn public_sites(sites: &[(u32, ir::TrapCode)]) -> Vec<(u32, TrapCode)> {
        sites
            .iter()
            .filter_map(|&(offset, code)| Some((offset, Self::to_public(code)?)))
            .collect()
    }

    /// The public trap code for a Cranelift one; `None` for [`TrapCodes::PENDING`].
    pub fn to_public(code: ir::TrapCode) -> Option<TrapCode> {
        Some(match code {
            ir::TrapCode::STACK_OVERFLOW => TrapCode::StackOverflow,
            ir::TrapCode::HEAP_OUT_OF_BOUNDS => TrapCode::MemoryOutOfBounds,
            ir::TrapCode::INTEGER_OVERFLOW => TrapCode::IntegerOverflow,
            ir::TrapCode::INTEGER_DIVISION_BY_ZERO => TrapCode::IntegerDivisionByZero,
            ir::TrapCode::BAD_CONVERSION_TO_INTEGER => TrapCode::BadConversionToInteger,
            Self::UNREACHABLE => TrapCode::Unreachable,
            Self::UNDEFINED_ELEMENT => TrapCode::UndefinedElement,
            Self::UNINITIALIZED_ELEMENT => TrapCode::UninitializedElement,
            Self::INDIRECT_CALL_TYPE_MISMATCH => TrapCode::IndirectCallTypeMismatch,
            Self::TABLE_OUT_OF_BOUNDS => TrapCode::TableOutOfBounds,
            Self::NULL_REFERENCE => TrapCode::NullReference,
            Self::OUT_OF_FUEL => TrapCode::OutOfFuel,
            Self::INTERRUPT => TrapCode::Interrupt,
            Self::HEAP_MISALIGNED => TrapCode::HeapMisaligned,
            _ => return None,
        })
    }
}

/// What every function of a module is compiled against.
struct ModuleEnv<'a> {
    info: &'a ModuleInfo,
    offsets: &'a VMOffsets,
    tunables: &'a Tunables,
}

pub(crate) fn ir_type(ty: ValType) -> Type {
    match ty {
        ValType::I32 => ir::types::I32,
        ValType::I64 => ir::types::I64,
        ValType::F32 => ir::types::F32,
        ValType::F64 => ir::types::F64,
        ValType::V128 => ir::types::I8X16,
        ValType::FuncRef | ValType::ExternRef => ir::types::I64,
    }
}

/// The native signature of a wasm function: `(callee_vmctx, caller_vmctx, params...) -> results`.
pub(crate) fn wasm_signature(ty: &FuncType) -> ir::Signature {
    let mut sig = ir::Signature::new(CallConv::Tail);
    sig.params.push(AbiParam::special(
        ir::types::I64,
        ArgumentPurpose::VMContext,
    ));
    sig.params.push(AbiParam::new(ir::types::I64));
    sig.params
        .extend(ty.params().iter().map(|t| AbiParam::new(ir_type(*t))));
    sig.returns
        .extend(ty.results().iter().map(|t| AbiParam::new(ir_type(*t))));
    sig
}

/// Builds the target ISA for the host, with the settings compiled code relies on.
pub(crate) fn host_isa(opt_level: &str) -> Result<OwnedTargetIsa> {
    let mut flags = settings::builder();
    let set = |flags: &mut settings::Builder, name: &str, value: &str| {
        flags
            .set(name, value)
            .map_err(|e| Error::new(ErrorKind::Compile, format!("cranelift setting {name}: {e}")))
    };
    set(&mut flags, "opt_level", opt_level)?;
    // Backtraces walk the frame-pointer chain.
    set(&mut flags, "preserve_frame_pointers", "true")?;
    set(&mut flags, "enable_probestack", "true")?;
    set(&mut flags, "probestack_strategy", "inline")?;
    set(&mut flags, "enable_multi_ret_implicit_sret", "true")?;
    set(
        &mut flags,
        "enable_verifier",
        if cfg!(debug_assertions) {
            "true"
        } else {
            "false"
        },
    )?;
    let builder = cranelift_native::builder()
        .map_err(|e| Error::new(ErrorKind::Compile, format!("unsupported host: {e}")))?;
    builder
        .finish(settings::Flags::new(flags))
        .map_err(|e| Error::new(ErrorKind::Compile, format!("cranelift: {e}")))
}

fn compile_error(e: impl std::fmt::Display) -> Error {
    Error::new(ErrorKind::Compile, e.to_string())
}

/// Validates and compiles every function body, in parallel.
pub(crate) fn compile_functions(
    isa: &dyn cranelift_codegen::isa::TargetIsa,
    tunables: &Tunables,
    info: &ModuleInfo,
    bodies: Vec<FunctionBodyToCompile<'_>>,
) -> Result<Vec<CompiledFunction>> {
    let offsets = VMOffsets::new(info);
    let env = ModuleEnv {
        info,
        offsets: &offsets,
        tunables,
    };
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .min(bodies.len().max(1));
    let total = bodies.len();
    let mut slots: Vec<Option<FunctionBodyToCompile<'_>>> = bodies.into_iter().map(Some).collect();
    let work = std::sync::Mutex::new(slots.iter_mut().enumerate());
    let results: std::sync::Mutex<Vec<Option<Result<CompiledFunction>>>> =
        std::sync::Mutex::new((0..total).map(|_| None).collect());
    let worker = || {
        let mut ctx = Context::new();
        let mut fb_ctx = FunctionBuilderContext::new();
        let mut allocs = FuncValidatorAllocations::default();
        loop {
            let next = work.lock().unwrap_or_else(|e| e.into_inner()).next();
            let Some((i, slot)) = next else { break };
            let body = slot.take().expect("each body is compiled once");
            let (result, returned) = compile_one(isa, &env, body, &mut ctx, &mut fb_ctx, allocs);
            allocs = returned;
            let failed = result.is_err();
            results.lock().unwrap_or_else(|e| e.into_inner())[i] = Some(result);
            if failed {
                break;
            }
        }
    };
    if threads <= 1 || total < 4 {
        worker();
    } else {
        std::thread::scope(|s| {
            for _ in 0..threads {
                s.spawn(worker);
            }
        });
    }
    let mut out = Vec::with_capacity(total);
    for r in results.into_inner().unwrap_or_else(|e| e.into_inner()) {
        match r {
            Some(r) => out.push(r?),
            None => continue,
        }
    }
    if out.len() != total {
        return Err(compile_error("compilation stopped early"));
    }
    Ok(out)
}

fn compile_one(
    isa: &dyn cranelift_codegen::isa::TargetIsa,
    env: &ModuleEnv<'_>,
    body: FunctionBodyToCompile<'_>,
    ctx: &mut Context,
    fb_ctx: &mut FunctionBuilderContext,
    allocs: FuncValidatorAllocations,
) -> (Result<CompiledFunction>, FuncValidatorAllocations) {
    let info = env.info;
    let mut validator = body.validator.into_validator(allocs);
    let func_index = validator.index();
    let defined = info
        .defined_func_index(func_index)
        .expect("defined function");
    let func_type = info.func_type(func_index);
    ctx.clear();
    ctx.func.signature = wasm_signature(func_type);
    ctx.func.name = UserFuncName::user(0, defined);
    let builder = FunctionBuilder::new(&mut ctx.func, fb_ctx);
    let translated = translate::FuncTranslator::new(
        builder,
        info,
        env.offsets,
        isa.frontend_config(),
        env.tunables,
    )
    .translate(func_type, &body.body, &mut validator);
    let allocs = validator.into_allocations();
    if let Err(e) = translated {
        return (Err(e), allocs);
    }
    let result = (|| {
        let mut ctrl_plane = Default::default();
        ctx.compile(isa, &mut ctrl_plane)
            .map_err(|e| compile_error(format!("function {func_index}: {:?}", e.inner)))?;
        let compiled = ctx.compiled_code().expect("just compiled");
        Ok(CompiledFunction::from_compiled(compiled, &ctx.func))
    })();
    (result, allocs)
}
