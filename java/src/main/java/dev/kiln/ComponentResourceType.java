package dev.kiln;

import java.lang.ref.Cleaner;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A resource type: one a component instance defines ({@link
 * ComponentInstance#getResourceType}) or one of the host's ({@link #host}),
 * which a {@link ComponentLinker} defines for components that import it.
 */
public final class ComponentResourceType implements AutoCloseable {
    static {
        Native.load();
    }

    /** Keys of host types made here; far from the small numbers other hosts use. */
    private static final AtomicLong NEXT_KEY = new AtomicLong(1L << 62);

    final NativeResource resource;
    private final Cleaner.Cleanable cleanable;
    private final String name;

    ComponentResourceType(long handle, String name) {
        this.name = name;
        resource = new NativeResource(handle, ComponentResourceType::free, "resource type");
        cleanable = resource.register(this);
    }

    /** A new host resource type named {@code name}, distinct from every other. */
    public static ComponentResourceType host(String name) {
        if (name == null) {
            throw new IllegalArgumentException("the name must not be null");
        }
        return new ComponentResourceType(host(NEXT_KEY.getAndIncrement(), name), name);
    }

    /** The type's name. */
    public String name() {
        return name;
    }

    /** Whether both stand for the same resource type. */
    public boolean sameAs(ComponentResourceType other) {
        long a = resource.acquire();
        try {
            long b = other.resource.acquire();
            try {
                return same(a, b);
            } finally {
                other.resource.release();
            }
        } finally {
            resource.release();
        }
    }

    @Override
    public String toString() {
        return "ComponentResourceType(" + name + ")";
    }

    /** Releases the native handle; safe to call twice. */
    @Override
    public void close() {
        cleanable.clean();
    }

    private static native long host(long key, String name);

    private static native boolean same(long a, long b);

    private static native void free(long handle);
}
