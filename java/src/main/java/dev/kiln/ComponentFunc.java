package dev.kiln;

import java.lang.ref.Cleaner;

/**
 * A function a component instance exports: called with {@link ComponentVal}s
 * ({@link #call}), or in flat steps by generated glue ({@link #flatCall}).
 */
public final class ComponentFunc implements AutoCloseable {
    static {
        Native.load();
    }

    private final Store<?> store;
    private final NativeResource resource;
    private final Cleaner.Cleanable cleanable;
    private final String name;

    ComponentFunc(Store<?> store, long handle, String name) {
        this.store = store;
        this.name = name;
        resource = new NativeResource(handle, ComponentFunc::free, "component function");
        cleanable = resource.register(this);
    }

    /**
     * Calls the function with {@code args}, lowered into the component; returns
     * its result lifted back, or {@code null} for a function without one.
     *
     * @throws IllegalArgumentException if an argument is not of its parameter's type
     * @throws TrapException if the call traps (the instance cannot be entered again)
     */
    public ComponentVal call(ComponentVal... args) {
        byte[] encoded = ComponentVal.encode(args);
        long h = resource.acquire();
        byte[] out;
        try {
            long s = store.enter();
            try {
                out = call(store, s, h, encoded);
            } finally {
                store.exit();
            }
        } finally {
            resource.release();
            // The encoding names the arguments' resources by their native
            // handles, which the native call reads: keep them reachable.
            java.lang.ref.Reference.reachabilityFence(args);
        }
        ComponentVal[] results = ComponentVal.decode(store, out);
        return results.length == 0 ? null : results[0];
    }

    /**
     * Begins a call with flat core values (see {@link FlatCall}), for generated
     * glue. Close the call when done.
     */
    public FlatCall flatCall() {
        long h = resource.acquire();
        try {
            long s = store.enter();
            try {
                return new FlatCall(store, flatCall(store, s, h));
            } finally {
                store.exit();
            }
        } finally {
            resource.release();
        }
    }

    @Override
    public String toString() {
        return "ComponentFunc(" + name + ")";
    }

    /** Releases the handle; safe to call twice. */
    @Override
    public void close() {
        cleanable.clean();
    }

    private static native byte[] call(Store<?> store, long storeHandle, long handle, byte[] args);

    private static native long flatCall(Store<?> store, long storeHandle, long handle);

    private static native void free(long handle);
}
