package dev.kiln;

import java.lang.ref.Cleaner;

/**
 * An instance of a component in a store: its exported functions and resource
 * types. Functions of an exported interface are found by the interface's name
 * and theirs: {@code getFunc("kiln:corpus/scalar-api", "echo-u8")}; resource
 * functions by the component model's names ({@code "[constructor]counter"},
 * {@code "[method]counter.get"}, {@code "[static]counter.merge"}).
 */
public final class ComponentInstance implements AutoCloseable {
    static {
        Native.load();
    }

    private final Store<?> store;
    private final NativeResource resource;
    private final Cleaner.Cleanable cleanable;

    ComponentInstance(Store<?> store, long handle) {
        this.store = store;
        resource = new NativeResource(handle, ComponentInstance::free, "component instance");
        cleanable = resource.register(this);
    }

    /** The store the instance lives in. */
    public Store<?> store() {
        return store;
    }

    /** The exported function {@code name}, or {@code null} if there is none. */
    public ComponentFunc getFunc(String name) {
        return getFunc(null, name);
    }

    /**
     * The function {@code name} of the exported instance {@code instance}
     * ({@code null}: of the component itself), or {@code null} if there is none.
     */
    public ComponentFunc getFunc(String instance, String name) {
        if (name == null) {
            throw new IllegalArgumentException("the name must not be null");
        }
        long h = resource.acquire();
        try {
            long s = store.enter();
            try {
                long f = getFunc(store, s, h, instance, name);
                return f == 0 ? null : new ComponentFunc(store, f, name);
            } finally {
                store.exit();
            }
        } finally {
            resource.release();
        }
    }

    /**
     * The resource type {@code name} the exported instance {@code instance}
     * ({@code null}: the component itself) exports, or {@code null}.
     */
    public ComponentResourceType getResourceType(String instance, String name) {
        long h = resource.acquire();
        try {
            long s = store.enter();
            try {
                long t = getResourceType(store, s, h, instance, name);
                return t == 0 ? null : new ComponentResourceType(t, name);
            } finally {
                store.exit();
            }
        } finally {
            resource.release();
        }
    }

    /** Releases the handle (the instance lives as long as its store); safe to call twice. */
    @Override
    public void close() {
        cleanable.clean();
    }

    private static native long getFunc(
            Store<?> store, long storeHandle, long handle, String instance, String name);

    private static native long getResourceType(
            Store<?> store, long storeHandle, long handle, String instance, String name);

    private static native void free(long handle);
}
