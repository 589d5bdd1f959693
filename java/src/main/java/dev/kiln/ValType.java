package dev.kiln;

/** The type of a WebAssembly value. */
public enum ValType {
    /** 32-bit integer: Java {@code int}. */
    I32,
    /** 64-bit integer: Java {@code long}. */
    I64,
    /** 32-bit float: Java {@code float}. */
    F32,
    /** 64-bit float: Java {@code double}. */
    F64,
    /** 128-bit vector: two {@code long}s ({@link Val#v128}). */
    V128,
    /** A nullable reference to a function: a {@link Func} or {@code null}. */
    FUNCREF,
    /** A nullable reference to a host value: any Java object or {@code null}. */
    EXTERNREF;

    private static final ValType[] VALUES = values();

    static ValType ofCode(long code) {
        return VALUES[(int) code];
    }

    /** Whether values of this type are references. */
    public boolean isReference() {
        return this == FUNCREF || this == EXTERNREF;
    }

    @Override
    public String toString() {
        return name().toLowerCase();
    }
}
