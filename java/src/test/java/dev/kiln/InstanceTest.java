package dev.kiln;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link Instance}: exports by name and kind. */
class InstanceTest {
    static final String EXPORTS =
            "(module (func (export \"zeta\") (result i32) (i32.const 1))"
                    + " (memory (export \"alpha\") 1) (table (export \"mid\") 1 funcref)"
                    + " (global (export \"beta\") i32 (i32.const 2)) (func (export \"aa\")))";

    private final Engine engine = new Engine();
    private final Store<Void> store = new Store<>(engine);
    private final Module module = Module.fromText(engine, EXPORTS);
    private final Instance instance = new Instance(store, module);

    @AfterEach
    void close() {
        module.close();
        store.close();
        engine.close();
    }

    @Test
    void exportsAreInTheModulesOrder() {
        Map<String, Extern> exports = instance.exports();
        assertEquals(List.of("zeta", "alpha", "mid", "beta", "aa"), List.copyOf(exports.keySet()));
        assertInstanceOf(Func.class, exports.get("zeta"));
        assertInstanceOf(Memory.class, exports.get("alpha"));
        assertInstanceOf(Table.class, exports.get("mid"));
        assertInstanceOf(Global.class, exports.get("beta"));
        assertEquals(instance.getFunc("zeta"), exports.get("zeta"));
        assertThrows(UnsupportedOperationException.class, () -> exports.remove("aa"));
        assertSame(store, instance.store());
    }

    @Test
    void getByKind() {
        assertEquals(1, instance.getFunc("zeta").typed().callToI32());
        assertEquals(1, instance.getTypedFunc("zeta").callToI32());
        assertEquals(1L, instance.getMemory("alpha").size());
        assertEquals(1L, instance.getTable("mid").size());
        assertEquals(2, instance.getGlobal("beta").get().i32());
        assertEquals(Optional.of(instance.getGlobal("beta")), instance.getExport("beta"));
        assertEquals(Optional.empty(), instance.getExport("none"));
    }

    @Test
    void missingExportIsAClearError() {
        KilnException e = assertThrows(KilnException.class, () -> instance.getFunc("none"));
        assertEquals("no export named `none`", e.getMessage());
        assertEquals(KilnException.class, e.getClass());
        assertEquals(
                "no export named `nope`",
                assertThrows(KilnException.class, () -> instance.getMemory("nope")).getMessage());
    }

    @Test
    void nullNameIsAnIllegalArgument() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> instance.getFunc(null));
        assertEquals("the export name must not be null", e.getMessage());
        assertEquals(
                "the export name must not be null",
                assertThrows(IllegalArgumentException.class, () -> instance.getExport(null)).getMessage());
    }

    @Test
    void wrongKindIsAClearError() {
        assertEquals(
                "export `alpha` is a memory, not a function",
                assertThrows(KilnException.class, () -> instance.getFunc("alpha")).getMessage());
        assertEquals(
                "export `zeta` is a function, not a memory",
                assertThrows(KilnException.class, () -> instance.getMemory("zeta")).getMessage());
        assertEquals(
                "export `beta` is a global, not a table",
                assertThrows(KilnException.class, () -> instance.getTable("beta")).getMessage());
        assertEquals(
                "export `mid` is a table, not a global",
                assertThrows(KilnException.class, () -> instance.getGlobal("mid")).getMessage());
    }

    @Test
    void importsByPositionAreChecked() {
        try (Module importer =
                Module.fromText(engine, "(module (import \"env\" \"f\" (func (param i32))) (import \"env\" \"m\" (memory 1)))")) {
            Func f = Func.of(store, HostFunc.<Void>i32ToVoid(x -> {}));
            Memory m = new Memory(store, new MemoryType(1));
            new Instance(store, importer, f, m);
            LinkException count = assertThrows(LinkException.class, () -> new Instance(store, importer, f));
            assertEquals("the module requires 2 imports, but 1 were provided", count.getMessage());
            LinkException order = assertThrows(LinkException.class, () -> new Instance(store, importer, m, f));
            assertEquals(
                    "incompatible import type for `env::f`: expected (func (param i32)), found (memory 1)",
                    order.getMessage());
            assertEquals(
                    "import 1 is null",
                    assertThrows(IllegalArgumentException.class, () -> new Instance(store, importer, f, null))
                            .getMessage());
        }
    }

    @Test
    void importsOfAnotherStoreAreRefused() {
        try (Store<Void> other = new Store<>(engine);
                Module importer = Module.fromText(engine, "(module (import \"env\" \"f\" (func)))")) {
            Func foreign = Func.of(other, HostFunc.<Void>toVoid(() -> {}));
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> new Instance(store, importer, foreign));
            assertEquals("import 0 belongs to a different store", e.getMessage());
        }
    }

    @Test
    void aTrappingStartFunctionIsATrapException() {
        try (Module trapping = Module.fromText(engine, "(module (func $s unreachable) (start $s))")) {
            TrapException e = assertThrows(TrapException.class, () -> new Instance(store, trapping));
            assertEquals(TrapCode.UNREACHABLE, e.code());
            assertEquals(1, instance.getTypedFunc("zeta").callToI32());
        }
    }
}
