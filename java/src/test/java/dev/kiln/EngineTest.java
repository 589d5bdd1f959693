package dev.kiln;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Engine} and {@link Config}: features, fuel, epochs, stack size, optimisation, cache. */
class EngineTest {
    static final String SIMD = "(module (func (export \"v\") (result v128) (v128.const i64x2 1 2)))";
    static final String SHARED = "(module (memory (export \"m\") 1 2 shared))";
    static final String LOOP = "(module (func (export \"spin\") (loop $l (br $l))))";
    /** {@code depth(n)} recurses n deep and returns n. */
    static final String DEPTH =
            "(module (func $d (export \"depth\") (param i32) (result i32)"
                    + " (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 0))"
                    + " (else (i32.add (i32.const 1) (call $d (i32.sub (local.get 0) (i32.const 1))))))))";

    @Test
    void simdIsOnByDefaultAndOffWhenDisabled() {
        try (Engine on = new Engine();
                Engine off = new Engine(new Config().wasmSimd(false));
                Store<Void> store = new Store<>(on);
                Module module = Module.fromText(on, SIMD)) {
            Val v = new Instance(store, module).getFunc("v").call()[0];
            assertEquals(1L, v.v128Low());
            assertEquals(2L, v.v128High());
            CompileException e = assertThrows(CompileException.class, () -> Module.fromText(off, SIMD));
            assertEquals("SIMD support is not enabled (at offset 0xb)", e.getMessage());
        }
    }

    @Test
    void threadsAreOffByDefaultAndOnWhenEnabled() {
        try (Engine off = new Engine(); Engine on = new Engine(new Config().wasmThreads(true))) {
            CompileException e = assertThrows(CompileException.class, () -> Module.fromText(off, SHARED));
            assertEquals("threads must be enabled for shared memories (at offset 0xb)", e.getMessage());
            try (Module module = Module.fromText(on, SHARED)) {
                assertEquals(
                        List.of(new ExportType("m", new MemoryType(1, OptionalLong.of(2), false, true, 16))),
                        module.exports());
            }
        }
    }

    @Test
    void multiMemoryAndExtendedConstAreOffByDefaultAndOnWhenEnabled() {
        String twoMemories = "(module (memory 1) (memory 1))";
        String extended = "(module (global i32 (i32.add (i32.const 1) (i32.const 2))))";
        try (Engine off = new Engine();
                Engine on = new Engine(new Config().wasmMultiMemory(true).wasmExtendedConst(true))) {
            assertEquals(
                    "multiple memories (at offset 0xa)",
                    assertThrows(CompileException.class, () -> Module.fromText(off, twoMemories)).getMessage());
            assertEquals(
                    "constant expression required: non-constant operator: i32.add (at offset 0x11)",
                    assertThrows(CompileException.class, () -> Module.fromText(off, extended)).getMessage());
            Module.fromText(on, twoMemories).close();
            Module.fromText(on, extended).close();
        }
    }

    @Test
    void turningOffADefaultProposalRejectsModulesThatUseIt() {
        String refs = "(module (func (param externref)))";
        String bulk = "(module (memory 1) (func (memory.fill (i32.const 0) (i32.const 0) (i32.const 0))))";
        String multiValue = "(module (func (result i32 i32) (i32.const 1) (i32.const 2)))";
        String signExt = "(module (func (param i32) (result i32) (i32.extend8_s (local.get 0))))";
        try (Engine on = new Engine();
                Engine off =
                        new Engine(
                                new Config()
                                        .wasmReferenceTypes(false)
                                        .wasmBulkMemory(false)
                                        .wasmMultiValue(false)
                                        .wasmSignExtension(false))) {
            for (String wat : List.of(refs, bulk, multiValue, signExt)) {
                Module.fromText(on, wat).close();
                assertThrows(CompileException.class, () -> Module.fromText(off, wat), wat);
            }
        }
    }

    @Test
    void fuelRunsOutWithOutOfFuelTrap() {
        try (Engine engine = new Engine(new Config().consumeFuel(true));
                Store<Void> store = new Store<>(engine);
                Module module = Module.fromText(engine, LOOP)) {
            Instance instance = new Instance(store, module);
            store.setFuel(10_000);
            assertEquals(10_000L, store.getFuel());
            TrapException e =
                    assertThrows(TrapException.class, () -> instance.getFunc("spin").typed().call());
            assertEquals(TrapCode.OUT_OF_FUEL, e.code());
            assertEquals("all fuel consumed", e.getMessage());
            assertEquals(0L, store.getFuel());
        }
    }

    @Test
    void fuelIsConsumedByFiniteCalls() {
        try (Engine engine = new Engine(new Config().consumeFuel(true));
                Store<Void> store = new Store<>(engine);
                Module module = Module.fromText(engine, DEPTH)) {
            Instance instance = new Instance(store, module);
            store.setFuel(1_000_000);
            assertEquals(100, instance.getFunc("depth").typed().callI32ToI32(100));
            long left = store.getFuel();
            // What this call costs: 1,106 units, 11 for each of the 100 levels and 6 for the last.
            assertEquals(1_000_000L - 1_106, left);
        }
    }

    @Test
    void fuelWithoutConsumeFuelIsRefused() {
        try (Engine engine = new Engine(); Store<Void> store = new Store<>(engine)) {
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> store.setFuel(10));
            assertEquals(
                    "fuel is not enabled: the engine was configured without fuel consumption",
                    e.getMessage());
        }
    }

    @Test
    void incrementEpochFromAnotherThreadInterruptsWasm() throws Exception {
        try (Engine engine = new Engine(new Config().epochInterruption(true));
                Store<Void> store = new Store<>(engine);
                Module module = Module.fromText(engine, LOOP)) {
            Instance instance = new Instance(store, module);
            store.setEpochDeadline(1);
            assertEquals(0L, engine.currentEpoch());
            Thread ticker =
                    new Thread(
                            () -> {
                                try {
                                    Thread.sleep(100);
                                } catch (InterruptedException e) {
                                    Thread.currentThread().interrupt();
                                }
                                engine.incrementEpoch();
                            });
            ticker.start();
            TrapException e =
                    assertThrows(TrapException.class, () -> instance.getFunc("spin").typed().call());
            ticker.join();
            assertEquals(TrapCode.INTERRUPT, e.code());
            assertEquals("interrupted", e.getMessage());
            assertEquals(1L, engine.currentEpoch());
        }
    }

    @Test
    void theDeadlineIsCountedInTicksFromTheCurrentEpoch() {
        try (Engine engine = new Engine(new Config().epochInterruption(true));
                Store<Void> store = new Store<>(engine);
                Module module = Module.fromText(engine, DEPTH)) {
            Instance instance = new Instance(store, module);
            store.setEpochDeadline(3);
            engine.incrementEpoch();
            engine.incrementEpoch();
            assertEquals(10, instance.getTypedFunc("depth").callI32ToI32(10));
            engine.incrementEpoch();
            TrapException e = assertThrows(TrapException.class, () -> instance.getTypedFunc("depth").callI32ToI32(10));
            assertEquals(TrapCode.INTERRUPT, e.code());
            store.setEpochDeadline(1);
            assertEquals(10, instance.getTypedFunc("depth").callI32ToI32(10));
        }
    }

    @Test
    void hostFunctionsReadAndSetFuelDuringACall() {
        try (Engine engine = new Engine(new Config().consumeFuel(true));
                Store<Void> store = new Store<>(engine);
                Linker<Void> linker = new Linker<>(engine);
                Module module =
                        Module.fromText(
                                engine,
                                "(module (import \"env\" \"refuel\" (func $refuel))"
                                        + " (func (export \"run\") (call $refuel) (loop $l (br $l))))")) {
            long[] seen = new long[1];
            linker.define("env", "refuel", HostFunc.toVoid(() -> {
                seen[0] = store.getFuel();
                store.setFuel(500);
            }));
            store.setFuel(1_000);
            TrapException e =
                    assertThrows(TrapException.class, () -> linker.instantiate(store, module).getTypedFunc("run").call());
            assertEquals(TrapCode.OUT_OF_FUEL, e.code());
            assertTrue(seen[0] > 0 && seen[0] < 1_000, "fuel in the host function: " + seen[0]);
            assertEquals(0L, store.getFuel());
        }
    }

    @Test
    void maxWasmStackBoundsRecursion() {
        try (Engine big = new Engine();
                Engine small = new Engine(new Config().maxWasmStack(16 * 1024));
                Store<Void> bigStore = new Store<>(big);
                Store<Void> smallStore = new Store<>(small);
                Module bigModule = Module.fromText(big, DEPTH);
                Module smallModule = Module.fromText(small, DEPTH)) {
            assertEquals(
                    5000, new Instance(bigStore, bigModule).getFunc("depth").typed().callI32ToI32(5000));
            TypedFunc depth = new Instance(smallStore, smallModule).getFunc("depth").typed();
            assertEquals(10, depth.callI32ToI32(10));
            TrapException e = assertThrows(TrapException.class, () -> depth.callI32ToI32(5000));
            assertEquals(TrapCode.STACK_OVERFLOW, e.code());
            assertEquals(10, depth.callI32ToI32(10));
        }
    }

    @Test
    void everyOptLevelCompilesTheSameProgram() {
        for (OptLevel level : OptLevel.values()) {
            try (Engine engine = new Engine(new Config().optLevel(level));
                    Store<Void> store = new Store<>(engine);
                    Module module = Module.fromText(engine, DEPTH)) {
                assertEquals(
                        300,
                        new Instance(store, module).getFunc("depth").typed().callI32ToI32(300),
                        level.toString());
            }
        }
    }

    @Test
    void cacheDirectoryKeepsCompiledModulesForLaterEngines(@TempDir Path dir) throws Exception {
        Path cache = dir.resolve("cache");
        try (Engine engine = new Engine(new Config().cacheDirectory(cache));
                Module module = Module.fromText(engine, DEPTH)) {
            assertEquals(1, module.exports().size());
        }
        long entries;
        try (Stream<Path> files = Files.walk(cache)) {
            entries = files.filter(Files::isRegularFile).count();
        }
        assertEquals(1L, entries);
        try (Engine engine = new Engine(new Config().cacheDirectory(cache));
                Store<Void> store = new Store<>(engine);
                Module module = Module.fromText(engine, DEPTH)) {
            assertEquals(7, new Instance(store, module).getFunc("depth").typed().callI32ToI32(7));
        }
    }

    @Test
    void configRefusesBadSettings() {
        IllegalArgumentException nullConfig =
                assertThrows(IllegalArgumentException.class, () -> new Engine(null));
        assertEquals("the config must not be null", nullConfig.getMessage());
        IllegalArgumentException stack =
                assertThrows(IllegalArgumentException.class, () -> new Config().maxWasmStack(0));
        assertEquals("the wasm stack must be positive, not 0", stack.getMessage());
        IllegalArgumentException opt =
                assertThrows(IllegalArgumentException.class, () -> new Config().optLevel(null));
        assertEquals("the optimisation level must not be null", opt.getMessage());
    }

    @Test
    void closeTwiceIsFineAndUseAfterCloseFails() {
        Engine engine = new Engine();
        engine.close();
        engine.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, engine::incrementEpoch);
        assertEquals("the engine is closed", e.getMessage());
        assertEquals(
                "the engine is closed",
                assertThrows(IllegalStateException.class, () -> new Store<Void>(engine)).getMessage());
        assertEquals(
                "the engine is closed",
                assertThrows(IllegalStateException.class, () -> Module.fromText(engine, "(module)"))
                        .getMessage());
        assertEquals(
                "the engine is closed",
                assertThrows(IllegalStateException.class, () -> new Linker<Void>(engine)).getMessage());
    }

    @Test
    void modulesAndStoresOutliveTheirClosedEngine() {
        Engine engine = new Engine();
        try (Module module = Module.fromText(engine, DEPTH); Store<Void> store = new Store<>(engine)) {
            engine.close();
            assertEquals(3, new Instance(store, module).getFunc("depth").typed().callI32ToI32(3));
            assertArrayEquals(new Val[] {Val.i32(4)}, new Instance(store, module).getFunc("depth").call(4));
        }
    }
}
