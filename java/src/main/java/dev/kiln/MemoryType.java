package dev.kiln;

import java.util.OptionalLong;

/**
 * The type of a linear memory: its limits in pages, whether it is 64-bit or shared, and its page
 * size.
 *
 * @param minimum the least number of pages
 * @param maximum the most pages, if bounded
 * @param is64 whether addresses are 64-bit (memory64)
 * @param shared whether the memory may be shared between threads
 * @param pageSizeLog2 the page size as a power of two: 16 (64 KiB) unless custom
 */
public record MemoryType(
        long minimum, OptionalLong maximum, boolean is64, boolean shared, int pageSizeLog2)
        implements ExternType {
    /** A 32-bit memory of at least {@code minimum} 64 KiB pages, unbounded. */
    public MemoryType(long minimum) {
        this(minimum, OptionalLong.empty(), false, false, 16);
    }

    /** A 32-bit memory of {@code minimum} to {@code maximum} 64 KiB pages. */
    public MemoryType(long minimum, long maximum) {
        this(minimum, OptionalLong.of(maximum), false, false, 16);
    }

    /** Checks what Java can check; the engine checks the rest when the memory is made. */
    public MemoryType {
        if (maximum == null) {
            throw new IllegalArgumentException("the maximum must be an OptionalLong, not null");
        }
    }

    /** The page size in bytes. */
    public long pageSize() {
        return 1L << pageSizeLog2;
    }

    @Override
    public long[] encode() {
        return new long[] {
            1, minimum, maximum.orElse(-1), is64 ? 1 : 0, shared ? 1 : 0, pageSizeLog2
        };
    }
}
