package dev.kiln;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A module instantiated in a store: its exports by name.
 *
 * <pre>{@code
 * Instance instance = new Instance(store, module);          // imports given by position
 * Func run = instance.getFunc("run");
 * Memory memory = instance.getMemory("memory");
 * }</pre>
 */
public final class Instance {
    static {
        Native.load();
    }

    private final Store<?> store;
    private final int number;

    Instance(Store<?> store, int number) {
        this.store = store;
        this.number = number;
    }

    /**
     * Instantiates {@code module} in {@code store} with {@code imports} in the order the module
     * declares its imports; runs its start function.
     *
     * @throws LinkException if the imports do not match
     * @throws TrapException if the start function traps
     */
    public Instance(Store<?> store, Module module, Extern... imports) {
        long[] codes = new long[imports.length];
        for (int i = 0; i < imports.length; i++) {
            if (imports[i] == null) {
                throw new IllegalArgumentException("import " + i + " is null");
            }
            if (imports[i].store != store) {
                throw new IllegalArgumentException("import " + i + " belongs to a different store");
            }
            codes[i] = imports[i].code();
        }
        long m = module.resource.acquire();
        try {
            long h = store.enter();
            try {
                this.number = newInstance(store, h, m, codes);
            } finally {
                store.exit();
            }
        } finally {
            module.resource.release();
        }
        this.store = store;
    }

    int number() {
        return number;
    }

    /** The store this instance lives in. */
    public Store<?> store() {
        return store;
    }

    /** The export {@code name}, if there is one. */
    public Optional<Extern> getExport(String name) {
        if (name == null) {
            // JNI would report null only as a failed native call.
            throw new IllegalArgumentException("the export name must not be null");
        }
        long h = store.enter();
        try {
            long code = getExport(store, h, number, name);
            return code < 0 ? Optional.empty() : Optional.of(Extern.of(store, code));
        } finally {
            store.exit();
        }
    }

    static <E extends Extern> E expect(Optional<Extern> found, String name, Class<E> kind, String what) {
        Extern e = found.orElseThrow(() -> new KilnException("no export named `" + name + "`"));
        if (!kind.isInstance(e)) {
            throw new KilnException(
                    "export `" + name + "` is a " + kindName(e) + ", not a " + what);
        }
        return kind.cast(e);
    }

    private static String kindName(Extern e) {
        if (e instanceof Func) {
            return "function";
        } else if (e instanceof Memory) {
            return "memory";
        } else if (e instanceof Table) {
            return "table";
        }
        return "global";
    }

    /** The exported function {@code name}; {@link KilnException} if there is none. */
    public Func getFunc(String name) {
        return expect(getExport(name), name, Func.class, "function");
    }

    /** The exported function {@code name}'s fast path ({@link Func#typed}). */
    public TypedFunc getTypedFunc(String name) {
        return getFunc(name).typed();
    }

    /** The exported memory {@code name}; {@link KilnException} if there is none. */
    public Memory getMemory(String name) {
        return expect(getExport(name), name, Memory.class, "memory");
    }

    /** The exported table {@code name}; {@link KilnException} if there is none. */
    public Table getTable(String name) {
        return expect(getExport(name), name, Table.class, "table");
    }

    /** The exported global {@code name}; {@link KilnException} if there is none. */
    public Global getGlobal(String name) {
        return expect(getExport(name), name, Global.class, "global");
    }

    /** Every export, by name, in the module's order. */
    public Map<String, Extern> exports() {
        long h = store.enter();
        try {
            Object[] both = exports(store, h, number);
            String[] names = (String[]) both[0];
            long[] codes = (long[]) both[1];
            Map<String, Extern> out = new LinkedHashMap<>();
            for (int i = 0; i < names.length; i++) {
                out.put(names[i], Extern.of(store, codes[i]));
            }
            return Collections.unmodifiableMap(out);
        } finally {
            store.exit();
        }
    }

    private static native int newInstance(Store<?> store, long handle, long module, long[] imports);

    private static native long getExport(Store<?> store, long handle, int instance, String name);

    private static native Object[] exports(Store<?> store, long handle, int instance);
}
