package dev.kiln;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link TypedFunc}: every {@code callXToY} shape, wrong shapes, and the functional adapters. */
class TypedFuncTest {
    static final String SHAPES =
            "(module (global $g (export \"g\") (mut i64) (i64.const 0))"
                    + " (func (export \"v_v\") (global.set $g (i64.const 99)))"
                    + " (func (export \"v_i32\") (result i32) (i32.const -7))"
                    + " (func (export \"v_i64\") (result i64) (i64.const 0x7fffffffffffffff))"
                    + " (func (export \"v_f32\") (result f32) (f32.const -1.25))"
                    + " (func (export \"v_f64\") (result f64) (f64.const 6.02e23))"
                    + " (func (export \"i32_v\") (param i32) (global.set $g (i64.extend_i32_s (local.get 0))))"
                    + " (func (export \"i64_v\") (param i64) (global.set $g (local.get 0)))"
                    + " (func (export \"i32i32_v\") (param i32 i32)"
                    + "   (global.set $g (i64.extend_i32_s (i32.sub (local.get 0) (local.get 1)))))"
                    + " (func (export \"i32_i32\") (param i32) (result i32) (i32.mul (local.get 0) (i32.const 3)))"
                    + " (func (export \"i32_i64\") (param i32) (result i64) (i64.extend_i32_u (local.get 0)))"
                    + " (func (export \"i64_i32\") (param i64) (result i32) (i32.wrap_i64 (local.get 0)))"
                    + " (func (export \"i32i32_i32\") (param i32 i32) (result i32) (i32.sub (local.get 0) (local.get 1)))"
                    + " (func (export \"i32i32i32_i32\") (param i32 i32 i32) (result i32)"
                    + "   (i32.add (i32.mul (local.get 0) (local.get 1)) (local.get 2)))"
                    + " (func (export \"i64_i64\") (param i64) (result i64) (i64.sub (i64.const 0) (local.get 0)))"
                    + " (func (export \"i64i64_i64\") (param i64 i64) (result i64) (i64.sub (local.get 0) (local.get 1)))"
                    + " (func (export \"f32_f32\") (param f32) (result f32) (f32.neg (local.get 0)))"
                    + " (func (export \"f32f32_f32\") (param f32 f32) (result f32) (f32.div (local.get 0) (local.get 1)))"
                    + " (func (export \"f64_f64\") (param f64) (result f64) (f64.sqrt (local.get 0)))"
                    + " (func (export \"f64f64_f64\") (param f64 f64) (result f64) (f64.sub (local.get 0) (local.get 1)))"
                    + " (func (export \"two\") (result i32 i32) (i32.const 1) (i32.const 2))"
                    + " (func (export \"five\") (param i32 i32 i32 i32 i32) (result i32) (local.get 4))"
                    + " (func (export \"div\") (param i32 i32) (result i32) (i32.div_u (local.get 0) (local.get 1)))"
                    + " (func (export \"ref\") (param externref) (result i32) (i32.const 1)))";

    private final Engine engine = new Engine();
    private final Store<Void> store = new Store<>(engine);
    private final Module module = Module.fromText(engine, SHAPES);
    private final Instance instance = new Instance(store, module);

    @AfterEach
    void close() {
        module.close();
        store.close();
        engine.close();
    }

    private TypedFunc typed(String name) {
        return instance.getTypedFunc(name);
    }

    private long g() {
        return instance.getGlobal("g").get().i64();
    }

    @Test
    void voidShapes() {
        typed("v_v").call();
        assertEquals(99L, g());
        typed("i32_v").callI32(-5);
        assertEquals(-5L, g());
        typed("i64_v").callI64(Long.MIN_VALUE);
        assertEquals(Long.MIN_VALUE, g());
        typed("i32i32_v").callI32I32(10, 3);
        assertEquals(7L, g());
    }

    @Test
    void noParameterShapes() {
        assertEquals(-7, typed("v_i32").callToI32());
        assertEquals(Long.MAX_VALUE, typed("v_i64").callToI64());
        assertEquals(-1.25f, typed("v_f32").callToF32());
        assertEquals(6.02e23, typed("v_f64").callToF64());
    }

    @Test
    void integerShapes() {
        assertEquals(-21, typed("i32_i32").callI32ToI32(-7));
        assertEquals(4294967295L, typed("i32_i64").callI32ToI64(-1));
        assertEquals(1, typed("i64_i32").callI64ToI32(0x1_0000_0001L));
        assertEquals(7, typed("i32i32_i32").callI32I32ToI32(10, 3));
        assertEquals(Integer.MAX_VALUE, typed("i32i32_i32").callI32I32ToI32(Integer.MIN_VALUE, 1));
        assertEquals(26, typed("i32i32i32_i32").callI32I32I32ToI32(4, 5, 6));
        assertEquals(Long.MIN_VALUE, typed("i64_i64").callI64ToI64(Long.MIN_VALUE));
        assertEquals(-9_007_199_254_740_993L, typed("i64i64_i64").callI64I64ToI64(0, 9_007_199_254_740_993L));
    }

    @Test
    void floatShapes() {
        assertEquals(Float.floatToRawIntBits(-0.0f), Float.floatToRawIntBits(typed("f32_f32").callF32ToF32(0.0f)));
        assertEquals(Float.POSITIVE_INFINITY, typed("f32f32_f32").callF32F32ToF32(1f, 0f));
        assertEquals(1.5f, typed("f32f32_f32").callF32F32ToF32(3f, 2f));
        assertEquals(1.5, typed("f64_f64").callF64ToF64(2.25));
        assertEquals(Double.NaN, typed("f64_f64").callF64ToF64(-1));
        assertEquals(-0.5, typed("f64f64_f64").callF64F64ToF64(1.0, 1.5));
    }

    @Test
    void wrongShapeIsAnIllegalArgument() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> typed("i32i32_i32").callI32ToI32(1));
        assertEquals(
                "callI32ToI32 does not fit the function's type (func (param i32 i32) (result i32))",
                e.getMessage());
        assertEquals(
                "callToI64 does not fit the function's type (func (param ) (result i32))",
                assertThrows(IllegalArgumentException.class, () -> typed("v_i32").callToI64()).getMessage());
        assertEquals(
                "call() does not fit the function's type (func (param ) (result i32 i32))",
                assertThrows(IllegalArgumentException.class, () -> typed("two").call()).getMessage());
        assertEquals(
                "callI32ToI32 does not fit the function's type (func (param i32 i32 i32 i32 i32) (result i32))",
                assertThrows(IllegalArgumentException.class, () -> typed("five").callI32ToI32(1)).getMessage());
        assertEquals(
                "callToI32 does not fit the function's type (func (param externref) (result i32))",
                assertThrows(IllegalArgumentException.class, () -> typed("ref").callToI32()).getMessage());
        assertEquals(
                "asLongSupplier does not fit the function's type (func (param ) (result i32))",
                assertThrows(IllegalArgumentException.class, () -> typed("v_i32").asLongSupplier()).getMessage());
        // The function still runs with the right shape.
        assertEquals(7, typed("i32i32_i32").callI32I32ToI32(10, 3));
    }

    @Test
    void adaptersCallTheFunction() {
        assertEquals(7, typed("i32i32_i32").asIntBinaryOperator().applyAsInt(10, 3));
        assertEquals(9, typed("i32_i32").asIntUnaryOperator().applyAsInt(3));
        assertEquals(-2L, typed("i64i64_i64").asLongBinaryOperator().applyAsLong(1, 3));
        assertEquals(-4L, typed("i64_i64").asLongUnaryOperator().applyAsLong(4));
        assertEquals(Long.MAX_VALUE, typed("v_i64").asLongSupplier().getAsLong());
        assertEquals(0.25, typed("f64f64_f64").asDoubleBinaryOperator().applyAsDouble(1.0, 0.75));
    }

    @Test
    void typedKnowsItsFunctionAndType() {
        Func f = instance.getFunc("i32_i64");
        TypedFunc t = f.typed();
        assertSame(f, t.func());
        assertEquals(FuncType.of(List.of(ValType.I32), List.of(ValType.I64)), t.type());
    }

    @Test
    void hostFunctionsHaveTheFastPathToo() {
        TypedFunc twice = Func.of(store, HostFunc.<Void>i32ToI32(x -> 2 * x)).typed();
        assertEquals(-42, twice.callI32ToI32(-21));
        TypedFunc sum = Func.of(store, HostFunc.<Void>f64f64ToF64(Double::sum)).typed();
        assertEquals(0.5, sum.callF64F64ToF64(0.25, 0.25));
        long[] seen = new long[1];
        Func.of(store, HostFunc.<Void>i64ToVoid(x -> seen[0] = x)).typed().callI64(-3L);
        assertEquals(-3L, seen[0]);
        assertEquals(Long.MIN_VALUE, Func.of(store, HostFunc.<Void>toI64(() -> Long.MIN_VALUE)).typed().callToI64());
    }

    @Test
    void trapsComeThroughTheFastPath() {
        TrapException e = assertThrows(TrapException.class, () -> typed("div").callI32I32ToI32(1, 0));
        assertEquals(TrapCode.INTEGER_DIVISION_BY_ZERO, e.code());
        assertEquals("integer divide by zero", e.getMessage());
        assertEquals(3, typed("div").callI32I32ToI32(7, 2));
    }
}
