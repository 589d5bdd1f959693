package dev.kiln;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link Global}: constant and mutable globals, exported and made by the host. */
class GlobalTest {
    static final String GLOBALS =
            "(module (import \"env\" \"in\" (global $in (mut i64)))"
                    + " (global $c (export \"c\") i32 (i32.const 42))"
                    + " (global $m (export \"m\") (mut f64) (f64.const 1.5))"
                    + " (func (export \"readM\") (result f64) (global.get $m))"
                    + " (func (export \"bumpIn\") (global.set $in (i64.add (global.get $in) (i64.const 1)))))";

    private final Engine engine = new Engine();
    private final Store<Void> store = new Store<>(engine);
    private final Module module = Module.fromText(engine, GLOBALS);

    @AfterEach
    void close() {
        module.close();
        store.close();
        engine.close();
    }

    @Test
    void constantGlobalReadsAndRefusesSet() {
        Global in = new Global(store, new GlobalType(ValType.I64, true), 0L);
        Instance instance = new Instance(store, module, in);
        Global c = instance.getGlobal("c");
        assertEquals(new GlobalType(ValType.I32, false), c.type());
        assertEquals(Val.i32(42), c.get());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> c.set(1));
        assertEquals("cannot set an immutable global", e.getMessage());
        assertEquals(42, c.get().i32());
    }

    @Test
    void mutableGlobalIsSharedWithWasm() {
        Global in = new Global(store, new GlobalType(ValType.I64, true), Long.MAX_VALUE - 1);
        Instance instance = new Instance(store, module, in);
        Global m = instance.getGlobal("m");
        assertEquals(new GlobalType(ValType.F64, true), m.type());
        assertEquals(1.5, m.get().f64());
        m.set(-2.25);
        assertEquals(-2.25, instance.getTypedFunc("readM").callToF64());
        instance.getTypedFunc("bumpIn").call();
        assertEquals(Long.MAX_VALUE, in.get().i64());
        instance.getTypedFunc("bumpIn").call();
        assertEquals(Long.MIN_VALUE, in.get().i64());
        assertEquals(
                "expected a value of type f64, got String x",
                assertThrows(IllegalArgumentException.class, () -> m.set("x")).getMessage());
    }

    @Test
    void importOfTheWrongTypeIsALinkException() {
        Global constant = new Global(store, new GlobalType(ValType.I64, false), 0L);
        LinkException e = assertThrows(LinkException.class, () -> new Instance(store, module, constant));
        assertEquals(
                "incompatible import type for `env::in`: expected (global (mut i64)), found (global i64)",
                e.getMessage());
    }

    @Test
    void referenceAndVectorGlobals() {
        Func f = Func.of(store, HostFunc.<Void>toI32(() -> 3));
        Global funcs = new Global(store, new GlobalType(ValType.FUNCREF, true), null);
        assertEquals(Val.funcref(null), funcs.get());
        funcs.set(f);
        assertEquals(3, funcs.get().funcref().typed().callToI32());
        Object token = new Object();
        Global objects = new Global(store, new GlobalType(ValType.EXTERNREF, false), token);
        assertEquals(token, objects.get().externref());
        Global vector = new Global(store, new GlobalType(ValType.V128, true), Val.v128(-1, 7));
        assertEquals(Val.v128(-1, 7), vector.get());
        vector.set(Val.v128(0, 0));
        assertEquals(Val.v128(0, 0), vector.get());
        assertEquals(
                "expected a value of type v128, got Long 1",
                assertThrows(IllegalArgumentException.class, () -> vector.set(1L)).getMessage());
    }

    @Test
    void globalTypeRefusesNull() {
        assertEquals(
                "a global's content type must not be null",
                assertThrows(IllegalArgumentException.class, () -> new GlobalType(null, true)).getMessage());
    }
}
