package dev.kiln;

import java.util.Optional;

/**
 * What a host function sees of its call: the store's host data, and the exports of the instance
 * whose wasm called it. Valid only while the host function runs.
 *
 * @param <T> the type of the store's host data
 */
public final class Caller<T> {
    static {
        Native.load();
    }

    private final Store<T> store;

    Caller(Store<T> store) {
        this.store = store;
    }

    /** The store's host data. */
    public T data() {
        return store.data();
    }

    /** The store the host function runs in. */
    public Store<T> store() {
        return store;
    }

    /** The calling instance's export {@code name}, if it has one. */
    public Optional<Extern> getExport(String name) {
        if (name == null) {
            // JNI would report null only as a failed native call.
            throw new IllegalArgumentException("the export name must not be null");
        }
        long h = store.enter();
        try {
            long code = getExport(store, h, name);
            return code < 0 ? Optional.empty() : Optional.of(Extern.of(store, code));
        } finally {
            store.exit();
        }
    }

    /** The calling instance's exported memory {@code name}; {@link KilnException} if there is none. */
    public Memory getMemory(String name) {
        return Instance.expect(getExport(name), name, Memory.class, "memory");
    }

    /** The calling instance's exported function {@code name}; {@link KilnException} if there is none. */
    public Func getFunc(String name) {
        return Instance.expect(getExport(name), name, Func.class, "function");
    }

    private static native long getExport(Store<?> store, long handle, String name);
}
