package dev.kiln;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.OptionalLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link Table}: references by index, from wasm and from the host. */
class TableTest {
    static final String TABLES =
            "(module (type $t (func (result i32)))"
                    + " (table $f (export \"funcs\") 2 5 funcref) (elem (i32.const 0) $one)"
                    + " (table $e (export \"objects\") 1 externref)"
                    + " (func $one (result i32) (i32.const 1))"
                    + " (func (export \"callAt\") (param i32) (result i32) (call_indirect $f (type $t) (local.get 0)))"
                    + " (func (export \"objectAt\") (param i32) (result externref) (table.get $e (local.get 0)))"
                    + " (func (export \"size\") (result i32) (table.size $f)))";

    private final Engine engine = new Engine();
    private final Store<Void> store = new Store<>(engine);
    private final Module module = Module.fromText(engine, TABLES);
    private final Instance instance = new Instance(store, module);

    @AfterEach
    void close() {
        module.close();
        store.close();
        engine.close();
    }

    @Test
    void funcrefTableGetSetAndGrow() {
        Table funcs = instance.getTable("funcs");
        assertEquals(new TableType(ValType.FUNCREF, 2, 5), funcs.type());
        assertEquals(2L, funcs.size());
        Func one = funcs.get(0).funcref();
        assertEquals(1, one.typed().callToI32());
        assertNull(funcs.get(1).funcref());
        Func seven = Func.of(store, HostFunc.<Void>toI32(() -> 7));
        funcs.set(1, seven);
        assertEquals(seven, funcs.get(1).funcref());
        assertEquals(7, instance.getTypedFunc("callAt").callI32ToI32(1));
        assertEquals(2L, funcs.grow(2, Val.funcref(one)));
        assertEquals(4, instance.getTypedFunc("size").callToI32());
        assertEquals(1, instance.getTypedFunc("callAt").callI32ToI32(3));
        funcs.set(3, null);
        TrapException e = assertThrows(TrapException.class, () -> instance.getTypedFunc("callAt").callI32ToI32(3));
        assertEquals(TrapCode.UNINITIALIZED_ELEMENT, e.code());
        KilnException beyond = assertThrows(KilnException.class, () -> funcs.grow(2, null));
        assertEquals("failed to grow table of 4 elements by 2", beyond.getMessage());
        assertEquals(4L, funcs.size());
    }

    @Test
    void externrefTableKeepsObjectIdentity() {
        Table objects = instance.getTable("objects");
        Object token = new Object();
        objects.set(0, token);
        assertSame(token, objects.get(0).externref());
        assertSame(token, instance.getFunc("objectAt").call(0)[0].externref());
        assertEquals(1L, objects.grow(1, "second"));
        assertEquals("second", instance.getFunc("objectAt").call(1)[0].externref());
        objects.set(0, Val.externref(null));
        assertNull(objects.get(0).externref());
    }

    @Test
    void outOfBoundsIsAnIndexOutOfBounds() {
        Table funcs = instance.getTable("funcs");
        IndexOutOfBoundsException get = assertThrows(IndexOutOfBoundsException.class, () -> funcs.get(2));
        assertEquals("table index 2 is out of bounds", get.getMessage());
        IndexOutOfBoundsException set = assertThrows(IndexOutOfBoundsException.class, () -> funcs.set(9, null));
        assertEquals("table index 9 is out of bounds (the table has 2 elements)", set.getMessage());
        IndexOutOfBoundsException negative = assertThrows(IndexOutOfBoundsException.class, () -> funcs.get(-1));
        assertEquals("table index -1 is negative", negative.getMessage());
        assertEquals(1, instance.getTypedFunc("callAt").callI32ToI32(0));
    }

    @Test
    void wrongElementTypeIsAnIllegalArgument() {
        Table funcs = instance.getTable("funcs");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> funcs.set(0, "text"));
        assertEquals("expected a value of type funcref, got String text", e.getMessage());
    }

    @Test
    void newTableFromTheHost() {
        Object fill = new Object();
        Table table = new Table(store, new TableType(ValType.EXTERNREF, 3, OptionalLong.empty(), false), fill);
        assertEquals(3L, table.size());
        assertSame(fill, table.get(2).externref());
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> new TableType(ValType.I32, 1));
        assertEquals("a table's elements are references, not i32", e.getMessage());
    }
}
