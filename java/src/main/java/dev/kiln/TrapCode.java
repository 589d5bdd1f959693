package dev.kiln;

/** Why WebAssembly stopped. The numbers are the engine's, the same in every Kiln binding. */
public enum TrapCode {
    /** The call stack grew past its maximum. */
    STACK_OVERFLOW,
    /** A load or store outside linear memory. */
    MEMORY_OUT_OF_BOUNDS,
    /** A table access outside the table. */
    TABLE_OUT_OF_BOUNDS,
    /** {@code call_indirect} past the end of the table. */
    UNDEFINED_ELEMENT,
    /** {@code call_indirect} on a null element. */
    UNINITIALIZED_ELEMENT,
    /** {@code call_indirect} whose callee has another signature. */
    INDIRECT_CALL_TYPE_MISMATCH,
    /** Integer overflow. */
    INTEGER_OVERFLOW,
    /** Integer division or remainder by zero. */
    INTEGER_DIVISION_BY_ZERO,
    /** Conversion of NaN to an integer. */
    BAD_CONVERSION_TO_INTEGER,
    /** The {@code unreachable} instruction. */
    UNREACHABLE,
    /** A null reference was dereferenced. */
    NULL_REFERENCE,
    /** A host function failed. */
    HOST_ERROR,
    /** The store ran out of fuel. */
    OUT_OF_FUEL,
    /** The engine's epoch passed the store's deadline. */
    INTERRUPT,
    /** An atomic access at a misaligned address. */
    HEAP_MISALIGNED,
    /** {@code memory.atomic.wait} on a memory that is not shared. */
    ATOMIC_WAIT_NON_SHARED_MEMORY;

    private static final TrapCode[] VALUES = values();

    /** The code with the engine's number {@code number}. */
    static TrapCode ofNumber(int number) {
        return number >= 0 && number < VALUES.length ? VALUES[number] : HOST_ERROR;
    }
}
