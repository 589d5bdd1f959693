/* Native driver: calls a workload's run() `runs` times (argv[1], default 1)
 * and prints one line per call: "<nanoseconds> <checksum>". */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

long long run(void);

static long long now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(int argc, char **argv) {
    int runs = argc > 1 ? atoi(argv[1]) : 1;
    if (runs < 1) {
        fprintf(stderr, "usage: %s [runs]\n", argv[0]);
        return 2;
    }
    for (int i = 0; i < runs; i++) {
        long long start = now_ns();
        long long sum = run();
        long long end = now_ns();
        printf("%lld %lld\n", end - start, sum);
        fflush(stdout);
    }
    return 0;
}
