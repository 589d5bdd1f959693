// The `variants` guest: variants, enums, flags, options, results and aliases.
//
// wit-bindgen-c flattens signatures: an `option<T>` parameter is a pointer
// (NULL for none), an `option<T>` result is a `bool` (is some) plus an out
// pointer, and a `result<T, E>` result is a `bool` (is ok) plus out pointers
// for the ok and err payloads. Echoes move their argument into their result.
#include "variants.h"

#include "common.h"

#define API(name) exports_kiln_corpus_variant_api_##name
typedef exports_kiln_corpus_variant_api_shape_t shape_t;
typedef exports_kiln_corpus_variant_api_number_t number_t;
typedef exports_kiln_corpus_variant_api_direction_t direction_t;
typedef exports_kiln_corpus_variant_api_wide_t wide_t;
typedef exports_kiln_corpus_variant_api_full_t full_t;
typedef exports_kiln_corpus_variant_api_small_t small_t;
typedef exports_kiln_corpus_variant_api_math_error_t math_error_t;
typedef exports_kiln_corpus_variant_api_result_u8_string_t result_u8_string_t;
typedef kiln_corpus_variant_host_result_option_string_result_u8_string_t host_nested_result_t;

// --- kiln:corpus/variant-api ---

void API(echo_shape)(shape_t *s, shape_t *ret) { *ret = *s; }

void API(echo_shapes)(exports_kiln_corpus_variant_api_list_shape_t *s,
                      exports_kiln_corpus_variant_api_list_shape_t *ret) {
  *ret = *s;
}

uint32_t API(shape_size)(shape_t *s) {
  uint32_t size = 0;
  switch (s->tag) {
    case KILN_CORPUS_VARIANT_TYPES_SHAPE_EMPTY:
      size = 0;
      break;
    case KILN_CORPUS_VARIANT_TYPES_SHAPE_RECT:
      size = 2;
      break;
    case KILN_CORPUS_VARIANT_TYPES_SHAPE_POLYGON:
      size = (uint32_t)s->val.polygon.len;
      break;
    case KILN_CORPUS_VARIANT_TYPES_SHAPE_LABELLED:
      for (size_t i = 0; i < s->val.labelled.len;) {
        corpus_utf8_next(s->val.labelled.ptr, &i);
        size++;
      }
      break;
    default:
      size = 1;
      break;
  }
  kiln_corpus_variant_types_shape_free(s);
  return size;
}

void API(echo_signal)(exports_kiln_corpus_variant_api_signal_t *s,
                      exports_kiln_corpus_variant_api_signal_t *ret) {
  *ret = *s;
}

void API(echo_signals)(exports_kiln_corpus_variant_api_list_signal_t *s,
                       exports_kiln_corpus_variant_api_list_signal_t *ret) {
  *ret = *s;
}

void API(echo_number)(number_t *n, number_t *ret) { *ret = *n; }

double API(number_to_f64)(number_t *n) {
  switch (n->tag) {
    case KILN_CORPUS_VARIANT_TYPES_NUMBER_I:
      return (double)n->val.i;
    case KILN_CORPUS_VARIANT_TYPES_NUMBER_L:
      return (double)n->val.l;
    case KILN_CORPUS_VARIANT_TYPES_NUMBER_F:
      return (double)n->val.f;
    case KILN_CORPUS_VARIANT_TYPES_NUMBER_D:
      return n->val.d;
    default:
      return (double)n->val.u;
  }
}

direction_t API(echo_direction)(direction_t d) { return d; }
direction_t API(turn_right)(direction_t d) { return (direction_t)((d + 1) % 4); }
wide_t API(echo_wide)(wide_t w) { return w; }
wide_t API(wide_next)(wide_t w) {
  return w == KILN_CORPUS_VARIANT_TYPES_WIDE_W256 ? KILN_CORPUS_VARIANT_TYPES_WIDE_W0
                                                  : (wide_t)(w + 1);
}
uint16_t API(wide_ordinal)(wide_t w) { return w; }
exports_kiln_corpus_variant_api_color_alias_t API(echo_color)(
    exports_kiln_corpus_variant_api_color_alias_t c) {
  return c;
}
small_t API(echo_small)(small_t f) { return f; }
exports_kiln_corpus_variant_api_medium_t API(echo_medium)(exports_kiln_corpus_variant_api_medium_t f) {
  return f;
}
full_t API(echo_full)(full_t f) { return f; }
full_t API(invert_full)(full_t f) { return ~f; }
small_t API(union_small)(small_t a, small_t b) { return (small_t)(a | b); }
uint32_t API(count_full)(full_t f) { return (uint32_t)__builtin_popcount(f); }

bool API(echo_option_u32)(uint32_t *maybe_x, uint32_t *ret) {
  if (maybe_x == NULL) {
    return false;
  }
  *ret = *maybe_x;
  return true;
}

bool API(echo_option_string)(variants_string_t *maybe_x, variants_string_t *ret) {
  if (maybe_x == NULL) {
    return false;
  }
  *ret = *maybe_x;
  return true;
}

bool API(echo_nested_option)(variants_option_u8_t *maybe_x, variants_option_u8_t *ret) {
  if (maybe_x == NULL) {
    return false;
  }
  *ret = *maybe_x;
  return true;
}

bool API(echo_triple_option)(variants_option_option_string_t *maybe_x,
                             variants_option_option_string_t *ret) {
  if (maybe_x == NULL) {
    return false;
  }
  *ret = *maybe_x;
  return true;
}

bool API(echo_option_point)(exports_kiln_corpus_variant_api_point_t *maybe_x,
                            exports_kiln_corpus_variant_api_point_t *ret) {
  if (maybe_x == NULL) {
    return false;
  }
  *ret = *maybe_x;
  return true;
}

bool API(echo_option_list)(variants_list_option_s32_t *maybe_x, variants_list_option_s32_t *ret) {
  if (maybe_x == NULL) {
    return false;
  }
  *ret = *maybe_x;
  return true;
}

int64_t API(unwrap_or)(int64_t *maybe_x, int64_t default_) {
  return maybe_x == NULL ? default_ : *maybe_x;
}

bool API(check_positive)(int32_t x) { return x > 0; }

bool API(parse_u32)(variants_string_t *s, uint32_t *ret) {
  bool ok = s->len >= 1 && s->len <= 10;
  uint64_t value = 0;
  for (size_t i = 0; ok && i < s->len; i++) {
    uint8_t c = s->ptr[i];
    if (c < '0' || c > '9') {
      ok = false;
    } else {
      value = value * 10 + (uint64_t)(c - '0');
    }
  }
  ok = ok && value <= UINT32_MAX;
  if (ok) {
    *ret = (uint32_t)value;
  }
  variants_string_free(s);
  return ok;
}

// Writes `text` followed by `n` in decimal into a new string.
static void message_with_number(variants_string_t *ret, const char *text, size_t n) {
  char digits[24];
  size_t count = 0;
  do {
    digits[count++] = (char)('0' + n % 10);
    n /= 10;
  } while (n > 0);
  size_t text_len = strlen(text);
  ret->len = text_len + count;
  ret->ptr = corpus_alloc(ret->len);
  memcpy(ret->ptr, text, text_len);
  for (size_t i = 0; i < count; i++) {
    ret->ptr[text_len + i] = (uint8_t)digits[count - 1 - i];
  }
}

bool API(validate_name)(variants_string_t *s, variants_string_t *err) {
  bool ok = true;
  if (s->len == 0) {
    variants_string_dup(err, "empty");
    ok = false;
  }
  for (size_t i = 0; ok && i < s->len; i++) {
    if (s->ptr[i] < 'a' || s->ptr[i] > 'z') {
      message_with_number(err, "invalid char at ", i);
      ok = false;
    }
  }
  variants_string_free(s);
  return ok;
}

bool API(safe_div)(int32_t a, int32_t b, int32_t *ret, math_error_t *err) {
  if (b == 0) {
    *err = KILN_CORPUS_VARIANT_TYPES_MATH_ERROR_DIVIDE_BY_ZERO;
    return false;
  }
  if (a == INT32_MIN && b == -1) {
    *err = KILN_CORPUS_VARIANT_TYPES_MATH_ERROR_OVERFLOW;
    return false;
  }
  *ret = a / b;
  return true;
}

bool API(echo_result)(exports_kiln_corpus_variant_api_result_string_u32_t *r, variants_string_t *ret,
                      uint32_t *err) {
  if (r->is_err) {
    *err = r->val.err;
    return false;
  }
  *ret = r->val.ok;
  return true;
}

bool API(echo_nested_result)(exports_kiln_corpus_variant_api_result_option_string_result_u8_string_t *r,
                             variants_option_string_t *ret, result_u8_string_t *err) {
  if (r->is_err) {
    *err = r->val.err;
    return false;
  }
  *ret = r->val.ok;
  return true;
}

bool API(echo_option_result)(exports_kiln_corpus_variant_api_result_u32_string_t *maybe_o,
                             exports_kiln_corpus_variant_api_result_u32_string_t *ret) {
  if (maybe_o == NULL) {
    return false;
  }
  *ret = *maybe_o;
  return true;
}

void API(echo_results)(exports_kiln_corpus_variant_api_list_result_s16_f32_t *r,
                       exports_kiln_corpus_variant_api_list_result_s16_f32_t *ret) {
  *ret = *r;
}

void API(echo_empty_results)(exports_kiln_corpus_variant_api_list_result_void_void_t *r,
                             exports_kiln_corpus_variant_api_list_result_void_void_t *ret) {
  *ret = *r;
}

exports_kiln_corpus_variant_api_id_t API(echo_id)(exports_kiln_corpus_variant_api_id_t x) { return x; }

bool API(echo_maybe_id)(exports_kiln_corpus_variant_api_maybe_id_t *x,
                        kiln_corpus_variant_types_id_t *ret) {
  if (!x->is_some) {
    return false;
  }
  *ret = x->val;
  return true;
}

void API(echo_names)(exports_kiln_corpus_variant_api_names_t *x,
                     exports_kiln_corpus_variant_api_names_t *ret) {
  *ret = *x;
}

void API(echo_tagged)(exports_kiln_corpus_variant_api_tagged_value_t *t,
                      exports_kiln_corpus_variant_api_tagged_value_t *ret) {
  *ret = *t;
}

// --- world-level exports: through the host's variant-host ---

void exports_variants_host_echo_shape(variants_shape_t *s, variants_shape_t *ret) {
  kiln_corpus_variant_host_echo_shape(s, ret);
  variants_shape_free(s);
}

void exports_variants_host_echo_number(variants_number_t *n, variants_number_t *ret) {
  kiln_corpus_variant_host_echo_number(n, ret);
}

variants_direction_t exports_variants_host_turn_right(variants_direction_t d) {
  return kiln_corpus_variant_host_turn_right(d);
}

variants_wide_t exports_variants_host_echo_wide(variants_wide_t w) {
  return kiln_corpus_variant_host_echo_wide(w);
}

variants_full_t exports_variants_host_invert_full(variants_full_t f) {
  return kiln_corpus_variant_host_invert_full(f);
}

bool exports_variants_host_echo_nested_option(variants_option_u8_t *maybe_x,
                                              variants_option_u8_t *ret) {
  return kiln_corpus_variant_host_echo_nested_option(maybe_x, ret);
}

bool exports_variants_host_safe_div(int32_t a, int32_t b, int32_t *ret, variants_math_error_t *err) {
  return kiln_corpus_variant_host_safe_div(a, b, ret, err);
}

bool exports_variants_host_echo_nested_result(host_nested_result_t *r, variants_option_string_t *ret,
                                              kiln_corpus_variant_host_result_u8_string_t *err) {
  bool ok = kiln_corpus_variant_host_echo_nested_result(r, ret, err);
  kiln_corpus_variant_host_result_option_string_result_u8_string_free(r);
  return ok;
}

bool exports_variants_host_check_positive(int32_t x) {
  return kiln_corpus_variant_host_check_positive(x);
}
