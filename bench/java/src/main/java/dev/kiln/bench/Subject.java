package dev.kiln.bench;

/**
 * One engine under measurement, in its own JVM. The timed loops live in the
 * subclasses so that every call in them is a direct call the JIT can inline,
 * as it would be in an application.
 */
abstract class Subject implements AutoCloseable {
    static final int MIB = 1 << 20;

    /** The engine's label in the table. */
    abstract String label();

    /** Compiles a module (for Chicory's interpreter: parses and validates it). */
    abstract Object compile(byte[] wasm) throws Exception;

    /** Something to say about a compiled module in the table, or null. */
    String compileNote(Object compiled) {
        return null;
    }

    /** Instantiates a compiled module that has no imports, in a fresh store. */
    abstract Object instantiate(Object compiled) throws Exception;

    /** Calls the instance's {@code run: () -> i64}. */
    abstract long run(Object instance) throws Exception;

    /** Releases an instance (and its store). */
    void dropInstance(Object instance) {}

    /** Releases a compiled module. */
    void dropCompiled(Object compiled) {}

    /** Instantiates {@link Wasm#callsModule()} with its host_add import, for the methods below. */
    abstract void openCalls(byte[] wasm) throws Exception;

    /** {@code r = add(r, i)} for i in [0, n), through the engine's Java-to-wasm call; returns r. */
    abstract int addLoop(int n);

    /** One call of {@code call_host(n)}: n calls from wasm to the Java host_add. */
    abstract int hostLoop(int n);

    /** Copies 1 MiB from the calls instance's memory at 0 into {@code dst}. */
    abstract void readMemory(byte[] dst);

    /** The first {@code length} bytes of the calls instance's memory, to check the copies (not timed). */
    byte[] readForCheck(int length) {
        byte[] dst = new byte[length];
        readMemory(dst);
        return dst;
    }

    /** Copies {@code src} (1 MiB) into the calls instance's memory at 0. */
    abstract void writeMemory(byte[] src);

    /** Other ways to move 1 MiB in and out of memory, if the engine has them, or null. */
    MemoryView view() {
        return null;
    }

    /** An empty native call, the floor under any JNI call, or -1 if the engine has none to measure. */
    int emptyCallLoop(int n) {
        return -1;
    }

    /** Why {@link #emptyCallLoop} returns -1. */
    String emptyCallMissing() {
        return "no native code in this engine";
    }

    interface MemoryView {
        String label();

        void read(byte[] dst);

        void write(byte[] src);
    }

    @Override
    public void close() throws Exception {}
}
