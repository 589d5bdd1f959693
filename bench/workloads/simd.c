/* An integer SIMD kernel: a mixing pass over i32 vectors. The wasm build uses
 * wasm_simd128.h intrinsics; the native build is the same computation in plain
 * C, which the native compiler auto-vectorises. */
#include "common.h"

#ifdef __wasm_simd128__
#include <wasm_simd128.h>
#endif

#define LANES 16384
#define PASSES SCALE(150000, 500)

static uint32_t a[LANES], b[LANES];

long long run(void) {
    uint32_t seed = 31337;
    for (int i = 0; i < LANES; i++) {
        a[i] = lcg_next(&seed);
        b[i] = lcg_next(&seed);
    }
    for (int p = 0; p < PASSES; p++) {
        uint32_t k = (uint32_t)p * 0x9e3779b9u;
#ifdef __wasm_simd128__
        v128_t vk = wasm_i32x4_splat((int32_t)k);
        v128_t mul = wasm_i32x4_splat(0x01000193);
        for (int i = 0; i < LANES; i += 4) {
            v128_t va = wasm_v128_load(&a[i]);
            v128_t vb = wasm_v128_load(&b[i]);
            v128_t t = wasm_i32x4_add(wasm_i32x4_mul(vb, mul), wasm_u32x4_shr(va, 3));
            t = wasm_v128_xor(t, vk);
            v128_t m = wasm_u32x4_min(t, va);
            wasm_v128_store(&b[i], t);
            wasm_v128_store(&a[i], wasm_i32x4_sub(va, wasm_i32x4_shl(m, 1)));
        }
#else
        for (int i = 0; i < LANES; i++) {
            uint32_t va = a[i], vb = b[i];
            uint32_t t = (vb * 0x01000193u + (va >> 3)) ^ k;
            uint32_t m = t < va ? t : va;
            b[i] = t;
            a[i] = va - (m << 1);
        }
#endif
    }
    uint64_t h = CHECKSUM_SEED;
    for (int i = 0; i < LANES; i += 1) {
        h = mix64(h, (uint64_t)a[i] << 32 | b[i]);
    }
    return (long long)h;
}
