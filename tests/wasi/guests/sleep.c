/* Sleeps with nanosleep and usleep (both are poll_oneoff underneath) and
 * checks with the monotonic clock that time passed. */
#include <stdio.h>
#include <time.h>
#include <unistd.h>

static long long now_ns(void) {
    struct timespec ts;
    if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0) {
        perror("clock_gettime");
        return -1;
    }
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(void) {
    struct timespec real;
    if (clock_gettime(CLOCK_REALTIME, &real) != 0 || real.tv_sec < 1600000000) {
        printf("bad realtime clock\n");
        return 1;
    }
    printf("realtime ok\n");

    long long start = now_ns();
    struct timespec req = {0, 20 * 1000 * 1000};
    if (nanosleep(&req, NULL) != 0) {
        perror("nanosleep");
        return 1;
    }
    long long mid = now_ns();
    if (usleep(20 * 1000) != 0) {
        perror("usleep");
        return 1;
    }
    long long end = now_ns();
    if (mid - start < 20000000LL || end - mid < 20000000LL) {
        printf("slept too little: %lld ns, %lld ns\n", mid - start, end - mid);
        return 1;
    }
    printf("slept\n");
    return 0;
}
