package dev.kiln;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Traps: their codes, messages and wasm frames, and the store after them. */
class ErrorsTest {
    static final String TRAPS =
            "(module $demo"
                    + " (type $v (func)) (type $i (func (param i32)))"
                    + " (memory 1) (table 2 funcref) (elem (i32.const 0) $i_fn)"
                    + " (func $i_fn (param i32))"
                    + " (func (export \"unreachable\") unreachable)"
                    + " (func (export \"div\") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))"
                    + " (func (export \"trunc\") (param f32) (result i32) (i32.trunc_f32_s (local.get 0)))"
                    + " (func (export \"load\") (param i32) (result i32) (i32.load (local.get 0)))"
                    + " (func (export \"callIndirect\") (param i32) (call_indirect (type $v) (local.get 0)))"
                    + " (func $r (export \"recurse\") (param i32) (result i32)"
                    + "   (i32.add (i32.const 1) (call $r (local.get 0))))"
                    + " (func $inner (param i32) (result i32) (i32.div_u (i32.const 1) (local.get 0)))"
                    + " (func $middle (param i32) (result i32) (call $inner (local.get 0)))"
                    + " (func $outer (export \"outer\") (param i32) (result i32) (call $middle (local.get 0))))";

    private final Engine engine = new Engine();
    private final Store<Void> store = new Store<>(engine);
    private final Module module = Module.fromText(engine, TRAPS);
    private final Instance instance = new Instance(store, module);

    @AfterEach
    void close() {
        module.close();
        store.close();
        engine.close();
    }

    private TrapException trap(String name, Object... args) {
        return assertThrows(TrapException.class, () -> instance.getFunc(name).call(args));
    }

    @Test
    void eachTrapHasItsCodeAndMessage() {
        assertEquals(TrapCode.UNREACHABLE, trap("unreachable").code());
        assertEquals("unreachable", trap("unreachable").getMessage());
        TrapException div = trap("div", 1, 0);
        assertEquals(TrapCode.INTEGER_DIVISION_BY_ZERO, div.code());
        assertEquals("integer divide by zero", div.getMessage());
        TrapException overflow = trap("div", Integer.MIN_VALUE, -1);
        assertEquals(TrapCode.INTEGER_OVERFLOW, overflow.code());
        assertEquals("integer overflow", overflow.getMessage());
        TrapException nan = trap("trunc", Float.NaN);
        assertEquals(TrapCode.BAD_CONVERSION_TO_INTEGER, nan.code());
        assertEquals("invalid conversion to integer", nan.getMessage());
        TrapException oob = trap("load", 65534);
        assertEquals(TrapCode.MEMORY_OUT_OF_BOUNDS, oob.code());
        assertEquals("out of bounds memory access", oob.getMessage());
        TrapException undefined = trap("callIndirect", 5);
        assertEquals(TrapCode.UNDEFINED_ELEMENT, undefined.code());
        assertEquals("undefined element", undefined.getMessage());
        TrapException uninitialized = trap("callIndirect", 1);
        assertEquals(TrapCode.UNINITIALIZED_ELEMENT, uninitialized.code());
        assertEquals("uninitialized element", uninitialized.getMessage());
        TrapException mismatch = trap("callIndirect", 0);
        assertEquals(TrapCode.INDIRECT_CALL_TYPE_MISMATCH, mismatch.code());
        assertEquals("indirect call type mismatch", mismatch.getMessage());
        TrapException stack = trap("recurse", 0);
        assertEquals(TrapCode.STACK_OVERFLOW, stack.code());
        assertEquals("call stack exhausted", stack.getMessage());
    }

    @Test
    void theStoreIsUsableAfterATrap() {
        trap("recurse", 0);
        trap("load", -1);
        assertEquals(3, instance.getTypedFunc("div").callI32I32ToI32(7, 2));
        assertEquals(0, instance.getTypedFunc("load").callI32ToI32(0));
    }

    @Test
    void wasmFramesLeadTheStackTraceInnermostFirst() {
        TrapException e = assertThrows(TrapException.class, () -> instance.getTypedFunc("outer").callI32ToI32(0));
        StackTraceElement[] trace = e.getStackTrace();
        assertEquals("wasm:demo", trace[0].getClassName());
        assertEquals("inner", trace[0].getMethodName());
        assertEquals("demo.wasm", trace[0].getFileName());
        // The line is the trap's offset in the module's bytes: $inner's i32.div_u.
        assertEquals(194, trace[0].getLineNumber());
        assertEquals("middle", trace[1].getMethodName());
        assertEquals("outer", trace[2].getMethodName());
        assertEquals("wasm:demo", trace[2].getClassName());
        assertEquals(List.of(trace[0], trace[1], trace[2]), e.wasmFrames());
        // Then the Java frames that called into wasm, from TypedFunc on.
        assertEquals(TypedFunc.class.getName(), trace[3].getClassName());
        assertTrue(
                List.of(trace).stream().anyMatch(f -> f.getClassName().equals(ErrorsTest.class.getName())),
                "the test's own frame is in the trace");
        assertTrue(
                List.of(trace).stream().noneMatch(f -> f.getClassName().equals(Errors.class.getName())),
                "Kiln's construction of the exception is not in the trace");
    }

    @Test
    void framesOfAnUnnamedModuleUseItsIndex() {
        try (Module noNames = new Module(engine, unreachableWithoutNames())) {
            TrapException e =
                    assertThrows(TrapException.class, () -> new Instance(store, noNames).getFunc("f").call());
            StackTraceElement top = e.getStackTrace()[0];
            assertEquals("wasm:<module>", top.getClassName());
            assertEquals("wasm-function[0]", top.getMethodName());
            assertEquals("<module>.wasm", top.getFileName());
        }
    }

    /** {@code (module (func (export "f") unreachable))} in the binary format, with no name section. */
    private static byte[] unreachableWithoutNames() {
        return new byte[] {
            0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
            0x01, 0x04, 0x01, 0x60, 0x00, 0x00,
            0x03, 0x02, 0x01, 0x00,
            0x07, 0x05, 0x01, 0x01, 0x66, 0x00, 0x00,
            0x0a, 0x05, 0x01, 0x03, 0x00, 0x00, 0x0b,
        };
    }

    @Test
    void trapsAreKilnExceptions() {
        TrapException e = trap("unreachable");
        assertTrue(e instanceof KilnException);
        assertTrue(e instanceof RuntimeException);
        assertNull(e.getCause());
        TrapException made = new TrapException("made", TrapCode.HOST_ERROR, List.of());
        assertEquals(List.of(), made.wasmFrames());
        assertEquals(TrapCode.HOST_ERROR, made.code());
    }

    @Test
    void deepRecursionOnASmallThreadStackTraps() throws Exception {
        Throwable[] seen = new Throwable[1];
        Thread t =
                new Thread(
                        null,
                        () -> {
                            try (Engine own = new Engine();
                                    Store<Void> s = new Store<>(own);
                                    Module m = Module.fromText(own, TRAPS)) {
                                new Instance(s, m).getTypedFunc("recurse").callI32ToI32(1);
                            } catch (Throwable e) {
                                seen[0] = e;
                            }
                        },
                        "small",
                        256 * 1024);
        t.start();
        t.join();
        assertEquals(TrapException.class, seen[0].getClass());
        assertEquals(TrapCode.STACK_OVERFLOW, ((TrapException) seen[0]).code());
    }
}
