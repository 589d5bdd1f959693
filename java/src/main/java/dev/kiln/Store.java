package dev.kiln;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.ref.Cleaner;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Everything one WebAssembly program owns at run time: its instances, functions, memories, tables
 * and globals, and host data of type {@code T}.
 *
 * <p>A store is used by one thread at a time. A thread that uses a store while another is in a call
 * on it gets an {@link IllegalStateException}; the store itself is never harmed. A host function
 * runs on the thread that called into wasm and may use the store freely.
 *
 * <pre>{@code
 * try (Engine engine = new Engine();
 *      Store<Void> store = new Store<>(engine)) {
 *     Instance instance = new Instance(store, Module.fromText(engine, "(module)"));
 * }
 * }</pre>
 *
 * @param <T> the type of the host data
 */
public final class Store<T> implements AutoCloseable {
    static {
        Native.load();
    }

    private static final VarHandle OWNER;

    static {
        try {
            OWNER = MethodHandles.lookup().findVarHandle(Store.class, "owner", Thread.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Engine engine;
    /** One reference for the store itself, one per live memory view ({@link Memory#buffer}). */
    private final NativeResource resource;

    private final Cleaner.Cleanable cleanable;
    private final long handle;
    private final Caller<T> caller = new Caller<>(this);
    private final Slots slotsView = new Slots(this);

    /** The raw slots values pass through; replaced by the native library when they grow. */
    ByteBuffer slots;

    @SuppressWarnings("unused") // through OWNER
    private volatile Thread owner;

    private int depth;
    private boolean closed;
    private T data;

    /** A store with no host data. */
    public Store(Engine engine) {
        this(engine, null);
    }

    /** A store whose host data is {@code data}. */
    public Store(Engine engine, T data) {
        if (engine == null) {
            throw new IllegalArgumentException("the engine must not be null");
        }
        long engineHandle = engine.resource.acquire();
        try {
            handle = newStore(engineHandle);
        } finally {
            engine.resource.release();
        }
        this.engine = engine;
        this.data = data;
        resource = new NativeResource(handle, Store::free, "store");
        cleanable = resource.register(this);
        setSlots(slots(handle));
    }

    /** Called by the native library with a buffer over new slots. */
    void setSlots(ByteBuffer buffer) {
        slots = buffer.order(ByteOrder.nativeOrder());
    }

    /**
     * Takes the store for the calling thread and returns its handle; every use is bracketed by
     * {@code enter} and {@link #exit}.
     */
    long enter() {
        Thread me = Thread.currentThread();
        if (owner != me) {
            if (!OWNER.compareAndSet(this, null, me)) {
                Thread other = owner;
                throw new IllegalStateException(
                        "the store is in use by thread "
                                + (other == null ? "(another)" : other.getName())
                                + "; a store is used by one thread at a time");
            }
        }
        if (closed) {
            if (depth == 0) {
                OWNER.setRelease(this, null);
            }
            throw new IllegalStateException("the store is closed");
        }
        depth++;
        return handle;
    }

    void exit() {
        if (--depth == 0) {
            OWNER.setRelease(this, null);
        }
    }

    /** The store's slots, at least {@code n} long; call between {@link #enter} and {@link #exit}. */
    ByteBuffer slots(int n) {
        if (slots.capacity() < 16 * n) {
            ensureSlots(this, handle, n);
        }
        return slots;
    }

    /** Takes a reference that keeps the native store alive for a memory view. */
    void retainView() {
        resource.acquire();
    }

    /** Gives up a memory view's reference. */
    void releaseView() {
        resource.release();
    }

    /** The reusable caller given to host functions. */
    Caller<T> caller() {
        return caller;
    }

    /** The view of the slots given to raw host functions. */
    Slots slotsView() {
        return slotsView;
    }

    /** The engine this store belongs to. */
    public Engine engine() {
        return engine;
    }

    /** The host data. */
    public T data() {
        return data;
    }

    /** Replaces the host data. */
    public void setData(T data) {
        this.data = data;
    }

    /**
     * Sets the fuel left (the engine must consume fuel, {@link Config#consumeFuel}); wasm that runs
     * out traps with {@link TrapCode#OUT_OF_FUEL}.
     */
    public void setFuel(long fuel) {
        long h = enter();
        try {
            setFuel(this, h, fuel);
        } finally {
            exit();
        }
    }

    /** The fuel left. */
    public long getFuel() {
        long h = enter();
        try {
            return getFuel(this, h);
        } finally {
            exit();
        }
    }

    /**
     * Sets the deadline {@code ticks} epochs beyond the engine's current one (the engine must check
     * epochs, {@link Config#epochInterruption}).
     */
    public void setEpochDeadline(long ticks) {
        long h = enter();
        try {
            setEpochDeadline(this, h, ticks);
        } finally {
            exit();
        }
    }

    /** Bounds what wasm in this store may grow or create. */
    public void setLimits(StoreLimits limits) {
        long h = enter();
        try {
            setLimits(
                    this,
                    h,
                    limits.memorySize,
                    limits.tableElements,
                    limits.instances,
                    limits.tables,
                    limits.memories);
        } finally {
            exit();
        }
    }

    /** Gives WASI programs in this store what {@code config} grants (see {@link Linker#defineWasi}). */
    public void setWasi(WasiConfig config) {
        long h = enter();
        try {
            config.apply(this, h);
        } finally {
            exit();
        }
    }

    /** What WASI programs wrote to standard output, if {@link WasiConfig#captureStdout} was set. */
    public byte[] capturedStdout() {
        return captured(false);
    }

    /** What WASI programs wrote to standard error, if {@link WasiConfig#captureStderr} was set. */
    public byte[] capturedStderr() {
        return captured(true);
    }

    private byte[] captured(boolean stderr) {
        long h = enter();
        try {
            byte[] bytes = WasiConfig.captured(this, h, stderr);
            return bytes == null ? new byte[0] : bytes;
        } finally {
            exit();
        }
    }

    /** Frees {@code externref} values wasm no longer refers to. */
    public void gc() {
        long h = enter();
        try {
            gc(this, h);
        } finally {
            exit();
        }
    }

    /**
     * Frees the store and everything in it. Safe to call twice; fails with {@link
     * IllegalStateException} when called from a host function of this store or while another
     * thread uses it. Memory views ({@link Memory#buffer}) keep the memory mapped until they are
     * unreachable.
     */
    @Override
    public void close() {
        Thread me = Thread.currentThread();
        if (owner != me && !OWNER.compareAndSet(this, null, me)) {
            throw new IllegalStateException("cannot close a store that another thread is using");
        }
        try {
            if (depth > 0) {
                throw new IllegalStateException(
                        "cannot close a store from inside a call into it");
            }
            if (!closed) {
                closed = true;
                slots = null;
                cleanable.clean();
            }
        } finally {
            if (depth == 0) {
                OWNER.setRelease(this, null);
            }
        }
    }

    private static native long newStore(long engine);

    private static native void free(long handle);

    private static native ByteBuffer slots(long handle);

    private static native void ensureSlots(Store<?> store, long handle, int n);

    private static native void setFuel(Store<?> store, long handle, long fuel);

    private static native long getFuel(Store<?> store, long handle);

    private static native void setEpochDeadline(Store<?> store, long handle, long ticks);

    private static native void setLimits(
            Store<?> store,
            long handle,
            long memorySize,
            long tableElements,
            long instances,
            long tables,
            long memories);

    private static native void gc(Store<?> store, long handle);
}
