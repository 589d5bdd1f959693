package dev.kiln;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class SmokeTest {
    @Test
    void addsTwoNumbers() {
        try (Engine engine = new Engine();
                Store<Void> store = new Store<>(engine);
                Module module =
                        Module.fromText(
                                engine,
                                "(module (func (export \"add\") (param i32 i32) (result i32)"
                                        + " (i32.add (local.get 0) (local.get 1)))"
                                        + " (func (export \"div\") (param i32 i32) (result i32)"
                                        + " (i32.div_s (local.get 0) (local.get 1)))"
                                        + " (func $r (export \"rec\") (param i32) (result i32)"
                                        + " (i32.add (i32.const 1) (call $r (local.get 0)))))")) {
            Instance instance = new Instance(store, module);
            assertEquals(5, instance.getFunc("add").typed().callI32I32ToI32(2, 3));
            assertEquals(7, instance.getFunc("add").call(3, 4)[0].i32());
            TrapException trap =
                    assertThrows(
                            TrapException.class,
                            () -> instance.getFunc("div").typed().callI32I32ToI32(1, 0));
            assertEquals(TrapCode.INTEGER_DIVISION_BY_ZERO, trap.code());
            assertEquals("integer divide by zero", trap.getMessage());
            TrapException overflow =
                    assertThrows(
                            TrapException.class,
                            () -> instance.getFunc("rec").typed().callI32ToI32(1));
            assertEquals(TrapCode.STACK_OVERFLOW, overflow.code());
            assertEquals(3, instance.getFunc("add").typed().callI32I32ToI32(1, 2));
        }
    }

    @Test
    void rethrowsHostExceptions() {
        RuntimeException boom = new RuntimeException("boom");
        try (Engine engine = new Engine();
                Store<Void> store = new Store<>(engine);
                Linker<Void> linker = new Linker<>(engine);
                Module module =
                        Module.fromText(
                                engine,
                                "(module (import \"env\" \"f\" (func $f (param i32) (result i32)))"
                                        + " (func (export \"g\") (param i32) (result i32)"
                                        + " (call $f (local.get 0))))")) {
            linker.define(
                    "env",
                    "f",
                    HostFunc.i32ToI32(
                            x -> {
                                if (x == 0) {
                                    throw boom;
                                }
                                return x * 2;
                            }));
            Instance instance = linker.instantiate(store, module);
            assertEquals(42, instance.getFunc("g").typed().callI32ToI32(21));
            RuntimeException thrown =
                    assertThrows(
                            RuntimeException.class, () -> instance.getFunc("g").typed().callI32ToI32(0));
            assertSame(boom, thrown);
            assertEquals(8, instance.getFunc("g").call(4)[0].i32());
            assertEquals(List.of(ValType.I32), instance.getFunc("g").type().params());
        }
    }

    @Test
    void deepRecursionOnSmallStackTraps() throws Exception {
        Throwable[] seen = new Throwable[1];
        Thread t =
                new Thread(
                        null,
                        () -> {
                            try (Engine engine = new Engine();
                                    Store<Void> store = new Store<>(engine);
                                    Module module =
                                            Module.fromText(
                                                    engine,
                                                    "(module (func $r (export \"rec\") (param i32) (result i32)"
                                                            + " (i32.add (i32.const 1) (call $r (local.get 0)))))")) {
                                Instance instance = new Instance(store, module);
                                instance.getFunc("rec").typed().callI32ToI32(1);
                            } catch (Throwable e) {
                                seen[0] = e;
                            }
                        },
                        "small",
                        256 * 1024);
        t.start();
        t.join();
        assertEquals(TrapCode.STACK_OVERFLOW, ((TrapException) seen[0]).code());
    }
}
