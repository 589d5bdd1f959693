package dev.kiln;

import java.lang.ref.Cleaner;

/**
 * The host's definitions for components' imports, by name: functions (of
 * {@link ComponentVal}s, or flat ones for generated glue), host resource types
 * and their destructors. Definitions go in the root (instance name {@code
 * ""}) or in a named instance, such as {@code "kiln:corpus/scalar-host"} for
 * an imported interface.
 *
 * <pre>{@code
 * try (ComponentLinker<Void> linker = new ComponentLinker<>(engine)) {
 *     linker.funcNew("", "log", args -> {
 *         System.out.println(((ComponentVal.Str) args[0]).value());
 *         return null;
 *     });
 *     ComponentInstance instance = linker.instantiate(store, component);
 * }
 * }</pre>
 *
 * @param <T> the data type of the stores it instantiates in
 */
public final class ComponentLinker<T> implements AutoCloseable {
    static {
        Native.load();
    }

    private final NativeResource resource;
    private final Cleaner.Cleanable cleanable;
    private final Engine engine;

    /** An empty linker for components of {@code engine}. */
    public ComponentLinker(Engine engine) {
        if (engine == null) {
            throw new IllegalArgumentException("the engine must not be null");
        }
        long e = engine.resource.acquire();
        long handle;
        try {
            handle = newLinker(e);
        } finally {
            engine.resource.release();
        }
        this.engine = engine;
        resource = new NativeResource(handle, ComponentLinker::free, "component linker");
        cleanable = resource.register(this);
    }

    /** The engine. */
    public Engine engine() {
        return engine;
    }

    private static void check(String instance, String name, Object what) {
        if (instance == null || name == null || what == null) {
            throw new IllegalArgumentException("the instance, the name and the definition must not be null");
        }
    }

    /**
     * Defines the function {@code name} of {@code instance} ({@code ""}: the
     * root) with values of the dynamic path.
     *
     * @throws LinkException if {@code name} is defined already
     */
    public ComponentLinker<T> funcNew(String instance, String name, ComponentHostFunc func) {
        check(instance, name, func);
        long h = resource.acquire();
        try {
            funcNew(h, instance, name, func);
        } finally {
            resource.release();
        }
        return this;
    }

    /**
     * Defines the function {@code name} of {@code instance} for the typed path
     * of generated glue: {@code func} receives the flat core arguments. Such a
     * function can only be called by components.
     *
     * @throws LinkException if {@code name} is defined already
     */
    public ComponentLinker<T> funcNewFlat(String instance, String name, FlatHostFunc func) {
        check(instance, name, func);
        long h = resource.acquire();
        try {
            funcNewFlat(h, instance, name, func);
        } finally {
            resource.release();
        }
        return this;
    }

    /**
     * Defines the resource type {@code name} of {@code instance} as the host
     * resource type {@code type}; {@code destructor} runs with the resource's
     * representation when a component drops an owned handle to it.
     */
    public ComponentLinker<T> resource(
            String instance, String name, ComponentResourceType type, ResourceDestructor destructor) {
        check(instance, name, destructor);
        long h = resource.acquire();
        try {
            long t = type.resource.acquire();
            try {
                resource(h, instance, name, t, destructor);
            } finally {
                type.resource.release();
            }
        } finally {
            resource.release();
        }
        return this;
    }

    /**
     * Defines the instance {@code name}, empty, unless it is defined already: for
     * components that import an interface of types only.
     */
    public ComponentLinker<T> instance(String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("an instance needs a name");
        }
        long h = resource.acquire();
        try {
            instance(h, name);
        } finally {
            resource.release();
        }
        return this;
    }

    /** Defines every import of {@code component} not defined yet as a function that traps. */
    public ComponentLinker<T> defineUnknownImportsAsTraps(Component component) {
        long h = resource.acquire();
        try {
            long c = component.resource.acquire();
            try {
                defineUnknownImportsAsTraps(h, c);
            } finally {
                component.resource.release();
            }
        } finally {
            resource.release();
        }
        return this;
    }

    /**
     * Instantiates {@code component} in {@code store} with this linker's
     * definitions.
     *
     * @throws LinkException if an import is missing or of another type
     * @throws TrapException if the component's start code traps
     */
    public ComponentInstance instantiate(Store<T> store, Component component) {
        long h = resource.acquire();
        try {
            long c = component.resource.acquire();
            try {
                long s = store.enter();
                try {
                    return new ComponentInstance(store, instantiate(store, s, h, c));
                } finally {
                    store.exit();
                }
            } finally {
                component.resource.release();
            }
        } finally {
            resource.release();
        }
    }

    /** Called by the native library when a component drops a host resource. */
    static void dispatchDrop(ResourceDestructor destructor, int rep) {
        destructor.drop(rep);
    }

    /** Releases the linker; instances made with it stay usable. Safe to call twice. */
    @Override
    public void close() {
        cleanable.clean();
    }

    private static native long newLinker(long engine);

    private static native void funcNew(long handle, String instance, String name, ComponentHostFunc func);

    private static native void funcNewFlat(long handle, String instance, String name, FlatHostFunc func);

    private static native void resource(
            long handle, String instance, String name, long type, ResourceDestructor destructor);

    private static native void instance(long handle, String name);

    private static native void defineUnknownImportsAsTraps(long handle, long component);

    private static native long instantiate(Store<?> store, long storeHandle, long handle, long component);

    private static native void free(long handle);
}
