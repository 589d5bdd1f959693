package dev.kiln;

import java.nio.file.Path;

/**
 * Settings for an {@link Engine}, set fluently and given to {@link Engine#Engine(Config)}.
 *
 * <pre>{@code
 * Config config = new Config().consumeFuel(true).wasmThreads(true).optLevel(OptLevel.SPEED);
 * try (Engine engine = new Engine(config)) { ... }
 * }</pre>
 *
 * <p>The proposals of WebAssembly 2.0 (multi-value, bulk memory, reference types, SIMD, sign
 * extension, saturating conversions, mutable globals) are on by default; those of WebAssembly 3.0
 * (multi-memory, extended constants, memory64), threads and custom page sizes are off until
 * enabled, as in the engine's own {@code Config}. Memory settings ({@link #memoryReservation},
 * {@link #memoryGuardSize}, {@link #memoryReservationForGrowth}, {@link #memoryMayMove}) and the
 * pooling allocator ({@link #allocationStrategy}) are the engine's, as Wasmtime names them.
 */
public final class Config {
    static final int MULTI_VALUE = 0;
    static final int BULK_MEMORY = 1;
    static final int REFERENCE_TYPES = 2;
    static final int SIMD = 3;
    static final int SIGN_EXTENSION = 4;
    static final int SATURATING_FLOAT_TO_INT = 5;
    static final int MUTABLE_GLOBAL = 6;
    static final int MULTI_MEMORY = 7;
    static final int EXTENDED_CONST = 8;
    static final int MEMORY64 = 9;
    static final int THREADS = 10;
    static final int CUSTOM_PAGE_SIZES = 11;

    long featuresSet;
    long featuresOn;
    boolean consumeFuel;
    boolean epochInterruption;
    long maxWasmStack;
    OptLevel optLevel = OptLevel.SPEED;
    Path cacheDirectory;
    long memoryReservation = -1;
    long memoryGuardSize = -1;
    long memoryReservationForGrowth = -1;
    boolean memoryMayMove;
    /** The pool's limits, copied when set; {@code null} for allocation on demand. */
    long[] pooling;

    /** The default settings. */
    public Config() {}

    private Config feature(int bit, boolean enable) {
        featuresSet |= 1L << bit;
        if (enable) {
            featuresOn |= 1L << bit;
        } else {
            featuresOn &= ~(1L << bit);
        }
        return this;
    }

    /** Multiple results and block parameters. */
    public Config wasmMultiValue(boolean enable) {
        return feature(MULTI_VALUE, enable);
    }

    /** Bulk memory and table operations. */
    public Config wasmBulkMemory(boolean enable) {
        return feature(BULK_MEMORY, enable);
    }

    /** {@code funcref}/{@code externref} values and multiple tables. */
    public Config wasmReferenceTypes(boolean enable) {
        return feature(REFERENCE_TYPES, enable);
    }

    /** 128-bit SIMD. */
    public Config wasmSimd(boolean enable) {
        return feature(SIMD, enable);
    }

    /** Sign-extension operators. */
    public Config wasmSignExtension(boolean enable) {
        return feature(SIGN_EXTENSION, enable);
    }

    /** Non-trapping float-to-int conversions. */
    public Config wasmSaturatingFloatToInt(boolean enable) {
        return feature(SATURATING_FLOAT_TO_INT, enable);
    }

    /** Importing and exporting mutable globals. */
    public Config wasmMutableGlobal(boolean enable) {
        return feature(MUTABLE_GLOBAL, enable);
    }

    /** More than one memory per module (off by default). */
    public Config wasmMultiMemory(boolean enable) {
        return feature(MULTI_MEMORY, enable);
    }

    /** Extended constant expressions (off by default). */
    public Config wasmExtendedConst(boolean enable) {
        return feature(EXTENDED_CONST, enable);
    }

    /** 64-bit memories and tables. */
    public Config wasmMemory64(boolean enable) {
        return feature(MEMORY64, enable);
    }

    /** Shared memories and atomics. */
    public Config wasmThreads(boolean enable) {
        return feature(THREADS, enable);
    }

    /** Memories with a page size other than 64 KiB. */
    public Config wasmCustomPageSizes(boolean enable) {
        return feature(CUSTOM_PAGE_SIZES, enable);
    }

    /** Counts fuel as wasm runs; a store out of fuel traps ({@link Store#setFuel}). */
    public Config consumeFuel(boolean enable) {
        consumeFuel = enable;
        return this;
    }

    /**
     * Checks the engine's epoch as wasm runs: a store past its deadline traps with {@link
     * TrapCode#INTERRUPT} ({@link Engine#incrementEpoch}, {@link Store#setEpochDeadline}).
     */
    public Config epochInterruption(boolean enable) {
        epochInterruption = enable;
        return this;
    }

    /** The most stack, in bytes, that wasm may use before it traps with a stack overflow. */
    public Config maxWasmStack(long bytes) {
        if (bytes <= 0) {
            throw new IllegalArgumentException("the wasm stack must be positive, not " + bytes);
        }
        maxWasmStack = bytes;
        return this;
    }

    /** How hard to optimise. */
    public Config optLevel(OptLevel level) {
        if (level == null) {
            throw new IllegalArgumentException("the optimisation level must not be null");
        }
        optLevel = level;
        return this;
    }

    private static long bytes(long bytes, String what) {
        if (bytes < 0) {
            throw new IllegalArgumentException(what + " must not be negative, not " + bytes);
        }
        return bytes;
    }

    /**
     * Bytes of address space reserved per memory made on demand (4 GiB by default). Reserving less
     * lets a process hold more memories at once; a memory that outgrows its reservation moves if
     * {@link #memoryMayMove} allows it, and otherwise cannot grow past it.
     */
    public Config memoryReservation(long bytes) {
        memoryReservation = bytes(bytes, "the memory reservation");
        return this;
    }

    /** Inaccessible bytes after each memory's reservation (32 MiB by default). */
    public Config memoryGuardSize(long bytes) {
        memoryGuardSize = bytes(bytes, "the memory guard size");
        return this;
    }

    /** Bytes reserved past a memory's new size when it moves to grow (2 GiB by default). */
    public Config memoryReservationForGrowth(long bytes) {
        memoryReservationForGrowth = bytes(bytes, "the memory reservation for growth");
        return this;
    }

    /**
     * Whether a memory that outgrows its {@link #memoryReservation} may move to a larger one,
     * copying its bytes (off by default in Java, unlike the engine, because a {@link
     * java.nio.ByteBuffer} from {@link Memory#buffer} points at a memory's bytes and cannot be
     * detached: a memory that moved would leave it pointing at unmapped memory). Turned on with a
     * reservation under 4 GiB, memories may move, and {@link Memory#buffer} then throws {@link
     * IllegalStateException}: use {@link Memory#read} and {@link Memory#write}. With the default
     * reservation, or the pooling allocator, memories never move and this changes nothing.
     */
    public Config memoryMayMove(boolean enable) {
        memoryMayMove = enable;
        return this;
    }

    /**
     * Allocates instances, memories and tables from pools with {@code pool}'s limits, copied now
     * (see {@link PoolingAllocationConfig}); {@code null} for allocation on demand, the default.
     * Under the pooling allocator every memory lives in a slot of {@link
     * PoolingAllocationConfig#maxMemorySize} bytes and never moves, and the memory reservation
     * settings apply only to memories made on demand.
     */
    public Config allocationStrategy(PoolingAllocationConfig pool) {
        pooling = pool == null ? null : pool.limits.clone();
        return this;
    }

    /** Keeps compiled modules in {@code directory}, which later engines load them from. */
    public Config cacheDirectory(Path directory) {
        cacheDirectory = directory;
        return this;
    }
}
