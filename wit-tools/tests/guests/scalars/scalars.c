// The `scalars` guest: echoes and transforms primitive values, and passes
// values through the host's imports.
#include "scalars.h"

#include <string.h>

#include "common.h"

typedef scalars_tuple18_f64_f32_u64_u32_u16_u8_bool_char32_f64_f32_s64_u64_s32_u32_s16_u16_s8_u8_t
    reversed18_t;

// --- kiln:corpus/scalar-api ---

bool exports_kiln_corpus_scalar_api_echo_bool(bool x) { return x; }
uint8_t exports_kiln_corpus_scalar_api_echo_u8(uint8_t x) { return x; }
uint16_t exports_kiln_corpus_scalar_api_echo_u16(uint16_t x) { return x; }
uint32_t exports_kiln_corpus_scalar_api_echo_u32(uint32_t x) { return x; }
uint64_t exports_kiln_corpus_scalar_api_echo_u64(uint64_t x) { return x; }
int8_t exports_kiln_corpus_scalar_api_echo_s8(int8_t x) { return x; }
int16_t exports_kiln_corpus_scalar_api_echo_s16(int16_t x) { return x; }
int32_t exports_kiln_corpus_scalar_api_echo_s32(int32_t x) { return x; }
int64_t exports_kiln_corpus_scalar_api_echo_s64(int64_t x) { return x; }
float exports_kiln_corpus_scalar_api_echo_f32(float x) { return x; }
double exports_kiln_corpus_scalar_api_echo_f64(double x) { return x; }
uint32_t exports_kiln_corpus_scalar_api_echo_char(uint32_t x) { return x; }

bool exports_kiln_corpus_scalar_api_negate(bool x) { return !x; }
uint8_t exports_kiln_corpus_scalar_api_add_u8(uint8_t a, uint8_t b) { return (uint8_t)(a + b); }
int16_t exports_kiln_corpus_scalar_api_add_s16(int16_t a, int16_t b) {
  return (int16_t)(uint16_t)((uint16_t)a + (uint16_t)b);
}
uint32_t exports_kiln_corpus_scalar_api_mul_u32(uint32_t a, uint32_t b) { return a * b; }
int32_t exports_kiln_corpus_scalar_api_mul_s32(int32_t a, int32_t b) {
  return (int32_t)((uint32_t)a * (uint32_t)b);
}
uint64_t exports_kiln_corpus_scalar_api_sub_u64(uint64_t a, uint64_t b) { return a - b; }
int64_t exports_kiln_corpus_scalar_api_sub_s64(int64_t a, int64_t b) {
  return (int64_t)((uint64_t)a - (uint64_t)b);
}
int8_t exports_kiln_corpus_scalar_api_u8_as_s8(uint8_t x) { return (int8_t)x; }
uint8_t exports_kiln_corpus_scalar_api_s8_as_u8(int8_t x) { return (uint8_t)x; }
int16_t exports_kiln_corpus_scalar_api_u16_as_s16(uint16_t x) { return (int16_t)x; }
uint16_t exports_kiln_corpus_scalar_api_s16_as_u16(int16_t x) { return (uint16_t)x; }
int32_t exports_kiln_corpus_scalar_api_u32_as_s32(uint32_t x) { return (int32_t)x; }
uint32_t exports_kiln_corpus_scalar_api_s32_as_u32(int32_t x) { return (uint32_t)x; }
int64_t exports_kiln_corpus_scalar_api_u64_as_s64(uint64_t x) { return (int64_t)x; }
uint64_t exports_kiln_corpus_scalar_api_s64_as_u64(int64_t x) { return (uint64_t)x; }
float exports_kiln_corpus_scalar_api_mul_f32(float a, float b) { return a * b; }
double exports_kiln_corpus_scalar_api_div_f64(double a, double b) { return a / b; }

uint32_t exports_kiln_corpus_scalar_api_f32_bits(float x) {
  uint32_t bits;
  memcpy(&bits, &x, sizeof bits);
  return bits;
}

float exports_kiln_corpus_scalar_api_f32_from_bits(uint32_t bits) {
  float x;
  memcpy(&x, &bits, sizeof x);
  return x;
}

uint64_t exports_kiln_corpus_scalar_api_f64_bits(double x) {
  uint64_t bits;
  memcpy(&bits, &x, sizeof bits);
  return bits;
}

double exports_kiln_corpus_scalar_api_f64_from_bits(uint64_t bits) {
  double x;
  memcpy(&x, &bits, sizeof x);
  return x;
}

double exports_kiln_corpus_scalar_api_f32_to_f64(float x) { return (double)x; }
float exports_kiln_corpus_scalar_api_f64_to_f32(double x) { return (float)x; }

uint32_t exports_kiln_corpus_scalar_api_next_char(uint32_t c) {
  if (c == 0xd7ff) {
    return 0xe000;
  }
  if (c == 0x10ffff) {
    return 0;
  }
  return c + 1;
}

uint32_t exports_kiln_corpus_scalar_api_char_code(uint32_t c) { return c; }

static void reverse18(uint8_t a, int8_t b, uint16_t c, int16_t d, uint32_t e, int32_t f,
                      uint64_t g, int64_t h, float i, double j, uint32_t k, bool l, uint8_t m,
                      uint16_t n, uint32_t o, uint64_t p, float q, double r, reversed18_t *ret) {
  ret->f0 = r;
  ret->f1 = q;
  ret->f2 = p;
  ret->f3 = o;
  ret->f4 = n;
  ret->f5 = m;
  ret->f6 = l;
  ret->f7 = k;
  ret->f8 = j;
  ret->f9 = i;
  ret->f10 = h;
  ret->f11 = g;
  ret->f12 = f;
  ret->f13 = e;
  ret->f14 = d;
  ret->f15 = c;
  ret->f16 = b;
  ret->f17 = a;
}

void exports_kiln_corpus_scalar_api_many_params(uint8_t a, int8_t b, uint16_t c, int16_t d,
                                                uint32_t e, int32_t f, uint64_t g, int64_t h,
                                                float i, double j, uint32_t k, bool l, uint8_t m,
                                                uint16_t n, uint32_t o, uint64_t p, float q,
                                                double r, reversed18_t *ret) {
  reverse18(a, b, c, d, e, f, g, h, i, j, k, l, m, n, o, p, q, r, ret);
}

void exports_kiln_corpus_scalar_api_split_u64(uint64_t x, scalars_tuple2_u32_u32_t *ret) {
  ret->f0 = (uint32_t)(x >> 32);
  ret->f1 = (uint32_t)x;
}

void exports_kiln_corpus_scalar_api_swap(float a, double b, scalars_tuple2_f64_f32_t *ret) {
  ret->f0 = b;
  ret->f1 = a;
}

// --- world-level exports ---

void exports_scalars_host_echo_all(bool a, uint8_t b, uint16_t c, uint32_t d, uint64_t e,
                                   int8_t f, int16_t g, int32_t h, int64_t i, float j, double k,
                                   uint32_t l,
                                   scalars_tuple12_bool_u8_u16_u32_u64_s8_s16_s32_s64_f32_f64_char32_t
                                       *ret) {
  ret->f0 = kiln_corpus_scalar_host_echo_bool(a);
  ret->f1 = kiln_corpus_scalar_host_echo_u8(b);
  ret->f2 = kiln_corpus_scalar_host_echo_u16(c);
  ret->f3 = kiln_corpus_scalar_host_echo_u32(d);
  ret->f4 = kiln_corpus_scalar_host_echo_u64(e);
  ret->f5 = kiln_corpus_scalar_host_echo_s8(f);
  ret->f6 = kiln_corpus_scalar_host_echo_s16(g);
  ret->f7 = kiln_corpus_scalar_host_echo_s32(h);
  ret->f8 = kiln_corpus_scalar_host_echo_s64(i);
  ret->f9 = kiln_corpus_scalar_host_echo_f32(j);
  ret->f10 = kiln_corpus_scalar_host_echo_f64(k);
  ret->f11 = kiln_corpus_scalar_host_echo_char(l);
}

void exports_scalars_host_many_params(uint8_t a, int8_t b, uint16_t c, int16_t d, uint32_t e,
                                      int32_t f, uint64_t g, int64_t h, float i, double j,
                                      uint32_t k, bool l, uint8_t m, uint16_t n, uint32_t o,
                                      uint64_t p, float q, double r, reversed18_t *ret) {
  kiln_corpus_scalar_host_many_params(a, b, c, d, e, f, g, h, i, j, k, l, m, n, o, p, q, r, ret);
}

void exports_scalars_host_greet(scalars_string_t *who, scalars_string_t *ret) {
  // The import borrows `who` and hands back a string this guest owns; the
  // export owns `who` and hands `ret` to the caller (post-return frees it).
  kiln_shared_host_info_greet(who, ret);
  scalars_string_free(who);
}

static uint64_t value;

void exports_scalars_set_value(uint64_t x) { value = x; }
uint64_t exports_scalars_get_value(void) { return value; }

uint64_t exports_scalars_host_value_roundtrip(uint64_t x) {
  scalars_set_host_value(x);
  return scalars_get_host_value();
}
