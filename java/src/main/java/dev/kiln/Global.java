package dev.kiln;

/** A global variable: one value, constant or mutable. */
public final class Global extends Extern {
    static {
        Native.load();
    }

    Global(Store<?> store, int number) {
        super(store, number);
    }

    /** A new global of type {@code type} holding {@code value}. */
    public Global(Store<?> store, GlobalType type, Object value) {
        this(store, create(store, type, value));
    }

    private static int create(Store<?> store, GlobalType type, Object value) {
        Object[] refs = new Object[1];
        long h = store.enter();
        try {
            Val.of(value, type.content()).write(store, store.slots(1), 0, refs);
            return newGlobal(store, h, type.encode(), refs);
        } finally {
            store.exit();
        }
    }

    @Override
    int kind() {
        return 3;
    }

    @Override
    public GlobalType type() {
        long h = store.enter();
        try {
            return (GlobalType) ExternType.decode(type(store, h, number));
        } finally {
            store.exit();
        }
    }

    /** The value. */
    public Val get() {
        ValType content = type().content();
        Object[] refs = new Object[1];
        long h = store.enter();
        try {
            get(store, h, number, refs);
            return Val.read(content, store, store.slots, 0, refs);
        } finally {
            store.exit();
        }
    }

    /** Sets the value; {@link IllegalArgumentException} if the global is constant. */
    public void set(Object value) {
        ValType content = type().content();
        Object[] refs = new Object[1];
        long h = store.enter();
        try {
            Val.of(value, content).write(store, store.slots(1), 0, refs);
            set(store, h, number, refs);
        } finally {
            store.exit();
        }
    }

    private static native int newGlobal(Store<?> store, long handle, long[] type, Object[] refs);

    private static native long[] type(Store<?> store, long handle, int global);

    private static native void get(Store<?> store, long handle, int global, Object[] refs);

    private static native void set(Store<?> store, long handle, int global, Object[] refs);
}
