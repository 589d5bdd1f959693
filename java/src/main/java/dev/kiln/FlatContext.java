package dev.kiln;

import java.nio.ByteBuffer;

/**
 * What a {@link FlatHostFunc} sees of the component calling it: its memory,
 * {@code realloc} and handle table (see {@link FlatAccess}). Valid only
 * while the host function runs; using it afterwards throws {@link
 * IllegalStateException}.
 */
public final class FlatContext extends FlatAccess {
    private final Store<?> store;
    private long handle;

    private FlatContext(Store<?> store, long handle) {
        this.store = store;
        this.handle = handle;
    }

    /** Called by the native library for each call of a flat host function. */
    static void dispatch(FlatHostFunc func, Store<?> store, long handle, long[] slots) {
        FlatContext cx = new FlatContext(store, handle);
        try {
            func.call(cx, slots);
        } finally {
            cx.handle = 0;
            cx.mem = null;
        }
    }

    /** The store whose component called the host function. */
    @Override
    public Store<?> store() {
        return store;
    }

    private long live() {
        if (handle == 0) {
            throw new IllegalStateException(
                    "the flat context is no longer valid: its host function has returned");
        }
        return handle;
    }

    @Override
    ByteBuffer fetchMemory() {
        return memory(live());
    }

    @Override
    long reallocRaw(int align, int size) {
        return realloc(live(), align, size);
    }

    @Override
    boolean reallocManyRaw(int align, int[] sizes, byte[] data, int dataLen) {
        return reallocMany(live(), align, sizes, data, dataLen);
    }

    @Override
    long handleOp(int op, long value, long type, boolean own) {
        return handle(live(), op, value, type, own);
    }

    private static native ByteBuffer memory(long handle);

    private static native long realloc(long handle, int align, int size);

    private static native boolean reallocMany(long handle, int align, int[] sizes, byte[] data, int dataLen);

    private static native long handle(long handle, int op, long value, long type, boolean own);
}
