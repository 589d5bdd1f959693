//! Fuel metering and epoch checks, when the engine's configuration asks for
//! them.
//!
//! Fuel: every basic block that holds wasm operators pays for all of them as
//! it starts, so a block either runs with its cost paid or does not run at
//! all, and after any trap the store has been charged for exactly the blocks
//! that were entered, never for fewer. The cost is
//! only known once the block's last operator is translated, so the block
//! starts with a placeholder constant that is overwritten when the next block
//! starts. Fuel lives in the store's `VMRuntimeLimits`, never in a register,
//! so host functions read and change it without any hand-off.
//!
//! Epoch: loop headers, and the entries of functions that make calls,
//! compare the engine's epoch with the store's deadline. Every execution that
//! runs unboundedly either loops or recurses, so it passes one of them; a
//! function with neither loops nor calls runs in time bounded by its size and
//! needs no check. Whether a function calls is known only once it has been
//! translated, so its entry check is inserted into the entry block then.

use super::{vm_flags, vm_readonly, FuncTranslator, TrapCodes};
use crate::environ::vmoffsets::{LIMITS_EPOCH, LIMITS_EPOCH_DEADLINE, LIMITS_FUEL, VMCTX_LIMITS};
use cranelift_codegen::cursor::{Cursor, FuncCursor};
use cranelift_codegen::ir::condcodes::IntCC;
use cranelift_codegen::ir::types::I64;
use cranelift_codegen::ir::{Inst, InstBuilder, MemFlagsData, Value};

/// What the translator needs for metering, set up in the entry block.
#[derive(Default)]
pub(super) struct Metering {
    /// The store's `VMRuntimeLimits`, loaded once in the entry block.
    limits: Option<Value>,
    /// The engine's epoch counter, loaded once in the entry block.
    epoch_ptr: Option<Value>,
    /// The store's epoch deadline, loaded once in the entry block: nothing
    /// can move it while wasm runs (only `Store`, never `Caller`, sets it),
    /// so loop headers need not reload it.
    deadline: Option<Value>,
    /// The instruction in the entry block after which the entry check goes.
    entry_anchor: Option<Inst>,
    /// Whether the function calls anything (wasm or host).
    calls: bool,
    fuel: bool,
    epoch: bool,
    /// The placeholder cost constant of the block being translated.
    pending: Option<Inst>,
    /// Operators translated since `pending` was emitted.
    count: u64,
}

impl Metering {
    pub fn new(fuel: bool, epoch: bool) -> Metering {
        Metering {
            fuel,
            epoch,
            ..Metering::default()
        }
    }

    /// Counts one reachable operator toward the current block's cost.
    pub fn count_op(&mut self) {
        self.count += 1;
    }

    /// Notes that the function calls another, so its entry needs an epoch check.
    pub fn note_call(&mut self) {
        self.calls = true;
    }
}

impl FuncTranslator<'_, '_> {
    /// Loads what the checks need and charges the entry block. Call once, in
    /// the entry block.
    pub(super) fn metering_entry(&mut self) {
        if !self.metering.fuel && !self.metering.epoch {
            return;
        }
        let limits =
            self.builder
                .ins()
                .load(self.pointer_type, vm_readonly(), self.vmctx, VMCTX_LIMITS);
        self.metering.limits = Some(limits);
        if self.metering.epoch {
            let epoch_ptr =
                self.builder
                    .ins()
                    .load(self.pointer_type, vm_readonly(), limits, LIMITS_EPOCH);
            let deadline = self
                .builder
                .ins()
                .load(I64, vm_flags(), limits, LIMITS_EPOCH_DEADLINE);
            self.metering.epoch_ptr = Some(epoch_ptr);
            self.metering.deadline = Some(deadline);
            self.metering.entry_anchor = self.builder.func.dfg.value_def(deadline).inst();
        }
        self.fuel_block_start();
    }

    /// Traps with `Interrupt` once the engine's epoch reaches the store's deadline.
    pub(super) fn epoch_check(&mut self) {
        if let Some((epoch_ptr, deadline)) = self.epoch_operands() {
            emit_epoch_check(self.builder.cursor(), epoch_ptr, deadline);
        }
    }

    /// Adds the entry check if the function turned out to make calls. Call
    /// once, after the whole body is translated.
    pub(super) fn epoch_entry_check(&mut self) {
        let (Some(anchor), true) = (self.metering.entry_anchor, self.metering.calls) else {
            return;
        };
        if let Some((epoch_ptr, deadline)) = self.epoch_operands() {
            let pos = FuncCursor::new(self.builder.func).after_inst(anchor);
            emit_epoch_check(pos, epoch_ptr, deadline);
        }
    }

    fn epoch_operands(&self) -> Option<(Value, Value)> {
        Some((self.metering.epoch_ptr?, self.metering.deadline?))
    }

    /// Settles the cost of the block translated so far and charges the block
    /// the builder has just switched to for its operators, which are counted
    /// as they are translated.
    pub(super) fn fuel_block_start(&mut self) {
        if !self.metering.fuel {
            return;
        }
        self.fuel_settle();
        let limits = self.metering.limits.expect("loaded in the entry block");
        let cost = self.builder.ins().iconst(I64, 0);
        let fuel = self
            .builder
            .ins()
            .load(I64, vm_flags(), limits, LIMITS_FUEL);
        let left = self.builder.ins().isub(fuel, cost);
        let short = self
            .builder
            .ins()
            .icmp_imm_s(IntCC::SignedLessThan, left, 0);
        // Trap before storing, so the store keeps the fuel this block did not get.
        self.builder.ins().trapnz(short, TrapCodes::OUT_OF_FUEL);
        self.builder
            .ins()
            .store(vm_flags(), left, limits, LIMITS_FUEL);
        self.metering.pending = self.builder.func.dfg.value_def(cost).inst();
    }

    /// Writes the operator count into the pending block's cost constant.
    pub(super) fn fuel_settle(&mut self) {
        let count = std::mem::take(&mut self.metering.count);
        if let Some(inst) = self.metering.pending.take() {
            let cost = i64::try_from(count).unwrap_or(i64::MAX);
            self.builder.func.replace(inst).iconst(I64, cost);
        }
    }
}

/// Emits the epoch check at `pos`.
fn emit_epoch_check(mut pos: FuncCursor<'_>, epoch_ptr: Value, deadline: Value) {
    // Atomic, so the load is repeated every time: a plain load could be
    // merged with an earlier one and a loop would never see the tick.
    let epoch = pos
        .ins()
        .atomic_load(I64, MemFlagsData::trusted(), epoch_ptr);
    let reached = pos
        .ins()
        .icmp(IntCC::UnsignedGreaterThanOrEqual, epoch, deadline);
    pos.ins().trapnz(reached, TrapCodes::INTERRUPT);
}
