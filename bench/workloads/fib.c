/* Recursive Fibonacci: call overhead and integer arithmetic. */
#include "common.h"

__attribute__((noinline)) static int fib(int n) {
    return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

long long run(void) {
    uint64_t h = CHECKSUM_SEED;
    int reps = SCALE(6, 1);
    for (int i = 0; i < reps; i++) {
        h = mix64(h, (uint64_t)fib(SCALE(37, 25) + (i & 1)));
    }
    return (long long)h;
}
