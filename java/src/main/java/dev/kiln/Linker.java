package dev.kiln;

import java.lang.ref.Cleaner;

/**
 * Satisfies modules' imports by name: host functions, other instances' exports, and WASI.
 *
 * <pre>{@code
 * try (Linker<Void> linker = new Linker<>(engine)) {
 *     linker.define("env", "add", HostFunc.i32i32ToI32((a, b) -> a + b));
 *     linker.defineWasi();
 *     Instance instance = linker.instantiate(store, module);
 * }
 * }</pre>
 *
 * <p>A linker may be shared between threads: definitions and instantiations are safe to run
 * concurrently.
 *
 * @param <T> the type of the host data of the stores it instantiates in
 */
public final class Linker<T> implements AutoCloseable {
    static {
        Native.load();
    }

    private final NativeResource resource;
    private final Cleaner.Cleanable cleanable;
    private final Engine engine;

    /** An empty linker for modules of {@code engine}. */
    public Linker(Engine engine) {
        long e = engine.resource.acquire();
        long handle;
        try {
            handle = newLinker(e);
        } finally {
            engine.resource.release();
        }
        this.engine = engine;
        resource = new NativeResource(handle, Linker::free, "linker");
        cleanable = resource.register(this);
    }

    /** The engine this linker belongs to. */
    public Engine engine() {
        return engine;
    }

    /** Whether a later definition of a name may replace an earlier one (off by default). */
    public Linker<T> allowShadowing(boolean allow) {
        long h = resource.acquire();
        try {
            allowShadowing(h, allow);
        } finally {
            resource.release();
        }
        return this;
    }

    /**
     * Defines {@code module::name} as a host function, for every store this linker instantiates
     * in.
     *
     * @throws LinkException if the name is defined already
     */
    public Linker<T> define(String module, String name, HostFunc<T> func) {
        long h = resource.acquire();
        try {
            defineHost(h, module, name, func.type().encode(), func);
        } finally {
            resource.release();
        }
        return this;
    }

    /** Defines {@code module::name} as a host function of type {@code type} run by {@code callback}. */
    public Linker<T> func(String module, String name, FuncType type, HostFunc.Callback<T> callback) {
        return define(module, name, HostFunc.of(type, callback));
    }

    /** Defines {@code module::name} as {@code item}, which belongs to {@code store}. */
    public Linker<T> define(Store<T> store, String module, String name, Extern item) {
        if (item.store != store) {
            throw new IllegalArgumentException("the item belongs to a different store");
        }
        long h = resource.acquire();
        try {
            long s = store.enter();
            try {
                define(store, s, h, module, name, item.code());
            } finally {
                store.exit();
            }
        } finally {
            resource.release();
        }
        return this;
    }

    /** Defines every export of {@code instance} under the module name {@code module}. */
    public Linker<T> instance(Store<T> store, String module, Instance instance) {
        if (instance.store() != store) {
            throw new IllegalArgumentException("the instance belongs to a different store");
        }
        long h = resource.acquire();
        try {
            long s = store.enter();
            try {
                defineInstance(store, s, h, module, instance.number());
            } finally {
                store.exit();
            }
        } finally {
            resource.release();
        }
        return this;
    }

    /**
     * Defines every {@code wasi_snapshot_preview1} function; each store gives its program what its
     * {@link WasiConfig} grants ({@link Store#setWasi}).
     */
    public Linker<T> defineWasi() {
        long h = resource.acquire();
        try {
            defineWasi(h);
        } finally {
            resource.release();
        }
        return this;
    }

    /** Defines each of {@code module}'s imports not yet defined as a function that traps. */
    public Linker<T> defineUnknownImportsAsTraps(Module module) {
        long h = resource.acquire();
        long m = module.resource.acquire();
        try {
            defineUnknownImportsAsTraps(h, m);
        } finally {
            module.resource.release();
            resource.release();
        }
        return this;
    }

    /**
     * Instantiates {@code module} in {@code store}, its imports found by name; runs its start
     * function.
     *
     * @throws LinkException if an import is missing or of the wrong type
     * @throws TrapException if the start function traps
     */
    public Instance instantiate(Store<T> store, Module module) {
        long h = resource.acquire();
        long m = module.resource.acquire();
        try {
            long s = store.enter();
            try {
                return new Instance(store, instantiate(store, s, h, m));
            } finally {
                store.exit();
            }
        } finally {
            module.resource.release();
            resource.release();
        }
    }

    /** Releases the linker; instances it made keep running. Safe to call twice. */
    @Override
    public void close() {
        cleanable.clean();
    }

    private static native long newLinker(long engine);

    private static native void free(long handle);

    private static native void allowShadowing(long handle, boolean allow);

    private static native void defineHost(
            long handle, String module, String name, long[] type, HostFunc<?> func);

    private static native void define(
            Store<?> store, long storeHandle, long handle, String module, String name, long code);

    private static native void defineInstance(
            Store<?> store, long storeHandle, long handle, String module, int instance);

    private static native void defineWasi(long handle);

    private static native void defineUnknownImportsAsTraps(long handle, long module);

    private static native int instantiate(Store<?> store, long storeHandle, long handle, long module);
}
