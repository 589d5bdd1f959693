package dev.kiln;

import java.lang.ref.Cleaner;

/**
 * The host's handle to a resource: an {@code own} it holds, or a {@code
 * borrow} lent for one host function call. {@link #drop} (or {@link #close})
 * ends it, running the resource's destructor for an owned handle: the
 * component's, for a resource a component defines, or the host's.
 *
 * <p>A handle that was dropped, passed to a component as an {@code own}, or
 * closed cannot be used again: doing so throws {@link IllegalStateException}.
 * A handle left to the garbage collector frees its native memory but runs no
 * destructor; close handles explicitly.
 */
public final class ComponentResource implements AutoCloseable {
    static {
        Native.load();
    }

    private enum State {
        LIVE,
        MOVED,
        DROPPED,
        CLOSED
    }

    private final Store<?> store;
    private final NativeResource resource;
    private final Cleaner.Cleanable cleanable;
    private State state = State.LIVE;

    ComponentResource(Store<?> store, long handle) {
        this.store = store;
        resource = new NativeResource(handle, ComponentResource::free, "resource handle");
        cleanable = resource.register(this);
    }

    /**
     * An owned handle to the host resource {@code rep} of the host type
     * {@code type}, to pass to a component of {@code store}.
     */
    public static ComponentResource hostOwn(Store<?> store, ComponentResourceType type, int rep) {
        return host(store, type, rep, true);
    }

    /** A borrowed handle to the host resource {@code rep}, to lend to a component. */
    public static ComponentResource hostBorrow(Store<?> store, ComponentResourceType type, int rep) {
        return host(store, type, rep, false);
    }

    private static ComponentResource host(
            Store<?> store, ComponentResourceType type, int rep, boolean owned) {
        long t = type.resource.acquire();
        try {
            return new ComponentResource(store, newHost(t, rep, owned));
        } finally {
            type.resource.release();
        }
    }

    /** The representation of a host resource; -1 for a resource a component defines. */
    public long rep() {
        return rep(handle());
    }

    /** Whether this is an owned handle (not a borrow). */
    public boolean owned() {
        return owned(handle());
    }

    /** The resource's type. */
    public ComponentResourceType type() {
        return new ComponentResourceType(type(handle()), "resource");
    }

    /** Whether the handle may still be used (not dropped, moved or closed). */
    public boolean isLive() {
        return state == State.LIVE;
    }

    /**
     * Checks that the handle may still be used, before a call that passes it.
     *
     * @throws IllegalStateException if the handle was dropped, moved or closed
     */
    public void checkLive() {
        handle();
    }

    /**
     * The native handle, for a value being passed to a component.
     *
     * @throws IllegalStateException if the handle was dropped, moved or closed
     */
    long handle() {
        switch (state) {
            case LIVE:
                return resource.raw();
            case MOVED:
                throw new IllegalStateException(
                        "this resource was passed to a component, which owns it now");
            case DROPPED:
                throw new IllegalStateException("this resource has already been dropped");
            default:
                throw new IllegalStateException("this resource handle is closed");
        }
    }

    /** Records that the handle was passed to a component as an {@code own}. */
    void moved() {
        if (state == State.LIVE) {
            state = State.MOVED;
        }
    }

    /**
     * Drops the handle: for an owned handle, runs the resource's destructor
     * (in the store the handle belongs to).
     *
     * @throws IllegalStateException if the handle was dropped, moved or closed
     * @throws TrapException if the destructor traps
     */
    public void drop() {
        long h = handle();
        state = State.DROPPED;
        long s = store.enter();
        try {
            drop(store, s, h);
        } finally {
            store.exit();
        }
    }

    /**
     * Drops the handle if it is still live, then frees it; safe to call twice,
     * and after {@link #drop} or a move.
     */
    @Override
    public void close() {
        try {
            if (state == State.LIVE) {
                drop();
            }
        } finally {
            state = State.CLOSED;
            cleanable.clean();
        }
    }

    @Override
    public String toString() {
        return "ComponentResource(" + state.name().toLowerCase(java.util.Locale.ROOT) + ")";
    }

    private static native long newHost(long type, int rep, boolean owned);

    private static native long rep(long handle);

    private static native boolean owned(long handle);

    private static native long type(long handle);

    private static native void drop(Store<?> store, long storeHandle, long handle);

    private static native void free(long handle);
}
