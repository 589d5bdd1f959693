package dev.kiln;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link Func#call} with boxed values, and {@link Val}. */
class FuncTest {
    static final String FUNCS =
            "(module"
                    + " (func (export \"add\") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))"
                    + " (func (export \"mix\") (param i32 i64 f32 f64) (result f64)"
                    + "   (f64.add (f64.add (f64.convert_i32_s (local.get 0)) (f64.convert_i64_s (local.get 1)))"
                    + "            (f64.add (f64.promote_f32 (local.get 2)) (local.get 3))))"
                    + " (func (export \"swap\") (param i32 i64) (result i64 i32) (local.get 1) (local.get 0))"
                    + " (func (export \"three\") (result i32 f32 f64) (i32.const 1) (f32.const 2.5) (f64.const -0))"
                    + " (func (export \"none\"))"
                    + " (func (export \"ext\") (param externref) (result externref) (local.get 0))"
                    + " (func (export \"pair\") (param externref externref) (result externref externref)"
                    + "   (local.get 1) (local.get 0))"
                    + " (func (export \"fref\") (param funcref) (result funcref) (local.get 0))"
                    + " (func (export \"isnull\") (param externref) (result i32) (ref.is_null (local.get 0)))"
                    + " (func (export \"vec\") (param v128) (result v128) (local.get 0))"
                    + " (table $t 1 funcref)"
                    + " (type $ii (func (param i32 i32) (result i32)))"
                    + " (func (export \"apply\") (param funcref i32 i32) (result i32)"
                    + "   (table.set $t (i32.const 0) (local.get 0))"
                    + "   (call_indirect $t (type $ii) (local.get 1) (local.get 2) (i32.const 0))))";

    private final Engine engine = new Engine();
    private final Store<Void> store = new Store<>(engine);
    private final Module module = Module.fromText(engine, FUNCS);
    private final Instance instance = new Instance(store, module);

    @AfterEach
    void close() {
        module.close();
        store.close();
        engine.close();
    }

    @Test
    void callsWithValsAndBoxedValues() {
        Func add = instance.getFunc("add");
        assertArrayEquals(new Val[] {Val.i32(5)}, add.call(Val.i32(2), Val.i32(3)));
        assertArrayEquals(new Val[] {Val.i32(5)}, add.call(2, 3));
        assertArrayEquals(new Val[] {Val.i32(Integer.MIN_VALUE)}, add.call(Integer.MAX_VALUE, Val.i32(1)));
        assertEquals(10.75, instance.getFunc("mix").call(1, 2L, 3.25f, 4.5)[0].f64());
        assertEquals(10.75, instance.getFunc("mix").call(Val.i32(1), Val.i64(2), Val.f32(3.25f), Val.f64(4.5))[0].f64());
    }

    @Test
    void widensIntegerToI64AndFloatToF64() {
        assertEquals(10.75, instance.getFunc("mix").call(1, 2, 3.25f, 4.5f)[0].f64());
    }

    @Test
    void returnsMultipleValues() {
        assertArrayEquals(new Val[] {Val.i64(9_000_000_000L), Val.i32(-4)}, instance.getFunc("swap").call(-4, 9_000_000_000L));
        Val[] three = instance.getFunc("three").call();
        assertEquals(3, three.length);
        assertEquals(1, three[0].i32());
        assertEquals(2.5f, three[1].f32());
        assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(three[2].f64()));
        assertArrayEquals(new Val[0], instance.getFunc("none").call());
    }

    @Test
    void wrongArgumentCountIsAnIllegalArgument() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> instance.getFunc("add").call(1));
        assertEquals("the function takes 2 arguments, not 1", e.getMessage());
        assertEquals(
                "the function takes 0 arguments, not 1",
                assertThrows(IllegalArgumentException.class, () -> instance.getFunc("none").call(1)).getMessage());
    }

    @Test
    void wrongArgumentTypeIsAnIllegalArgument() {
        Func add = instance.getFunc("add");
        assertEquals(
                "expected a value of type i32, got String 2",
                assertThrows(IllegalArgumentException.class, () -> add.call(1, "2")).getMessage());
        assertEquals(
                "expected a value of type i32, got Long 2",
                assertThrows(IllegalArgumentException.class, () -> add.call(1, 2L)).getMessage());
        assertEquals(
                "expected a value of type i32, got i64",
                assertThrows(IllegalArgumentException.class, () -> add.call(1, Val.i64(2))).getMessage());
        assertEquals(
                "expected a value of type i32, got null",
                assertThrows(IllegalArgumentException.class, () -> add.call(1, null)).getMessage());
        assertEquals(
                "expected a value of type funcref, got String f",
                assertThrows(IllegalArgumentException.class, () -> instance.getFunc("fref").call("f")).getMessage());
        // The store is still usable.
        assertEquals(3, add.call(1, 2)[0].i32());
    }

    @Test
    void externrefKeepsTheJavaObjectsIdentity() {
        Object token = new StringBuilder("token");
        Val[] out = instance.getFunc("ext").call(token);
        assertSame(token, out[0].externref());
        assertSame(token, instance.getFunc("ext").call(Val.externref(token))[0].value());
        Object a = new Object();
        Object b = new Object();
        Val[] swapped = instance.getFunc("pair").call(a, b);
        assertSame(b, swapped[0].externref());
        assertSame(a, swapped[1].externref());
        assertNull(instance.getFunc("ext").call((Object) null)[0].externref());
        assertEquals(1, instance.getFunc("isnull").call((Object) null)[0].i32());
        assertEquals(0, instance.getFunc("isnull").call(token)[0].i32());
    }

    @Test
    void funcrefComesBackAsTheSameFunction() {
        Func add = instance.getFunc("add");
        Func back = instance.getFunc("fref").call(add)[0].funcref();
        assertEquals(add, back);
        assertEquals(add.hashCode(), back.hashCode());
        assertEquals(11, back.typed().callI32I32ToI32(5, 6));
        assertNull(instance.getFunc("fref").call((Object) null)[0].funcref());
        assertEquals(13, instance.getFunc("apply").call(Val.funcref(add), 6, 7)[0].i32());
    }

    @Test
    void hostFunctionsPassAsFuncrefs() {
        Func mul = Func.of(store, HostFunc.i32i32ToI32((a, b) -> a * b));
        assertEquals(42, instance.getFunc("apply").call(mul, 6, 7)[0].i32());
        assertEquals(mul, instance.getFunc("fref").call(mul)[0].funcref());
    }

    @Test
    void aFunctionOfAnotherStoreIsRefused() {
        try (Store<Void> other = new Store<>(engine)) {
            Func foreign = new Instance(other, module).getFunc("add");
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> instance.getFunc("fref").call(foreign));
            assertEquals("the function belongs to a different store", e.getMessage());
        }
    }

    @Test
    void v128PassesBothHalves() {
        Val v = instance.getFunc("vec").call(Val.v128(0x0123456789abcdefL, -2L))[0];
        assertEquals(Val.v128(0x0123456789abcdefL, -2L), v);
        assertEquals(0x0123456789abcdefL, v.v128Low());
        assertEquals(-2L, v.v128High());
        assertEquals("v128:fffffffffffffffe:123456789abcdef", v.toString());
    }

    @Test
    void typeDescribesParamsAndResults() {
        assertEquals(
                FuncType.of(List.of(ValType.I32, ValType.I64), List.of(ValType.I64, ValType.I32)),
                instance.getFunc("swap").type());
        assertEquals("(func (param i32 i64) (result i64 i32))", instance.getFunc("swap").type().toString());
        assertEquals("Func(func (param i32 i32) (result i32))", instance.getFunc("add").toString());
        assertSame(store, instance.getFunc("add").store());
    }

    /** {@code (func (param i32 x 20) (result i32 x 20))} with the arguments reversed. */
    static final String MANY =
            "(func (export \"many\") (param i32 i32 i32 i32 i32 i32 i32 i32 i32 i32"
                    + " i32 i32 i32 i32 i32 i32 i32 i32 i32 i32)"
                    + " (result i32 i32 i32 i32 i32 i32 i32 i32 i32 i32"
                    + " i32 i32 i32 i32 i32 i32 i32 i32 i32 i32)"
                    + " (local.get 19) (local.get 18) (local.get 17) (local.get 16) (local.get 15)"
                    + " (local.get 14) (local.get 13) (local.get 12) (local.get 11) (local.get 10)"
                    + " (local.get 9) (local.get 8) (local.get 7) (local.get 6) (local.get 5)"
                    + " (local.get 4) (local.get 3) (local.get 2) (local.get 1) (local.get 0))";

    static Object[] oneToTwenty() {
        Object[] args = new Object[20];
        for (int i = 0; i < 20; i++) {
            args[i] = i + 1;
        }
        return args;
    }

    @Test
    void manyParametersAndResultsPassThroughGrownSlots() {
        try (Module many = Module.fromText(engine, "(module " + MANY + ")")) {
            Val[] out = new Instance(store, many).getFunc("many").call(oneToTwenty());
            assertEquals(20, out.length);
            for (int i = 0; i < 20; i++) {
                assertEquals(20 - i, out[i].i32());
            }
            assertEquals(5, instance.getFunc("add").call(2, 3)[0].i32());
        }
    }

    @Test
    void resultsSurviveSlotsGrownByAHostFunctionDuringTheCall() {
        try (Linker<Void> linker = new Linker<>(engine);
                Module module =
                        Module.fromText(
                                engine,
                                "(module (import \"env\" \"grow\" (func $grow)) " + MANY
                                        + " (func (export \"run\") (param i32) (result i32) (call $grow) (local.get 0)))")) {
            int[] seen = new int[1];
            linker.func("env", "grow", FuncType.of(List.of(), List.of()), (caller, args) -> {
                // The first call with more than 16 values grows the store's slots.
                seen[0] = caller.getFunc("many").call(oneToTwenty())[0].i32();
                return new Val[0];
            });
            Instance grower = linker.instantiate(store, module);
            assertEquals(7, grower.getFunc("run").call(7)[0].i32());
            assertEquals(20, seen[0]);
            assertEquals(8, grower.getFunc("run").call(8)[0].i32());
            assertEquals(9, grower.getTypedFunc("run").callI32ToI32(9));
        }
    }

    @Test
    void argumentsAndResultsSurviveNestedCallsThroughTheSameSlots() {
        try (Linker<Void> linker = new Linker<>(engine);
                Module module =
                        Module.fromText(
                                engine,
                                "(module (import \"env\" \"clobber\" (func $clobber (param i32) (result i32)))"
                                        + " (func (export \"add\") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))"
                                        + " (func (export \"run\") (param i32 i32) (result i32)"
                                        + "   (i32.add (call $clobber (local.get 0)) (local.get 1))))")) {
            linker.func("env", "clobber", FuncType.of(List.of(ValType.I32), List.of(ValType.I32)), (caller, args) -> {
                int nested = caller.getFunc("add").call(100, 200)[0].i32();
                return new Val[] {Val.i32(args[0].i32() + nested)};
            });
            Instance nester = linker.instantiate(store, module);
            assertEquals(1 + 300 + 20, nester.getFunc("run").call(1, 20)[0].i32());
            assertEquals(2 + 300 + 30, nester.getTypedFunc("run").callI32I32ToI32(2, 30));
        }
    }

    @Test
    void valAccessorsCheckTheType() {
        assertEquals(ValType.F32, Val.f32(1f).type());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Val.i64(1).i32());
        assertEquals("the value is an i64, not an i32", e.getMessage());
        assertEquals(7, Val.i32(7).value());
        assertEquals(7L, Val.i64(7).value());
        assertEquals(1.5f, Val.f32(1.5f).value());
        assertEquals(1.5, Val.f64(1.5).value());
        assertEquals("i32:7", Val.i32(7).toString());
        assertEquals("externref:null", Val.externref(null).toString());
        assertEquals(Val.f64(Double.NaN), Val.f64(Double.NaN));
        assertNotSame(Val.i32(1), Val.i32(1));
        assertEquals(Val.i32(1).hashCode(), Val.i32(1).hashCode());
    }
}
