package dev.kiln;

/**
 * A host function of the typed path that generated glue defines with {@link
 * ComponentLinker#funcNewFlat}: it receives the lowered import's flat core
 * arguments in {@code slots} (each in the low bits of a {@code long}: an
 * {@code i32} in the low 32 bits, floats as their bits) and leaves its flat
 * results there, lifting and lowering through the calling component's memory
 * with {@code cx}, which is valid only until the function returns.
 */
@FunctionalInterface
public interface FlatHostFunc {
    /** Runs the function. */
    void call(FlatContext cx, long[] slots);
}
