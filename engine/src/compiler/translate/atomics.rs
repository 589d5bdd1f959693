//! Translation of the threads proposal's instructions: atomic loads,
//! stores, read-modify-writes and compare-exchanges (Cranelift's atomic
//! instructions, which are sequentially consistent), `atomic.fence`, and
//! `memory.atomic.wait32`/`wait64`/`notify` (builtins over the runtime's
//! parking lot).
//!
//! Every atomic access traps with "unaligned atomic" unless its effective
//! address is a multiple of its size; the check comes after the bounds
//! check, so an access both out of bounds and misaligned reports the
//! former when the bounds are checked explicitly.

use super::{heap_flags, FuncTranslator};
use crate::compiler::TrapCodes;
use crate::environ::error::Result;
use crate::environ::vmoffsets::BuiltinOffsets;
use cranelift_codegen::ir::condcodes::IntCC;
use cranelift_codegen::ir::types::{I16, I32, I64, I8};
use cranelift_codegen::ir::{AtomicRmwOp, InstBuilder, Type, Value};
use wasmparser::{MemArg, MemArgTarget, Operator};

impl<'b> FuncTranslator<'_, 'b> {
    /// Translates `op` if it is an atomic instruction; returns whether it was one.
    pub(super) fn translate_atomic(&mut self, op: &Operator) -> Result<bool> {
        use AtomicRmwOp as R;
        use Operator as O;
        match *op {
            O::AtomicFence { .. } => {
                self.builder.ins().fence();
            }
            O::MemoryAtomicNotify { memarg } => self.atomic_notify(&memarg),
            O::MemoryAtomicWait32 { memarg } => self.atomic_wait(&memarg, I32),
            O::MemoryAtomicWait64 { memarg } => self.atomic_wait(&memarg, I64),

            O::I32AtomicLoad { memarg } => self.atomic_load(&memarg, I32, I32),
            O::I64AtomicLoad { memarg } => self.atomic_load(&memarg, I64, I64),
            O::I32AtomicLoad8U { memarg } => self.atomic_load(&memarg, I32, I8),
            O::I32AtomicLoad16U { memarg } => self.atomic_load(&memarg, I32, I16),
            O::I64AtomicLoad8U { memarg } => self.atomic_load(&memarg, I64, I8),
            O::I64AtomicLoad16U { memarg } => self.atomic_load(&memarg, I64, I16),
            O::I64AtomicLoad32U { memarg } => self.atomic_load(&memarg, I64, I32),

            O::I32AtomicStore { memarg } | O::I64AtomicStore { memarg } => {
                let v = self.pop();
                let ty = self.builder.func.dfg.value_type(v);
                self.atomic_store(&memarg, v, ty);
            }
            O::I32AtomicStore8 { memarg } | O::I64AtomicStore8 { memarg } => {
                let v = self.pop();
                self.atomic_store(&memarg, v, I8);
            }
            O::I32AtomicStore16 { memarg } | O::I64AtomicStore16 { memarg } => {
                let v = self.pop();
                self.atomic_store(&memarg, v, I16);
            }
            O::I64AtomicStore32 { memarg } => {
                let v = self.pop();
                self.atomic_store(&memarg, v, I32);
            }

            O::I32AtomicRmwAdd { memarg } => self.atomic_rmw(&memarg, I32, I32, R::Add),
            O::I64AtomicRmwAdd { memarg } => self.atomic_rmw(&memarg, I64, I64, R::Add),
            O::I32AtomicRmw8AddU { memarg } => self.atomic_rmw(&memarg, I32, I8, R::Add),
            O::I32AtomicRmw16AddU { memarg } => self.atomic_rmw(&memarg, I32, I16, R::Add),
            O::I64AtomicRmw8AddU { memarg } => self.atomic_rmw(&memarg, I64, I8, R::Add),
            O::I64AtomicRmw16AddU { memarg } => self.atomic_rmw(&memarg, I64, I16, R::Add),
            O::I64AtomicRmw32AddU { memarg } => self.atomic_rmw(&memarg, I64, I32, R::Add),

            O::I32AtomicRmwSub { memarg } => self.atomic_rmw(&memarg, I32, I32, R::Sub),
            O::I64AtomicRmwSub { memarg } => self.atomic_rmw(&memarg, I64, I64, R::Sub),
            O::I32AtomicRmw8SubU { memarg } => self.atomic_rmw(&memarg, I32, I8, R::Sub),
            O::I32AtomicRmw16SubU { memarg } => self.atomic_rmw(&memarg, I32, I16, R::Sub),
            O::I64AtomicRmw8SubU { memarg } => self.atomic_rmw(&memarg, I64, I8, R::Sub),
            O::I64AtomicRmw16SubU { memarg } => self.atomic_rmw(&memarg, I64, I16, R::Sub),
            O::I64AtomicRmw32SubU { memarg } => self.atomic_rmw(&memarg, I64, I32, R::Sub),

            O::I32AtomicRmwAnd { memarg } => self.atomic_rmw(&memarg, I32, I32, R::And),
            O::I64AtomicRmwAnd { memarg } => self.atomic_rmw(&memarg, I64, I64, R::And),
            O::I32AtomicRmw8AndU { memarg } => self.atomic_rmw(&memarg, I32, I8, R::And),
            O::I32AtomicRmw16AndU { memarg } => self.atomic_rmw(&memarg, I32, I16, R::And),
            O::I64AtomicRmw8AndU { memarg } => self.atomic_rmw(&memarg, I64, I8, R::And),
            O::I64AtomicRmw16AndU { memarg } => self.atomic_rmw(&memarg, I64, I16, R::And),
            O::I64AtomicRmw32AndU { memarg } => self.atomic_rmw(&memarg, I64, I32, R::And),

            O::I32AtomicRmwOr { memarg } => self.atomic_rmw(&memarg, I32, I32, R::Or),
            O::I64AtomicRmwOr { memarg } => self.atomic_rmw(&memarg, I64, I64, R::Or),
            O::I32AtomicRmw8OrU { memarg } => self.atomic_rmw(&memarg, I32, I8, R::Or),
            O::I32AtomicRmw16OrU { memarg } => self.atomic_rmw(&memarg, I32, I16, R::Or),
            O::I64AtomicRmw8OrU { memarg } => self.atomic_rmw(&memarg, I64, I8, R::Or),
            O::I64AtomicRmw16OrU { memarg } => self.atomic_rmw(&memarg, I64, I16, R::Or),
            O::I64AtomicRmw32OrU { memarg } => self.atomic_rmw(&memarg, I64, I32, R::Or),

            O::I32AtomicRmwXor { memarg } => self.atomic_rmw(&memarg, I32, I32, R::Xor),
            O::I64AtomicRmwXor { memarg } => self.atomic_rmw(&memarg, I64, I64, R::Xor),
            O::I32AtomicRmw8XorU { memarg } => self.atomic_rmw(&memarg, I32, I8, R::Xor),
            O::I32AtomicRmw16XorU { memarg } => self.atomic_rmw(&memarg, I32, I16, R::Xor),
            O::I64AtomicRmw8XorU { memarg } => self.atomic_rmw(&memarg, I64, I8, R::Xor),
            O::I64AtomicRmw16XorU { memarg } => self.atomic_rmw(&memarg, I64, I16, R::Xor),
            O::I64AtomicRmw32XorU { memarg } => self.atomic_rmw(&memarg, I64, I32, R::Xor),

            O::I32AtomicRmwXchg { memarg } => self.atomic_rmw(&memarg, I32, I32, R::Xchg),
            O::I64AtomicRmwXchg { memarg } => self.atomic_rmw(&memarg, I64, I64, R::Xchg),
            O::I32AtomicRmw8XchgU { memarg } => self.atomic_rmw(&memarg, I32, I8, R::Xchg),
            O::I32AtomicRmw16XchgU { memarg } => self.atomic_rmw(&memarg, I32, I16, R::Xchg),
            O::I64AtomicRmw8XchgU { memarg } => self.atomic_rmw(&memarg, I64, I8, R::Xchg),
            O::I64AtomicRmw16XchgU { memarg } => self.atomic_rmw(&memarg, I64, I16, R::Xchg),
            O::I64AtomicRmw32XchgU { memarg } => self.atomic_rmw(&memarg, I64, I32, R::Xchg),

            O::I32AtomicRmwCmpxchg { memarg } => self.atomic_cmpxchg(&memarg, I32, I32),
            O::I64AtomicRmwCmpxchg { memarg } => self.atomic_cmpxchg(&memarg, I64, I64),
            O::I32AtomicRmw8CmpxchgU { memarg } => self.atomic_cmpxchg(&memarg, I32, I8),
            O::I32AtomicRmw16CmpxchgU { memarg } => self.atomic_cmpxchg(&memarg, I32, I16),
            O::I64AtomicRmw8CmpxchgU { memarg } => self.atomic_cmpxchg(&memarg, I64, I8),
            O::I64AtomicRmw16CmpxchgU { memarg } => self.atomic_cmpxchg(&memarg, I64, I16),
            O::I64AtomicRmw32CmpxchgU { memarg } => self.atomic_cmpxchg(&memarg, I64, I32),

            _ => return Ok(false),
        }
        Ok(true)
    }

    /// The host address of a `size`-byte atomic access at the popped index,
    /// after the bounds check and the alignment check.
    fn atomic_addr(&mut self, memarg: &MemArg, size: u32) -> Value {
        let (addr, offset) = self.heap_addr(memarg, size);
        let addr = if offset == 0 {
            addr
        } else {
            self.builder.ins().iadd_imm_u(addr, i64::from(offset))
        };
        // Memories start page-aligned, so the host address is aligned
        // exactly when the effective address is.
        if size > 1 {
            let low = self.builder.ins().band_imm_u(addr, i64::from(size - 1));
            self.builder.ins().trapnz(low, TrapCodes::HEAP_MISALIGNED);
        }
        addr
    }

    /// `v` (of type `ty`) narrowed to the `access` width it is stored at.
    fn narrow(&mut self, v: Value, ty: Type, access: Type) -> Value {
        if ty == access {
            v
        } else {
            self.builder.ins().ireduce(access, v)
        }
    }

    /// `v` (of the `access` width) zero-extended to the result type `ty`.
    fn widen(&mut self, v: Value, ty: Type, access: Type) -> Value {
        if ty == access {
            v
        } else {
            self.builder.ins().uextend(ty, v)
        }
    }

    fn atomic_load(&mut self, memarg: &MemArg, ty: Type, access: Type) {
        let addr = self.atomic_addr(memarg, access.bytes());
        let v = self.builder.ins().atomic_load(access, heap_flags(), addr);
        let v = self.widen(v, ty, access);
        self.push(v);
    }

    fn atomic_store(&mut self, memarg: &MemArg, v: Value, access: Type) {
        let ty = self.builder.func.dfg.value_type(v);
        let addr = self.atomic_addr(memarg, access.bytes());
        let v = self.narrow(v, ty, access);
        self.builder.ins().atomic_store(heap_flags(), v, addr);
    }

    fn atomic_rmw(&mut self, memarg: &MemArg, ty: Type, access: Type, op: AtomicRmwOp) {
        let v = self.pop();
        let addr = self.atomic_addr(memarg, access.bytes());
        let v = self.narrow(v, ty, access);
        let old = self
            .builder
            .ins()
            .atomic_rmw(access, heap_flags(), op, addr, v);
        let old = self.widen(old, ty, access);
        self.push(old);
    }

    fn atomic_cmpxchg(&mut self, memarg: &MemArg, ty: Type, access: Type) {
        let replacement = self.pop();
        let expected = self.pop();
        let addr = self.atomic_addr(memarg, access.bytes());
        let expected = self.narrow(expected, ty, access);
        let replacement = self.narrow(replacement, ty, access);
        let old = self
            .builder
            .ins()
            .atomic_cas(heap_flags(), addr, expected, replacement);
        let old = self.widen(old, ty, access);
        self.push(old);
    }

    fn memory_index(memarg: &MemArg) -> u32 {
        match memarg.target {
            MemArgTarget::Memory(i) => i,
            MemArgTarget::Array(_) => 0,
        }
    }

    /// Traps with the pending trap if a wait or notify builtin returned -1,
    /// and gives its result as an `i32` otherwise.
    fn parking_result(&mut self, result: Value) -> Value {
        let failed = self
            .builder
            .ins()
            .icmp_imm_s(IntCC::SignedLessThan, result, 0);
        self.builder.ins().trapnz(failed, TrapCodes::PENDING);
        self.builder.ins().ireduce(I32, result)
    }

    /// `memory.atomic.wait32` (`ty` I32) or `wait64` (`ty` I64).
    fn atomic_wait(&mut self, memarg: &MemArg, ty: Type) {
        let timeout = self.pop();
        let expected = self.pop();
        let expected = self.widen_to_i64(expected);
        let addr = self.atomic_addr(memarg, ty.bytes());
        let mem = self
            .builder
            .ins()
            .iconst(I32, i64::from(Self::memory_index(memarg)));
        let size = self.builder.ins().iconst(I32, i64::from(ty.bytes()));
        let r = self
            .call_builtin(
                "memory_atomic_wait",
                BuiltinOffsets::MEMORY_ATOMIC_WAIT,
                &[I32, I64, I64, I64, I32],
                Some(I64),
                &[mem, addr, expected, timeout, size],
            )
            .expect("wait returns a value");
        let v = self.parking_result(r);
        self.push(v);
    }

    fn atomic_notify(&mut self, memarg: &MemArg) {
        let count = self.pop();
        let addr = self.atomic_addr(memarg, 4);
        let mem = self
            .builder
            .ins()
            .iconst(I32, i64::from(Self::memory_index(memarg)));
        let r = self
            .call_builtin(
                "memory_atomic_notify",
                BuiltinOffsets::MEMORY_ATOMIC_NOTIFY,
                &[I32, I64, I32],
                Some(I64),
                &[mem, addr, count],
            )
            .expect("notify returns a value");
        let v = self.parking_result(r);
        self.push(v);
    }
}
