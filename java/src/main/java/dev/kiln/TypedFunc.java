package dev.kiln;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.function.DoubleBinaryOperator;
import java.util.function.IntBinaryOperator;
import java.util.function.IntUnaryOperator;
import java.util.function.LongBinaryOperator;
import java.util.function.LongSupplier;
import java.util.function.LongUnaryOperator;

/**
 * A function's fast path: calls with primitive arguments and results, no boxing and no allocation.
 * Each {@code callXToY} method is for one signature, named by its parameter and result types, and
 * throws {@link IllegalArgumentException} when the function's type is another.
 *
 * <pre>{@code
 * TypedFunc add = instance.getFunc("add").typed();
 * int sum = add.callI32I32ToI32(2, 3);
 * IntBinaryOperator op = add.asIntBinaryOperator();
 * }</pre>
 *
 * <p>Functions with up to four number parameters and at most one result pass them in registers;
 * others go through the store's slots.
 */
public final class TypedFunc {
    static {
        Native.load();
    }

    private final Func func;
    private final Store<?> store;
    private final FuncType type;
    /** The native {@code RawFunc}, or 0 for a function called through {@link Func#call}. */
    private final long raw;
    /** The signature as a number ({@link #signature}), compared by each call method. */
    private final long signature;

    TypedFunc(Func func, FuncType type, long raw) {
        this.func = func;
        this.store = func.store;
        this.type = type;
        this.raw = raw;
        this.signature = signature(type.params(), type.results());
    }

    private static final int NONE = 7;

    private static long signature(List<ValType> params, List<ValType> results) {
        if (params.size() > 4 || results.size() > 1) {
            return -1;
        }
        long s = 0;
        for (int i = 0; i < 4; i++) {
            s = (s << 3) | (i < params.size() ? params.get(i).ordinal() : NONE);
        }
        return (s << 3) | (results.isEmpty() ? NONE : results.get(0).ordinal());
    }

    private static long sig(ValType... types) {
        int n = types.length - 1;
        long s = 0;
        for (int i = 0; i < 4; i++) {
            s = (s << 3) | (i < n ? types[i].ordinal() : NONE);
        }
        return (s << 3) | (types[n] == null ? NONE : types[n].ordinal());
    }

    private static final ValType I32 = ValType.I32;
    private static final ValType I64 = ValType.I64;
    private static final ValType F32 = ValType.F32;
    private static final ValType F64 = ValType.F64;
    private static final long V_V = sig((ValType) null);
    private static final long V_I32 = sig(I32);
    private static final long V_I64 = sig(I64);
    private static final long V_F32 = sig(F32);
    private static final long V_F64 = sig(F64);
    private static final long I32_V = sig(I32, null);
    private static final long I64_V = sig(I64, null);
    private static final long I32I32_V = sig(I32, I32, null);
    private static final long I32_I32 = sig(I32, I32);
    private static final long I32_I64 = sig(I32, I64);
    private static final long I64_I32 = sig(I64, I32);
    private static final long I32I32_I32 = sig(I32, I32, I32);
    private static final long I32I32I32_I32 = sig(I32, I32, I32, I32);
    private static final long I64_I64 = sig(I64, I64);
    private static final long I64I64_I64 = sig(I64, I64, I64);
    private static final long F32_F32 = sig(F32, F32);
    private static final long F32F32_F32 = sig(F32, F32, F32);
    private static final long F64_F64 = sig(F64, F64);
    private static final long F64F64_F64 = sig(F64, F64, F64);

    /** The function this calls. */
    public Func func() {
        return func;
    }

    /** The function's type. */
    public FuncType type() {
        return type;
    }

    private void expect(long wanted, String name) {
        if (signature != wanted) {
            throw new IllegalArgumentException(
                    name + " does not fit the function's type " + type);
        }
    }

    /** Calls with up to four arguments as raw bits; returns the result's raw bits. */
    private long call(long a, long b, long c, long d) {
        long h = store.enter();
        try {
            if (raw != 0) {
                return call4(store, h, raw, a, b, c, d);
            }
            // A host function: through the slots.
            int n = Math.max(type.params().size(), type.results().size());
            ByteBuffer slots = store.slots(n);
            long[] args = {a, b, c, d};
            for (int i = 0; i < type.params().size(); i++) {
                slots.putLong(16 * i, args[i]);
            }
            Func.call(store, h, func.number, null);
            return type.results().isEmpty() ? 0 : store.slots.getLong(0);
        } finally {
            store.exit();
        }
    }

    private static long bits(float f) {
        return Float.floatToRawIntBits(f) & 0xffffffffL;
    }

    private static long bits(double d) {
        return Double.doubleToRawLongBits(d);
    }

    /** {@code () -> ()}. */
    public void call() {
        expect(V_V, "call()");
        call(0, 0, 0, 0);
    }

    /** {@code () -> i32}. */
    public int callToI32() {
        expect(V_I32, "callToI32");
        return (int) call(0, 0, 0, 0);
    }

    /** {@code () -> i64}. */
    public long callToI64() {
        expect(V_I64, "callToI64");
        return call(0, 0, 0, 0);
    }

    /** {@code () -> f32}. */
    public float callToF32() {
        expect(V_F32, "callToF32");
        return Float.intBitsToFloat((int) call(0, 0, 0, 0));
    }

    /** {@code () -> f64}. */
    public double callToF64() {
        expect(V_F64, "callToF64");
        return Double.longBitsToDouble(call(0, 0, 0, 0));
    }

    /** {@code (i32) -> ()}. */
    public void callI32(int a) {
        expect(I32_V, "callI32");
        call(a, 0, 0, 0);
    }

    /** {@code (i64) -> ()}. */
    public void callI64(long a) {
        expect(I64_V, "callI64");
        call(a, 0, 0, 0);
    }

    /** {@code (i32, i32) -> ()}. */
    public void callI32I32(int a, int b) {
        expect(I32I32_V, "callI32I32");
        call(a, b, 0, 0);
    }

    /** {@code (i32) -> i32}. */
    public int callI32ToI32(int a) {
        expect(I32_I32, "callI32ToI32");
        return (int) call(a, 0, 0, 0);
    }

    /** {@code (i32) -> i64}. */
    public long callI32ToI64(int a) {
        expect(I32_I64, "callI32ToI64");
        return call(a, 0, 0, 0);
    }

    /** {@code (i64) -> i32}. */
    public int callI64ToI32(long a) {
        expect(I64_I32, "callI64ToI32");
        return (int) call(a, 0, 0, 0);
    }

    /** {@code (i32, i32) -> i32}. */
    public int callI32I32ToI32(int a, int b) {
        expect(I32I32_I32, "callI32I32ToI32");
        return (int) call(a, b, 0, 0);
    }

    /** {@code (i32, i32, i32) -> i32}. */
    public int callI32I32I32ToI32(int a, int b, int c) {
        expect(I32I32I32_I32, "callI32I32I32ToI32");
        return (int) call(a, b, c, 0);
    }

    /** {@code (i64) -> i64}. */
    public long callI64ToI64(long a) {
        expect(I64_I64, "callI64ToI64");
        return call(a, 0, 0, 0);
    }

    /** {@code (i64, i64) -> i64}. */
    public long callI64I64ToI64(long a, long b) {
        expect(I64I64_I64, "callI64I64ToI64");
        return call(a, b, 0, 0);
    }

    /** {@code (f32) -> f32}. */
    public float callF32ToF32(float a) {
        expect(F32_F32, "callF32ToF32");
        return Float.intBitsToFloat((int) call(bits(a), 0, 0, 0));
    }

    /** {@code (f32, f32) -> f32}. */
    public float callF32F32ToF32(float a, float b) {
        expect(F32F32_F32, "callF32F32ToF32");
        return Float.intBitsToFloat((int) call(bits(a), bits(b), 0, 0));
    }

    /** {@code (f64) -> f64}. */
    public double callF64ToF64(double a) {
        expect(F64_F64, "callF64ToF64");
        return Double.longBitsToDouble(call(bits(a), 0, 0, 0));
    }

    /** {@code (f64, f64) -> f64}. */
    public double callF64F64ToF64(double a, double b) {
        expect(F64F64_F64, "callF64F64ToF64");
        return Double.longBitsToDouble(call(bits(a), bits(b), 0, 0));
    }

    /** This {@code (i32, i32) -> i32} function as an {@link IntBinaryOperator}. */
    public IntBinaryOperator asIntBinaryOperator() {
        expect(I32I32_I32, "asIntBinaryOperator");
        return this::callI32I32ToI32;
    }

    /** This {@code (i32) -> i32} function as an {@link IntUnaryOperator}. */
    public IntUnaryOperator asIntUnaryOperator() {
        expect(I32_I32, "asIntUnaryOperator");
        return this::callI32ToI32;
    }

    /** This {@code (i64, i64) -> i64} function as a {@link LongBinaryOperator}. */
    public LongBinaryOperator asLongBinaryOperator() {
        expect(I64I64_I64, "asLongBinaryOperator");
        return this::callI64I64ToI64;
    }

    /** This {@code (i64) -> i64} function as a {@link LongUnaryOperator}. */
    public LongUnaryOperator asLongUnaryOperator() {
        expect(I64_I64, "asLongUnaryOperator");
        return this::callI64ToI64;
    }

    /** This {@code () -> i64} function as a {@link LongSupplier}. */
    public LongSupplier asLongSupplier() {
        expect(V_I64, "asLongSupplier");
        return this::callToI64;
    }

    /** This {@code (f64, f64) -> f64} function as a {@link DoubleBinaryOperator}. */
    public DoubleBinaryOperator asDoubleBinaryOperator() {
        expect(F64F64_F64, "asDoubleBinaryOperator");
        return this::callF64F64ToF64;
    }

    private static native long call4(
            Store<?> store, long handle, long raw, long a, long b, long c, long d);
}
