package dev.kiln;

import java.lang.ref.Cleaner;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongConsumer;

/**
 * A native object's handle, shared by the Java object that owns it and by whoever uses it at the
 * moment.
 *
 * <p>The owner holds one reference, given up by {@code close()} or, if never closed, by the {@link
 * Native#CLEANER}; each use holds one for its duration ({@link #acquire}/{@link #release}), and so
 * does each memory view of a store. The native object is freed when the last reference goes, so a
 * close racing a use on another thread never frees what is still in use.
 */
final class NativeResource implements Runnable {
    private final long handle;
    private final LongConsumer free;
    private final String what;
    private final AtomicInteger references = new AtomicInteger(1);
    private volatile boolean closed;

    NativeResource(long handle, LongConsumer free, String what) {
        this.handle = handle;
        this.free = free;
        this.what = what;
    }

    /** Registers the backstop that gives up the owner's reference once {@code owner} is unreachable. */
    Cleaner.Cleanable register(Object owner) {
        return Native.CLEANER.register(owner, this);
    }

    /** Takes a reference for one use; throws {@link IllegalStateException} once closed. */
    long acquire() {
        for (;;) {
            if (closed) {
                throw new IllegalStateException("the " + what + " is closed");
            }
            int current = references.get();
            if (current == 0) {
                throw new IllegalStateException("the " + what + " is closed");
            }
            if (references.compareAndSet(current, current + 1)) {
                return handle;
            }
        }
    }

    /** Gives up a reference taken by {@link #acquire}. */
    /**
     * The handle without taking a reference, for an owner that is itself
     * reachable (so its cleaner has not run) and has not closed it.
     */
    long raw() {
        if (closed) {
            throw new IllegalStateException("the " + what + " is closed");
        }
        return handle;
    }

    void release() {
        if (references.decrementAndGet() == 0) {
            free.accept(handle);
        }
    }

    boolean isClosed() {
        return closed;
    }

    String what() {
        return what;
    }

    /** Gives up the owner's reference: run once, by {@code close()} or by the cleaner. */
    @Override
    public void run() {
        closed = true;
        release();
    }
}
