package dev.kiln;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * A linear memory: bytes wasm loads and stores, which Java reads and writes by copying ({@link
 * #read}, {@link #write}) or in place through a {@link ByteBuffer} ({@link #buffer}).
 *
 * <pre>{@code
 * Memory memory = instance.getMemory("memory");
 * memory.write(0, "hello".getBytes(StandardCharsets.UTF_8));
 * String s = memory.readString(0, 5);
 * ByteBuffer view = memory.buffer();   // little-endian; re-fetch after grow
 * }</pre>
 */
public final class Memory extends Extern {
    static {
        Native.load();
    }

    Memory(Store<?> store, int number) {
        super(store, number);
    }

    /** A new memory of type {@code type} in {@code store}. */
    public Memory(Store<?> store, MemoryType type) {
        this(store, create(store, type));
    }

    private static int create(Store<?> store, MemoryType type) {
        long h = store.enter();
        try {
            return newMemory(store, h, type.encode());
        } finally {
            store.exit();
        }
    }

    @Override
    int kind() {
        return 1;
    }

    @Override
    public MemoryType type() {
        long h = store.enter();
        try {
            return (MemoryType) ExternType.decode(type(store, h, number));
        } finally {
            store.exit();
        }
    }

    /** The size in pages. */
    public long size() {
        long h = store.enter();
        try {
            return size(store, h, number);
        } finally {
            store.exit();
        }
    }

    /** The size in bytes. */
    public long dataSize() {
        long h = store.enter();
        try {
            return dataSize(store, h, number);
        } finally {
            store.exit();
        }
    }

    /**
     * Grows the memory by {@code pages} pages and returns its old size in pages; fails with {@link
     * KilnException} past its maximum or the store's limits. Buffers from {@link #buffer} keep their
     * old size: fetch a new one.
     */
    public long grow(long pages) {
        long h = store.enter();
        try {
            return grow(store, h, number, pages);
        } finally {
            store.exit();
        }
    }

    /**
     * A little-endian direct buffer over the memory's bytes, read and written in place.
     *
     * <p>The buffer covers the memory as it is now: after the memory grows (by {@link #grow} or by
     * wasm's {@code memory.grow}) it still covers only the old bytes, so fetch a new one. It stays
     * safe to use after the store is closed (the memory stays mapped while any buffer is
     * reachable), but is then detached from any store.
     *
     * <p>A memory never moves unless its engine lets it ({@link Config#memoryMayMove}, with a
     * reservation under 4 GiB), so an old buffer's bytes stay mapped. On an engine whose memories
     * may move, an old buffer would point at unmapped bytes, so this throws {@link
     * IllegalStateException}: use {@link #read} and {@link #write}.
     */
    public ByteBuffer buffer() {
        if (store.engine().memoriesMayMove) {
            throw new IllegalStateException(
                    "Memory.buffer() is not available on an engine whose memories may move"
                            + " (Config.memoryMayMove(true) with a memoryReservation under 4 GiB): use read and write");
        }
        long h = store.enter();
        try {
            ByteBuffer view = buffer(store, h, number).order(ByteOrder.LITTLE_ENDIAN);
            store.retainView();
            Store<?> owner = store;
            Native.CLEANER.register(view, owner::releaseView);
            return view;
        } finally {
            store.exit();
        }
    }

    private static void checkRange(byte[] array, int at, int len) {
        if (at < 0 || len < 0 || at > array.length - len) {
            throw new IndexOutOfBoundsException(
                    "range " + at + ".." + ((long) at + len) + " is outside an array of " + array.length);
        }
    }

    /** Copies {@code len} bytes at {@code offset} into {@code dst} from {@code at}. */
    public void read(long offset, byte[] dst, int at, int len) {
        checkRange(dst, at, len);
        long h = store.enter();
        try {
            read(store, h, number, offset, dst, at, len);
        } finally {
            store.exit();
        }
    }

    /** Fills {@code dst} with the bytes at {@code offset}. */
    public void read(long offset, byte[] dst) {
        read(offset, dst, 0, dst.length);
    }

    /** The {@code len} bytes at {@code offset}. */
    public byte[] read(long offset, int len) {
        // Checked before allocating, so a wrong length fails as out of bounds, not out of memory.
        long size = dataSize();
        if (len < 0 || offset < 0 || offset > size - len) {
            throw new IndexOutOfBoundsException(
                    "memory access of " + len + " bytes at offset " + offset
                            + " is out of bounds (the memory holds " + size + " bytes)");
        }
        byte[] out = new byte[len];
        read(offset, out, 0, len);
        return out;
    }

    /** The {@code len} bytes at {@code offset}, decoded as UTF-8. */
    public String readString(long offset, int len) {
        return new String(read(offset, len), StandardCharsets.UTF_8);
    }

    /** Copies {@code len} bytes of {@code src} from {@code at} to {@code offset}. */
    public void write(long offset, byte[] src, int at, int len) {
        checkRange(src, at, len);
        long h = store.enter();
        try {
            write(store, h, number, offset, src, at, len);
        } finally {
            store.exit();
        }
    }

    /** Copies all of {@code src} to {@code offset}. */
    public void write(long offset, byte[] src) {
        write(offset, src, 0, src.length);
    }

    /** Writes {@code s} as UTF-8 at {@code offset}; returns the number of bytes written. */
    public int writeString(long offset, String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        write(offset, bytes);
        return bytes.length;
    }

    private static native int newMemory(Store<?> store, long handle, long[] type);

    private static native long[] type(Store<?> store, long handle, int memory);

    private static native long size(Store<?> store, long handle, int memory);

    private static native long dataSize(Store<?> store, long handle, int memory);

    private static native long grow(Store<?> store, long handle, int memory, long pages);

    private static native ByteBuffer buffer(Store<?> store, long handle, int memory);

    private static native void read(
            Store<?> store, long handle, int memory, long offset, byte[] dst, int at, int len);

    private static native void write(
            Store<?> store, long handle, int memory, long offset, byte[] src, int at, int len);
}
