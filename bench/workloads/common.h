/* Shared helpers for the Kiln benchmark workloads.
 *
 * Every workload is one C file exporting `long long run(void)`, which
 * re-initialises all of its state, does a fixed amount of work and returns a
 * checksum. The same file is compiled to a freestanding wasm32 module (no libc)
 * and to a native executable linked with native_main.c. Building with -DQUICK
 * selects the small smoke-test scale. */
#ifndef KILN_BENCH_COMMON_H
#define KILN_BENCH_COMMON_H

#include <stddef.h>
#include <stdint.h>

#ifdef QUICK
#define SCALE(full, quick) (quick)
#else
#define SCALE(full, quick) (full)
#endif

long long run(void);

/* Numerical Recipes' 32-bit linear congruential generator. */
static inline uint32_t lcg_next(uint32_t *state) {
    *state = *state * 1664525u + 1013904223u;
    return *state;
}

/* FNV-1a style mixing of a 64-bit value into a running checksum. */
static inline uint64_t mix64(uint64_t h, uint64_t v) {
    for (int i = 0; i < 8; i++) {
        h ^= (v >> (i * 8)) & 0xff;
        h *= 0x100000001b3ull;
    }
    return h;
}

/* The bit pattern of a double, so float results are compared exactly. */
static inline uint64_t f64_bits(double d) {
    union {
        double d;
        uint64_t u;
    } u;
    u.d = d;
    return u.u;
}

#define CHECKSUM_SEED 0xcbf29ce484222325ull

#endif
