/* Word count with an open-addressing hash map over synthetic LCG words. */
#include "common.h"

#define WORDS SCALE(20000000u, 300000u)
#define TABLE_BITS 18
#define TABLE_SIZE (1u << TABLE_BITS)
#define MAX_WORD 12

struct entry {
    uint32_t hash;
    uint32_t count;
    uint32_t len;
    unsigned char word[MAX_WORD];
};

static struct entry table[TABLE_SIZE];

static uint32_t hash_bytes(const unsigned char *w, uint32_t len) {
    uint32_t h = 2166136261u;
    for (uint32_t i = 0; i < len; i++) {
        h = (h ^ w[i]) * 16777619u;
    }
    return h | 1; /* 0 marks an empty slot. */
}

static int same_word(const struct entry *e, const unsigned char *w, uint32_t len) {
    if (e->len != len) {
        return 0;
    }
    for (uint32_t i = 0; i < len; i++) {
        if (e->word[i] != w[i]) {
            return 0;
        }
    }
    return 1;
}

static void add_word(const unsigned char *w, uint32_t len, uint32_t *distinct) {
    uint32_t h = hash_bytes(w, len);
    uint32_t slot = h & (TABLE_SIZE - 1);
    for (;;) {
        struct entry *e = &table[slot];
        if (e->hash == 0) {
            e->hash = h;
            e->count = 1;
            e->len = len;
            for (uint32_t i = 0; i < len; i++) {
                e->word[i] = w[i];
            }
            (*distinct)++;
            return;
        }
        if (e->hash == h && same_word(e, w, len)) {
            e->count++;
            return;
        }
        slot = (slot + 1) & (TABLE_SIZE - 1);
    }
}

long long run(void) {
    for (uint32_t i = 0; i < TABLE_SIZE; i++) {
        table[i].hash = 0;
    }
    uint32_t seed = 2024, distinct = 0;
    unsigned char word[MAX_WORD];
    for (uint32_t n = 0; n < WORDS; n++) {
        uint32_t r = lcg_next(&seed);
        /* A word id drawn from a range of random width (2^4 .. 2^17) gives a
         * Zipf-like mix of frequent and rare words, at most 2^17 distinct. */
        uint32_t id = (lcg_next(&seed) >> 8) & ((1u << (4 + (r >> 24) % 14)) - 1);
        uint32_t len = 2 + id % 9;
        uint32_t x = id;
        for (uint32_t i = 0; i < len; i++) {
            word[i] = (unsigned char)('a' + x % 13 + (i & 1) * 13);
            x = x / 13 + i * 7;
        }
        add_word(word, len, &distinct);
    }
    uint64_t h = mix64(CHECKSUM_SEED, distinct);
    uint32_t max = 0;
    for (uint32_t i = 0; i < TABLE_SIZE; i++) {
        if (table[i].hash != 0) {
            h = mix64(h, (uint64_t)table[i].hash * table[i].count);
            if (table[i].count > max) {
                max = table[i].count;
            }
        }
    }
    return (long long)mix64(h, max);
}
