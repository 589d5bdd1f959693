package dev.kiln;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A component's memory, {@code realloc} and handle table during a flat call:
 * what generated glue lowers values into and lifts them out of, the same
 * for a call of an export ({@link FlatCall}) and of a host function ({@link
 * FlatContext}).
 *
 * <p>Every accessor checks what the component gave it and throws the {@link
 * TrapException} the canonical ABI prescribes, worded as the engine words it.
 * Memory is read and written in Java through a direct {@link ByteBuffer}
 * (little-endian) that this object fetches again after anything that may grow
 * the memory ({@code realloc}, the core call): do not keep the buffer {@link
 * #memory()} returns past such a call.
 */
public abstract sealed class FlatAccess permits FlatCall, FlatContext {
    private static final ByteBuffer EMPTY = ByteBuffer.allocateDirect(0).order(ByteOrder.LITTLE_ENDIAN);

    /** The current view of the memory, or null until it is needed again. */
    ByteBuffer mem;

    FlatAccess() {}

    abstract ByteBuffer fetchMemory();

    abstract long reallocRaw(int align, int size);

    abstract boolean reallocManyRaw(int align, int[] sizes, byte[] data, int dataLen);

    abstract long handleOp(int op, long value, long type, boolean own);

    abstract Store<?> store();

    /** Forgets the memory view: the next access fetches a new one. */
    final void refresh() {
        mem = null;
    }

    /** The memory view, fetched if it is not current. */
    private ByteBuffer m() {
        ByteBuffer b = mem;
        if (b == null) {
            b = fetchMemory();
            b = b == null ? EMPTY : b.order(ByteOrder.LITTLE_ENDIAN);
            mem = b;
        }
        return b;
    }

    /** The component's memory as it is now (invalid after anything that may grow it). */
    public final ByteBuffer memory() {
        return m();
    }

    /**
     * Allocates {@code size} bytes aligned to {@code align} with the
     * component's {@code realloc}; a result misaligned or out of bounds is a
     * trap.
     */
    public final int realloc(int align, int size) {
        long r = reallocRaw(align, size);
        if ((r >>> 32) != 0) {
            refresh();
        }
        return (int) r;
    }

    /**
     * Allocates a block for each size in {@code sizes}, all aligned to {@code
     * align}, in one call into the engine: each size is replaced by its block's
     * address.
     */
    public final void reallocMany(int align, int[] sizes) {
        if (sizes.length == 0) {
            return;
        }
        if (reallocManyRaw(align, sizes, null, 0)) {
            refresh();
        }
    }

    // ---- traps

    /** The trap for a broken canonical ABI rule, with the engine's wording. */
    public static TrapException trap(String message) {
        return new TrapException(message, TrapCode.HOST_ERROR, List.of());
    }

    /** The trap for a pointer and length outside the memory ({@code what}: value, list, string). */
    public static TrapException outOfBounds(String what) {
        return new TrapException(
                what + " pointer/length out of bounds of memory", TrapCode.MEMORY_OUT_OF_BOUNDS, List.of());
    }

    /** The trap for a misaligned pointer. */
    public static TrapException misaligned(String what, int ptr, int align) {
        return new TrapException(
                what + " pointer 0x" + Integer.toHexString(ptr) + " is not aligned to " + align + " bytes",
                TrapCode.HEAP_MISALIGNED,
                List.of());
    }

    /** The trap for a discriminant out of range ({@code what}: variant, enum, option, result). */
    public static TrapException badDiscriminant(String what, int disc) {
        return trap("invalid " + what + " discriminant " + Integer.toUnsignedString(disc));
    }

    /** A lifted {@code char}: {@code c} if it is a Unicode scalar value, else a trap. */
    public static int liftChar(int c) {
        if (Integer.compareUnsigned(c, 0x110000) >= 0 || (c >= 0xD800 && c < 0xE000)) {
            throw trap("invalid char value 0x" + Integer.toHexString(c));
        }
        return c;
    }

    // ---- scalars at base + offset

    private int at(int base, int offset, int size) {
        long at = (base & 0xFFFFFFFFL) + offset;
        if (at + size > m().capacity()) {
            throw outOfBounds("value");
        }
        return (int) at;
    }

    /** The byte at {@code base + offset}, zero-extended. */
    public final int loadU8(int base, int offset) {
        return m().get(at(base, offset, 1)) & 0xFF;
    }

    /** The byte at {@code base + offset}, sign-extended. */
    public final int loadS8(int base, int offset) {
        return m().get(at(base, offset, 1));
    }

    /** The 16 bits at {@code base + offset}, zero-extended. */
    public final int loadU16(int base, int offset) {
        return m().getShort(at(base, offset, 2)) & 0xFFFF;
    }

    /** The 16 bits at {@code base + offset}, sign-extended. */
    public final int loadS16(int base, int offset) {
        return m().getShort(at(base, offset, 2));
    }

    /** The 32 bits at {@code base + offset}. */
    public final int loadI32(int base, int offset) {
        return m().getInt(at(base, offset, 4));
    }

    /** The 64 bits at {@code base + offset}. */
    public final long loadI64(int base, int offset) {
        return m().getLong(at(base, offset, 8));
    }

    /** The {@code f32} at {@code base + offset}. */
    public final float loadF32(int base, int offset) {
        return m().getFloat(at(base, offset, 4));
    }

    /** The {@code f64} at {@code base + offset}. */
    public final double loadF64(int base, int offset) {
        return m().getDouble(at(base, offset, 8));
    }

    /** Stores the low byte of {@code v}. */
    public final void storeI8(int base, int offset, int v) {
        m().put(at(base, offset, 1), (byte) v);
    }

    /** Stores the low 16 bits of {@code v}. */
    public final void storeI16(int base, int offset, int v) {
        m().putShort(at(base, offset, 2), (short) v);
    }

    /** Stores {@code v}. */
    public final void storeI32(int base, int offset, int v) {
        m().putInt(at(base, offset, 4), v);
    }

    /** Stores {@code v}. */
    public final void storeI64(int base, int offset, long v) {
        m().putLong(at(base, offset, 8), v);
    }

    /** Stores {@code v}. */
    public final void storeF32(int base, int offset, float v) {
        m().putFloat(at(base, offset, 4), v);
    }

    /** Stores {@code v}. */
    public final void storeF64(int base, int offset, double v) {
        m().putDouble(at(base, offset, 8), v);
    }

    // ---- strings

    /** The UTF-8 bytes of {@code s}. */
    public static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The string of {@code len} UTF-8 bytes at {@code ptr}: out of bounds or
     * invalid UTF-8 is a trap.
     */
    public final String loadString(int ptr, int len) {
        long end = (ptr & 0xFFFFFFFFL) + (len & 0xFFFFFFFFL);
        if (end > m().capacity()) {
            throw outOfBounds("string");
        }
        byte[] bytes = new byte[len];
        m().get(ptr, bytes, 0, len);
        if (!validUtf8(bytes)) {
            throw trap("invalid utf-8 string");
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** Whether {@code b} is well-formed UTF-8 (no overlong forms, surrogates or values past U+10FFFF). */
    static boolean validUtf8(byte[] b) {
        int i = 0;
        int n = b.length;
        while (i < n) {
            int c = b[i];
            if (c >= 0) {
                i++;
                continue;
            }
            c &= 0xFF;
            int extra;
            int cp;
            if (c >= 0xC2 && c <= 0xDF) {
                extra = 1;
                cp = c & 0x1F;
            } else if (c >= 0xE0 && c <= 0xEF) {
                extra = 2;
                cp = c & 0x0F;
            } else if (c >= 0xF0 && c <= 0xF4) {
                extra = 3;
                cp = c & 0x07;
            } else {
                return false;
            }
            if (n - i <= extra) {
                return false;
            }
            for (int k = 1; k <= extra; k++) {
                int cc = b[i + k] & 0xFF;
                if ((cc & 0xC0) != 0x80) {
                    return false;
                }
                cp = (cp << 6) | (cc & 0x3F);
            }
            if ((extra == 2 && (cp < 0x800 || (cp >= 0xD800 && cp < 0xE000)))
                    || (extra == 3 && (cp < 0x10000 || cp > 0x10FFFF))) {
                return false;
            }
            i += extra + 1;
        }
        return true;
    }

    // ---- strings allocated in one batch

    private String[] queued = new String[0];
    private int[] queuedPtrs = new int[0];
    private int[] queuedLens = new int[0];
    private byte[] queuedBytes = new byte[0];
    private int queuedByteCount;
    private int queueHead;
    private int queueTail;
    private int queueAllocated;

    /**
     * Queues {@code s} to be stored by the next {@link #allocateQueued}, so that
     * the strings of a list are allocated and copied in one native call; {@link
     * #storeString} then takes them, in the order queued.
     */
    public final void queueString(String s) {
        if (queueTail == queued.length) {
            int n = Math.max(16, queued.length * 2);
            queued = java.util.Arrays.copyOf(queued, n);
            queuedPtrs = java.util.Arrays.copyOf(queuedPtrs, n);
            queuedLens = java.util.Arrays.copyOf(queuedLens, n);
        }
        // UTF-8 takes at most three bytes per UTF-16 unit.
        int n = s.length();
        reserveQueuedBytes(3L * n);
        byte[] buf = queuedBytes;
        int at = queuedByteCount;
        int len = n;
        // ASCII, the common case, is copied as it is, without encoding the
        // string into a temporary array first.
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x80) {
                byte[] b = utf8(s);
                System.arraycopy(b, 0, buf, at, b.length);
                len = b.length;
                break;
            }
            buf[at + i] = (byte) c;
        }
        queuedByteCount += len;
        queued[queueTail] = s;
        queuedLens[queueTail] = len;
        queueTail++;
    }

    /** Grows the queue's bytes to hold {@code more} more. */
    private void reserveQueuedBytes(long more) {
        long need = queuedByteCount + more;
        if (need > queuedBytes.length) {
            if (need > Integer.MAX_VALUE - 8) {
                throw trap("strings too large to lower: " + need + " bytes");
            }
            queuedBytes = java.util.Arrays.copyOf(
                    queuedBytes, (int) Math.max(need, Math.min(2L * queuedBytes.length + 64, Integer.MAX_VALUE - 8)));
        }
    }

    /** Allocates and fills a block for every string queued since the last call, in one native call. */
    public final void allocateQueued() {
        int n = queueTail - queueAllocated;
        if (n == 0) {
            return;
        }
        int[] ptrs = java.util.Arrays.copyOfRange(queuedLens, queueAllocated, queueTail);
        if (reallocManyRaw(1, ptrs, queuedBytes, queuedByteCount)) {
            refresh();
        }
        System.arraycopy(ptrs, 0, queuedPtrs, queueAllocated, n);
        queueAllocated = queueTail;
        queuedByteCount = 0;
    }

    /**
     * Lowers the string {@code s}: its address in the low 32 bits, its length in
     * bytes in the high 32. A string queued and stored already (the next in the
     * queue, the same object) is that block; any other is stored now.
     */
    public final long storeString(String s) {
        if (queueHead < queueAllocated && queued[queueHead] == s) {
            int len = queuedLens[queueHead];
            int ptr = queuedPtrs[queueHead];
            queued[queueHead] = null;
            queueHead++;
            if (queueHead == queueTail) {
                queueHead = 0;
                queueTail = 0;
                queueAllocated = 0;
            }
            return ((long) len << 32) | (ptr & 0xFFFFFFFFL);
        }
        byte[] bytes = utf8(s);
        int ptr = storeBytes(bytes, 1);
        return ((long) bytes.length << 32) | (ptr & 0xFFFFFFFFL);
    }

    // ---- lists

    /**
     * Allocates a list of {@code count} elements of {@code size} bytes aligned
     * to {@code align}: its address.
     */
    public final int allocList(int count, int size, int align) {
        long total = (count & 0xFFFFFFFFL) * size;
        if (total > 0xFFFFFFFFL) {
            throw trap("list too large to lower: " + total + " bytes");
        }
        return realloc(align, (int) total);
    }

    /**
     * Checks that the list of {@code count} elements of {@code size} bytes at
     * {@code ptr} is aligned to {@code align} and inside the memory.
     */
    public final void checkList(int ptr, int count, int size, int align) {
        if ((ptr & (align - 1)) != 0) {
            throw misaligned("list", ptr, align);
        }
        long end = (ptr & 0xFFFFFFFFL) + (count & 0xFFFFFFFFL) * size;
        if (end > m().capacity()) {
            throw outOfBounds("list");
        }
    }

    /** Copies {@code bytes} into a new allocation aligned to {@code align}: its address. */
    public final int storeBytes(byte[] bytes, int align) {
        int ptr = realloc(align, bytes.length);
        if (bytes.length > 0) {
            m().put(at(ptr, 0, bytes.length), bytes);
        }
        return ptr;
    }

    /** Lowers a {@code list<s16>} or {@code list<u16>}: its address. */
    public final int storeShorts(short[] a) {
        int ptr = allocList(a.length, 2, 2);
        if (a.length > 0) {
            m().slice(at(ptr, 0, a.length * 2), a.length * 2)
                    .order(ByteOrder.LITTLE_ENDIAN)
                    .asShortBuffer()
                    .put(a);
        }
        return ptr;
    }

    /** Lowers a {@code list<s32>} or {@code list<u32>}: its address. */
    public final int storeInts(int[] a) {
        int ptr = allocList(a.length, 4, 4);
        if (a.length > 0) {
            m().slice(at(ptr, 0, a.length * 4), a.length * 4)
                    .order(ByteOrder.LITTLE_ENDIAN)
                    .asIntBuffer()
                    .put(a);
        }
        return ptr;
    }

    /** Lowers a {@code list<s64>} or {@code list<u64>}: its address. */
    public final int storeLongs(long[] a) {
        int ptr = allocList(a.length, 8, 8);
        if (a.length > 0) {
            m().slice(at(ptr, 0, a.length * 8), a.length * 8)
                    .order(ByteOrder.LITTLE_ENDIAN)
                    .asLongBuffer()
                    .put(a);
        }
        return ptr;
    }

    /** Lowers a {@code list<f32>}: its address. */
    public final int storeFloats(float[] a) {
        int ptr = allocList(a.length, 4, 4);
        if (a.length > 0) {
            m().slice(at(ptr, 0, a.length * 4), a.length * 4)
                    .order(ByteOrder.LITTLE_ENDIAN)
                    .asFloatBuffer()
                    .put(a);
        }
        return ptr;
    }

    /** Lowers a {@code list<f64>}: its address. */
    public final int storeDoubles(double[] a) {
        int ptr = allocList(a.length, 8, 8);
        if (a.length > 0) {
            m().slice(at(ptr, 0, a.length * 8), a.length * 8)
                    .order(ByteOrder.LITTLE_ENDIAN)
                    .asDoubleBuffer()
                    .put(a);
        }
        return ptr;
    }

    /** Lifts a {@code list<u8>} or {@code list<s8>}. */
    public final byte[] loadBytes(int ptr, int len) {
        checkList(ptr, len, 1, 1);
        byte[] out = new byte[len];
        m().get(ptr, out, 0, len);
        return out;
    }

    /** Lifts a {@code list<u16>} or {@code list<s16>}. */
    public final short[] loadShorts(int ptr, int len) {
        checkList(ptr, len, 2, 2);
        short[] out = new short[len];
        m().slice(ptr, len * 2).order(ByteOrder.LITTLE_ENDIAN).asShortBuffer().get(out);
        return out;
    }

    /** Lifts a {@code list<u32>} or {@code list<s32>}. */
    public final int[] loadInts(int ptr, int len) {
        checkList(ptr, len, 4, 4);
        int[] out = new int[len];
        m().slice(ptr, len * 4).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().get(out);
        return out;
    }

    /** Lifts a {@code list<u64>} or {@code list<s64>}. */
    public final long[] loadLongs(int ptr, int len) {
        checkList(ptr, len, 8, 8);
        long[] out = new long[len];
        m().slice(ptr, len * 8).order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(out);
        return out;
    }

    /** Lifts a {@code list<f32>}. */
    public final float[] loadFloats(int ptr, int len) {
        checkList(ptr, len, 4, 4);
        float[] out = new float[len];
        m().slice(ptr, len * 4).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
        return out;
    }

    /** Lifts a {@code list<f64>}. */
    public final double[] loadDoubles(int ptr, int len) {
        checkList(ptr, len, 8, 8);
        double[] out = new double[len];
        m().slice(ptr, len * 8).order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer().get(out);
        return out;
    }

    // ---- handles

    private static final int LIFT = 0;
    private static final int LOWER = 1;
    private static final int LIFT_HOST = 2;
    private static final int LOWER_HOST = 3;

    private long op(int op, long value, ComponentResourceType type, boolean own) {
        long t = type.resource.acquire();
        try {
            return handleOp(op, value, t, own);
        } finally {
            type.resource.release();
        }
    }

    /** Takes the own handle {@code index} of {@code type} out of the component's table. */
    public final ComponentResource liftOwn(int index, ComponentResourceType type) {
        return new ComponentResource(store(), op(LIFT, index, type, true));
    }

    /** Borrows the handle {@code index} of {@code type} for the call being made. */
    public final ComponentResource liftBorrow(int index, ComponentResourceType type) {
        return new ComponentResource(store(), op(LIFT, index, type, false));
    }

    /** Gives {@code r} to the component as an own handle of {@code type}: its index. */
    public final int lowerOwn(ComponentResource r, ComponentResourceType type) {
        int index = (int) op(LOWER, r.handle(), type, true);
        r.moved();
        return index;
    }

    /** Lends {@code r} to the component for the call as a borrow of {@code type}: its index. */
    public final int lowerBorrow(ComponentResource r, ComponentResourceType type) {
        return (int) op(LOWER, r.handle(), type, false);
    }

    /** Takes the own handle {@code index} of the host type {@code type}: the resource's representation. */
    public final int liftHostOwn(int index, ComponentResourceType type) {
        return (int) op(LIFT_HOST, index, type, true);
    }

    /** Borrows the handle {@code index} of the host type {@code type}: the representation. */
    public final int liftHostBorrow(int index, ComponentResourceType type) {
        return (int) op(LIFT_HOST, index, type, false);
    }

    /** Gives the host resource {@code rep} of {@code type} to the component as an own handle. */
    public final int lowerHostOwn(int rep, ComponentResourceType type) {
        return (int) op(LOWER_HOST, rep, type, true);
    }

    /** Lends the host resource {@code rep} of {@code type} to the component for the call. */
    public final int lowerHostBorrow(int rep, ComponentResourceType type) {
        return (int) op(LOWER_HOST, rep, type, false);
    }
}
