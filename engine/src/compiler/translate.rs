//! Translation of one function body from wasm operators to Cranelift IR,
//! validating each operator just before it is translated.

use super::{ir_type, wasm_signature, TrapCodes};
use crate::environ::error::{Error, Result};
use crate::environ::tunables::MemoryTunables;
use crate::environ::types::{FuncType, ValType};
use crate::environ::vmoffsets::BuiltinOffsets;
use crate::environ::vmoffsets::*;
use crate::environ::{ModuleInfo, VMOffsets};
use cranelift_codegen::ir::condcodes::{FloatCC, IntCC};
use cranelift_codegen::ir::immediates::{Ieee32, Ieee64, Offset32};
use cranelift_codegen::ir::types::{F32, F64, I32, I64, I8};
use cranelift_codegen::ir::{
    self, AbiParam, Block, BlockArg, Endianness, ExtFuncData, ExternalName, FuncRef,
    GlobalValueData, InstBuilder, JumpTableData, MemFlagsData, SigRef, SourceLoc, Type,
    UserExternalName, Value,
};
use cranelift_codegen::isa::{CallConv, TargetFrontendConfig};
use cranelift_frontend::{FunctionBuilder, Variable};
use std::collections::HashMap;
mod atomics;
mod metering;
mod simd;
#[cfg(test)]
mod tests;

use wasmparser::{BlockType, FuncValidator, MemArg, MemArgTarget, Operator, ValidatorResources};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FrameKind {
    Block,
    Loop,
    If { else_block: Block, has_else: bool },
}

#[derive(Debug)]
struct ControlFrame {
    kind: FrameKind,
    /// Where `br` to this frame goes: the loop header, or the continuation.
    br_dest: Block,
    /// The continuation after `end`.
    next: Block,
    num_params: usize,
    num_results: usize,
    /// Operand stack height below this frame's parameters.
    stack_height: usize,
    /// Whether anything jumps to `next`.
    exit_reachable: bool,
}

pub(crate) struct FuncTranslator<'a, 'b> {
    builder: FunctionBuilder<'b>,
    frontend_config: TargetFrontendConfig,
    info: &'a ModuleInfo,
    offsets: &'a VMOffsets,
    pointer_type: Type,
    stack: Vec<Value>,
    control: Vec<ControlFrame>,
    locals: Vec<Variable>,
    reachable: bool,
    unreachable_depth: u32,
    vmctx: Value,
    func_refs: HashMap<u32, FuncRef>,
    sig_refs: HashMap<u32, SigRef>,
    builtin_sigs: HashMap<&'static str, SigRef>,
    metering: metering::Metering,
    /// Check every memory access against the current length, not just the
    /// ones past the guard region.
    explicit_bounds_checks: bool,
    /// How memories are reserved: which accesses the guard region catches.
    memory_tunables: MemoryTunables,
}

fn heap_flags() -> MemFlagsData {
    MemFlagsData::new().with_endianness(Endianness::Little)
}

fn vm_flags() -> MemFlagsData {
    MemFlagsData::trusted()
}

fn vm_readonly() -> MemFlagsData {
    MemFlagsData::trusted().with_readonly().with_can_move()
}

impl<'a, 'b> FuncTranslator<'a, 'b> {
    pub fn new(
        builder: FunctionBuilder<'b>,
        info: &'a ModuleInfo,
        offsets: &'a VMOffsets,
        frontend_config: TargetFrontendConfig,
        tunables: &crate::environ::tunables::Tunables,
    ) -> Self {
        FuncTranslator {
            builder,
            frontend_config,
            info,
            offsets,
            pointer_type: I64,
            stack: Vec::new(),
            control: Vec::new(),
            locals: Vec::new(),
            reachable: true,
            unreachable_depth: 0,
            vmctx: Value::from_u32(0),
            func_refs: HashMap::new(),
            sig_refs: HashMap::new(),
            builtin_sigs: HashMap::new(),
            metering: metering::Metering::new(tunables.consume_fuel, tunables.epoch_interruption),
            explicit_bounds_checks: tunables.explicit_bounds_checks,
            memory_tunables: tunables.memory,
        }
    }

    /// Translates the body, validating it with `validator`.
    pub fn translate(
        mut self,
        func_type: &FuncType,
        body: &wasmparser::FunctionBody<'_>,
        validator: &mut FuncValidator<ValidatorResources>,
    ) -> Result<()> {
        let entry = self.builder.create_block();
        self.builder.append_block_params_for_function_params(entry);
        self.builder.switch_to_block(entry);
        let params = self.builder.block_params(entry).to_vec();
        self.vmctx = params[0];

        // Stack limit: compiled code traps before it runs past the store's limit.
        let vmctx_gv = self.builder.create_global_value(GlobalValueData::VMContext);
        let readonly = self
            .builder
            .func
            .dfg
            .mem_flags
            .insert_unchecked(vm_readonly());
        let plain = self.builder.func.dfg.mem_flags.insert_unchecked(vm_flags());
        let limits_gv = self.builder.create_global_value(GlobalValueData::Load {
            base: vmctx_gv,
            offset: Offset32::new(VMCTX_LIMITS),
            global_type: self.pointer_type,
            flags: readonly,
        });
        let stack_limit = self.builder.create_global_value(GlobalValueData::Load {
            base: limits_gv,
            offset: Offset32::new(LIMITS_STACK_LIMIT),
            global_type: self.pointer_type,
            flags: plain,
        });
        self.builder.func.stack_limit = Some(stack_limit);

        for (i, ty) in func_type.params().iter().enumerate() {
            let var = self.builder.declare_var(ir_type(*ty));
            self.builder.def_var(var, params[i + 2]);
            self.locals.push(var);
        }
        let mut locals_reader = body.get_locals_reader().map_err(wasm_err)?;
        for _ in 0..locals_reader.get_count() {
            let offset = locals_reader.original_position();
            let (count, ty) = locals_reader.read().map_err(wasm_err)?;
            validator
                .define_locals(offset, count, ty)
                .map_err(wasm_err)?;
            let vt = ValType::from_wasmparser(ty)
                .ok_or_else(|| Error::validation(format!("unsupported local type {ty}")))?;
            for _ in 0..count {
                let var = self.builder.declare_var(ir_type(vt));
                let zero = self.zero_value(vt);
                self.builder.def_var(var, zero);
                self.locals.push(var);
            }
        }

        self.metering_entry();

        let return_block = self.builder.create_block();
        for ty in func_type.results() {
            self.builder.append_block_param(return_block, ir_type(*ty));
        }
        self.control.push(ControlFrame {
            kind: FrameKind::Block,
            br_dest: return_block,
            next: return_block,
            num_params: 0,
            num_results: func_type.results().len(),
            stack_height: 0,
            exit_reachable: false,
        });

        let mut reader = body.get_operators_reader().map_err(wasm_err)?;
        while !reader.eof() {
            let offset = reader.original_position();
            let op = reader.read().map_err(wasm_err)?;
            validator.op(offset, &op).map_err(wasm_err)?;
            self.builder.set_srcloc(SourceLoc::new(offset as u32));
            self.translate_op(&op, validator)?;
        }
        reader.finish().map_err(wasm_err)?;
        self.fuel_settle();
        self.epoch_entry_check();
        self.builder.seal_all_blocks();
        self.builder.finalize(self.frontend_config);
        Ok(())
    }

    fn zero_value(&mut self, ty: ValType) -> Value {
        match ty {
            ValType::I32 => self.builder.ins().iconst(I32, 0),
            ValType::I64 | ValType::FuncRef | ValType::ExternRef => {
                self.builder.ins().iconst(I64, 0)
            }
            ValType::F32 => self.builder.ins().f32const(Ieee32::with_bits(0)),
            ValType::F64 => self.builder.ins().f64const(Ieee64::with_bits(0)),
            ValType::V128 => {
                let c = self.builder.func.dfg.constants.insert(vec![0u8; 16].into());
                self.builder.ins().vconst(ir::types::I8X16, c)
            }
        }
    }

    fn pop(&mut self) -> Value {
        self.stack.pop().expect("validated operand stack")
    }

    fn pop2(&mut self) -> (Value, Value) {
        let b = self.pop();
        let a = self.pop();
        (a, b)
    }

    fn push(&mut self, v: Value) {
        self.stack.push(v);
    }

    fn top_args(&self, n: usize) -> Vec<BlockArg> {
        self.stack[self.stack.len() - n..]
            .iter()
            .map(|v| BlockArg::Value(*v))
            .collect()
    }

    fn block_arity(&self, ty: BlockType) -> Result<(Vec<ValType>, Vec<ValType>)> {
        Ok(match ty {
            BlockType::Empty => (vec![], vec![]),
            BlockType::Type(t) => (
                vec![],
                vec![ValType::from_wasmparser(t)
                    .ok_or_else(|| Error::validation(format!("unsupported block type {t}")))?],
            ),
            BlockType::FuncType(idx) => {
                let ft = &self.info.types[idx as usize];
                (ft.params().to_vec(), ft.results().to_vec())
            }
        })
    }

    fn block_with_params(&mut self, tys: &[ValType]) -> Block {
        let block = self.builder.create_block();
        for ty in tys {
            self.builder.append_block_param(block, ir_type(*ty));
        }
        block
    }

    fn trap(&mut self, code: ir::TrapCode) {
        self.builder.ins().trap(code);
        self.reachable = false;
    }

    fn translate_unreachable(&mut self, op: &Operator) {
        match op {
            Operator::Block { .. } | Operator::Loop { .. } | Operator::If { .. } => {
                self.unreachable_depth += 1;
            }
            Operator::Else if self.unreachable_depth == 0 => self.begin_else(),
            Operator::End if self.unreachable_depth == 0 => self.end_frame(),
            Operator::End => self.unreachable_depth -= 1,
            _ => {}
        }
    }

    fn begin_else(&mut self) {
        let frame = self.control.last_mut().expect("validated control stack");
        let FrameKind::If { else_block, .. } = frame.kind else {
            unreachable!("else outside if")
        };
        frame.kind = FrameKind::If {
            else_block,
            has_else: true,
        };
        let (next, n_results, height) = (frame.next, frame.num_results, frame.stack_height);
        if self.reachable {
            let args = self.top_args(n_results);
            self.builder.ins().jump(next, &args);
            self.control.last_mut().unwrap().exit_reachable = true;
        }
        self.stack.truncate(height);
        self.builder.switch_to_block(else_block);
        self.fuel_block_start();
        let params = self.builder.block_params(else_block).to_vec();
        self.stack.extend(params);
        self.reachable = true;
    }

    fn end_frame(&mut self) {
        let mut frame = self.control.pop().expect("validated control stack");
        if self.reachable {
            let args = self.top_args(frame.num_results);
            self.builder.ins().jump(frame.next, &args);
            frame.exit_reachable = true;
        }
        if let FrameKind::If {
            else_block,
            has_else: false,
        } = frame.kind
        {
            // Without `else`, the false branch carries the parameters straight through.
            self.builder.switch_to_block(else_block);
            let params: Vec<BlockArg> = self
                .builder
                .block_params(else_block)
                .iter()
                .map(|v| BlockArg::Value(*v))
                .collect();
            self.builder.ins().jump(frame.next, &params);
            frame.exit_reachable = true;
        }
        self.stack.truncate(frame.stack_height);
        if self.control.is_empty() {
            // The function's own block: return its results.
            if frame.exit_reachable {
                self.builder.switch_to_block(frame.next);
                let results = self.builder.block_params(frame.next).to_vec();
                self.builder.ins().return_(&results);
            }
            self.reachable = false;
            return;
        }
        if frame.exit_reachable {
            self.builder.switch_to_block(frame.next);
            self.fuel_block_start();
            let params = self.builder.block_params(frame.next).to_vec();
            self.stack.extend(params);
            self.reachable = true;
        } else {
            self.reachable = false;
        }
    }

    /// The branch target and argument count for `br depth`, marking the
    /// target's continuation as reachable.
    fn br_target(&mut self, depth: u32) -> (Block, usize) {
        let idx = self.control.len() - 1 - depth as usize;
        let frame = &mut self.control[idx];
        match frame.kind {
            FrameKind::Loop => (frame.br_dest, frame.num_params),
            _ => {
                frame.exit_reachable = true;
                (frame.br_dest, frame.num_results)
            }
        }
    }

    fn translate_op(
        &mut self,
        op: &Operator,
        validator: &FuncValidator<ValidatorResources>,
    ) -> Result<()> {
        if !self.reachable {
            self.translate_unreachable(op);
            return Ok(());
        }
        self.metering.count_op();
        use Operator as O;
        match *op {
            O::Nop => {}
            O::Unreachable => self.trap(TrapCodes::UNREACHABLE),
            O::Block { blockty } => {
                let (params, results) = self.block_arity(blockty)?;
                let next = self.block_with_params(&results);
                self.control.push(ControlFrame {
                    kind: FrameKind::Block,
                    br_dest: next,
                    next,
                    num_params: params.len(),
                    num_results: results.len(),
                    stack_height: self.stack.len() - params.len(),
                    exit_reachable: false,
                });
            }
            O::Loop { blockty } => {
                let (params, results) = self.block_arity(blockty)?;
                let header = self.block_with_params(&params);
                let next = self.block_with_params(&results);
                let args = self.top_args(params.len());
                self.builder.ins().jump(header, &args);
                self.stack.truncate(self.stack.len() - params.len());
                self.builder.switch_to_block(header);
                self.epoch_check();
                self.fuel_block_start();
                let header_params = self.builder.block_params(header).to_vec();
                self.stack.extend(header_params);
                self.control.push(ControlFrame {
                    kind: FrameKind::Loop,
                    br_dest: header,
                    next,
                    num_params: params.len(),
                    num_results: results.len(),
                    stack_height: self.stack.len() - params.len(),
                    exit_reachable: false,
                });
            }
            O::If { blockty } => {
                let cond = self.pop();
                let (params, results) = self.block_arity(blockty)?;
                let then_block = self.builder.create_block();
                let else_block = self.block_with_params(&params);
                let next = self.block_with_params(&results);
                let args = self.top_args(params.len());
                self.builder
                    .ins()
                    .brif(cond, then_block, &[], else_block, &args);
                self.builder.switch_to_block(then_block);
                self.fuel_block_start();
                self.control.push(ControlFrame {
                    kind: FrameKind::If {
                        else_block,
                        has_else: false,
                    },
                    br_dest: next,
                    next,
                    num_params: params.len(),
                    num_results: results.len(),
                    stack_height: self.stack.len() - params.len(),
                    exit_reachable: false,
                });
            }
            O::Else => self.begin_else(),
            O::End => self.end_frame(),
            O::Br { relative_depth } => {
                let (dest, n) = self.br_target(relative_depth);
                let args = self.top_args(n);
                self.builder.ins().jump(dest, &args);
                self.reachable = false;
            }
            O::BrIf { relative_depth } => {
                let cond = self.pop();
                let (dest, n) = self.br_target(relative_depth);
                let args = self.top_args(n);
                let cont = self.builder.create_block();
                self.builder.ins().brif(cond, dest, &args, cont, &[]);
                self.builder.switch_to_block(cont);
                self.fuel_block_start();
            }
            O::BrTable { ref targets } => {
                let index = self.pop();
                let mut depths = Vec::with_capacity(targets.len() as usize);
                for t in targets.targets() {
                    depths.push(t.map_err(wasm_err)?);
                }
                let default_depth = targets.default();
                let (_, arity) = self.br_target(default_depth);
                let mut blocks: HashMap<u32, Block> = HashMap::new();
                let mut block_for = |this: &mut Self, depth: u32| -> Block {
                    if let Some(b) = blocks.get(&depth) {
                        return *b;
                    }
                    let (dest, _) = this.br_target(depth);
                    let b = if arity == 0 {
                        dest
                    } else {
                        // Jump-table targets take no arguments: route through a
                        // block that passes the operands on.
                        this.builder.create_block()
                    };
                    blocks.insert(depth, b);
                    b
                };
                let default_block = block_for(self, default_depth);
                let table_blocks: Vec<Block> = depths.iter().map(|&d| block_for(self, d)).collect();
                let default_call = self.builder.func.dfg.block_call(default_block, &[]);
                let calls: Vec<_> = table_blocks
                    .iter()
                    .map(|b| self.builder.func.dfg.block_call(*b, &[]))
                    .collect();
                let jt = self
                    .builder
                    .create_jump_table(JumpTableData::new(default_call, &calls));
                self.builder.ins().br_table(index, jt);
                if arity > 0 {
                    let args = self.top_args(arity);
                    let mut seen: Vec<u32> = blocks.keys().copied().collect();
                    seen.sort_unstable();
                    for depth in seen {
                        let (dest, _) = self.br_target(depth);
                        self.builder.switch_to_block(blocks[&depth]);
                        self.builder.ins().jump(dest, &args);
                    }
                }
                self.reachable = false;
            }
            O::Return => {
                let n = self.control[0].num_results;
                let results = self.stack[self.stack.len() - n..].to_vec();
                self.builder.ins().return_(&results);
                self.reachable = false;
            }
            O::Call { function_index } => self.translate_call(function_index),
            O::CallIndirect {
                type_index,
                table_index,
            } => self.translate_call_indirect(type_index, table_index),
            O::Drop => {
                self.pop();
            }
            O::Select | O::TypedSelect { .. } | O::TypedSelectMulti { .. } => {
                let cond = self.pop();
                let (a, b) = self.pop2();
                let v = self.builder.ins().select(cond, a, b);
                self.push(v);
            }
            O::LocalGet { local_index } => {
                let v = self.builder.use_var(self.locals[local_index as usize]);
                self.push(v);
            }
            O::LocalSet { local_index } => {
                let v = self.pop();
                self.builder.def_var(self.locals[local_index as usize], v);
            }
            O::LocalTee { local_index } => {
                let v = *self.stack.last().expect("validated operand stack");
                self.builder.def_var(self.locals[local_index as usize], v);
            }
            O::GlobalGet { global_index } => {
                let ty = ir_type(self.info.globals[global_index as usize].content);
                let ptr = self.global_ptr(global_index);
                let v = self.builder.ins().load(ty, vm_flags(), ptr, 0);
                self.push(v);
            }
            O::GlobalSet { global_index } => {
                let v = self.pop();
                let ptr = self.global_ptr(global_index);
                self.builder.ins().store(vm_flags(), v, ptr, 0);
            }

            // Memory.
            O::I32Load { memarg } => self.load(I32, &memarg, 4, LoadKind::Plain),
            O::I64Load { memarg } => self.load(I64, &memarg, 8, LoadKind::Plain),
            O::F32Load { memarg } => self.load(F32, &memarg, 4, LoadKind::Plain),
            O::F64Load { memarg } => self.load(F64, &memarg, 8, LoadKind::Plain),
            O::I32Load8S { memarg } => self.load(I32, &memarg, 1, LoadKind::S8),
            O::I32Load8U { memarg } => self.load(I32, &memarg, 1, LoadKind::U8),
            O::I32Load16S { memarg } => self.load(I32, &memarg, 2, LoadKind::S16),
            O::I32Load16U { memarg } => self.load(I32, &memarg, 2, LoadKind::U16),
            O::I64Load8S { memarg } => self.load(I64, &memarg, 1, LoadKind::S8),
            O::I64Load8U { memarg } => self.load(I64, &memarg, 1, LoadKind::U8),
            O::I64Load16S { memarg } => self.load(I64, &memarg, 2, LoadKind::S16),
            O::I64Load16U { memarg } => self.load(I64, &memarg, 2, LoadKind::U16),
            O::I64Load32S { memarg } => self.load(I64, &memarg, 4, LoadKind::S32),
            O::I64Load32U { memarg } => self.load(I64, &memarg, 4, LoadKind::U32),
            O::I32Store { memarg }
            | O::I64Store { memarg }
            | O::F32Store { memarg }
            | O::F64Store { memarg } => {
                let v = self.pop();
                let size = self.builder.func.dfg.value_type(v).bytes();
                let (addr, off) = self.heap_addr(&memarg, size);
                self.builder.ins().store(heap_flags(), v, addr, off);
            }
            O::I32Store8 { memarg } | O::I64Store8 { memarg } => {
                let v = self.pop();
                let (addr, off) = self.heap_addr(&memarg, 1);
                self.builder.ins().istore8(heap_flags(), v, addr, off);
            }
            O::I32Store16 { memarg } | O::I64Store16 { memarg } => {
                let v = self.pop();
                let (addr, off) = self.heap_addr(&memarg, 2);
                self.builder.ins().istore16(heap_flags(), v, addr, off);
            }
            O::I64Store32 { memarg } => {
                let v = self.pop();
                let (addr, off) = self.heap_addr(&memarg, 4);
                self.builder.ins().istore32(heap_flags(), v, addr, off);
            }
            O::MemorySize { mem } => {
                let ty = self.info.memories[mem as usize];
                let def = self.memory_def(mem);
                let len = self.builder.ins().load(I64, vm_flags(), def, MEMORY_LENGTH);
                let pages = self
                    .builder
                    .ins()
                    .ushr_imm_u(len, i64::from(ty.page_size_log2()));
                let v = self.narrow_from_i64(pages, ty.is_64());
                self.push(v);
            }
            O::MemoryGrow { mem } => {
                let is_64 = self.info.memories[mem as usize].is_64();
                let delta = self.pop();
                let delta = self.widen_to_i64(delta);
                let index = self.builder.ins().iconst(I32, mem as i64);
                let r = self.call_builtin(
                    "memory_grow",
                    BuiltinOffsets::MEMORY_GROW,
                    &[I64, I32],
                    Some(I64),
                    &[delta, index],
                );
                let old = r.expect("memory.grow returns a value");
                let v = self.narrow_from_i64(old, is_64);
                self.push(v);
            }

            // Constants.
            O::I32Const { value } => {
                let v = self.builder.ins().iconst(I32, value as i64);
                self.push(v);
            }
            O::I64Const { value } => {
                let v = self.builder.ins().iconst(I64, value);
                self.push(v);
            }
            O::F32Const { value } => {
                let v = self.builder.ins().f32const(Ieee32::with_bits(value.bits()));
                self.push(v);
            }
            O::F64Const { value } => {
                let v = self.builder.ins().f64const(Ieee64::with_bits(value.bits()));
                self.push(v);
            }

            // Integer tests and comparisons.
            O::I32Eqz | O::I64Eqz => {
                let a = self.pop();
                let c = self.builder.ins().icmp_imm_s(IntCC::Equal, a, 0);
                let v = self.builder.ins().uextend(I32, c);
                self.push(v);
            }
            O::I32Eq | O::I64Eq => self.icmp(IntCC::Equal),
            O::I32Ne | O::I64Ne => self.icmp(IntCC::NotEqual),
            O::I32LtS | O::I64LtS => self.icmp(IntCC::SignedLessThan),
            O::I32LtU | O::I64LtU => self.icmp(IntCC::UnsignedLessThan),
            O::I32GtS | O::I64GtS => self.icmp(IntCC::SignedGreaterThan),
            O::I32GtU | O::I64GtU => self.icmp(IntCC::UnsignedGreaterThan),
            O::I32LeS | O::I64LeS => self.icmp(IntCC::SignedLessThanOrEqual),
            O::I32LeU | O::I64LeU => self.icmp(IntCC::UnsignedLessThanOrEqual),
            O::I32GeS | O::I64GeS => self.icmp(IntCC::SignedGreaterThanOrEqual),
            O::I32GeU | O::I64GeU => self.icmp(IntCC::UnsignedGreaterThanOrEqual),
            O::F32Eq | O::F64Eq => self.fcmp(FloatCC::Equal),
            O::F32Ne | O::F64Ne => self.fcmp(FloatCC::NotEqual),
            O::F32Lt | O::F64Lt => self.fcmp(FloatCC::LessThan),
            O::F32Gt | O::F64Gt => self.fcmp(FloatCC::GreaterThan),
            O::F32Le | O::F64Le => self.fcmp(FloatCC::LessThanOrEqual),
            O::F32Ge | O::F64Ge => self.fcmp(FloatCC::GreaterThanOrEqual),

            // Integer arithmetic.
            O::I32Clz | O::I64Clz => self.unary(|b, a| b.ins().clz(a)),
            O::I32Ctz | O::I64Ctz => self.unary(|b, a| b.ins().ctz(a)),
            O::I32Popcnt | O::I64Popcnt => self.unary(|b, a| b.ins().popcnt(a)),
            O::I32Add | O::I64Add => self.binary(|b, x, y| b.ins().iadd(x, y)),
            O::I32Sub | O::I64Sub => self.binary(|b, x, y| b.ins().isub(x, y)),
            O::I32Mul | O::I64Mul => self.binary(|b, x, y| b.ins().imul(x, y)),
            O::I32DivS | O::I64DivS => self.binary(|b, x, y| b.ins().sdiv(x, y)),
            O::I32DivU | O::I64DivU => self.binary(|b, x, y| b.ins().udiv(x, y)),
            O::I32RemS | O::I64RemS => self.binary(|b, x, y| b.ins().srem(x, y)),
            O::I32RemU | O::I64RemU => self.binary(|b, x, y| b.ins().urem(x, y)),
            O::I32And | O::I64And => self.binary(|b, x, y| b.ins().band(x, y)),
            O::I32Or | O::I64Or => self.binary(|b, x, y| b.ins().bor(x, y)),
            O::I32Xor | O::I64Xor => self.binary(|b, x, y| b.ins().bxor(x, y)),
            O::I32Shl | O::I64Shl => self.binary(|b, x, y| b.ins().ishl(x, y)),
            O::I32ShrS | O::I64ShrS => self.binary(|b, x, y| b.ins().sshr(x, y)),
            O::I32ShrU | O::I64ShrU => self.binary(|b, x, y| b.ins().ushr(x, y)),
            O::I32Rotl | O::I64Rotl => self.binary(|b, x, y| b.ins().rotl(x, y)),
            O::I32Rotr | O::I64Rotr => self.binary(|b, x, y| b.ins().rotr(x, y)),

            // Float arithmetic.
            O::F32Abs | O::F64Abs => self.unary(|b, a| b.ins().fabs(a)),
            O::F32Neg | O::F64Neg => self.unary(|b, a| b.ins().fneg(a)),
            O::F32Ceil | O::F64Ceil => self.unary(|b, a| b.ins().ceil(a)),
            O::F32Floor | O::F64Floor => self.unary(|b, a| b.ins().floor(a)),
            O::F32Trunc | O::F64Trunc => self.unary(|b, a| b.ins().trunc(a)),
            O::F32Nearest | O::F64Nearest => self.unary(|b, a| b.ins().nearest(a)),
            O::F32Sqrt | O::F64Sqrt => self.unary(|b, a| b.ins().sqrt(a)),
            O::F32Add | O::F64Add => self.binary(|b, x, y| b.ins().fadd(x, y)),
            O::F32Sub | O::F64Sub => self.binary(|b, x, y| b.ins().fsub(x, y)),
            O::F32Mul | O::F64Mul => self.binary(|b, x, y| b.ins().fmul(x, y)),
            O::F32Div | O::F64Div => self.binary(|b, x, y| b.ins().fdiv(x, y)),
            O::F32Min | O::F64Min => self.binary(|b, x, y| b.ins().fmin(x, y)),
            O::F32Max | O::F64Max => self.binary(|b, x, y| b.ins().fmax(x, y)),
            O::F32Copysign | O::F64Copysign => self.binary(|b, x, y| b.ins().fcopysign(x, y)),

            // Conversions.
            O::I32WrapI64 => self.unary(|b, a| b.ins().ireduce(I32, a)),
            O::I64ExtendI32S => self.unary(|b, a| b.ins().sextend(I64, a)),
            O::I64ExtendI32U => self.unary(|b, a| b.ins().uextend(I64, a)),
            O::I32TruncF32S | O::I32TruncF64S => self.unary(|b, a| b.ins().fcvt_to_sint(I32, a)),
            O::I32TruncF32U | O::I32TruncF64U => self.unary(|b, a| b.ins().fcvt_to_uint(I32, a)),
            O::I64TruncF32S | O::I64TruncF64S => self.unary(|b, a| b.ins().fcvt_to_sint(I64, a)),
            O::I64TruncF32U | O::I64TruncF64U => self.unary(|b, a| b.ins().fcvt_to_uint(I64, a)),
            O::I32TruncSatF32S | O::I32TruncSatF64S => {
                self.unary(|b, a| b.ins().fcvt_to_sint_sat(I32, a))
            }
            O::I32TruncSatF32U | O::I32TruncSatF64U => {
                self.unary(|b, a| b.ins().fcvt_to_uint_sat(I32, a))
            }
            O::I64TruncSatF32S | O::I64TruncSatF64S => {
                self.unary(|b, a| b.ins().fcvt_to_sint_sat(I64, a))
            }
            O::I64TruncSatF32U | O::I64TruncSatF64U => {
                self.unary(|b, a| b.ins().fcvt_to_uint_sat(I64, a))
            }
            O::F32ConvertI32S | O::F32ConvertI64S => {
                self.unary(|b, a| b.ins().fcvt_from_sint(F32, a))
            }
            O::F32ConvertI32U | O::F32ConvertI64U => {
                self.unary(|b, a| b.ins().fcvt_from_uint(F32, a))
            }
            O::F64ConvertI32S | O::F64ConvertI64S => {
                self.unary(|b, a| b.ins().fcvt_from_sint(F64, a))
            }
            O::F64ConvertI32U | O::F64ConvertI64U => {
                self.unary(|b, a| b.ins().fcvt_from_uint(F64, a))
            }
            O::F32DemoteF64 => self.unary(|b, a| b.ins().fdemote(F32, a)),
            O::F64PromoteF32 => self.unary(|b, a| b.ins().fpromote(F64, a)),
            O::I32ReinterpretF32 => self.bitcast(I32),
            O::I64ReinterpretF64 => self.bitcast(I64),
            O::F32ReinterpretI32 => self.bitcast(F32),
            O::F64ReinterpretI64 => self.bitcast(F64),
            O::I32Extend8S => self.sign_extend(I8, I32),
            O::I32Extend16S => self.sign_extend(ir::types::I16, I32),
            O::I64Extend8S => self.sign_extend(I8, I64),
            O::I64Extend16S => self.sign_extend(ir::types::I16, I64),
            O::I64Extend32S => self.sign_extend(I32, I64),

            // Bulk memory.
            O::MemoryCopy { dst_mem, src_mem } => {
                let (len, src, dst) = (self.pop(), self.pop(), self.pop());
                let (len, src, dst) = (
                    self.widen_to_i64(len),
                    self.widen_to_i64(src),
                    self.widen_to_i64(dst),
                );
                let dm = self.builder.ins().iconst(I32, dst_mem as i64);
                let sm = self.builder.ins().iconst(I32, src_mem as i64);
                self.call_trapping_builtin(
                    "memory_copy",
                    BuiltinOffsets::MEMORY_COPY,
                    &[I32, I64, I32, I64, I64],
                    &[dm, dst, sm, src, len],
                );
            }
            O::MemoryFill { mem } => {
                let (len, val, dst) = (self.pop(), self.pop(), self.pop());
                let (len, dst) = (self.widen_to_i64(len), self.widen_to_i64(dst));
                let m = self.builder.ins().iconst(I32, mem as i64);
                self.call_trapping_builtin(
                    "memory_fill",
                    BuiltinOffsets::MEMORY_FILL,
                    &[I32, I64, I32, I64],
                    &[m, dst, val, len],
                );
            }
            O::MemoryInit { data_index, mem } => {
                let (len, src, dst) = (self.pop(), self.pop(), self.pop());
                let dst = self.widen_to_i64(dst);
                let m = self.builder.ins().iconst(I32, mem as i64);
                let seg = self.builder.ins().iconst(I32, data_index as i64);
                self.call_trapping_builtin(
                    "memory_init",
                    BuiltinOffsets::MEMORY_INIT,
                    &[I32, I32, I64, I32, I32],
                    &[m, seg, dst, src, len],
                );
            }
            O::DataDrop { data_index } => {
                let seg = self.builder.ins().iconst(I32, data_index as i64);
                self.call_builtin("data_drop", BuiltinOffsets::DATA_DROP, &[I32], None, &[seg]);
            }
            O::TableCopy {
                dst_table,
                src_table,
            } => {
                let (len, src, dst) = (self.pop(), self.pop(), self.pop());
                let (len, src, dst) = (
                    self.widen_to_i64(len),
                    self.widen_to_i64(src),
                    self.widen_to_i64(dst),
                );
                let dt = self.builder.ins().iconst(I32, dst_table as i64);
                let st = self.builder.ins().iconst(I32, src_table as i64);
                self.call_trapping_builtin(
                    "table_copy",
                    BuiltinOffsets::TABLE_COPY,
                    &[I32, I64, I32, I64, I64],
                    &[dt, dst, st, src, len],
                );
            }
            O::TableInit { elem_index, table } => {
                let (len, src, dst) = (self.pop(), self.pop(), self.pop());
                let dst = self.widen_to_i64(dst);
                let t = self.builder.ins().iconst(I32, table as i64);
                let seg = self.builder.ins().iconst(I32, elem_index as i64);
                self.call_trapping_builtin(
                    "table_init",
                    BuiltinOffsets::TABLE_INIT,
                    &[I32, I32, I64, I32, I32],
                    &[t, seg, dst, src, len],
                );
            }
            O::ElemDrop { elem_index } => {
                let seg = self.builder.ins().iconst(I32, elem_index as i64);
                self.call_builtin("elem_drop", BuiltinOffsets::ELEM_DROP, &[I32], None, &[seg]);
            }

            // Reference types and tables.
            O::RefNull { .. } => {
                let v = self.builder.ins().iconst(I64, 0);
                self.push(v);
            }
            O::RefIsNull => {
                let a = self.pop();
                let c = self.builder.ins().icmp_imm_s(IntCC::Equal, a, 0);
                let v = self.builder.ins().uextend(I32, c);
                self.push(v);
            }
            O::RefFunc { function_index } => {
                let v = match self.info.defined_func_index(function_index) {
                    Some(defined) => {
                        let offset = self.offsets.defined_funcref(defined);
                        self.builder.ins().iadd_imm_u(self.vmctx, offset as i64)
                    }
                    None => self.vmctx_load(self.offsets.imported_func(function_index)),
                };
                self.push(v);
            }
            O::TableSize { table } => {
                let is_64 = self.info.tables[table as usize].is_64();
                let def = self.vmctx_load(self.offsets.table(table));
                let len = self.builder.ins().load(I32, vm_flags(), def, TABLE_LENGTH);
                let v = if is_64 {
                    self.builder.ins().uextend(I64, len)
                } else {
                    len
                };
                self.push(v);
            }
            O::TableGet { table } => {
                let index = self.pop();
                let slot = self.table_slot(table, index);
                let v = self.builder.ins().load(I64, vm_flags(), slot, 0);
                self.push(v);
            }
            O::TableSet { table } => {
                let value = self.pop();
                let index = self.pop();
                let slot = self.table_slot(table, index);
                self.builder.ins().store(vm_flags(), value, slot, 0);
            }
            O::TableGrow { table } => {
                let is_64 = self.info.tables[table as usize].is_64();
                let delta = self.pop();
                let delta = self.widen_to_i64(delta);
                let init = self.pop();
                let t = self.builder.ins().iconst(I32, table as i64);
                let r = self.call_builtin(
                    "table_grow",
                    BuiltinOffsets::TABLE_GROW,
                    &[I32, I64, I64],
                    Some(I64),
                    &[t, init, delta],
                );
                let old = r.expect("table.grow returns a value");
                let v = self.narrow_from_i64(old, is_64);
                self.push(v);
            }
            O::TableFill { table } => {
                let (len, val, dst) = (self.pop(), self.pop(), self.pop());
                let (len, dst) = (self.widen_to_i64(len), self.widen_to_i64(dst));
                let t = self.builder.ins().iconst(I32, table as i64);
                self.call_trapping_builtin(
                    "table_fill",
                    BuiltinOffsets::TABLE_FILL,
                    &[I32, I64, I64, I64],
                    &[t, dst, val, len],
                );
            }

            ref other => {
                if !self.translate_atomic(other)? && !self.translate_simd(other, validator)? {
                    return Err(Error::new(
                        crate::environ::error::ErrorKind::Compile,
                        format!("unsupported instruction {other:?}"),
                    ));
                }
            }
        }
        Ok(())
    }

    fn unary(&mut self, f: impl FnOnce(&mut FunctionBuilder<'b>, Value) -> Value) {
        let a = self.pop();
        let v = f(&mut self.builder, a);
        self.push(v);
    }

    fn binary(&mut self, f: impl FnOnce(&mut FunctionBuilder<'b>, Value, Value) -> Value) {
        let (a, b) = self.pop2();
        let v = f(&mut self.builder, a, b);
        self.push(v);
    }

    fn icmp(&mut self, cc: IntCC) {
        let (a, b) = self.pop2();
        let c = self.builder.ins().icmp(cc, a, b);
        let v = self.builder.ins().uextend(I32, c);
        self.push(v);
    }

    fn fcmp(&mut self, cc: FloatCC) {
        let (a, b) = self.pop2();
        let c = self.builder.ins().fcmp(cc, a, b);
        let v = self.builder.ins().uextend(I32, c);
        self.push(v);
    }

    fn bitcast(&mut self, ty: Type) {
        let a = self.pop();
        let v = self.builder.ins().bitcast(ty, MemFlagsData::new(), a);
        self.push(v);
    }

    fn sign_extend(&mut self, from: Type, to: Type) {
        let a = self.pop();
        let narrow = self.builder.ins().ireduce(from, a);
        let v = self.builder.ins().sextend(to, narrow);
        self.push(v);
    }

    /// `v` as an `i64`: 32-bit addresses, sizes and indices are unsigned.
    fn widen_to_i64(&mut self, v: Value) -> Value {
        if self.builder.func.dfg.value_type(v) == I64 {
            v
        } else {
            self.builder.ins().uextend(I64, v)
        }
    }

    /// An `i64` size or index as the index type wants it: 64-bit ones as
    /// they are, 32-bit ones truncated (so `u64::MAX` becomes -1).
    fn narrow_from_i64(&mut self, v: Value, is_64: bool) -> Value {
        if is_64 {
            v
        } else {
            self.builder.ins().ireduce(I32, v)
        }
    }

    fn vmctx_load(&mut self, offset: u32) -> Value {
        self.builder
            .ins()
            .load(self.pointer_type, vm_readonly(), self.vmctx, offset as i32)
    }

    fn global_ptr(&mut self, index: u32) -> Value {
        self.vmctx_load(self.offsets.global(index))
    }

    fn memory_def(&mut self, index: u32) -> Value {
        self.vmctx_load(self.offsets.memory(index))
    }

    /// The address and static offset of a `size`-byte access at the popped index.
    fn heap_addr(&mut self, memarg: &MemArg, size: u32) -> (Value, i32) {
        let index = self.pop();
        let index = self.widen_to_i64(index);
        let memory = match memarg.target {
            MemArgTarget::Memory(i) => i,
            MemArgTarget::Array(_) => 0,
        };
        let ty = self.info.memories[memory as usize];
        let imported = memory < self.info.num_imported_memories;
        let def = self.memory_def(memory);
        // The base of a memory that may move changes when it grows, which
        // only a call can make happen: a plain load is not reused across one.
        let base_flags = if self.memory_tunables.base_may_move(&ty) {
            vm_flags()
        } else {
            vm_readonly()
        };
        let base = self.builder.ins().load(I64, base_flags, def, MEMORY_BASE);
        let end = memarg.offset.checked_add(u64::from(size));
        let caught = end.is_some_and(|end| self.memory_tunables.guard_catches(&ty, imported, end));
        if self.explicit_bounds_checks || !caught {
            // Asked for, or not caught by the reservation: check the access
            // against the current length.
            let len = self.builder.ins().load(I64, vm_flags(), def, MEMORY_LENGTH);
            let end_v = match end {
                // A 32-bit index plus a 64-bit offset cannot wrap.
                Some(end) if !ty.is_64() => self.builder.ins().iadd_imm_u(index, end as i64),
                Some(end) => {
                    let end = self.builder.ins().iconst(I64, end as i64);
                    self.builder.ins().uadd_overflow_trap(
                        index,
                        end,
                        ir::TrapCode::HEAP_OUT_OF_BOUNDS,
                    )
                }
                // Offset plus size wrap (only 64-bit offsets can): add them
                // one at a time, either addition trapping when it wraps.
                None => {
                    let trap = ir::TrapCode::HEAP_OUT_OF_BOUNDS;
                    let offset = self.builder.ins().iconst(I64, memarg.offset as i64);
                    let start = self.builder.ins().uadd_overflow_trap(index, offset, trap);
                    let size = self.builder.ins().iconst(I64, i64::from(size));
                    self.builder.ins().uadd_overflow_trap(start, size, trap)
                }
            };
            let oob = self
                .builder
                .ins()
                .icmp(IntCC::UnsignedGreaterThan, end_v, len);
            self.builder
                .ins()
                .trapnz(oob, ir::TrapCode::HEAP_OUT_OF_BOUNDS);
        }
        let addr = self.builder.ins().iadd(base, index);
        if memarg.offset <= i32::MAX as u64 {
            (addr, memarg.offset as i32)
        } else {
            (self.builder.ins().iadd_imm_u(addr, memarg.offset as i64), 0)
        }
    }

    fn load(&mut self, ty: Type, memarg: &MemArg, size: u32, kind: LoadKind) {
        let (addr, off) = self.heap_addr(memarg, size);
        let f = heap_flags();
        let ins = self.builder.ins();
        let v = match kind {
            LoadKind::Plain => ins.load(ty, f, addr, off),
            LoadKind::S8 => ins.sload8(ty, f, addr, off),
            LoadKind::U8 => ins.uload8(ty, f, addr, off),
            LoadKind::S16 => ins.sload16(ty, f, addr, off),
            LoadKind::U16 => ins.uload16(ty, f, addr, off),
            LoadKind::S32 => ins.sload32(f, addr, off),
            LoadKind::U32 => ins.uload32(f, addr, off),
        };
        self.push(v);
    }

    fn signature_ref(&mut self, type_index: u32) -> SigRef {
        if let Some(s) = self.sig_refs.get(&type_index) {
            return *s;
        }
        let sig = wasm_signature(&self.info.types[type_index as usize]);
        let s = self.builder.import_signature(sig);
        self.sig_refs.insert(type_index, s);
        s
    }

    fn call_args(&mut self, callee_vmctx: Value, n: usize) -> Vec<Value> {
        let mut args = Vec::with_capacity(n + 2);
        args.push(callee_vmctx);
        args.push(self.vmctx);
        args.extend_from_slice(&self.stack[self.stack.len() - n..]);
        self.stack.truncate(self.stack.len() - n);
        args
    }

    fn push_call_results(&mut self, call: ir::Inst) {
        let results = self.builder.inst_results(call).to_vec();
        self.stack.extend(results);
    }

    fn translate_call(&mut self, func_index: u32) {
        self.metering.note_call();
        let type_index = self.info.functions[func_index as usize];
        let n = self.info.types[type_index as usize].params().len();
        match self.info.defined_func_index(func_index) {
            Some(defined) => {
                let func_ref = match self.func_refs.get(&func_index) {
                    Some(f) => *f,
                    None => {
                        let sig = self.signature_ref(type_index);
                        let name = self
                            .builder
                            .func
                            .declare_imported_user_function(UserExternalName::new(0, defined));
                        let f = self.builder.import_function(ExtFuncData {
                            name: ExternalName::user(name),
                            signature: sig,
                            colocated: true,
                            patchable: false,
                        });
                        self.func_refs.insert(func_index, f);
                        f
                    }
                };
                let vmctx = self.vmctx;
                let args = self.call_args(vmctx, n);
                let call = self.builder.ins().call(func_ref, &args);
                self.push_call_results(call);
            }
            None => {
                let funcref = self.vmctx_load(self.offsets.imported_func(func_index));
                self.call_funcref(funcref, type_index, n);
            }
        }
    }

    fn call_funcref(&mut self, funcref: Value, type_index: u32, n: usize) {
        self.metering.note_call();
        let func_ptr = self
            .builder
            .ins()
            .load(I64, vm_readonly(), funcref, FUNCREF_FUNC_PTR);
        let callee_vmctx = self
            .builder
            .ins()
            .load(I64, vm_readonly(), funcref, FUNCREF_VMCTX);
        let sig = self.signature_ref(type_index);
        let args = self.call_args(callee_vmctx, n);
        let call = self.builder.ins().call_indirect(sig, func_ptr, &args);
        self.push_call_results(call);
    }

    fn translate_call_indirect(&mut self, type_index: u32, table_index: u32) {
        let index = self.pop();
        let table = self.vmctx_load(self.offsets.table(table_index));
        let len = self
            .builder
            .ins()
            .load(I32, vm_flags(), table, TABLE_LENGTH);
        let (index, len) = self.same_width_index(index, len);
        let oob = self
            .builder
            .ins()
            .icmp(IntCC::UnsignedGreaterThanOrEqual, index, len);
        self.builder.ins().trapnz(oob, TrapCodes::UNDEFINED_ELEMENT);
        let base = self.builder.ins().load(I64, vm_flags(), table, TABLE_BASE);
        let index = self.widen_to_i64(index);
        let byte_offset = self.builder.ins().ishl_imm_u(index, 3);
        let slot = self.builder.ins().iadd(base, byte_offset);
        let funcref = self.builder.ins().load(I64, vm_flags(), slot, 0);
        self.builder
            .ins()
            .trapz(funcref, TrapCodes::UNINITIALIZED_ELEMENT);
        let actual = self
            .builder
            .ins()
            .load(I32, vm_readonly(), funcref, FUNCREF_TYPE_ID);
        let expected = self.builder.ins().load(
            I32,
            vm_readonly(),
            self.vmctx,
            self.offsets.type_id(type_index) as i32,
        );
        let mismatch = self.builder.ins().icmp(IntCC::NotEqual, actual, expected);
        self.builder
            .ins()
            .trapnz(mismatch, TrapCodes::INDIRECT_CALL_TYPE_MISMATCH);
        let n = self.info.types[type_index as usize].params().len();
        self.call_funcref(funcref, type_index, n);
    }

    /// Calls a builtin that returns non-zero after recording a trap.
    fn call_trapping_builtin(
        &mut self,
        name: &'static str,
        offset: i32,
        params: &[Type],
        args: &[Value],
    ) {
        let status = self
            .call_builtin(name, offset, params, Some(I32), args)
            .expect("trapping builtins return a status");
        self.builder.ins().trapnz(status, TrapCodes::PENDING);
    }

    /// The address of element `index` of `table`, trapping when out of bounds.
    fn table_slot(&mut self, table: u32, index: Value) -> Value {
        let def = self.vmctx_load(self.offsets.table(table));
        let len = self.builder.ins().load(I32, vm_flags(), def, TABLE_LENGTH);
        let (index, len) = self.same_width_index(index, len);
        let oob = self
            .builder
            .ins()
            .icmp(IntCC::UnsignedGreaterThanOrEqual, index, len);
        self.builder
            .ins()
            .trapnz(oob, TrapCodes::TABLE_OUT_OF_BOUNDS);
        let base = self.builder.ins().load(I64, vm_flags(), def, TABLE_BASE);
        let index = self.widen_to_i64(index);
        let byte_offset = self.builder.ins().ishl_imm_u(index, 3);
        self.builder.ins().iadd(base, byte_offset)
    }

    /// A table index and the table's 32-bit length, at one width for their
    /// bounds check: a 32-bit index compares with the length as it is (as
    /// cheap as before 64-bit tables), a 64-bit one with the length widened.
    fn same_width_index(&mut self, index: Value, len: Value) -> (Value, Value) {
        if self.builder.func.dfg.value_type(index) == I64 {
            (index, self.builder.ins().uextend(I64, len))
        } else {
            (index, len)
        }
    }

    /// Calls a builtin through the table the `VMContext` points at; builtins
    /// take the caller's vmctx first.
    fn call_builtin(
        &mut self,
        name: &'static str,
        offset: i32,
        params: &[Type],
        result: Option<Type>,
        args: &[Value],
    ) -> Option<Value> {
        let sig = match self.builtin_sigs.get(name) {
            Some(s) => *s,
            None => {
                let mut sig = ir::Signature::new(CallConv::SystemV);
                sig.params.push(AbiParam::new(I64));
                sig.params.extend(params.iter().map(|t| AbiParam::new(*t)));
                sig.returns.extend(result.map(AbiParam::new));
                let s = self.builder.import_signature(sig);
                self.builtin_sigs.insert(name, s);
                s
            }
        };
        let table = self.vmctx_load(VMCTX_BUILTINS as u32);
        let f = self.builder.ins().load(I64, vm_readonly(), table, offset);
        let mut all = vec![self.vmctx];
        all.extend_from_slice(args);
        let call = self.builder.ins().call_indirect(sig, f, &all);
        self.builder.inst_results(call).first().copied()
    }
}

#[derive(Clone, Copy)]
enum LoadKind {
    Plain,
    S8,
    U8,
    S16,
    U16,
    S32,
    U32,
}

fn wasm_err(e: wasmparser::BinaryReaderError) -> Error {
    Error::validation(e.to_string())
}
