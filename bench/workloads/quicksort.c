/* Quicksort (median of three, insertion sort for small ranges) of LCG data. */
#include "common.h"

#define COUNT SCALE(4000000u, 200000u)

static uint32_t data[COUNT];

static void insertion_sort(uint32_t *a, int n) {
    for (int i = 1; i < n; i++) {
        uint32_t v = a[i];
        int j = i - 1;
        while (j >= 0 && a[j] > v) {
            a[j + 1] = a[j];
            j--;
        }
        a[j + 1] = v;
    }
}

static void quicksort(uint32_t *a, int n) {
    while (n > 16) {
        uint32_t x = a[0], y = a[n / 2], z = a[n - 1];
        uint32_t pivot = x < y ? (y < z ? y : (x < z ? z : x)) : (x < z ? x : (y < z ? z : y));
        int i = 0, j = n - 1;
        for (;;) {
            while (a[i] < pivot) {
                i++;
            }
            while (a[j] > pivot) {
                j--;
            }
            if (i >= j) {
                break;
            }
            uint32_t t = a[i];
            a[i] = a[j];
            a[j] = t;
            i++;
            j--;
        }
        /* Recurse into the smaller half to bound the stack depth. */
        int left = j + 1;
        if (left < n - left) {
            quicksort(a, left);
            a += left;
            n -= left;
        } else {
            quicksort(a + left, n - left);
            n = left;
        }
    }
    insertion_sort(a, n);
}

long long run(void) {
    uint64_t h = CHECKSUM_SEED;
    uint32_t seed = 99;
    int reps = SCALE(3, 1);
    for (int r = 0; r < reps; r++) {
        for (uint32_t i = 0; i < COUNT; i++) {
            data[i] = lcg_next(&seed) >> (r * 4);
        }
        quicksort(data, (int)COUNT);
        uint32_t unsorted = 0;
        for (uint32_t i = 1; i < COUNT; i++) {
            unsorted += data[i - 1] > data[i];
        }
        h = mix64(mix64(h, unsorted), data[COUNT / 3]);
        for (uint32_t i = 0; i < COUNT; i += COUNT / 64) {
            h = mix64(h, data[i]);
        }
    }
    return (long long)h;
}
