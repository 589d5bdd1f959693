//! Translation of the fixed-width SIMD (v128) instructions.
//!
//! Every wasm `v128` lives in the IR as an `I8X16`, wherever it is: on the
//! operand stack, in locals, in block and function parameters. Each operator
//! reinterprets its inputs as the lane type it works on (a `bitcast`, which
//! costs nothing at run time), computes with Cranelift's vector instructions,
//! and hands its result back as an `I8X16`.
//!
//! Some wasm operators have no single Cranelift instruction and are written as
//! the short sequence that Cranelift's backends recognise and lower to one
//! machine instruction: `pmin`/`pmax` as `bitselect` over `fcmp`, the
//! `trunc_sat_f64x2_*_zero` operators as a narrowing of a saturating
//! conversion with a zero vector, `convert_low` as a conversion of a widening,
//! the dot product as a pairwise add of widening multiplies.

use super::{heap_flags, FuncTranslator};
use crate::environ::error::Result;
use cranelift_codegen::ir::condcodes::{FloatCC, IntCC};
use cranelift_codegen::ir::types::{F32X4, F64X2, I16, I16X8, I32, I32X4, I64X2, I8, I8X16};
use cranelift_codegen::ir::{ConstantData, Endianness, InstBuilder, MemFlagsData, Type, Value};
use cranelift_frontend::FunctionBuilder;
use wasmparser::{FuncValidator, MemArg, Operator, ValidatorResources};

/// How a lane narrower than `i32` is widened when it is extracted.
#[derive(Clone, Copy)]
enum LaneExt {
    Signed,
    Unsigned,
}

/// Which way a vector shift goes.
#[derive(Clone, Copy)]
enum Shift {
    Left,
    RightSigned,
    RightUnsigned,
}

/// Which half of the input a widening operator reads, and how it extends.
#[derive(Clone, Copy)]
struct Widen {
    signed: bool,
    high: bool,
}

const LOW_S: Widen = Widen {
    signed: true,
    high: false,
};
const HIGH_S: Widen = Widen {
    signed: true,
    high: true,
};
const LOW_U: Widen = Widen {
    signed: false,
    high: false,
};
const HIGH_U: Widen = Widen {
    signed: false,
    high: true,
};

/// The flags for reinterpreting one vector type as another: lanes are laid
/// out little-endian, as in wasm memory.
fn lane_flags() -> MemFlagsData {
    MemFlagsData::new().with_endianness(Endianness::Little)
}

/// Widens half of the lanes of `v` to lanes twice as wide.
fn widen(b: &mut FunctionBuilder<'_>, how: Widen, v: Value) -> Value {
    match (how.signed, how.high) {
        (true, false) => b.ins().swiden_low(v),
        (true, true) => b.ins().swiden_high(v),
        (false, false) => b.ins().uwiden_low(v),
        (false, true) => b.ins().uwiden_high(v),
    }
}

/// An all-zeros vector of type `ty`.
fn zero_vector(b: &mut FunctionBuilder<'_>, ty: Type) -> Value {
    let c = b
        .func
        .dfg
        .constants
        .insert(ConstantData::from(vec![0u8; 16]));
    b.ins().vconst(ty, c)
}

impl<'b> FuncTranslator<'_, 'b> {
    /// Translates `op` if it is a SIMD instruction; returns whether it was one.
    pub(super) fn translate_simd(
        &mut self,
        op: &Operator,
        _validator: &FuncValidator<ValidatorResources>,
    ) -> Result<bool> {
        use Operator as O;
        match *op {
            // Loads and stores.
            O::V128Load { memarg } => self.vec_load(&memarg, 16, |b, p, o| {
                b.ins().load(I8X16, heap_flags(), p, o)
            }),
            O::V128Load8x8S { memarg } => {
                self.vec_load(&memarg, 8, |b, p, o| b.ins().sload8x8(heap_flags(), p, o))
            }
            O::V128Load8x8U { memarg } => {
                self.vec_load(&memarg, 8, |b, p, o| b.ins().uload8x8(heap_flags(), p, o))
            }
            O::V128Load16x4S { memarg } => {
                self.vec_load(&memarg, 8, |b, p, o| b.ins().sload16x4(heap_flags(), p, o))
            }
            O::V128Load16x4U { memarg } => {
                self.vec_load(&memarg, 8, |b, p, o| b.ins().uload16x4(heap_flags(), p, o))
            }
            O::V128Load32x2S { memarg } => {
                self.vec_load(&memarg, 8, |b, p, o| b.ins().sload32x2(heap_flags(), p, o))
            }
            O::V128Load32x2U { memarg } => {
                self.vec_load(&memarg, 8, |b, p, o| b.ins().uload32x2(heap_flags(), p, o))
            }
            O::V128Load8Splat { memarg } => self.load_splat(&memarg, I8X16),
            O::V128Load16Splat { memarg } => self.load_splat(&memarg, I16X8),
            O::V128Load32Splat { memarg } => self.load_splat(&memarg, I32X4),
            O::V128Load64Splat { memarg } => self.load_splat(&memarg, I64X2),
            O::V128Load32Zero { memarg } => self.load_zero(&memarg, I32X4),
            O::V128Load64Zero { memarg } => self.load_zero(&memarg, I64X2),
            O::V128Load8Lane { memarg, lane } => self.load_lane(&memarg, I8X16, lane),
            O::V128Load16Lane { memarg, lane } => self.load_lane(&memarg, I16X8, lane),
            O::V128Load32Lane { memarg, lane } => self.load_lane(&memarg, I32X4, lane),
            O::V128Load64Lane { memarg, lane } => self.load_lane(&memarg, I64X2, lane),
            O::V128Store { memarg } => {
                let v = self.pop();
                let (addr, off) = self.heap_addr(&memarg, 16);
                self.builder.ins().store(heap_flags(), v, addr, off);
            }
            O::V128Store8Lane { memarg, lane } => self.store_lane(&memarg, I8X16, lane),
            O::V128Store16Lane { memarg, lane } => self.store_lane(&memarg, I16X8, lane),
            O::V128Store32Lane { memarg, lane } => self.store_lane(&memarg, I32X4, lane),
            O::V128Store64Lane { memarg, lane } => self.store_lane(&memarg, I64X2, lane),

            // Constants, shuffles, splats and lanes.
            O::V128Const { value } => {
                let data = ConstantData::from(&value.bytes()[..]);
                let c = self.builder.func.dfg.constants.insert(data);
                let v = self.builder.ins().vconst(I8X16, c);
                self.push(v);
            }
            O::I8x16Shuffle { lanes } => {
                let (a, b) = self.pop2();
                let mask = self
                    .builder
                    .func
                    .dfg
                    .immediates
                    .push(ConstantData::from(&lanes[..]));
                let v = self.builder.ins().shuffle(a, b, mask);
                self.push(v);
            }
            O::I8x16Swizzle => self.vec_binary(I8X16, |b, x, s| b.ins().swizzle(x, s)),
            O::I8x16Splat => self.splat(I8X16),
            O::I16x8Splat => self.splat(I16X8),
            O::I32x4Splat => self.splat(I32X4),
            O::I64x2Splat => self.splat(I64X2),
            O::F32x4Splat => self.splat(F32X4),
            O::F64x2Splat => self.splat(F64X2),
            O::I8x16ExtractLaneS { lane } => self.extract_lane(I8X16, lane, Some(LaneExt::Signed)),
            O::I8x16ExtractLaneU { lane } => {
                self.extract_lane(I8X16, lane, Some(LaneExt::Unsigned))
            }
            O::I16x8ExtractLaneS { lane } => self.extract_lane(I16X8, lane, Some(LaneExt::Signed)),
            O::I16x8ExtractLaneU { lane } => {
                self.extract_lane(I16X8, lane, Some(LaneExt::Unsigned))
            }
            O::I32x4ExtractLane { lane } => self.extract_lane(I32X4, lane, None),
            O::I64x2ExtractLane { lane } => self.extract_lane(I64X2, lane, None),
            O::F32x4ExtractLane { lane } => self.extract_lane(F32X4, lane, None),
            O::F64x2ExtractLane { lane } => self.extract_lane(F64X2, lane, None),
            O::I8x16ReplaceLane { lane } => self.replace_lane(I8X16, lane),
            O::I16x8ReplaceLane { lane } => self.replace_lane(I16X8, lane),
            O::I32x4ReplaceLane { lane } => self.replace_lane(I32X4, lane),
            O::I64x2ReplaceLane { lane } => self.replace_lane(I64X2, lane),
            O::F32x4ReplaceLane { lane } => self.replace_lane(F32X4, lane),
            O::F64x2ReplaceLane { lane } => self.replace_lane(F64X2, lane),

            // Integer comparisons.
            O::I8x16Eq => self.vec_icmp(I8X16, IntCC::Equal),
            O::I8x16Ne => self.vec_icmp(I8X16, IntCC::NotEqual),
            O::I8x16LtS => self.vec_icmp(I8X16, IntCC::SignedLessThan),
            O::I8x16LtU => self.vec_icmp(I8X16, IntCC::UnsignedLessThan),
            O::I8x16GtS => self.vec_icmp(I8X16, IntCC::SignedGreaterThan),
            O::I8x16GtU => self.vec_icmp(I8X16, IntCC::UnsignedGreaterThan),
            O::I8x16LeS => self.vec_icmp(I8X16, IntCC::SignedLessThanOrEqual),
            O::I8x16LeU => self.vec_icmp(I8X16, IntCC::UnsignedLessThanOrEqual),
            O::I8x16GeS => self.vec_icmp(I8X16, IntCC::SignedGreaterThanOrEqual),
            O::I8x16GeU => self.vec_icmp(I8X16, IntCC::UnsignedGreaterThanOrEqual),
            O::I16x8Eq => self.vec_icmp(I16X8, IntCC::Equal),
            O::I16x8Ne => self.vec_icmp(I16X8, IntCC::NotEqual),
            O::I16x8LtS => self.vec_icmp(I16X8, IntCC::SignedLessThan),
            O::I16x8LtU => self.vec_icmp(I16X8, IntCC::UnsignedLessThan),
            O::I16x8GtS => self.vec_icmp(I16X8, IntCC::SignedGreaterThan),
            O::I16x8GtU => self.vec_icmp(I16X8, IntCC::UnsignedGreaterThan),
            O::I16x8LeS => self.vec_icmp(I16X8, IntCC::SignedLessThanOrEqual),
            O::I16x8LeU => self.vec_icmp(I16X8, IntCC::UnsignedLessThanOrEqual),
            O::I16x8GeS => self.vec_icmp(I16X8, IntCC::SignedGreaterThanOrEqual),
            O::I16x8GeU => self.vec_icmp(I16X8, IntCC::UnsignedGreaterThanOrEqual),
            O::I32x4Eq => self.vec_icmp(I32X4, IntCC::Equal),
            O::I32x4Ne => self.vec_icmp(I32X4, IntCC::NotEqual),
            O::I32x4LtS => self.vec_icmp(I32X4, IntCC::SignedLessThan),
            O::I32x4LtU => self.vec_icmp(I32X4, IntCC::UnsignedLessThan),
            O::I32x4GtS => self.vec_icmp(I32X4, IntCC::SignedGreaterThan),
            O::I32x4GtU => self.vec_icmp(I32X4, IntCC::UnsignedGreaterThan),
            O::I32x4LeS => self.vec_icmp(I32X4, IntCC::SignedLessThanOrEqual),
            O::I32x4LeU => self.vec_icmp(I32X4, IntCC::UnsignedLessThanOrEqual),
            O::I32x4GeS => self.vec_icmp(I32X4, IntCC::SignedGreaterThanOrEqual),
            O::I32x4GeU => self.vec_icmp(I32X4, IntCC::UnsignedGreaterThanOrEqual),
            O::I64x2Eq => self.vec_icmp(I64X2, IntCC::Equal),
            O::I64x2Ne => self.vec_icmp(I64X2, IntCC::NotEqual),
            O::I64x2LtS => self.vec_icmp(I64X2, IntCC::SignedLessThan),
            O::I64x2GtS => self.vec_icmp(I64X2, IntCC::SignedGreaterThan),
            O::I64x2LeS => self.vec_icmp(I64X2, IntCC::SignedLessThanOrEqual),
            O::I64x2GeS => self.vec_icmp(I64X2, IntCC::SignedGreaterThanOrEqual),

            // Float comparisons.
            O::F32x4Eq => self.vec_fcmp(F32X4, FloatCC::Equal),
            O::F32x4Ne => self.vec_fcmp(F32X4, FloatCC::NotEqual),
            O::F32x4Lt => self.vec_fcmp(F32X4, FloatCC::LessThan),
            O::F32x4Gt => self.vec_fcmp(F32X4, FloatCC::GreaterThan),
            O::F32x4Le => self.vec_fcmp(F32X4, FloatCC::LessThanOrEqual),
            O::F32x4Ge => self.vec_fcmp(F32X4, FloatCC::GreaterThanOrEqual),
            O::F64x2Eq => self.vec_fcmp(F64X2, FloatCC::Equal),
            O::F64x2Ne => self.vec_fcmp(F64X2, FloatCC::NotEqual),
            O::F64x2Lt => self.vec_fcmp(F64X2, FloatCC::LessThan),
            O::F64x2Gt => self.vec_fcmp(F64X2, FloatCC::GreaterThan),
            O::F64x2Le => self.vec_fcmp(F64X2, FloatCC::LessThanOrEqual),
            O::F64x2Ge => self.vec_fcmp(F64X2, FloatCC::GreaterThanOrEqual),

            // Bitwise operators and tests.
            O::V128Not => self.vec_unary(I8X16, |b, a| b.ins().bnot(a)),
            O::V128And => self.vec_binary(I8X16, |b, x, y| b.ins().band(x, y)),
            O::V128AndNot => self.vec_binary(I8X16, |b, x, y| b.ins().band_not(x, y)),
            O::V128Or => self.vec_binary(I8X16, |b, x, y| b.ins().bor(x, y)),
            O::V128Xor => self.vec_binary(I8X16, |b, x, y| b.ins().bxor(x, y)),
            O::V128Bitselect => {
                let mask = self.pop();
                let (if_set, if_clear) = self.pop2();
                let v = self.builder.ins().bitselect(mask, if_set, if_clear);
                self.push(v);
            }
            O::V128AnyTrue => {
                let a = self.pop();
                let any = self.builder.ins().vany_true(a);
                let v = self.builder.ins().uextend(I32, any);
                self.push(v);
            }
            O::I8x16AllTrue => self.all_true(I8X16),
            O::I16x8AllTrue => self.all_true(I16X8),
            O::I32x4AllTrue => self.all_true(I32X4),
            O::I64x2AllTrue => self.all_true(I64X2),
            O::I8x16Bitmask => self.bitmask(I8X16),
            O::I16x8Bitmask => self.bitmask(I16X8),
            O::I32x4Bitmask => self.bitmask(I32X4),
            O::I64x2Bitmask => self.bitmask(I64X2),

            // Shifts.
            O::I8x16Shl => self.vec_shift(I8X16, Shift::Left),
            O::I8x16ShrS => self.vec_shift(I8X16, Shift::RightSigned),
            O::I8x16ShrU => self.vec_shift(I8X16, Shift::RightUnsigned),
            O::I16x8Shl => self.vec_shift(I16X8, Shift::Left),
            O::I16x8ShrS => self.vec_shift(I16X8, Shift::RightSigned),
            O::I16x8ShrU => self.vec_shift(I16X8, Shift::RightUnsigned),
            O::I32x4Shl => self.vec_shift(I32X4, Shift::Left),
            O::I32x4ShrS => self.vec_shift(I32X4, Shift::RightSigned),
            O::I32x4ShrU => self.vec_shift(I32X4, Shift::RightUnsigned),
            O::I64x2Shl => self.vec_shift(I64X2, Shift::Left),
            O::I64x2ShrS => self.vec_shift(I64X2, Shift::RightSigned),
            O::I64x2ShrU => self.vec_shift(I64X2, Shift::RightUnsigned),

            // Integer arithmetic.
            O::I8x16Add => self.vec_binary(I8X16, |b, x, y| b.ins().iadd(x, y)),
            O::I16x8Add => self.vec_binary(I16X8, |b, x, y| b.ins().iadd(x, y)),
            O::I32x4Add => self.vec_binary(I32X4, |b, x, y| b.ins().iadd(x, y)),
            O::I64x2Add => self.vec_binary(I64X2, |b, x, y| b.ins().iadd(x, y)),
            O::I8x16Sub => self.vec_binary(I8X16, |b, x, y| b.ins().isub(x, y)),
            O::I16x8Sub => self.vec_binary(I16X8, |b, x, y| b.ins().isub(x, y)),
            O::I32x4Sub => self.vec_binary(I32X4, |b, x, y| b.ins().isub(x, y)),
            O::I64x2Sub => self.vec_binary(I64X2, |b, x, y| b.ins().isub(x, y)),
            O::I16x8Mul => self.vec_binary(I16X8, |b, x, y| b.ins().imul(x, y)),
            O::I32x4Mul => self.vec_binary(I32X4, |b, x, y| b.ins().imul(x, y)),
            O::I64x2Mul => self.vec_binary(I64X2, |b, x, y| b.ins().imul(x, y)),
            O::I8x16Neg => self.vec_unary(I8X16, |b, a| b.ins().ineg(a)),
            O::I16x8Neg => self.vec_unary(I16X8, |b, a| b.ins().ineg(a)),
            O::I32x4Neg => self.vec_unary(I32X4, |b, a| b.ins().ineg(a)),
            O::I64x2Neg => self.vec_unary(I64X2, |b, a| b.ins().ineg(a)),
            O::I8x16Abs => self.vec_unary(I8X16, |b, a| b.ins().iabs(a)),
            O::I16x8Abs => self.vec_unary(I16X8, |b, a| b.ins().iabs(a)),
            O::I32x4Abs => self.vec_unary(I32X4, |b, a| b.ins().iabs(a)),
            O::I64x2Abs => self.vec_unary(I64X2, |b, a| b.ins().iabs(a)),
            O::I8x16Popcnt => self.vec_unary(I8X16, |b, a| b.ins().popcnt(a)),
            O::I8x16AddSatS => self.vec_binary(I8X16, |b, x, y| b.ins().sadd_sat(x, y)),
            O::I8x16AddSatU => self.vec_binary(I8X16, |b, x, y| b.ins().uadd_sat(x, y)),
            O::I8x16SubSatS => self.vec_binary(I8X16, |b, x, y| b.ins().ssub_sat(x, y)),
            O::I8x16SubSatU => self.vec_binary(I8X16, |b, x, y| b.ins().usub_sat(x, y)),
            O::I16x8AddSatS => self.vec_binary(I16X8, |b, x, y| b.ins().sadd_sat(x, y)),
            O::I16x8AddSatU => self.vec_binary(I16X8, |b, x, y| b.ins().uadd_sat(x, y)),
            O::I16x8SubSatS => self.vec_binary(I16X8, |b, x, y| b.ins().ssub_sat(x, y)),
            O::I16x8SubSatU => self.vec_binary(I16X8, |b, x, y| b.ins().usub_sat(x, y)),
            O::I8x16MinS => self.vec_binary(I8X16, |b, x, y| b.ins().smin(x, y)),
            O::I8x16MinU => self.vec_binary(I8X16, |b, x, y| b.ins().umin(x, y)),
            O::I8x16MaxS => self.vec_binary(I8X16, |b, x, y| b.ins().smax(x, y)),
            O::I8x16MaxU => self.vec_binary(I8X16, |b, x, y| b.ins().umax(x, y)),
            O::I16x8MinS => self.vec_binary(I16X8, |b, x, y| b.ins().smin(x, y)),
            O::I16x8MinU => self.vec_binary(I16X8, |b, x, y| b.ins().umin(x, y)),
            O::I16x8MaxS => self.vec_binary(I16X8, |b, x, y| b.ins().smax(x, y)),
            O::I16x8MaxU => self.vec_binary(I16X8, |b, x, y| b.ins().umax(x, y)),
            O::I32x4MinS => self.vec_binary(I32X4, |b, x, y| b.ins().smin(x, y)),
            O::I32x4MinU => self.vec_binary(I32X4, |b, x, y| b.ins().umin(x, y)),
            O::I32x4MaxS => self.vec_binary(I32X4, |b, x, y| b.ins().smax(x, y)),
            O::I32x4MaxU => self.vec_binary(I32X4, |b, x, y| b.ins().umax(x, y)),
            O::I8x16AvgrU => self.vec_binary(I8X16, |b, x, y| b.ins().avg_round(x, y)),
            O::I16x8AvgrU => self.vec_binary(I16X8, |b, x, y| b.ins().avg_round(x, y)),
            O::I16x8Q15MulrSatS => self.vec_binary(I16X8, |b, x, y| b.ins().sqmul_round_sat(x, y)),
            O::I32x4DotI16x8S => self.vec_binary(I16X8, |b, x, y| {
                let low = {
                    let (x, y) = (widen(b, LOW_S, x), widen(b, LOW_S, y));
                    b.ins().imul(x, y)
                };
                let high = {
                    let (x, y) = (widen(b, HIGH_S, x), widen(b, HIGH_S, y));
                    b.ins().imul(x, y)
                };
                b.ins().iadd_pairwise(low, high)
            }),

            // Widening and narrowing.
            O::I16x8ExtendLowI8x16S => self.extend(I8X16, LOW_S),
            O::I16x8ExtendHighI8x16S => self.extend(I8X16, HIGH_S),
            O::I16x8ExtendLowI8x16U => self.extend(I8X16, LOW_U),
            O::I16x8ExtendHighI8x16U => self.extend(I8X16, HIGH_U),
            O::I32x4ExtendLowI16x8S => self.extend(I16X8, LOW_S),
            O::I32x4ExtendHighI16x8S => self.extend(I16X8, HIGH_S),
            O::I32x4ExtendLowI16x8U => self.extend(I16X8, LOW_U),
            O::I32x4ExtendHighI16x8U => self.extend(I16X8, HIGH_U),
            O::I64x2ExtendLowI32x4S => self.extend(I32X4, LOW_S),
            O::I64x2ExtendHighI32x4S => self.extend(I32X4, HIGH_S),
            O::I64x2ExtendLowI32x4U => self.extend(I32X4, LOW_U),
            O::I64x2ExtendHighI32x4U => self.extend(I32X4, HIGH_U),
            O::I16x8ExtMulLowI8x16S => self.ext_mul(I8X16, LOW_S),
            O::I16x8ExtMulHighI8x16S => self.ext_mul(I8X16, HIGH_S),
            O::I16x8ExtMulLowI8x16U => self.ext_mul(I8X16, LOW_U),
            O::I16x8ExtMulHighI8x16U => self.ext_mul(I8X16, HIGH_U),
            O::I32x4ExtMulLowI16x8S => self.ext_mul(I16X8, LOW_S),
            O::I32x4ExtMulHighI16x8S => self.ext_mul(I16X8, HIGH_S),
            O::I32x4ExtMulLowI16x8U => self.ext_mul(I16X8, LOW_U),
            O::I32x4ExtMulHighI16x8U => self.ext_mul(I16X8, HIGH_U),
            O::I64x2ExtMulLowI32x4S => self.ext_mul(I32X4, LOW_S),
            O::I64x2ExtMulHighI32x4S => self.ext_mul(I32X4, HIGH_S),
            O::I64x2ExtMulLowI32x4U => self.ext_mul(I32X4, LOW_U),
            O::I64x2ExtMulHighI32x4U => self.ext_mul(I32X4, HIGH_U),
            O::I16x8ExtAddPairwiseI8x16S => self.ext_add_pairwise(I8X16, true),
            O::I16x8ExtAddPairwiseI8x16U => self.ext_add_pairwise(I8X16, false),
            O::I32x4ExtAddPairwiseI16x8S => self.ext_add_pairwise(I16X8, true),
            O::I32x4ExtAddPairwiseI16x8U => self.ext_add_pairwise(I16X8, false),
            O::I8x16NarrowI16x8S => self.vec_binary(I16X8, |b, x, y| b.ins().snarrow(x, y)),
            O::I8x16NarrowI16x8U => self.vec_binary(I16X8, |b, x, y| b.ins().unarrow(x, y)),
            O::I16x8NarrowI32x4S => self.vec_binary(I32X4, |b, x, y| b.ins().snarrow(x, y)),
            O::I16x8NarrowI32x4U => self.vec_binary(I32X4, |b, x, y| b.ins().unarrow(x, y)),

            // Float arithmetic.
            O::F32x4Add => self.vec_binary(F32X4, |b, x, y| b.ins().fadd(x, y)),
            O::F64x2Add => self.vec_binary(F64X2, |b, x, y| b.ins().fadd(x, y)),
            O::F32x4Sub => self.vec_binary(F32X4, |b, x, y| b.ins().fsub(x, y)),
            O::F64x2Sub => self.vec_binary(F64X2, |b, x, y| b.ins().fsub(x, y)),
            O::F32x4Mul => self.vec_binary(F32X4, |b, x, y| b.ins().fmul(x, y)),
            O::F64x2Mul => self.vec_binary(F64X2, |b, x, y| b.ins().fmul(x, y)),
            O::F32x4Div => self.vec_binary(F32X4, |b, x, y| b.ins().fdiv(x, y)),
            O::F64x2Div => self.vec_binary(F64X2, |b, x, y| b.ins().fdiv(x, y)),
            O::F32x4Min => self.vec_binary(F32X4, |b, x, y| b.ins().fmin(x, y)),
            O::F64x2Min => self.vec_binary(F64X2, |b, x, y| b.ins().fmin(x, y)),
            O::F32x4Max => self.vec_binary(F32X4, |b, x, y| b.ins().fmax(x, y)),
            O::F64x2Max => self.vec_binary(F64X2, |b, x, y| b.ins().fmax(x, y)),
            O::F32x4PMin => self.pseudo_min_max(F32X4, false),
            O::F64x2PMin => self.pseudo_min_max(F64X2, false),
            O::F32x4PMax => self.pseudo_min_max(F32X4, true),
            O::F64x2PMax => self.pseudo_min_max(F64X2, true),
            O::F32x4Abs => self.vec_unary(F32X4, |b, a| b.ins().fabs(a)),
            O::F64x2Abs => self.vec_unary(F64X2, |b, a| b.ins().fabs(a)),
            O::F32x4Neg => self.vec_unary(F32X4, |b, a| b.ins().fneg(a)),
            O::F64x2Neg => self.vec_unary(F64X2, |b, a| b.ins().fneg(a)),
            O::F32x4Sqrt => self.vec_unary(F32X4, |b, a| b.ins().sqrt(a)),
            O::F64x2Sqrt => self.vec_unary(F64X2, |b, a| b.ins().sqrt(a)),
            O::F32x4Ceil => self.vec_unary(F32X4, |b, a| b.ins().ceil(a)),
            O::F64x2Ceil => self.vec_unary(F64X2, |b, a| b.ins().ceil(a)),
            O::F32x4Floor => self.vec_unary(F32X4, |b, a| b.ins().floor(a)),
            O::F64x2Floor => self.vec_unary(F64X2, |b, a| b.ins().floor(a)),
            O::F32x4Trunc => self.vec_unary(F32X4, |b, a| b.ins().trunc(a)),
            O::F64x2Trunc => self.vec_unary(F64X2, |b, a| b.ins().trunc(a)),
            O::F32x4Nearest => self.vec_unary(F32X4, |b, a| b.ins().nearest(a)),
            O::F64x2Nearest => self.vec_unary(F64X2, |b, a| b.ins().nearest(a)),

            // Conversions.
            O::I32x4TruncSatF32x4S => {
                self.vec_unary(F32X4, |b, a| b.ins().fcvt_to_sint_sat(I32X4, a))
            }
            O::I32x4TruncSatF32x4U => {
                self.vec_unary(F32X4, |b, a| b.ins().fcvt_to_uint_sat(I32X4, a))
            }
            O::I32x4TruncSatF64x2SZero => self.vec_unary(F64X2, |b, a| {
                // Cranelift has no i64x2 -> i32x4 narrowing of its own; this
                // exact shape (against a zero `vconst`) is what it lowers.
                let wide = b.ins().fcvt_to_sint_sat(I64X2, a);
                let zero = zero_vector(b, I64X2);
                b.ins().snarrow(wide, zero)
            }),
            O::I32x4TruncSatF64x2UZero => self.vec_unary(F64X2, |b, a| {
                let wide = b.ins().fcvt_to_uint_sat(I64X2, a);
                let zero = zero_vector(b, I64X2);
                b.ins().uunarrow(wide, zero)
            }),
            O::F32x4ConvertI32x4S => self.vec_unary(I32X4, |b, a| b.ins().fcvt_from_sint(F32X4, a)),
            O::F32x4ConvertI32x4U => self.vec_unary(I32X4, |b, a| b.ins().fcvt_from_uint(F32X4, a)),
            O::F64x2ConvertLowI32x4S => self.vec_unary(I32X4, |b, a| {
                let wide = b.ins().swiden_low(a);
                b.ins().fcvt_from_sint(F64X2, wide)
            }),
            O::F64x2ConvertLowI32x4U => self.vec_unary(I32X4, |b, a| {
                let wide = b.ins().uwiden_low(a);
                b.ins().fcvt_from_uint(F64X2, wide)
            }),
            O::F32x4DemoteF64x2Zero => self.vec_unary(F64X2, |b, a| b.ins().fvdemote(a)),
            O::F64x2PromoteLowF32x4 => self.vec_unary(F32X4, |b, a| b.ins().fvpromote_low(a)),

            _ => return Ok(false),
        }
        Ok(true)
    }

    /// Pops a v128 and reinterprets it as `ty`.
    fn pop_vec(&mut self, ty: Type) -> Value {
        let v = self.pop();
        self.cast_vec(v, ty)
    }

    /// Pops two v128s (the deeper one first) as `ty`.
    fn pop2_vec(&mut self, ty: Type) -> (Value, Value) {
        let (a, b) = self.pop2();
        (self.cast_vec(a, ty), self.cast_vec(b, ty))
    }

    /// Pushes a vector of any lane type as a v128 (`I8X16`).
    fn push_vec(&mut self, v: Value) {
        let v = self.cast_vec(v, I8X16);
        self.push(v);
    }

    fn cast_vec(&mut self, v: Value, ty: Type) -> Value {
        let from = self.builder.func.dfg.value_type(v);
        debug_assert!(
            from.is_vector() && from.bits() == 128,
            "v128 operand is {from}"
        );
        if from == ty {
            v
        } else {
            self.builder.ins().bitcast(ty, lane_flags(), v)
        }
    }

    fn vec_unary(&mut self, ty: Type, f: impl FnOnce(&mut FunctionBuilder<'b>, Value) -> Value) {
        let a = self.pop_vec(ty);
        let v = f(&mut self.builder, a);
        self.push_vec(v);
    }

    fn vec_binary(
        &mut self,
        ty: Type,
        f: impl FnOnce(&mut FunctionBuilder<'b>, Value, Value) -> Value,
    ) {
        let (a, b) = self.pop2_vec(ty);
        let v = f(&mut self.builder, a, b);
        self.push_vec(v);
    }

    /// Lane-wise comparison: all ones in a lane where `cc` holds, else zeros.
    fn vec_icmp(&mut self, ty: Type, cc: IntCC) {
        self.vec_binary(ty, |b, x, y| b.ins().icmp(cc, x, y));
    }

    fn vec_fcmp(&mut self, ty: Type, cc: FloatCC) {
        self.vec_binary(ty, |b, x, y| b.ins().fcmp(cc, x, y));
    }

    /// The shift count is taken modulo the lane width, as wasm requires.
    fn vec_shift(&mut self, ty: Type, shift: Shift) {
        let amount = self.pop();
        let a = self.pop_vec(ty);
        let mask = i64::from(ty.lane_bits()) - 1;
        let amount = self.builder.ins().band_imm_u(amount, mask);
        let v = match shift {
            Shift::Left => self.builder.ins().ishl(a, amount),
            Shift::RightSigned => self.builder.ins().sshr(a, amount),
            Shift::RightUnsigned => self.builder.ins().ushr(a, amount),
        };
        self.push_vec(v);
    }

    /// `pmin` is `b < a ? b : a` and `pmax` is `a < b ? b : a`, lane by lane.
    fn pseudo_min_max(&mut self, ty: Type, max: bool) {
        self.vec_binary(ty, |b, x, y| {
            let less = if max {
                b.ins().fcmp(FloatCC::LessThan, x, y)
            } else {
                b.ins().fcmp(FloatCC::LessThan, y, x)
            };
            let mask = b.ins().bitcast(ty, lane_flags(), less);
            b.ins().bitselect(mask, y, x)
        });
    }

    fn all_true(&mut self, ty: Type) {
        let a = self.pop_vec(ty);
        let all = self.builder.ins().vall_true(a);
        let v = self.builder.ins().uextend(I32, all);
        self.push(v);
    }

    fn bitmask(&mut self, ty: Type) {
        let a = self.pop_vec(ty);
        let v = self.builder.ins().vhigh_bits(I32, a);
        self.push(v);
    }

    /// Widens half of the lanes of a `from` vector.
    fn extend(&mut self, from: Type, how: Widen) {
        self.vec_unary(from, |b, a| widen(b, how, a));
    }

    /// Multiplies half of the lanes of two `from` vectors into lanes twice as
    /// wide, so that nothing overflows.
    fn ext_mul(&mut self, from: Type, how: Widen) {
        self.vec_binary(from, |b, x, y| {
            let x = widen(b, how, x);
            let y = widen(b, how, y);
            b.ins().imul(x, y)
        });
    }

    /// Adds adjacent lanes of a `from` vector into lanes twice as wide.
    fn ext_add_pairwise(&mut self, from: Type, signed: bool) {
        self.vec_unary(from, |b, a| {
            let low = widen(
                b,
                Widen {
                    signed,
                    high: false,
                },
                a,
            );
            let high = widen(b, Widen { signed, high: true }, a);
            b.ins().iadd_pairwise(low, high)
        });
    }

    /// Splats the popped scalar into every lane of a `ty` vector. The `i32`
    /// operand of `i8x16.splat` and `i16x8.splat` is truncated to the lane.
    fn splat(&mut self, ty: Type) {
        let x = self.pop();
        let x = self.lane_operand(x, ty.lane_type());
        let v = self.builder.ins().splat(ty, x);
        self.push_vec(v);
    }

    /// The wasm scalar operand `x` as a value of `lane` type.
    fn lane_operand(&mut self, x: Value, lane: Type) -> Value {
        if lane == I8 || lane == I16 {
            self.builder.ins().ireduce(lane, x)
        } else {
            x
        }
    }

    fn extract_lane(&mut self, ty: Type, lane: u8, ext: Option<LaneExt>) {
        let a = self.pop_vec(ty);
        let x = self.builder.ins().extractlane(a, lane);
        let v = match ext {
            None => x,
            Some(LaneExt::Signed) => self.builder.ins().sextend(I32, x),
            Some(LaneExt::Unsigned) => self.builder.ins().uextend(I32, x),
        };
        self.push(v);
    }

    fn replace_lane(&mut self, ty: Type, lane: u8) {
        let x = self.pop();
        let a = self.pop_vec(ty);
        let x = self.lane_operand(x, ty.lane_type());
        let v = self.builder.ins().insertlane(a, x, lane);
        self.push_vec(v);
    }

    /// A load of `size` bytes at the popped address; `f` emits it given the
    /// address and the static offset, and returns a vector of any lane type.
    fn vec_load(
        &mut self,
        memarg: &MemArg,
        size: u32,
        f: impl FnOnce(&mut FunctionBuilder<'b>, Value, i32) -> Value,
    ) {
        let (addr, off) = self.heap_addr(memarg, size);
        let v = f(&mut self.builder, addr, off);
        self.push_vec(v);
    }

    /// Loads one lane's worth and splats it into a `ty` vector.
    fn load_splat(&mut self, memarg: &MemArg, ty: Type) {
        let lane = ty.lane_type();
        self.vec_load(memarg, lane.bytes(), |b, p, o| {
            let x = b.ins().load(lane, heap_flags(), p, o);
            b.ins().splat(ty, x)
        });
    }

    /// Loads one lane's worth into lane 0 of a `ty` vector, zeroing the rest.
    fn load_zero(&mut self, memarg: &MemArg, ty: Type) {
        let lane = ty.lane_type();
        self.vec_load(memarg, lane.bytes(), |b, p, o| {
            let x = b.ins().load(lane, heap_flags(), p, o);
            b.ins().scalar_to_vector(ty, x)
        });
    }

    /// Loads one lane's worth into lane `lane` of the popped vector.
    fn load_lane(&mut self, memarg: &MemArg, ty: Type, lane: u8) {
        let a = self.pop_vec(ty);
        let lane_ty = ty.lane_type();
        self.vec_load(memarg, lane_ty.bytes(), |b, p, o| {
            let x = b.ins().load(lane_ty, heap_flags(), p, o);
            b.ins().insertlane(a, x, lane)
        });
    }

    /// Stores lane `lane` of the popped vector.
    fn store_lane(&mut self, memarg: &MemArg, ty: Type, lane: u8) {
        let a = self.pop_vec(ty);
        let (addr, off) = self.heap_addr(memarg, ty.lane_type().bytes());
        let x = self.builder.ins().extractlane(a, lane);
        self.builder.ins().store(heap_flags(), x, addr, off);
    }
}
