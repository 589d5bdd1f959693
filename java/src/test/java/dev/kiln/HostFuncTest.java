package dev.kiln;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link HostFunc}: wasm calling Java, and Java exceptions coming back unchanged. */
class HostFuncTest {
    private final Engine engine = new Engine();
    private final Store<Void> store = new Store<>(engine);
    private final Linker<Void> linker = new Linker<>(engine);

    @AfterEach
    void close() {
        linker.close();
        store.close();
        engine.close();
    }

    private Instance instantiate(String wat) {
        try (Module module = Module.fromText(engine, wat)) {
            return linker.instantiate(store, module);
        }
    }

    /** A module that imports {@code env.f} of type {@code sig} and exports {@code run} calling it. */
    private Instance callerOf(String params, String results, String body) {
        return instantiate(
                "(module (import \"env\" \"f\" (func $f " + params + " " + results + "))"
                        + " (func (export \"run\") " + params + " " + results + " " + body + "))");
    }

    @Test
    void everyTypedFactoryIsCalledWithItsArguments() {
        List<Object> seen = new ArrayList<>();
        linker.define("a", "toVoid", HostFunc.toVoid(() -> seen.add("run")));
        linker.define("a", "toI32", HostFunc.toI32(() -> -1));
        linker.define("a", "toI64", HostFunc.toI64(() -> 1L << 40));
        linker.define("a", "i32ToVoid", HostFunc.i32ToVoid(seen::add));
        linker.define("a", "i64ToVoid", HostFunc.i64ToVoid(seen::add));
        linker.define("a", "i32ToI32", HostFunc.i32ToI32(x -> x + 1));
        linker.define("a", "i32i32ToI32", HostFunc.i32i32ToI32((x, y) -> x - y));
        linker.define("a", "i64ToI64", HostFunc.i64ToI64(x -> x * 3));
        linker.define("a", "i64i64ToI64", HostFunc.i64i64ToI64((x, y) -> x / y));
        linker.define("a", "f64ToF64", HostFunc.f64ToF64(Math::sqrt));
        linker.define("a", "f64f64ToF64", HostFunc.f64f64ToF64(Math::pow));
        Instance instance =
                instantiate(
                        "(module"
                                + " (import \"a\" \"toVoid\" (func $toVoid))"
                                + " (import \"a\" \"toI32\" (func $toI32 (result i32)))"
                                + " (import \"a\" \"toI64\" (func $toI64 (result i64)))"
                                + " (import \"a\" \"i32ToVoid\" (func $i32ToVoid (param i32)))"
                                + " (import \"a\" \"i64ToVoid\" (func $i64ToVoid (param i64)))"
                                + " (import \"a\" \"i32ToI32\" (func $i32ToI32 (param i32) (result i32)))"
                                + " (import \"a\" \"i32i32ToI32\" (func $i32i32ToI32 (param i32 i32) (result i32)))"
                                + " (import \"a\" \"i64ToI64\" (func $i64ToI64 (param i64) (result i64)))"
                                + " (import \"a\" \"i64i64ToI64\" (func $i64i64ToI64 (param i64 i64) (result i64)))"
                                + " (import \"a\" \"f64ToF64\" (func $f64ToF64 (param f64) (result f64)))"
                                + " (import \"a\" \"f64f64ToF64\" (func $f64f64ToF64 (param f64 f64) (result f64)))"
                                + " (func (export \"void\") (call $toVoid) (call $i32ToVoid (i32.const 7))"
                                + "   (call $i64ToVoid (i64.const -8)))"
                                + " (func (export \"toI32\") (result i32) (call $toI32))"
                                + " (func (export \"toI64\") (result i64) (call $toI64))"
                                + " (func (export \"i32ToI32\") (param i32) (result i32) (call $i32ToI32 (local.get 0)))"
                                + " (func (export \"i32i32ToI32\") (param i32 i32) (result i32)"
                                + "   (call $i32i32ToI32 (local.get 0) (local.get 1)))"
                                + " (func (export \"i64ToI64\") (param i64) (result i64) (call $i64ToI64 (local.get 0)))"
                                + " (func (export \"i64i64ToI64\") (param i64 i64) (result i64)"
                                + "   (call $i64i64ToI64 (local.get 0) (local.get 1)))"
                                + " (func (export \"f64ToF64\") (param f64) (result f64) (call $f64ToF64 (local.get 0)))"
                                + " (func (export \"f64f64ToF64\") (param f64 f64) (result f64)"
                                + "   (call $f64f64ToF64 (local.get 0) (local.get 1))))");
        instance.getTypedFunc("void").call();
        assertEquals(List.of("run", 7, -8L), seen);
        assertEquals(-1, instance.getTypedFunc("toI32").callToI32());
        assertEquals(1L << 40, instance.getTypedFunc("toI64").callToI64());
        assertEquals(Integer.MIN_VALUE, instance.getTypedFunc("i32ToI32").callI32ToI32(Integer.MAX_VALUE));
        assertEquals(-1, instance.getTypedFunc("i32i32ToI32").callI32I32ToI32(2, 3));
        assertEquals(3L << 40, instance.getTypedFunc("i64ToI64").callI64ToI64(1L << 40));
        assertEquals(-3L, instance.getTypedFunc("i64i64ToI64").callI64I64ToI64(-7, 2));
        assertEquals(1.5, instance.getTypedFunc("f64ToF64").callF64ToF64(2.25));
        assertEquals(1024.0, instance.getTypedFunc("f64f64ToF64").callF64F64ToF64(2, 10));
    }

    @Test
    void genericCallbackSeesValsAndTheCallersMemory() {
        List<String> logged = new ArrayList<>();
        linker.func(
                "env",
                "log",
                FuncType.of(List.of(ValType.I32, ValType.I32), List.of(ValType.I64, ValType.F32)),
                (caller, args) -> {
                    Memory memory = caller.getMemory("memory");
                    logged.add(memory.readString(args[0].i32(), args[1].i32()));
                    assertEquals(Optional.empty(), caller.getExport("nothing"));
                    assertEquals(
                            "the export name must not be null",
                            assertThrows(IllegalArgumentException.class, () -> caller.getExport(null)).getMessage());
                    return new Val[] {Val.i64(args[1].i32() * 10L), Val.f32(0.5f)};
                });
        Instance instance =
                instantiate(
                        "(module (import \"env\" \"log\" (func $log (param i32 i32) (result i64 f32)))"
                                + " (memory (export \"memory\") 1) (data (i32.const 8) \"héllo\")"
                                + " (func (export \"run\") (result i64 f32) (call $log (i32.const 8) (i32.const 6))))");
        Val[] out = instance.getFunc("run").call();
        assertEquals(List.of("héllo"), logged);
        assertEquals(60L, out[0].i64());
        assertEquals(0.5f, out[1].f32());
    }

    @Test
    void rawCallbackReadsAndWritesSlotsInPlace() {
        linker.define(
                "env",
                "f",
                HostFunc.raw(
                        FuncType.of(
                                List.of(ValType.I32, ValType.I64, ValType.F32, ValType.F64),
                                List.of(ValType.F64, ValType.I32)),
                        (caller, slots) -> {
                            double sum = slots.getI32(0) + slots.getI64(1) + slots.getF32(2) + slots.getF64(3);
                            slots.setF64(0, sum);
                            slots.setI32(1, 4);
                        }));
        Instance instance =
                callerOf(
                        "(param i32 i64 f32 f64)",
                        "(result f64 i32)",
                        "(call $f (local.get 0) (local.get 1) (local.get 2) (local.get 3))");
        Val[] out = instance.getFunc("run").call(1, 2L, 0.5f, 0.25);
        assertEquals(3.75, out[0].f64());
        assertEquals(4, out[1].i32());
    }

    @Test
    void rawCallbackRefusesReferenceTypes() {
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> HostFunc.raw(FuncType.of(List.of(ValType.EXTERNREF), List.of()), (c, s) -> {}));
        assertEquals(
                "a raw host function's type has only numbers and vectors, not (func (param externref) (result ))",
                e.getMessage());
    }

    @Test
    void externrefsPassThroughHostFunctionsAsTheSameObjects() {
        Object token = new Object();
        Object[] seen = new Object[1];
        linker.func(
                "env",
                "f",
                FuncType.of(List.of(ValType.EXTERNREF), List.of(ValType.EXTERNREF)),
                (caller, args) -> {
                    seen[0] = args[0].externref();
                    return new Val[] {Val.externref(List.of(args[0].externref()))};
                });
        Instance instance = callerOf("(param externref)", "(result externref)", "(call $f (local.get 0))");
        Object out = instance.getFunc("run").call(token)[0].externref();
        assertSame(token, seen[0]);
        assertEquals(List.of(token), out);
        assertSame(token, ((List<?>) out).get(0));
    }

    @Test
    void wrongNumberOfResultsIsAnError() {
        linker.func("env", "f", FuncType.of(List.of(), List.of(ValType.I32)), (caller, args) -> new Val[0]);
        Instance instance = callerOf("", "(result i32)", "(call $f)");
        KilnException e = assertThrows(KilnException.class, () -> instance.getFunc("run").call());
        assertEquals("the host function returned 0 values, but its type has 1 results", e.getMessage());
        assertEquals(KilnException.class, e.getClass());
    }

    @Test
    void wrongResultTypeIsAnIllegalArgument() {
        linker.func(
                "env", "f", FuncType.of(List.of(), List.of(ValType.I32)), (caller, args) -> new Val[] {Val.i64(1)});
        Instance instance = callerOf("", "(result i32)", "(call $f)");
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> instance.getFunc("run").call());
        assertEquals("expected a value of type i32, got i64", e.getMessage());
    }

    @Test
    void runtimeExceptionComesBackAsTheSameObjectFromCallAndTypedFunc() {
        IllegalStateException boom = new IllegalStateException("boom");
        linker.define("env", "f", HostFunc.i32ToI32(x -> {
            if (x < 0) {
                throw boom;
            }
            return x;
        }));
        Instance instance = callerOf("(param i32)", "(result i32)", "(call $f (local.get 0))");
        assertSame(boom, assertThrows(IllegalStateException.class, () -> instance.getFunc("run").call(-1)));
        assertSame(boom, assertThrows(IllegalStateException.class, () -> instance.getTypedFunc("run").callI32ToI32(-1)));
        assertSame(
                boom,
                assertThrows(
                        IllegalStateException.class,
                        () -> instance.getTypedFunc("run").asIntUnaryOperator().applyAsInt(-1)));
        assertEquals(5, instance.getTypedFunc("run").callI32ToI32(5));
    }

    @Test
    void checkedExceptionFromAGenericCallbackComesBackAsTheSameObject() {
        IOException io = new IOException("disk on fire");
        linker.func("env", "f", FuncType.of(List.of(), List.of()), (caller, args) -> {
            throw io;
        });
        Instance instance = callerOf("", "", "(call $f)");
        Exception thrown = assertThrows(Exception.class, () -> instance.getFunc("run").call());
        assertSame(io, thrown);
        assertSame(io, assertThrows(Exception.class, () -> instance.getTypedFunc("run").call()));
    }

    @Test
    void errorsComeBackAsTheSameObject() {
        StackOverflowError error = new StackOverflowError("not really");
        linker.define("env", "f", HostFunc.toVoid(() -> {
            throw error;
        }));
        Instance instance = callerOf("", "", "(call $f)");
        assertSame(error, assertThrows(StackOverflowError.class, () -> instance.getTypedFunc("run").call()));
    }

    @Test
    void exceptionFromTheStartFunctionComesOutOfInstantiate() {
        IOException io = new IOException("start failed");
        linker.func("env", "f", FuncType.of(List.of(), List.of()), (caller, args) -> {
            throw io;
        });
        try (Module module =
                Module.fromText(engine, "(module (import \"env\" \"f\" (func $f)) (start $f))")) {
            Exception thrown = assertThrows(Exception.class, () -> linker.instantiate(store, module));
            assertSame(io, thrown);
            Func f = Func.of(store, HostFunc.<Void>toVoid(() -> {
                throw new UnsupportedOperationException("by position");
            }));
            UnsupportedOperationException byPosition =
                    assertThrows(UnsupportedOperationException.class, () -> new Instance(store, module, f));
            assertEquals("by position", byPosition.getMessage());
        }
    }

    @Test
    void exceptionsCrossNestedWasmAndJavaCalls() {
        // run -> host "outer" -> wasm "inner" -> host "leaf", which throws.
        IOException leafFailure = new IOException("leaf");
        int[] depth = new int[1];
        linker.func("env", "leaf", FuncType.of(List.of(ValType.I32), List.of(ValType.I32)), (caller, args) -> {
            depth[0]++;
            if (args[0].i32() == 0) {
                throw leafFailure;
            }
            return new Val[] {Val.i32(args[0].i32() * 2)};
        });
        linker.func("env", "outer", FuncType.of(List.of(ValType.I32), List.of(ValType.I32)), (caller, args) -> {
            int inner = caller.getFunc("inner").typed().callI32ToI32(args[0].i32());
            return new Val[] {Val.i32(inner + 1)};
        });
        Instance instance =
                instantiate(
                        "(module (import \"env\" \"leaf\" (func $leaf (param i32) (result i32)))"
                                + " (import \"env\" \"outer\" (func $outer (param i32) (result i32)))"
                                + " (func (export \"inner\") (param i32) (result i32) (call $leaf (local.get 0)))"
                                + " (func (export \"run\") (param i32) (result i32) (call $outer (local.get 0))))");
        assertEquals(11, instance.getTypedFunc("run").callI32ToI32(5));
        assertSame(leafFailure, assertThrows(IOException.class, () -> instance.getFunc("run").call(0)));
        assertSame(leafFailure, assertThrows(Exception.class, () -> instance.getTypedFunc("run").callI32ToI32(0)));
        assertEquals(3, depth[0]);
        assertEquals(7, instance.getTypedFunc("run").callI32ToI32(3));
    }

    @Test
    void aHostExceptionCaughtInJavaLetsTheOuterCallGoOn() {
        RuntimeException inner = new RuntimeException("inner");
        linker.define("env", "leaf", HostFunc.toVoid(() -> {
            throw inner;
        }));
        linker.func("env", "outer", FuncType.of(List.of(), List.of(ValType.I32)), (caller, args) -> {
            try {
                caller.getFunc("inner").call();
                return new Val[] {Val.i32(0)};
            } catch (RuntimeException e) {
                return new Val[] {Val.i32(e == inner ? 1 : 2)};
            }
        });
        Instance instance =
                instantiate(
                        "(module (import \"env\" \"leaf\" (func $leaf)) (import \"env\" \"outer\" (func $outer (result i32)))"
                                + " (func (export \"inner\") (call $leaf))"
                                + " (func (export \"run\") (result i32) (call $outer)))");
        assertEquals(1, instance.getTypedFunc("run").callToI32());
    }

    @Test
    void callerHasNoInstanceOutsideAHostCall() {
        Throwable[] seen = new Throwable[1];
        Func f = Func.of(store, HostFunc.of(FuncType.of(List.of(), List.of()), (caller, args) -> {
            try {
                caller.getExport("x");
            } catch (IllegalStateException e) {
                seen[0] = e;
            }
            return null;
        }));
        f.call();
        assertEquals(
                "the caller has no instance: its host function was called by the host, or has returned",
                seen[0].getMessage());
    }

    @Test
    void hostFunctionsOfManyValuesGrowTheSlots() {
        List<ValType> twenty = java.util.Collections.nCopies(20, ValType.I64);
        linker.define("env", "f", HostFunc.raw(FuncType.of(twenty, twenty), (caller, slots) -> {
            long[] args = new long[20];
            for (int i = 0; i < 20; i++) {
                args[i] = slots.getI64(i);
            }
            for (int i = 0; i < 20; i++) {
                slots.setI64(i, args[19 - i] * 10);
            }
        }));
        StringBuilder params = new StringBuilder();
        StringBuilder gets = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            params.append(" i64");
            gets.append(" (local.get ").append(i).append(')');
        }
        Instance instance =
                callerOf("(param" + params + ")", "(result" + params + ")", "(call $f" + gets + ")");
        Object[] args = new Object[20];
        for (int i = 0; i < 20; i++) {
            args[i] = (long) i;
        }
        Val[] out = instance.getFunc("run").call(args);
        for (int i = 0; i < 20; i++) {
            assertEquals((19L - i) * 10, out[i].i64());
        }
    }

    @Test
    void v128PassesThroughAGenericHostFunction() {
        linker.func("env", "f", FuncType.of(List.of(ValType.V128), List.of(ValType.V128)), (caller, args) ->
                new Val[] {Val.v128(args[0].v128High(), args[0].v128Low())});
        Instance instance = callerOf("(param v128)", "(result v128)", "(call $f (local.get 0))");
        assertEquals(Val.v128(2, 1), instance.getFunc("run").call(Val.v128(1, 2))[0]);
    }

    @Test
    void hostFunctionsOfReferencesAreCalledFromJavaToo() {
        Object token = new Object();
        Func identity = Func.of(store, HostFunc.<Void>of(
                FuncType.of(List.of(ValType.EXTERNREF, ValType.I32), List.of(ValType.I32, ValType.EXTERNREF)),
                (caller, args) -> new Val[] {Val.i32(args[1].i32() + 1), args[0]}));
        Val[] out = identity.call(token, 41);
        assertEquals(42, out[0].i32());
        assertSame(token, out[1].externref());
    }

    @Test
    void callerSeesTheInstanceDuringItsStartFunction() {
        List<String> seen = new ArrayList<>();
        linker.func("env", "f", FuncType.of(List.of(), List.of()), (caller, args) -> {
            seen.add(caller.getMemory("memory").readString(0, 5));
            return new Val[0];
        });
        instantiate(
                "(module (import \"env\" \"f\" (func $f)) (memory (export \"memory\") 1)"
                        + " (data (i32.const 0) \"start\") (start $f))");
        assertEquals(List.of("start"), seen);
    }

    @Test
    void aTrapInNestedWasmComesBackAsTheSameTrapException() {
        TrapException[] inner = new TrapException[1];
        linker.func("env", "f", FuncType.of(List.of(), List.of()), (caller, args) -> {
            try {
                caller.getFunc("boom").call();
            } catch (TrapException e) {
                inner[0] = e;
                throw e;
            }
            return new Val[0];
        });
        Instance instance =
                instantiate(
                        "(module (import \"env\" \"f\" (func $f)) (func (export \"boom\") unreachable)"
                                + " (func (export \"run\") (call $f)))");
        TrapException outer = assertThrows(TrapException.class, () -> instance.getFunc("run").call());
        assertSame(inner[0], outer);
        assertEquals(TrapCode.UNREACHABLE, outer.code());
    }

    @Test
    void deeplyNestedWasmAndJavaCallsUnwindCleanly() {
        linker.func("env", "f", FuncType.of(List.of(ValType.I32), List.of(ValType.I32)), (caller, args) -> {
            int n = args[0].i32();
            if (n == 0) {
                throw new ArithmeticException("bottom");
            }
            return new Val[] {Val.i32(1 + caller.getFunc("run").typed().callI32ToI32(n - 1))};
        });
        Instance instance = callerOf("(param i32)", "(result i32)", "(call $f (local.get 0))");
        ArithmeticException e =
                assertThrows(ArithmeticException.class, () -> instance.getTypedFunc("run").callI32ToI32(50));
        assertEquals("bottom", e.getMessage());
        // The wasm stack limit counts the Java frames between nested calls too (about 150 levels
        // fit in the default 512 KiB): deeper nesting is a stack-overflow trap, not a crash.
        TrapException deep =
                assertThrows(TrapException.class, () -> instance.getTypedFunc("run").callI32ToI32(1000));
        assertEquals(TrapCode.STACK_OVERFLOW, deep.code());
        assertThrows(ArithmeticException.class, () -> instance.getTypedFunc("run").callI32ToI32(5));
    }

    @Test
    void hostFunctionsOutliveTheirLinker() {
        Linker<Void> own = new Linker<>(engine);
        own.define("env", "f", HostFunc.i32ToI32(x -> x * 3));
        Instance instance;
        try (Module module =
                Module.fromText(engine, "(module (import \"env\" \"f\" (func $f (param i32) (result i32)))"
                        + " (func (export \"run\") (param i32) (result i32) (call $f (local.get 0))))")) {
            instance = own.instantiate(store, module);
        }
        own.close();
        System.gc();
        assertEquals(21, instance.getTypedFunc("run").callI32ToI32(7));
    }

    @Test
    void aHostFunctionOfOneStoreCallsIntoAnother() {
        try (Store<Void> other = new Store<>(engine);
                Linker<Void> otherLinker = new Linker<>(engine);
                Module inner =
                        Module.fromText(
                                engine,
                                "(module (import \"env\" \"f\" (func $f (param i32) (result i32)))"
                                        + " (func (export \"run\") (param i32) (result i32)"
                                        + "   (i32.mul (call $f (local.get 0)) (i32.const 10))))")) {
            otherLinker.define("env", "f", HostFunc.i32ToI32(x -> x + 1));
            TypedFunc innerRun = otherLinker.instantiate(other, inner).getTypedFunc("run");
            linker.define("env", "f", HostFunc.i32ToI32(innerRun::callI32ToI32));
            Instance outer = callerOf("(param i32)", "(result i32)", "(call $f (local.get 0))");
            assertEquals(50, outer.getTypedFunc("run").callI32ToI32(4));
            assertEquals(60, innerRun.callI32ToI32(5));
        }
    }

    @Test
    void nullTypeIsRefused() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> HostFunc.of(null, (c, a) -> a));
        assertEquals("a host function's type must not be null", e.getMessage());
    }
}
