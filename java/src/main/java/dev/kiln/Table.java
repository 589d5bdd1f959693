package dev.kiln;

/** A table of references: functions or host objects, by index. */
public final class Table extends Extern {
    static {
        Native.load();
    }

    Table(Store<?> store, int number) {
        super(store, number);
    }

    /** A new table of type {@code type} whose elements start as {@code init}. */
    public Table(Store<?> store, TableType type, Object init) {
        this(store, create(store, type, init));
    }

    private static int create(Store<?> store, TableType type, Object init) {
        Object[] refs = new Object[1];
        long h = store.enter();
        try {
            Val.of(init, type.element()).write(store, store.slots(1), 0, refs);
            return newTable(store, h, type.encode(), refs);
        } finally {
            store.exit();
        }
    }

    @Override
    int kind() {
        return 2;
    }

    @Override
    public TableType type() {
        long h = store.enter();
        try {
            return (TableType) ExternType.decode(type(store, h, number));
        } finally {
            store.exit();
        }
    }

    /** The number of elements. */
    public long size() {
        long h = store.enter();
        try {
            return size(store, h, number);
        } finally {
            store.exit();
        }
    }

    /** Element {@code index}; {@link IndexOutOfBoundsException} past the end. */
    public Val get(long index) {
        ValType element = type().element();
        Object[] refs = new Object[1];
        long h = store.enter();
        try {
            get(store, h, number, index, refs);
            return Val.read(element, store, store.slots, 0, refs);
        } finally {
            store.exit();
        }
    }

    /** Sets element {@code index} to {@code value} (a {@link Val}, {@link Func} or host object). */
    public void set(long index, Object value) {
        ValType element = type().element();
        Object[] refs = new Object[1];
        long h = store.enter();
        try {
            Val.of(value, element).write(store, store.slots(1), 0, refs);
            set(store, h, number, index, refs);
        } finally {
            store.exit();
        }
    }

    /** Grows by {@code delta} elements set to {@code init}; returns the old size. */
    public long grow(long delta, Object init) {
        ValType element = type().element();
        Object[] refs = new Object[1];
        long h = store.enter();
        try {
            Val.of(init, element).write(store, store.slots(1), 0, refs);
            return grow(store, h, number, delta, refs);
        } finally {
            store.exit();
        }
    }

    private static native int newTable(Store<?> store, long handle, long[] type, Object[] refs);

    private static native long[] type(Store<?> store, long handle, int table);

    private static native long size(Store<?> store, long handle, int table);

    private static native void get(Store<?> store, long handle, int table, long index, Object[] refs);

    private static native void set(Store<?> store, long handle, int table, long index, Object[] refs);

    private static native long grow(Store<?> store, long handle, int table, long delta, Object[] refs);
}
