package dev.kiln;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link Linker}: imports by name. */
class LinkerTest {
    static final String IMPORTS_F =
            "(module (import \"env\" \"f\" (func $f (param i32) (result i32)))"
                    + " (func (export \"run\") (param i32) (result i32) (call $f (local.get 0))))";

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

    @Test
    void typedAndGenericHostFunctions() {
        linker.define("env", "f", HostFunc.i32ToI32(x -> x * 10));
        linker.func(
                "env",
                "g",
                FuncType.of(List.of(ValType.I32), List.of(ValType.I32)),
                (caller, args) -> new Val[] {Val.i32(args[0].i32() + 1)});
        Instance instance =
                instantiate(
                        "(module (import \"env\" \"f\" (func $f (param i32) (result i32)))"
                                + " (import \"env\" \"g\" (func $g (param i32) (result i32)))"
                                + " (func (export \"run\") (param i32) (result i32) (call $g (call $f (local.get 0)))))");
        assertEquals(31, instance.getTypedFunc("run").callI32ToI32(3));
        assertSame(engine, linker.engine());
    }

    @Test
    void definesAnExternOfAStore() {
        Memory memory = new Memory(store, new MemoryType(1));
        memory.writeString(0, "A");
        Global global = new Global(store, new GlobalType(ValType.I32, false), 5);
        linker.define(store, "env", "mem", memory);
        linker.define(store, "env", "g", global);
        linker.define(store, "env", "f", Func.of(store, HostFunc.<Void>i32ToI32(x -> -x)));
        Instance instance =
                instantiate(
                        "(module (import \"env\" \"mem\" (memory 1)) (import \"env\" \"g\" (global i32))"
                                + " (import \"env\" \"f\" (func $f (param i32) (result i32)))"
                                + " (func (export \"run\") (result i32)"
                                + "   (call $f (i32.add (global.get 0) (i32.load8_u (i32.const 0))))))");
        assertEquals(-70, instance.getTypedFunc("run").callToI32());
    }

    @Test
    void anExternOfAnotherStoreIsRefused() {
        try (Store<Void> other = new Store<>(engine)) {
            Memory foreign = new Memory(other, new MemoryType(1));
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> linker.define(store, "env", "m", foreign));
            assertEquals("the item belongs to a different store", e.getMessage());
        }
    }

    @Test
    void instanceDefinesEveryExportUnderAModuleName() {
        Instance provider =
                instantiate(
                        "(module (func (export \"f\") (param i32) (result i32) (i32.mul (local.get 0) (local.get 0)))"
                                + " (memory (export \"memory\") 1))");
        linker.instance(store, "env", provider);
        Instance user = instantiate(IMPORTS_F);
        assertEquals(49, user.getTypedFunc("run").callI32ToI32(7));
    }

    @Test
    void duplicateDefinitionIsALinkException() {
        linker.define("env", "f", HostFunc.i32ToI32(x -> x));
        LinkException e =
                assertThrows(LinkException.class, () -> linker.define("env", "f", HostFunc.i32ToI32(x -> x + 1)));
        assertEquals("import `env::f` is defined twice", e.getMessage());
        assertEquals(5, instantiate(IMPORTS_F).getTypedFunc("run").callI32ToI32(5));
    }

    @Test
    void shadowingReplacesAnEarlierDefinition() {
        linker.allowShadowing(true);
        linker.define("env", "f", HostFunc.i32ToI32(x -> x));
        linker.define("env", "f", HostFunc.i32ToI32(x -> x + 1));
        assertEquals(6, instantiate(IMPORTS_F).getTypedFunc("run").callI32ToI32(5));
    }

    @Test
    void missingImportIsALinkExceptionNamingIt() {
        LinkException e = assertThrows(LinkException.class, () -> instantiate(IMPORTS_F));
        assertEquals("unknown import: `env::f` has not been defined", e.getMessage());
    }

    @Test
    void importOfTheWrongTypeIsALinkException() {
        linker.define("env", "f", HostFunc.i64ToI64(x -> x));
        LinkException e = assertThrows(LinkException.class, () -> instantiate(IMPORTS_F));
        assertEquals(
                "incompatible import type for `env::f`: expected (func (param i32) (result i32)),"
                        + " found (func (param i64) (result i64))",
                e.getMessage());
    }

    @Test
    void unknownImportsBecomeTraps() {
        try (Module module = Module.fromText(engine, IMPORTS_F)) {
            linker.defineUnknownImportsAsTraps(module);
            Instance instance = linker.instantiate(store, module);
            TrapException e = assertThrows(TrapException.class, () -> instance.getTypedFunc("run").callI32ToI32(1));
            assertEquals("unknown import `env::f` was called", e.getMessage());
            assertEquals(TrapCode.HOST_ERROR, e.code());
        }
    }

    @Test
    void defineWasiSatisfiesWasiImports() {
        linker.defineWasi();
        Instance instance =
                instantiate(
                        "(module (import \"wasi_snapshot_preview1\" \"args_sizes_get\""
                                + "   (func $sizes (param i32 i32) (result i32)))"
                                + " (memory (export \"memory\") 1)"
                                + " (func (export \"argc\") (result i32) (drop (call $sizes (i32.const 0) (i32.const 4)))"
                                + "   (i32.load (i32.const 0))))");
        assertEquals(0, instance.getTypedFunc("argc").callToI32());
        LinkException twice = assertThrows(LinkException.class, linker::defineWasi);
        assertEquals("import `wasi_snapshot_preview1::args_get` is defined twice", twice.getMessage());
        store.setWasi(new WasiConfig().args("a", "b"));
        assertEquals(2, instance.getTypedFunc("argc").callToI32());
    }

    @Test
    void oneLinkerServesManyStores() {
        linker.define("env", "f", HostFunc.i32ToI32(x -> x + 100));
        try (Module module = Module.fromText(engine, IMPORTS_F)) {
            for (int i = 0; i < 3; i++) {
                try (Store<Void> s = new Store<>(engine)) {
                    assertEquals(100 + i, linker.instantiate(s, module).getTypedFunc("run").callI32ToI32(i));
                }
            }
        }
    }

    @Test
    void closeTwiceIsFineAndUseAfterCloseFails() {
        Linker<Void> closed = new Linker<>(engine);
        closed.close();
        closed.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, closed::defineWasi);
        assertEquals("the linker is closed", e.getMessage());
        try (Module module = Module.fromText(engine, "(module)")) {
            assertEquals(
                    "the linker is closed",
                    assertThrows(IllegalStateException.class, () -> closed.instantiate(store, module)).getMessage());
        }
    }
}
