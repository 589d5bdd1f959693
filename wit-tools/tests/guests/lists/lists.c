// The `lists` guest: strings, lists, records and tuples.
//
// Ownership follows wit-bindgen-c: an export owns its arguments and hands its
// result to the caller (the post-return function frees it); an import borrows
// its arguments and hands back a result this guest owns. Echoes therefore move
// their argument into their result.
#include "lists.h"

#include "common.h"

typedef lists_tuple2_tuple2_u8_s64_tuple2_string_tuple2_f32_char32_t nested_tuple_t;

static void string_from(lists_string_t *ret, const uint8_t *bytes, size_t len) {
  ret->ptr = corpus_alloc(len);
  ret->len = len;
  if (len > 0) {
    memcpy(ret->ptr, bytes, len);
  }
}

// --- kiln:corpus/list-api ---

void exports_kiln_corpus_list_api_echo_string(lists_string_t *s, lists_string_t *ret) { *ret = *s; }

uint32_t exports_kiln_corpus_list_api_count_chars(lists_string_t *s) {
  uint32_t n = 0;
  for (size_t i = 0; i < s->len;) {
    corpus_utf8_next(s->ptr, &i);
    n++;
  }
  lists_string_free(s);
  return n;
}

void exports_kiln_corpus_list_api_reverse_string(lists_string_t *s, lists_string_t *ret) {
  ret->ptr = corpus_alloc(s->len);
  ret->len = s->len;
  size_t end = s->len;
  for (size_t i = 0; i < s->len;) {
    size_t start = i;
    corpus_utf8_next(s->ptr, &i);
    end -= i - start;
    memcpy(ret->ptr + end, s->ptr + start, i - start);
  }
  lists_string_free(s);
}

void exports_kiln_corpus_list_api_upper_ascii(lists_string_t *s, lists_string_t *ret) {
  // Bytes of multi-byte UTF-8 sequences are all >= 0x80, so a byte-wise
  // change of 'a'..'z' touches only ASCII chars.
  for (size_t i = 0; i < s->len; i++) {
    if (s->ptr[i] >= 'a' && s->ptr[i] <= 'z') {
      s->ptr[i] = (uint8_t)(s->ptr[i] - 'a' + 'A');
    }
  }
  *ret = *s;
}

void exports_kiln_corpus_list_api_concat(lists_string_t *a, lists_string_t *b, lists_string_t *ret) {
  ret->len = a->len + b->len;
  ret->ptr = corpus_alloc(ret->len);
  if (a->len > 0) {
    memcpy(ret->ptr, a->ptr, a->len);
  }
  if (b->len > 0) {
    memcpy(ret->ptr + a->len, b->ptr, b->len);
  }
  lists_string_free(a);
  lists_string_free(b);
}

void exports_kiln_corpus_list_api_repeat_string(lists_string_t *s, uint32_t n, lists_string_t *ret) {
  ret->len = s->len * n;
  ret->ptr = corpus_alloc(ret->len);
  for (uint32_t i = 0; i < n; i++) {
    memcpy(ret->ptr + i * s->len, s->ptr, s->len);
  }
  lists_string_free(s);
}

void exports_kiln_corpus_list_api_echo_bytes(lists_list_u8_t *b, lists_list_u8_t *ret) { *ret = *b; }

uint64_t exports_kiln_corpus_list_api_sum_bytes(lists_list_u8_t *b) {
  uint64_t sum = 0;
  for (size_t i = 0; i < b->len; i++) {
    sum += b->ptr[i];
  }
  lists_list_u8_free(b);
  return sum;
}

void exports_kiln_corpus_list_api_make_bytes(uint32_t n, uint8_t seed, lists_list_u8_t *ret) {
  ret->ptr = corpus_alloc(n);
  ret->len = n;
  for (uint32_t i = 0; i < n; i++) {
    ret->ptr[i] = (uint8_t)(seed + i);
  }
}

void exports_kiln_corpus_list_api_echo_u16s(lists_list_u16_t *x, lists_list_u16_t *ret) { *ret = *x; }
void exports_kiln_corpus_list_api_echo_s32s(lists_list_s32_t *x, lists_list_s32_t *ret) { *ret = *x; }
void exports_kiln_corpus_list_api_echo_u64s(lists_list_u64_t *x, lists_list_u64_t *ret) { *ret = *x; }
void exports_kiln_corpus_list_api_echo_s64s(lists_list_s64_t *x, lists_list_s64_t *ret) { *ret = *x; }
void exports_kiln_corpus_list_api_echo_f32s(lists_list_f32_t *x, lists_list_f32_t *ret) { *ret = *x; }
void exports_kiln_corpus_list_api_echo_f64s(lists_list_f64_t *x, lists_list_f64_t *ret) { *ret = *x; }
void exports_kiln_corpus_list_api_echo_bools(lists_list_bool_t *x, lists_list_bool_t *ret) { *ret = *x; }
void exports_kiln_corpus_list_api_echo_chars(lists_list_char32_t *x, lists_list_char32_t *ret) {
  *ret = *x;
}
void exports_kiln_corpus_list_api_echo_strings(lists_list_string_t *x, lists_list_string_t *ret) {
  *ret = *x;
}

void exports_kiln_corpus_list_api_join(lists_list_string_t *parts, lists_string_t *sep,
                                       lists_string_t *ret) {
  size_t len = 0;
  for (size_t i = 0; i < parts->len; i++) {
    len += parts->ptr[i].len + (i > 0 ? sep->len : 0);
  }
  ret->ptr = corpus_alloc(len);
  ret->len = len;
  size_t at = 0;
  for (size_t i = 0; i < parts->len; i++) {
    if (i > 0 && sep->len > 0) {
      memcpy(ret->ptr + at, sep->ptr, sep->len);
      at += sep->len;
    }
    if (parts->ptr[i].len > 0) {
      memcpy(ret->ptr + at, parts->ptr[i].ptr, parts->ptr[i].len);
      at += parts->ptr[i].len;
    }
  }
  lists_list_string_free(parts);
  lists_string_free(sep);
}

void exports_kiln_corpus_list_api_split(lists_string_t *s, uint32_t sep, lists_list_string_t *ret) {
  size_t count = 1;
  for (size_t i = 0; i < s->len;) {
    if (corpus_utf8_next(s->ptr, &i) == sep) {
      count++;
    }
  }
  ret->ptr = corpus_alloc(count * sizeof(lists_string_t));
  ret->len = count;
  size_t part = 0, start = 0;
  for (size_t i = 0; i < s->len;) {
    size_t at = i;
    if (corpus_utf8_next(s->ptr, &i) == sep) {
      string_from(&ret->ptr[part++], s->ptr + start, at - start);
      start = i;
    }
  }
  string_from(&ret->ptr[part], s->ptr + start, s->len - start);
  lists_string_free(s);
}

void exports_kiln_corpus_list_api_echo_nested(lists_list_list_u32_t *x, lists_list_list_u32_t *ret) {
  *ret = *x;
}

void exports_kiln_corpus_list_api_flatten(lists_list_list_u32_t *x, lists_list_u32_t *ret) {
  size_t len = 0;
  for (size_t i = 0; i < x->len; i++) {
    len += x->ptr[i].len;
  }
  ret->ptr = corpus_alloc(len * sizeof(uint32_t));
  ret->len = len;
  size_t at = 0;
  for (size_t i = 0; i < x->len; i++) {
    for (size_t j = 0; j < x->ptr[i].len; j++) {
      ret->ptr[at++] = x->ptr[i].ptr[j];
    }
  }
  lists_list_list_u32_free(x);
}

void exports_kiln_corpus_list_api_echo_deep(lists_list_list_list_string_t *x,
                                            lists_list_list_list_string_t *ret) {
  *ret = *x;
}

void exports_kiln_corpus_list_api_echo_point(exports_kiln_corpus_list_api_point_t *p,
                                             exports_kiln_corpus_list_api_point_t *ret) {
  *ret = *p;
}

void exports_kiln_corpus_list_api_translate(exports_kiln_corpus_list_api_point_t *p, int32_t dx,
                                            int32_t dy, exports_kiln_corpus_list_api_point_t *ret) {
  ret->x = (int32_t)((uint32_t)p->x + (uint32_t)dx);
  ret->y = (int32_t)((uint32_t)p->y + (uint32_t)dy);
}

void exports_kiln_corpus_list_api_echo_mixed(exports_kiln_corpus_list_api_mixed_t *m,
                                             exports_kiln_corpus_list_api_mixed_t *ret) {
  *ret = *m;
}

void exports_kiln_corpus_list_api_echo_mixeds(exports_kiln_corpus_list_api_list_mixed_t *m,
                                              exports_kiln_corpus_list_api_list_mixed_t *ret) {
  *ret = *m;
}

void exports_kiln_corpus_list_api_echo_line(exports_kiln_corpus_list_api_line_t *l,
                                            exports_kiln_corpus_list_api_line_t *ret) {
  *ret = *l;
}

void exports_kiln_corpus_list_api_echo_team(exports_kiln_corpus_list_api_team_t *t,
                                            exports_kiln_corpus_list_api_team_t *ret) {
  *ret = *t;
}

void exports_kiln_corpus_list_api_echo_scores(exports_kiln_corpus_list_api_list_score_t *s,
                                              exports_kiln_corpus_list_api_list_score_t *ret) {
  *ret = *s;
}

void exports_kiln_corpus_list_api_best_name(exports_kiln_corpus_list_api_list_score_t *s,
                                            lists_string_t *ret) {
  size_t best = 0;
  for (size_t i = 1; i < s->len; i++) {
    if (s->ptr[i].value > s->ptr[best].value) {
      best = i;
    }
  }
  if (s->len == 0) {
    ret->ptr = NULL;
    ret->len = 0;
  } else {
    string_from(ret, s->ptr[best].name.ptr, s->ptr[best].name.len);
  }
  exports_kiln_corpus_list_api_list_score_free(s);
}

void exports_kiln_corpus_list_api_echo_triple(exports_kiln_corpus_list_api_triple_t *t,
                                              exports_kiln_corpus_list_api_triple_t *ret) {
  *ret = *t;
}

void exports_kiln_corpus_list_api_swap_pair(lists_tuple2_string_u32_t *p, lists_tuple2_u32_string_t *ret) {
  ret->f0 = p->f1;
  ret->f1 = p->f0;
}

void exports_kiln_corpus_list_api_echo_pairs(lists_list_tuple2_string_u32_t *p,
                                             lists_list_tuple2_string_u32_t *ret) {
  *ret = *p;
}

void exports_kiln_corpus_list_api_echo_nested_tuple(nested_tuple_t *t, nested_tuple_t *ret) { *ret = *t; }

// --- world-level exports: through the host's list-host ---

void exports_lists_host_reverse_string(lists_string_t *s, lists_string_t *ret) {
  kiln_corpus_list_host_reverse_string(s, ret);
  lists_string_free(s);
}

void exports_lists_host_echo_bytes(lists_list_u8_t *b, lists_list_u8_t *ret) {
  kiln_corpus_list_host_echo_bytes(b, ret);
  lists_list_u8_free(b);
}

void exports_lists_host_split_words(lists_string_t *s, lists_list_string_t *ret) {
  kiln_corpus_list_host_split_words(s, ret);
  lists_string_free(s);
}

void exports_lists_host_sort_scores(lists_list_score_t *s, lists_list_score_t *ret) {
  // The world's `score` and list-host's are the same type.
  kiln_corpus_list_host_sort_scores((kiln_corpus_list_host_list_score_t *)s,
                                    (kiln_corpus_list_host_list_score_t *)ret);
  lists_list_score_free(s);
}

void exports_lists_host_echo_nested(lists_list_list_u32_t *x, lists_list_list_u32_t *ret) {
  kiln_corpus_list_host_echo_nested(x, ret);
  lists_list_list_u32_free(x);
}

void exports_lists_host_make_line(lists_point_t *a, lists_point_t *b, lists_string_t *label,
                                  lists_line_t *ret) {
  kiln_corpus_list_host_make_line(a, b, label, ret);
  lists_string_free(label);
}

void exports_lists_host_rotate_triple(lists_triple_t *t, lists_tuple3_f64_u8_string_t *ret) {
  kiln_corpus_list_host_rotate_triple(t, ret);
  lists_triple_free(t);
}
