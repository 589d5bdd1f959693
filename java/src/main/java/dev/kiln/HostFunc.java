package dev.kiln;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;
import java.util.function.IntBinaryOperator;
import java.util.function.IntConsumer;
import java.util.function.IntSupplier;
import java.util.function.IntUnaryOperator;
import java.util.function.LongBinaryOperator;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;
import java.util.function.LongUnaryOperator;

/**
 * A function written in Java that wasm can call: give it to {@link Linker#define(String, String,
 * HostFunc)} or {@link Func#of}.
 *
 * <pre>{@code
 * linker.define("env", "add", HostFunc.i32i32ToI32((a, b) -> a + b));      // typed, no boxing
 * linker.define("env", "log", HostFunc.of(
 *         FuncType.of(List.of(ValType.I32, ValType.I32), List.of()),
 *         (caller, args) -> {                                                // any type
 *             Memory memory = caller.getMemory("memory");
 *             System.out.println(memory.readString(args[0].i32(), args[1].i32()));
 *             return new Val[0];
 *         }));
 * }</pre>
 *
 * <p>An exception thrown by a host function stops the wasm that called it and is thrown again,
 * the same object, by the call that entered wasm.
 *
 * @param <T> the type of the store's host data the function sees through its {@link Caller}
 */
public abstract class HostFunc<T> {
    private final FuncType type;

    HostFunc(FuncType type) {
        if (type == null) {
            throw new IllegalArgumentException("a host function's type must not be null");
        }
        this.type = type;
    }

    /** The function's type. */
    public FuncType type() {
        return type;
    }

    /**
     * Runs the function for wasm: its arguments are in the store's slots (and {@code refs}), and
     * its results go back there.
     */
    abstract void invoke(Store<T> store, Object[] refs) throws Throwable;

    /**
     * Called by the native library for a function of numbers. Returns 1 once the function has run:
     * JNI returns 0 when it throws, so the native side checks for an exception only then.
     */
    final int callNumeric(Store<T> store) throws Throwable {
        invoke(store, null);
        return 1;
    }

    /** Called by the native library for a function with references; returns 1 as {@link #callNumeric}. */
    final int call(Store<T> store, Object[] refs) throws Throwable {
        invoke(store, refs);
        return 1;
    }

    /** A host function of any type, with values boxed as {@link Val}s. */
    @FunctionalInterface
    public interface Callback<T> {
        /** Returns one value per result type. */
        Val[] call(Caller<T> caller, Val[] args) throws Exception;
    }

    /** A host function of numbers that reads its arguments and writes its results in place. */
    @FunctionalInterface
    public interface RawCallback<T> {
        /**
         * Reads argument {@code i} with {@code slots.getI32(i)} (and the like) and writes result
         * {@code i} with {@code slots.setI32(i, value)}; read every argument before writing a
         * result, which may overwrite it.
         */
        void call(Caller<T> caller, Slots slots) throws Exception;
    }

    /** A host function of type {@code type} run by {@code callback}. */
    public static <T> HostFunc<T> of(FuncType type, Callback<T> callback) {
        return new HostFunc<T>(type) {
            @Override
            void invoke(Store<T> store, Object[] refs) throws Throwable {
                List<ValType> params = type.params();
                List<ValType> results = type.results();
                ByteBuffer slots = store.slots;
                Val[] args = new Val[params.size()];
                for (int i = 0; i < args.length; i++) {
                    args[i] = Val.read(params.get(i), store, slots, i, refs);
                }
                Val[] out = callback.call(store.caller(), args);
                if (out == null) {
                    out = new Val[0];
                }
                if (out.length != results.size()) {
                    throw new KilnException(
                            "the host function returned " + out.length
                                    + " values, but its type has " + results.size() + " results");
                }
                slots = store.slots;
                for (int i = 0; i < out.length; i++) {
                    Val.of(out[i], results.get(i)).write(store, slots, i, refs);
                }
            }
        };
    }

    /** A host function of numbers run by {@code callback} on the slots themselves. */
    public static <T> HostFunc<T> raw(FuncType type, RawCallback<T> callback) {
        if (type.hasReferences()) {
            throw new IllegalArgumentException(
                    "a raw host function's type has only numbers and vectors, not " + type);
        }
        return new HostFunc<T>(type) {
            @Override
            void invoke(Store<T> store, Object[] refs) throws Throwable {
                callback.call(store.caller(), store.slotsView());
            }
        };
    }

    private static FuncType type(ValType[] params, ValType... results) {
        return FuncType.of(params, results);
    }

    private static final ValType[] NONE = {};
    private static final ValType[] I32 = {ValType.I32};
    private static final ValType[] I32_I32 = {ValType.I32, ValType.I32};
    private static final ValType[] I64 = {ValType.I64};
    private static final ValType[] I64_I64 = {ValType.I64, ValType.I64};
    private static final ValType[] F64 = {ValType.F64};
    private static final ValType[] F64_F64 = {ValType.F64, ValType.F64};

    /** {@code () -> ()}. */
    public static <T> HostFunc<T> toVoid(Runnable f) {
        return new HostFunc<T>(type(NONE)) {
            @Override
            void invoke(Store<T> store, Object[] refs) {
                f.run();
            }
        };
    }

    /** {@code () -> i32}. */
    public static <T> HostFunc<T> toI32(IntSupplier f) {
        return new HostFunc<T>(type(NONE, ValType.I32)) {
            @Override
            void invoke(Store<T> store, Object[] refs) {
                int r = f.getAsInt();
                store.slots.putInt(0, r);
            }
        };
    }

    /** {@code () -> i64}. */
    public static <T> HostFunc<T> toI64(LongSupplier f) {
        return new HostFunc<T>(type(NONE, ValType.I64)) {
            @Override
            void invoke(Store<T> store, Object[] refs) {
                long r = f.getAsLong();
                store.slots.putLong(0, r);
            }
        };
    }

    /** {@code (i32) -> ()}. */
    public static <T> HostFunc<T> i32ToVoid(IntConsumer f) {
        return new HostFunc<T>(type(I32)) {
            @Override
            void invoke(Store<T> store, Object[] refs) {
                f.accept(store.slots.getInt(0));
            }
        };
    }

    /** {@code (i64) -> ()}. */
    public static <T> HostFunc<T> i64ToVoid(LongConsumer f) {
        return new HostFunc<T>(type(I64)) {
            @Override
            void invoke(Store<T> store, Object[] refs) {
                f.accept(store.slots.getLong(0));
            }
        };
    }

    /** {@code (i32) -> i32}. */
    public static <T> HostFunc<T> i32ToI32(IntUnaryOperator f) {
        return new HostFunc<T>(type(I32, ValType.I32)) {
            @Override
            void invoke(Store<T> store, Object[] refs) {
                int r = f.applyAsInt(store.slots.getInt(0));
                store.slots.putInt(0, r);
            }
        };
    }

    /** {@code (i32, i32) -> i32}. */
    public static <T> HostFunc<T> i32i32ToI32(IntBinaryOperator f) {
        return new HostFunc<T>(type(I32_I32, ValType.I32)) {
            @Override
            void invoke(Store<T> store, Object[] refs) {
                ByteBuffer s = store.slots;
                int r = f.applyAsInt(s.getInt(0), s.getInt(16));
                store.slots.putInt(0, r);
            }
        };
    }

    /** {@code (i64) -> i64}. */
    public static <T> HostFunc<T> i64ToI64(LongUnaryOperator f) {
        return new HostFunc<T>(type(I64, ValType.I64)) {
            @Override
            void invoke(Store<T> store, Object[] refs) {
                long r = f.applyAsLong(store.slots.getLong(0));
                store.slots.putLong(0, r);
            }
        };
    }

    /** {@code (i64, i64) -> i64}. */
    public static <T> HostFunc<T> i64i64ToI64(LongBinaryOperator f) {
        return new HostFunc<T>(type(I64_I64, ValType.I64)) {
            @Override
            void invoke(Store<T> store, Object[] refs) {
                ByteBuffer s = store.slots;
                long r = f.applyAsLong(s.getLong(0), s.getLong(16));
                store.slots.putLong(0, r);
            }
        };
    }

    /** {@code (f64) -> f64}. */
    public static <T> HostFunc<T> f64ToF64(DoubleUnaryOperator f) {
        return new HostFunc<T>(type(F64, ValType.F64)) {
            @Override
            void invoke(Store<T> store, Object[] refs) {
                double r = f.applyAsDouble(store.slots.getDouble(0));
                store.slots.putDouble(0, r);
            }
        };
    }

    /** {@code (f64, f64) -> f64}. */
    public static <T> HostFunc<T> f64f64ToF64(DoubleBinaryOperator f) {
        return new HostFunc<T>(type(F64_F64, ValType.F64)) {
            @Override
            void invoke(Store<T> store, Object[] refs) {
                ByteBuffer s = store.slots;
                double r = f.applyAsDouble(s.getDouble(0), s.getDouble(16));
                store.slots.putDouble(0, r);
            }
        };
    }
}
