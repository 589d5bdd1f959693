package dev.kiln;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link Store}: host data, limits, closing. */
class StoreTest {
    static final String GROW =
            "(module (memory (export \"memory\") 1)"
                    + " (func (export \"grow\") (param i32) (result i32) (memory.grow (local.get 0))))";

    private final Engine engine = new Engine();

    @AfterEach
    void close() {
        engine.close();
    }

    @Test
    void hostDataIsKeptAndReplaced() {
        List<String> log = new ArrayList<>();
        try (Store<List<String>> store = new Store<>(engine, log)) {
            assertSame(log, store.data());
            assertSame(engine, store.engine());
            List<String> other = new ArrayList<>();
            store.setData(other);
            assertSame(other, store.data());
        }
        try (Store<Void> store = new Store<>(engine)) {
            assertNull(store.data());
        }
    }

    @Test
    void hostFunctionsSeeTheHostDataThroughTheirCaller() {
        List<Integer> seen = new ArrayList<>();
        try (Store<List<Integer>> store = new Store<>(engine, seen);
                Linker<List<Integer>> linker = new Linker<>(engine);
                Module module =
                        Module.fromText(
                                engine,
                                "(module (import \"env\" \"log\" (func $log (param i32)))"
                                        + " (func (export \"run\") (call $log (i32.const 5)) (call $log (i32.const 6))))")) {
            linker.define(
                    "env",
                    "log",
                    HostFunc.of(
                            FuncType.of(List.of(ValType.I32), List.of()),
                            (caller, args) -> {
                                caller.data().add(args[0].i32());
                                assertSame(store, caller.store());
                                return new Val[0];
                            }));
            linker.instantiate(store, module).getFunc("run").call();
            assertEquals(List.of(5, 6), seen);
        }
    }

    @Test
    void memoryLimitStopsGrowthBeyondIt() {
        try (Store<Void> store = new Store<>(engine); Module module = Module.fromText(engine, GROW)) {
            store.setLimits(new StoreLimits().memorySize(3 * 65536));
            Instance instance = new Instance(store, module);
            TypedFunc grow = instance.getFunc("grow").typed();
            assertEquals(1, grow.callI32ToI32(1));
            assertEquals(-1, grow.callI32ToI32(2));
            assertEquals(2, grow.callI32ToI32(1));
            assertEquals(-1, grow.callI32ToI32(1));
            Memory memory = instance.getMemory("memory");
            assertEquals(3L, memory.size());
            KilnException e = assertThrows(KilnException.class, () -> memory.grow(1));
            assertEquals(KilnException.class, e.getClass());
            assertEquals("failed to grow memory of 3 pages by 1 pages", e.getMessage());
            assertEquals(3L, memory.size());
        }
    }

    @Test
    void memoryLimitStopsInstantiationOfABiggerMemory() {
        try (Store<Void> store = new Store<>(engine);
                Module module = Module.fromText(engine, "(module (memory 4))")) {
            store.setLimits(new StoreLimits().memorySize(65536));
            KilnException e = assertThrows(KilnException.class, () -> new Instance(store, module));
            assertEquals(
                    "a memory of 4 pages is larger than the store's limit of 65536 bytes", e.getMessage());
        }
    }

    @Test
    void instanceLimitStopsTheSecondInstance() {
        try (Store<Void> store = new Store<>(engine); Module module = Module.fromText(engine, "(module)")) {
            store.setLimits(new StoreLimits().instances(1));
            new Instance(store, module);
            KilnException e = assertThrows(KilnException.class, () -> new Instance(store, module));
            assertEquals(
                    "the store's limit of 1 instances is reached: it holds 1 and 1 more are needed",
                    e.getMessage());
        }
    }

    @Test
    void tableLimitStopsTableGrowth() {
        try (Store<Void> store = new Store<>(engine)) {
            store.setLimits(new StoreLimits().tableElements(4));
            Table table = new Table(store, new TableType(ValType.EXTERNREF, 2), null);
            assertEquals(2L, table.grow(2, null));
            assertThrows(KilnException.class, () -> table.grow(1, null));
            assertEquals(4L, table.size());
        }
    }

    @Test
    void negativeLimitsAreIllegalArguments() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> new StoreLimits().memorySize(-1));
        assertEquals("the memory size must not be negative, not -1", e.getMessage());
    }

    @Test
    void closeTwiceIsFineAndUseAfterCloseFails() {
        Store<Void> store = new Store<>(engine);
        Memory memory = new Memory(store, new MemoryType(1));
        store.close();
        store.close();
        assertEquals("the store is closed", assertThrows(IllegalStateException.class, store::gc).getMessage());
        assertEquals(
                "the store is closed",
                assertThrows(IllegalStateException.class, () -> memory.read(0, 4)).getMessage());
        try (Module module = Module.fromText(engine, "(module)")) {
            assertEquals(
                    "the store is closed",
                    assertThrows(IllegalStateException.class, () -> new Instance(store, module)).getMessage());
        }
        assertEquals(
                "the store is closed",
                assertThrows(IllegalStateException.class, () -> store.setFuel(1)).getMessage());
    }

    @Test
    @SuppressWarnings("try") // closes the store inside its own try block, on purpose
    void closeFromInsideAHostFunctionIsRefused() {
        Throwable[] seen = new Throwable[1];
        try (Store<Void> store = new Store<>(engine);
                Linker<Void> linker = new Linker<>(engine);
                Module module =
                        Module.fromText(
                                engine,
                                "(module (import \"env\" \"f\" (func $f)) (func (export \"run\") (call $f)))")) {
            linker.define(
                    "env",
                    "f",
                    HostFunc.toVoid(
                            () -> {
                                try {
                                    store.close();
                                } catch (IllegalStateException e) {
                                    seen[0] = e;
                                }
                            }));
            linker.instantiate(store, module).getFunc("run").typed().call();
            assertEquals(IllegalStateException.class, seen[0].getClass());
            assertEquals("cannot close a store from inside a call into it", seen[0].getMessage());
            store.gc();
        }
    }

    @Test
    void gcKeepsLiveReferences() {
        try (Store<Void> store = new Store<>(engine)) {
            Object kept = new Object();
            Global global = new Global(store, new GlobalType(ValType.EXTERNREF, true), kept);
            store.gc();
            assertSame(kept, global.get().externref());
        }
    }
}
