/* LZ77 round trip: hash-chain match finder, token encoder and decoder. */
#include "common.h"

#define LEN SCALE(6u << 20, 256u << 10)
#define WINDOW 32768u
#define MIN_MATCH 4u
#define MAX_MATCH 258u
#define HASH_BITS 15
#define MAX_CHAIN 32

static unsigned char input[LEN];
static unsigned char packed[LEN + LEN / 8 + 16];
static unsigned char output[LEN];
static int32_t head[1u << HASH_BITS];
static int32_t prev[LEN];

static const char *const vocabulary[16] = {
    "the ",   "quick ",    "brown ",  "fox ",  "jumps ",   "over ",  "lazy ",   "dog ",
    "kiln ",  "compiles ", "wasm ",   "with ", "cranelift ", "fast ", "code ", "\n",
};

static void generate(void) {
    uint32_t seed = 7, pos = 0;
    while (pos < LEN) {
        uint32_t r = lcg_next(&seed);
        const char *w = vocabulary[(r >> 24) & 15];
        if ((r & 0xff) < 12) {
            /* Occasional noise keeps the data from being trivially repetitive. */
            input[pos++] = (unsigned char)(r >> 8);
            continue;
        }
        for (int i = 0; w[i] && pos < LEN; i++) {
            input[pos++] = (unsigned char)w[i];
        }
    }
}

static inline uint32_t hash4(const unsigned char *p) {
    uint32_t v = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
    return (v * 2654435761u) >> (32 - HASH_BITS);
}

/* Format: a flag byte per 8 items; bit set = match (2 bytes distance, 1 byte
 * length - MIN_MATCH), clear = literal byte. Returns the packed size. */
static uint32_t compress(void) {
    for (uint32_t i = 0; i < (1u << HASH_BITS); i++) {
        head[i] = -1;
    }
    uint32_t in = 0, out = 0, flag_pos = 0, nitems = 0;
    while (in < LEN) {
        if (nitems % 8 == 0) {
            flag_pos = out++;
            packed[flag_pos] = 0;
        }
        uint32_t best_len = 0, best_dist = 0;
        if (in + MIN_MATCH <= LEN) {
            uint32_t hv = hash4(input + in);
            int32_t cand = head[hv];
            uint32_t limit = LEN - in < MAX_MATCH ? LEN - in : MAX_MATCH;
            for (int chain = 0; chain < MAX_CHAIN && cand >= 0 && in - (uint32_t)cand <= WINDOW; chain++) {
                uint32_t l = 0;
                while (l < limit && input[(uint32_t)cand + l] == input[in + l]) {
                    l++;
                }
                if (l > best_len) {
                    best_len = l;
                    best_dist = in - (uint32_t)cand;
                    if (l == limit) {
                        break;
                    }
                }
                cand = prev[cand];
            }
            prev[in] = head[hv];
            head[hv] = (int32_t)in;
        }
        if (best_len >= MIN_MATCH) {
            packed[flag_pos] |= (unsigned char)(1u << (nitems % 8));
            packed[out++] = (unsigned char)(best_dist - 1);
            packed[out++] = (unsigned char)((best_dist - 1) >> 8);
            packed[out++] = (unsigned char)(best_len - MIN_MATCH);
            for (uint32_t k = 1; k < best_len; k++) {
                uint32_t p = in + k;
                if (p + MIN_MATCH <= LEN) {
                    uint32_t hv = hash4(input + p);
                    prev[p] = head[hv];
                    head[hv] = (int32_t)p;
                }
            }
            in += best_len;
        } else {
            packed[out++] = input[in++];
        }
        nitems++;
    }
    return out;
}

static uint32_t decompress(uint32_t packed_len) {
    uint32_t in = 0, out = 0, nitems = 0;
    unsigned char flags = 0;
    while (in < packed_len) {
        if (nitems % 8 == 0) {
            flags = packed[in++];
            if (in >= packed_len) {
                break;
            }
        }
        if (flags & (1u << (nitems % 8))) {
            uint32_t dist = ((uint32_t)packed[in] | (uint32_t)packed[in + 1] << 8) + 1;
            uint32_t len = (uint32_t)packed[in + 2] + MIN_MATCH;
            in += 3;
            for (uint32_t k = 0; k < len; k++) {
                output[out + k] = output[out + k - dist];
            }
            out += len;
        } else {
            output[out++] = packed[in++];
        }
        nitems++;
    }
    return out;
}

long long run(void) {
    generate();
    uint64_t h = CHECKSUM_SEED;
    int reps = SCALE(3, 1);
    for (int r = 0; r < reps; r++) {
        uint32_t packed_len = compress();
        uint32_t n = decompress(packed_len);
        uint32_t mismatches = n == LEN ? 0 : 1;
        uint32_t sum = 0;
        for (uint32_t i = 0; i < n && i < LEN; i++) {
            mismatches += output[i] != input[i];
            sum = sum * 31 + output[i];
        }
        h = mix64(mix64(mix64(h, packed_len), mismatches), sum);
        input[(uint32_t)r * 65537u % LEN] ^= 0x5a;
    }
    return (long long)h;
}
