package dev.kiln;

/** How hard Cranelift optimises compiled code. */
public enum OptLevel {
    /** No optimisation: the fastest compilation. */
    NONE,
    /** Optimise for speed (the default). */
    SPEED,
    /** Optimise for speed and code size. */
    SPEED_AND_SIZE
}
