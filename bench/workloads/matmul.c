/* Dense f64 matrix multiplication (i-k-j order). */
#include "common.h"

#define N SCALE(512, 96)

static double a[N][N], b[N][N], c[N][N];

long long run(void) {
    uint32_t seed = 12345;
    for (int i = 0; i < N; i++) {
        for (int j = 0; j < N; j++) {
            a[i][j] = (double)(lcg_next(&seed) >> 8) / 16777216.0 - 0.5;
            b[i][j] = (double)(lcg_next(&seed) >> 8) / 16777216.0 - 0.5;
        }
    }
    uint64_t h = CHECKSUM_SEED;
    int reps = SCALE(16, 1);
    for (int r = 0; r < reps; r++) {
        for (int i = 0; i < N; i++) {
            for (int j = 0; j < N; j++) {
                c[i][j] = 0;
            }
            for (int k = 0; k < N; k++) {
                double aik = a[i][k];
                for (int j = 0; j < N; j++) {
                    c[i][j] += aik * b[k][j];
                }
            }
        }
        double trace = 0;
        for (int i = 0; i < N; i++) {
            trace += c[i][i];
            h = mix64(h, f64_bits(c[i][(i * 7) % N]));
        }
        h = mix64(h, f64_bits(trace));
        /* Feed the result back so each repetition does different work. */
        for (int i = 0; i < N; i++) {
            a[i][(i * 3) % N] += c[i][i] * 0.001;
        }
    }
    return (long long)h;
}
