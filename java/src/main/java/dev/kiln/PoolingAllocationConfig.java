package dev.kiln;

/**
 * The limits of the pooling allocator, set fluently and given to {@link
 * Config#allocationStrategy(PoolingAllocationConfig)}; limits not set keep the engine's defaults.
 *
 * <pre>{@code
 * Config config = new Config()
 *         .allocationStrategy(new PoolingAllocationConfig().totalCoreInstances(1000).maxMemorySize(1 << 20));
 * }</pre>
 *
 * <p>Under the pooling allocator, instances, memories and tables come from slots the engine
 * reserves in advance and shares between all its stores, on any thread. Going past a limit throws
 * {@link KilnException} naming it ({@code "maximum concurrent limit of 1000 for core instances
 * reached"}). A slot comes back when its store is closed (and, for a memory, once no buffer from
 * {@link Memory#buffer} is reachable), and is zeroed before the next tenant sees it.
 */
public final class PoolingAllocationConfig {
    static final int TOTAL_CORE_INSTANCES = 0;
    static final int TOTAL_MEMORIES = 1;
    static final int TOTAL_TABLES = 2;
    static final int MAX_MEMORY_SIZE = 3;
    static final int TABLE_ELEMENTS = 4;
    static final int LINEAR_MEMORY_KEEP_RESIDENT = 5;
    static final int TABLE_KEEP_RESIDENT = 6;

    /** Each limit by the indices above; -1 keeps the engine's default. */
    final long[] limits = {-1, -1, -1, -1, -1, -1, -1};

    /** The engine's default limits. */
    public PoolingAllocationConfig() {}

    private PoolingAllocationConfig set(int index, long value, long max, String what) {
        if (value < 0 || value > max) {
            throw new IllegalArgumentException(what + " must be from 0 to " + max + ", not " + value);
        }
        limits[index] = value;
        return this;
    }

    /** How many core instances may be live at once across the engine's stores (100,000 by default). */
    public PoolingAllocationConfig totalCoreInstances(long count) {
        return set(TOTAL_CORE_INSTANCES, count, 0xffff_ffffL, "totalCoreInstances");
    }

    /** How many memories may be live at once, made by modules or the host (100,000 by default). */
    public PoolingAllocationConfig totalMemories(long count) {
        return set(TOTAL_MEMORIES, count, 0xffff_ffffL, "totalMemories");
    }

    /** How many tables may be live at once, made by modules or the host (100,000 by default). */
    public PoolingAllocationConfig totalTables(long count) {
        return set(TOTAL_TABLES, count, 0xffff_ffffL, "totalTables");
    }

    /** The most bytes any memory may hold: a memory slot's size (256 MiB by default, at most 4 GiB). */
    public PoolingAllocationConfig maxMemorySize(long bytes) {
        return set(MAX_MEMORY_SIZE, bytes, Long.MAX_VALUE, "maxMemorySize");
    }

    /** The most elements any table may hold (20,000 by default). */
    public PoolingAllocationConfig tableElements(long elements) {
        return set(TABLE_ELEMENTS, elements, Long.MAX_VALUE, "tableElements");
    }

    /**
     * Bytes at the start of a freed memory's slot that are zeroed by writing and stay resident for
     * the next tenant (0 by default); the rest is given back to the kernel.
     */
    public PoolingAllocationConfig linearMemoryKeepResident(long bytes) {
        return set(LINEAR_MEMORY_KEEP_RESIDENT, bytes, Long.MAX_VALUE, "linearMemoryKeepResident");
    }

    /** As {@link #linearMemoryKeepResident}, for tables' slots (0 by default). */
    public PoolingAllocationConfig tableKeepResident(long bytes) {
        return set(TABLE_KEEP_RESIDENT, bytes, Long.MAX_VALUE, "tableKeepResident");
    }
}
