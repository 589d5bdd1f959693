// Helpers shared by the corpus's C guests. Header-only: every function is
// `static inline`, so each guest keeps only what it uses.
//
// The guests use no stdio and nothing else that imports WASI: only malloc,
// free, memcpy and friends, which wasi-libc implements without host calls.
#ifndef KILN_CORPUS_COMMON_H
#define KILN_CORPUS_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

// Allocates `n` bytes for a value handed to the caller (freed by the
// bindings' post-return or by the host); never returns NULL for n > 0.
static inline void *corpus_alloc(size_t n) {
  if (n == 0) {
    return NULL;
  }
  void *p = malloc(n);
  if (p == NULL) {
    __builtin_trap();
  }
  return p;
}

// Decodes the UTF-8 scalar value at s[*i] (the input is valid UTF-8: the
// canonical ABI checked it) and advances *i past it.
static inline uint32_t corpus_utf8_next(const uint8_t *s, size_t *i) {
  uint8_t b = s[*i];
  if (b < 0x80) {
    *i += 1;
    return b;
  }
  if (b < 0xe0) {
    uint32_t c = ((uint32_t)(b & 0x1f) << 6) | (s[*i + 1] & 0x3f);
    *i += 2;
    return c;
  }
  if (b < 0xf0) {
    uint32_t c = ((uint32_t)(b & 0x0f) << 12) | ((uint32_t)(s[*i + 1] & 0x3f) << 6) |
                 (s[*i + 2] & 0x3f);
    *i += 3;
    return c;
  }
  uint32_t c = ((uint32_t)(b & 0x07) << 18) | ((uint32_t)(s[*i + 1] & 0x3f) << 12) |
               ((uint32_t)(s[*i + 2] & 0x3f) << 6) | (s[*i + 3] & 0x3f);
  *i += 4;
  return c;
}

// The number of bytes `c` takes in UTF-8.
static inline size_t corpus_utf8_len(uint32_t c) {
  return c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
}

// Writes `c` as UTF-8 at out and returns the number of bytes written.
static inline size_t corpus_utf8_put(uint8_t *out, uint32_t c) {
  if (c < 0x80) {
    out[0] = (uint8_t)c;
    return 1;
  }
  if (c < 0x800) {
    out[0] = (uint8_t)(0xc0 | (c >> 6));
    out[1] = (uint8_t)(0x80 | (c & 0x3f));
    return 2;
  }
  if (c < 0x10000) {
    out[0] = (uint8_t)(0xe0 | (c >> 12));
    out[1] = (uint8_t)(0x80 | ((c >> 6) & 0x3f));
    out[2] = (uint8_t)(0x80 | (c & 0x3f));
    return 3;
  }
  out[0] = (uint8_t)(0xf0 | (c >> 18));
  out[1] = (uint8_t)(0x80 | ((c >> 12) & 0x3f));
  out[2] = (uint8_t)(0x80 | ((c >> 6) & 0x3f));
  out[3] = (uint8_t)(0x80 | (c & 0x3f));
  return 4;
}

#endif
