package dev.kiln;

import java.util.OptionalLong;

/**
 * The type of a table: its element type and limits.
 *
 * @param element {@link ValType#FUNCREF} or {@link ValType#EXTERNREF}
 * @param minimum the least number of elements
 * @param maximum the most elements, if bounded
 * @param is64 whether indices are 64-bit (table64)
 */
public record TableType(ValType element, long minimum, OptionalLong maximum, boolean is64)
        implements ExternType {
    /** A 32-bit table of at least {@code minimum} elements, unbounded. */
    public TableType(ValType element, long minimum) {
        this(element, minimum, OptionalLong.empty(), false);
    }

    /** A 32-bit table of {@code minimum} to {@code maximum} elements. */
    public TableType(ValType element, long minimum, long maximum) {
        this(element, minimum, OptionalLong.of(maximum), false);
    }

    /** Checks the element type. */
    public TableType {
        if (element == null || !element.isReference()) {
            throw new IllegalArgumentException(
                    "a table's elements are references, not " + element);
        }
        if (maximum == null) {
            throw new IllegalArgumentException("the maximum must be an OptionalLong, not null");
        }
    }

    @Override
    public long[] encode() {
        return new long[] {2, element.ordinal(), minimum, maximum.orElse(-1), is64 ? 1 : 0};
    }
}
