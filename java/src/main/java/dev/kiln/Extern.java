package dev.kiln;

/**
 * Something a module imports or exports: a {@link Func}, {@link Memory}, {@link Table} or {@link
 * Global}, belonging to one store. Equal when they are the same item of the same store.
 */
public abstract sealed class Extern permits Func, Memory, Table, Global {
    final Store<?> store;
    final int number;

    Extern(Store<?> store, int number) {
        this.store = store;
        this.number = number;
    }

    /** The kind number of the native item code (see {@code store.rs}). */
    abstract int kind();

    long code() {
        return ((long) kind() << 32) | (number & 0xffffffffL);
    }

    /** The store this belongs to. */
    public Store<?> store() {
        return store;
    }

    /** This item's type. */
    public abstract ExternType type();

    static Extern of(Store<?> store, long code) {
        int number = (int) code;
        switch ((int) (code >>> 32)) {
            case 0:
                return new Func(store, number);
            case 1:
                return new Memory(store, number);
            case 2:
                return new Table(store, number);
            case 3:
                return new Global(store, number);
            default:
                throw new IllegalStateException("unknown item code " + code);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Extern
                && ((Extern) o).store == store
                && ((Extern) o).number == number
                && ((Extern) o).kind() == kind();
    }

    @Override
    public int hashCode() {
        return 31 * System.identityHashCode(store) + number;
    }
}
