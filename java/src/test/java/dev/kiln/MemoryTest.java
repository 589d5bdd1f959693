package dev.kiln;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link Memory}: copies in and out, {@link ByteBuffer} views, growth. */
class MemoryTest {
    static final String MEM =
            "(module (memory (export \"memory\") 1 4) (data (i32.const 16) \"kiln\")"
                    + " (func (export \"load\") (param i32) (result i32) (i32.load (local.get 0)))"
                    + " (func (export \"load8\") (param i32) (result i32) (i32.load8_u (local.get 0)))"
                    + " (func (export \"store\") (param i32 i32) (i32.store (local.get 0) (local.get 1)))"
                    + " (func (export \"grow\") (param i32) (result i32) (memory.grow (local.get 0))))";

    private final Engine engine = new Engine();
    private final Store<Void> store = new Store<>(engine);
    private final Module module = Module.fromText(engine, MEM);
    private final Instance instance = new Instance(store, module);
    private final Memory memory = instance.getMemory("memory");

    @AfterEach
    void close() {
        module.close();
        store.close();
        engine.close();
    }

    @Test
    void readsAndWritesBytesAndStrings() {
        assertEquals("kiln", memory.readString(16, 4));
        assertArrayEquals(new byte[] {'k', 'i', 'l', 'n', 0}, memory.read(16, 5));
        memory.write(100, new byte[] {1, 2, 3, 4});
        assertEquals(0x04030201, instance.getTypedFunc("load").callI32ToI32(100));
        byte[] dst = new byte[6];
        memory.read(99, dst, 1, 5);
        assertArrayEquals(new byte[] {0, 0, 1, 2, 3, 4}, dst);
        memory.write(200, new byte[] {9, 8, 7, 6}, 1, 2);
        assertArrayEquals(new byte[] {8, 7, 0}, memory.read(200, 3));
        assertEquals(6, memory.writeString(300, "héllo"));
        assertEquals("héllo", memory.readString(300, 6));
        byte[] filled = new byte[2];
        memory.read(301, filled);
        assertArrayEquals(new byte[] {(byte) 0xc3, (byte) 0xa9}, filled);
    }

    @Test
    void outOfBoundsIsAnIndexOutOfBoundsAndTheStoreStaysUsable() {
        IndexOutOfBoundsException read =
                assertThrows(IndexOutOfBoundsException.class, () -> memory.read(65534, 4));
        assertEquals(
                "memory access of 4 bytes at offset 65534 is out of bounds (the memory holds 65536 bytes)",
                read.getMessage());
        IndexOutOfBoundsException write =
                assertThrows(IndexOutOfBoundsException.class, () -> memory.write(-1, new byte[1]));
        assertEquals(
                "memory access of 1 bytes at offset -1 is out of bounds (the memory holds 65536 bytes)",
                write.getMessage());
        assertThrows(IndexOutOfBoundsException.class, () -> memory.writeString(65535, "ab"));
        assertThrows(IndexOutOfBoundsException.class, () -> memory.read(Long.MAX_VALUE, 1));
        IndexOutOfBoundsException array =
                assertThrows(IndexOutOfBoundsException.class, () -> memory.read(0, new byte[4], 2, 3));
        assertEquals("range 2..5 is outside an array of 4", array.getMessage());
        IndexOutOfBoundsException huge =
                assertThrows(IndexOutOfBoundsException.class, () -> memory.read(0, Integer.MAX_VALUE));
        assertEquals(
                "memory access of 2147483647 bytes at offset 0 is out of bounds (the memory holds 65536 bytes)",
                huge.getMessage());
        assertArrayEquals(new byte[2], memory.read(65534, 2));
        assertArrayEquals(new byte[0], memory.read(65536, 0));
        assertEquals("kiln", memory.readString(16, 4));
        instance.getTypedFunc("store").callI32I32(0, 7);
        assertEquals(7, instance.getTypedFunc("load").callI32ToI32(0));
    }

    @Test
    void sizeDataSizeAndGrow() {
        assertEquals(1L, memory.size());
        assertEquals(65536L, memory.dataSize());
        assertEquals(1L, memory.grow(2));
        assertEquals(3L, memory.size());
        assertEquals(3 * 65536L, memory.dataSize());
        assertEquals(3, instance.getTypedFunc("grow").callI32ToI32(1));
        assertEquals(4L, memory.size());
        KilnException beyond = assertThrows(KilnException.class, () -> memory.grow(1));
        assertEquals("failed to grow memory of 4 pages by 1 pages", beyond.getMessage());
        assertEquals(-1, instance.getTypedFunc("grow").callI32ToI32(1));
        IllegalArgumentException negative = assertThrows(IllegalArgumentException.class, () -> memory.grow(-1));
        assertEquals("cannot grow a memory by -1 pages", negative.getMessage());
        // The type's minimum is the current size.
        assertEquals(new MemoryType(4, 4), memory.type());
        assertEquals(65536L, memory.type().pageSize());
    }

    @Test
    void bufferSeesWasmsWritesAndWasmSeesTheBuffers() {
        ByteBuffer buffer = memory.buffer();
        assertTrue(buffer.isDirect());
        assertEquals(ByteOrder.LITTLE_ENDIAN, buffer.order());
        assertEquals(65536, buffer.capacity());
        assertEquals('k', buffer.get(16));
        instance.getTypedFunc("store").callI32I32(40, 0x11223344);
        assertEquals(0x11223344, buffer.getInt(40));
        assertEquals(0x44, buffer.get(40));
        buffer.putInt(80, 0x01020304);
        assertEquals(0x01020304, instance.getTypedFunc("load").callI32ToI32(80));
        assertEquals(4, instance.getTypedFunc("load8").callI32ToI32(80));
        buffer.putLong(1000, -2L);
        assertArrayEquals(new byte[] {-2, -1, -1, -1, -1, -1, -1, -1}, memory.read(1000, 8));
    }

    @Test
    void afterGrowTheOldBufferKeepsItsCapacityAndANewOneHasTheNewSize() {
        ByteBuffer before = memory.buffer();
        assertEquals(1, instance.getTypedFunc("grow").callI32ToI32(1));
        // The old view still covers the first page only; it is not resized.
        assertEquals(65536, before.capacity());
        assertThrows(IndexOutOfBoundsException.class, () -> before.get(65536));
        ByteBuffer after = memory.buffer();
        assertEquals(2 * 65536, after.capacity());
        instance.getTypedFunc("store").callI32I32(70000, 123);
        assertEquals(123, after.getInt(70000));
        // Growing never moves the memory: both views see the same bytes.
        before.putInt(8, 55);
        assertEquals(55, after.getInt(8));
        memory.grow(1);
        assertEquals(3 * 65536, memory.buffer().capacity());
    }

    @Test
    @SuppressWarnings("try") // closes the store inside its own try block, on purpose
    void aBufferKeptAfterTheStoreIsClosedStillReads() {
        ByteBuffer kept;
        try (Store<Void> own = new Store<>(engine)) {
            Memory m = new Instance(own, module).getMemory("memory");
            m.write(0, new byte[] {5, 6, 7});
            kept = m.buffer();
            own.close();
            assertEquals("the store is closed", assertThrows(IllegalStateException.class, m::buffer).getMessage());
        }
        assertEquals(5, kept.get(0));
        assertEquals('k', kept.get(16));
        kept.put(1, (byte) 9);
        assertEquals(9, kept.get(1));
        System.gc();
        assertEquals(7, kept.get(2));
    }

    @Test
    void newMemoryFromTheHost() {
        Memory made = new Memory(store, new MemoryType(2, 3));
        assertEquals(2L, made.size());
        assertEquals(new MemoryType(2, OptionalLong.of(3), false, false, 16), made.type());
        made.writeString(0, "shared");
        try (Module importer =
                Module.fromText(
                        engine,
                        "(module (import \"env\" \"mem\" (memory 1))"
                                + " (func (export \"first\") (result i32) (i32.load8_u (i32.const 0))))")) {
            Instance i = new Instance(store, importer, made);
            assertEquals('s', i.getTypedFunc("first").callToI32());
        }
        assertEquals(0, new Memory(store, new MemoryType(0)).buffer().capacity());
        IllegalArgumentException bad =
                assertThrows(IllegalArgumentException.class, () -> new Memory(store, new MemoryType(2, 1)));
        assertEquals("memory maximum is below its minimum", bad.getMessage());
    }

    @Test
    void sharedMemoryReadsWritesAndViews() {
        try (Engine threads = new Engine(new Config().wasmThreads(true));
                Store<Void> own = new Store<>(threads);
                Module shared =
                        Module.fromText(
                                threads,
                                "(module (memory (export \"memory\") 1 2 shared)"
                                        + " (func (export \"add\") (param i32 i32) (result i32)"
                                        + "   (i32.atomic.rmw.add (local.get 0) (local.get 1))))")) {
            Instance instance = new Instance(own, shared);
            Memory m = instance.getMemory("memory");
            assertEquals(new MemoryType(1, OptionalLong.of(2), false, true, 16), m.type());
            m.write(0, new byte[] {5, 0, 0, 0});
            assertEquals(5, instance.getTypedFunc("add").callI32I32ToI32(0, 3));
            assertArrayEquals(new byte[] {8, 0, 0, 0}, m.read(0, 4));
            ByteBuffer view = m.buffer();
            assertEquals(8, view.getInt(0));
            view.putInt(4, 100);
            assertEquals(100, instance.getTypedFunc("add").callI32I32ToI32(4, 1));
            assertEquals(1L, m.grow(1));
            assertEquals(2 * 65536, m.buffer().capacity());
            assertEquals(101, view.getInt(4));
        }
    }

    @Test
    void memoryTypeRefusesANullMaximum() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> new MemoryType(1, null, false, false, 16));
        assertEquals("the maximum must be an OptionalLong, not null", e.getMessage());
    }
}
