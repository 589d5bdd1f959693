package dev.kiln;

import java.nio.ByteBuffer;

/**
 * A call of an exported function made in steps with flat core values, as
 * generated glue makes it: lower the arguments into the component (the
 * memory, {@link #realloc}, handles of {@link FlatAccess}), {@link #call} the
 * core function with the flat values, lift the result the same way, {@link
 * #finish}, and {@link #close}.
 *
 * <pre>{@code
 * try (FlatCall call = len.flatCall()) {        // len: func(s: string) -> u32
 *     byte[] utf8 = FlatAccess.utf8("hello");
 *     long[] slots = {call.storeBytes(utf8, 1), utf8.length};
 *     call.call(slots);
 *     int n = (int) slots[0];
 *     call.finish();
 * }
 * }</pre>
 *
 * <p>The component instance counts as entered until the call is finished or
 * closed. Closing a call that was not finished (because lifting failed, say)
 * abandons it: the instance can then never be entered again, as after a
 * trap. A call belongs to its store's thread and is not thread-safe.
 */
public final class FlatCall extends FlatAccess implements AutoCloseable {
    private final Store<?> store;
    private long handle;
    private boolean called;

    FlatCall(Store<?> store, long handle) {
        this.store = store;
        this.handle = handle;
    }

    private long live() {
        if (handle == 0) {
            throw new IllegalStateException("the flat call is closed");
        }
        return handle;
    }

    @Override
    Store<?> store() {
        return store;
    }

    @Override
    ByteBuffer fetchMemory() {
        long h = live();
        long s = store.enter();
        try {
            return memory(store, s, h);
        } finally {
            store.exit();
        }
    }

    @Override
    long reallocRaw(int align, int size) {
        long h = live();
        long s = store.enter();
        try {
            return realloc(store, s, h, align, size);
        } finally {
            store.exit();
        }
    }

    @Override
    boolean reallocManyRaw(int align, int[] sizes, byte[] data, int dataLen) {
        long h = live();
        long s = store.enter();
        try {
            return reallocMany(store, s, h, align, sizes, data, dataLen);
        } finally {
            store.exit();
        }
    }

    @Override
    long handleOp(int op, long value, long type, boolean own) {
        long h = live();
        long s = store.enter();
        try {
            return handle(store, s, h, op, value, type, own);
        } finally {
            store.exit();
        }
    }

    /**
     * Runs the core function with its parameters in {@code slots} (each in
     * the low bits), leaving its result, if any, in {@code slots[0]}. {@code
     * slots} needs an element for each parameter, and at least one when the
     * function returns a value; too few is an {@link IllegalArgumentException}
     * naming how many are needed. A trap poisons the component instance.
     */
    public void call(long[] slots) {
        long h = live();
        if (called) {
            throw new IllegalStateException("the core function of this flat call has already been called");
        }
        called = true;
        boolean changed;
        long s = store.enter();
        try {
            changed = call(store, s, h, slots);
        } finally {
            store.exit();
        }
        if (changed) {
            refresh();
        }
    }

    /** Ends the call: the component's {@code post-return}, and the check of the call's borrows. */
    public void finish() {
        long h = live();
        long s = store.enter();
        try {
            finish(store, s, h);
        } finally {
            store.exit();
        }
    }

    /** Frees the call, abandoning it if it was not finished; safe to call twice. */
    @Override
    public void close() {
        long h = handle;
        handle = 0;
        mem = null;
        if (h != 0) {
            free(h);
        }
    }

    private static native ByteBuffer memory(Store<?> store, long storeHandle, long handle);

    private static native long realloc(Store<?> store, long storeHandle, long handle, int align, int size);

    private static native boolean reallocMany(
            Store<?> store, long storeHandle, long handle, int align, int[] sizes, byte[] data, int dataLen);

    private static native long handle(
            Store<?> store, long storeHandle, long handle, int op, long value, long type, boolean own);

    private static native boolean call(Store<?> store, long storeHandle, long handle, long[] slots);

    private static native void finish(Store<?> store, long storeHandle, long handle);

    private static native void free(long handle);
}
