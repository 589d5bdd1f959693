package dev.kiln;

/**
 * The type of a global: its value type and whether it can be set.
 *
 * @param content the type of its value
 * @param mutable whether {@link Global#set} may change it
 */
public record GlobalType(ValType content, boolean mutable) implements ExternType {
    /** Checks the content type. */
    public GlobalType {
        if (content == null) {
            throw new IllegalArgumentException("a global's content type must not be null");
        }
    }

    @Override
    public long[] encode() {
        return new long[] {3, content.ordinal(), mutable ? 1 : 0};
    }
}
