package dev.kiln;

/**
 * Bounds on what wasm in a store may create or grow, set fluently; unset bounds are unlimited.
 *
 * <pre>{@code
 * store.setLimits(new StoreLimits().memorySize(1 << 20).instances(4));
 * }</pre>
 */
public final class StoreLimits {
    long memorySize = -1;
    long tableElements = -1;
    long instances = -1;
    long tables = -1;
    long memories = -1;

    /** No bounds. */
    public StoreLimits() {}

    private static long checked(long n, String what) {
        if (n < 0) {
            throw new IllegalArgumentException(what + " must not be negative, not " + n);
        }
        return n;
    }

    /** The most bytes any one linear memory may hold. */
    public StoreLimits memorySize(long bytes) {
        memorySize = checked(bytes, "the memory size");
        return this;
    }

    /** The most elements any one table may hold. */
    public StoreLimits tableElements(long elements) {
        tableElements = checked(elements, "the table elements");
        return this;
    }

    /** The most instances the store may hold. */
    public StoreLimits instances(long count) {
        instances = checked(count, "the instance count");
        return this;
    }

    /** The most tables the store may hold. */
    public StoreLimits tables(long count) {
        tables = checked(count, "the table count");
        return this;
    }

    /** The most memories the store may hold. */
    public StoreLimits memories(long count) {
        memories = checked(count, "the memory count");
        return this;
    }
}
