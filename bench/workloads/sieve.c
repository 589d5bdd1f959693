/* Sieve of Eratosthenes over a byte array: memory-bound loops. */
#include "common.h"

#define LIMIT SCALE(32000000, 1000000)

static unsigned char composite[LIMIT + 1];

long long run(void) {
    uint64_t h = CHECKSUM_SEED;
    int reps = SCALE(3, 1);
    for (int r = 0; r < reps; r++) {
        int limit = LIMIT - r * 1000;
        for (int i = 0; i <= limit; i++) {
            composite[i] = 0;
        }
        uint32_t count = 0;
        uint64_t sum = 0;
        for (int i = 2; i <= limit; i++) {
            if (!composite[i]) {
                count++;
                sum += (uint64_t)i;
                for (long long j = (long long)i * i; j <= limit; j += i) {
                    composite[j] = 1;
                }
            }
        }
        h = mix64(mix64(h, count), sum);
    }
    return (long long)h;
}
