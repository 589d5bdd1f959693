package dev.kiln;

import java.lang.ref.Cleaner;

/**
 * Compiles and runs WebAssembly with one set of settings. Thread-safe: share one engine between
 * threads and modules.
 *
 * <pre>{@code
 * try (Engine engine = new Engine()) {
 *     Module module = Module.fromText(engine, "(module)");
 * }
 * }</pre>
 */
public final class Engine implements AutoCloseable {
    static {
        Native.load();
    }

    final NativeResource resource;
    /** Whether a memory may move when it grows, which {@link Memory#buffer} cannot allow. */
    final boolean memoriesMayMove;
    private final Cleaner.Cleanable cleanable;

    /** An engine with the default settings. */
    public Engine() {
        this(new Config());
    }

    /** An engine with {@code config}'s settings. */
    public Engine(Config config) {
        if (config == null) {
            throw new IllegalArgumentException("the config must not be null");
        }
        String cache = config.cacheDirectory == null ? null : config.cacheDirectory.toString();
        long handle =
                newEngine(
                        config.featuresSet,
                        config.featuresOn,
                        config.consumeFuel,
                        config.epochInterruption,
                        config.maxWasmStack,
                        config.optLevel.ordinal(),
                        cache,
                        config.memoryReservation,
                        config.memoryGuardSize,
                        config.memoryReservationForGrowth,
                        config.memoryMayMove,
                        config.pooling);
        memoriesMayMove = memoriesMayMove(handle);
        resource = new NativeResource(handle, Engine::free, "engine");
        cleanable = resource.register(this);
    }

    /**
     * Advances the epoch by one: wasm in every store of this engine whose deadline has passed
     * traps with {@link TrapCode#INTERRUPT}. Safe to call from any thread, during calls.
     */
    public void incrementEpoch() {
        long handle = resource.acquire();
        try {
            incrementEpoch(handle);
        } finally {
            resource.release();
        }
    }

    /** The epoch: how many times {@link #incrementEpoch} has been called. */
    public long currentEpoch() {
        long handle = resource.acquire();
        try {
            return currentEpoch(handle);
        } finally {
            resource.release();
        }
    }

    /** Releases the engine; modules and stores made with it keep what they need of it. */
    @Override
    public void close() {
        cleanable.clean();
    }

    private static native long newEngine(
            long featuresSet,
            long featuresOn,
            boolean consumeFuel,
            boolean epochInterruption,
            long maxWasmStack,
            int optLevel,
            String cacheDirectory,
            long memoryReservation,
            long memoryGuardSize,
            long memoryReservationForGrowth,
            boolean memoryMayMove,
            long[] pooling);

    private static native void free(long handle);

    private static native boolean memoriesMayMove(long handle);

    private static native void incrementEpoch(long handle);

    private static native long currentEpoch(long handle);
}
