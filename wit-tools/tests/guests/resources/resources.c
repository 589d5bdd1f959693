// The `resources` guest: the `counter` resource it exports, and the host's
// `blob` resource it imports.
//
// Borrows of imported resources that an export receives must be dropped
// before it returns (wit-bindgen-c's default, autodrop off, leaves that to the
// guest); borrows of the guest's own `counter` arrive as `counter_t *`.
#include "resources.h"

#include "common.h"

typedef exports_kiln_corpus_counters_own_counter_t own_counter_t;
typedef exports_kiln_corpus_counters_borrow_counter_t borrow_counter_t;
typedef kiln_corpus_blobs_own_blob_t own_blob_t;
typedef kiln_corpus_blobs_borrow_blob_t borrow_blob_t;

// --- kiln:corpus/counters: the exported resource ---

struct exports_kiln_corpus_counters_counter_t {
  int64_t value;
};

static uint32_t live_counters;

static own_counter_t new_counter(int64_t value) {
  exports_kiln_corpus_counters_counter_t *rep = corpus_alloc(sizeof *rep);
  rep->value = value;
  live_counters++;
  return exports_kiln_corpus_counters_counter_new(rep);
}

void exports_kiln_corpus_counters_counter_destructor(exports_kiln_corpus_counters_counter_t *rep) {
  live_counters--;
  free(rep);
}

own_counter_t exports_kiln_corpus_counters_constructor_counter(int64_t start) {
  return new_counter(start);
}

int64_t exports_kiln_corpus_counters_method_counter_get(borrow_counter_t self) { return self->value; }

int64_t exports_kiln_corpus_counters_method_counter_add(borrow_counter_t self, int64_t delta) {
  self->value = (int64_t)((uint64_t)self->value + (uint64_t)delta);
  return self->value;
}

own_counter_t exports_kiln_corpus_counters_method_counter_duplicate(borrow_counter_t self) {
  return new_counter(self->value);
}

own_counter_t exports_kiln_corpus_counters_static_counter_merge(borrow_counter_t a, borrow_counter_t b) {
  return new_counter((int64_t)((uint64_t)a->value + (uint64_t)b->value));
}

int64_t exports_kiln_corpus_counters_static_counter_consume(own_counter_t c) {
  int64_t value = exports_kiln_corpus_counters_counter_rep(c)->value;
  // Dropping the last handle runs the destructor.
  exports_kiln_corpus_counters_counter_drop_own(c);
  return value;
}

uint32_t exports_kiln_corpus_counters_static_counter_live(void) { return live_counters; }

int64_t exports_kiln_corpus_counters_total(exports_kiln_corpus_counters_list_borrow_counter_t *cs) {
  uint64_t sum = 0;
  for (size_t i = 0; i < cs->len; i++) {
    sum += (uint64_t)cs->ptr[i]->value;
  }
  exports_kiln_corpus_counters_list_borrow_counter_free(cs);
  return (int64_t)sum;
}

void exports_kiln_corpus_counters_make_counters(uint32_t n,
                                                exports_kiln_corpus_counters_list_own_counter_t *ret) {
  ret->ptr = corpus_alloc(n * sizeof(own_counter_t));
  ret->len = n;
  for (uint32_t i = 0; i < n; i++) {
    ret->ptr[i] = new_counter(i);
  }
}

bool exports_kiln_corpus_counters_maybe_counter(int64_t *maybe_start, own_counter_t *ret) {
  if (maybe_start == NULL) {
    return false;
  }
  *ret = new_counter(*maybe_start);
  return true;
}

void exports_kiln_corpus_counters_name_counter(resources_string_t *name, int64_t start,
                                               exports_kiln_corpus_counters_named_counter_t *ret) {
  ret->name = *name;
  ret->counter = new_counter(start);
}

void exports_kiln_corpus_counters_unname(exports_kiln_corpus_counters_named_counter_t *n,
                                         resources_tuple2_string_s64_t *ret) {
  ret->f0 = n->name;
  ret->f1 = exports_kiln_corpus_counters_static_counter_consume(n->counter);
}

// --- world-level exports over the host's blob ---

static resources_list_u8_t bytes_of(borrow_blob_t blob) {
  resources_list_u8_t bytes;
  kiln_corpus_blobs_method_blob_bytes(blob, &bytes);
  return bytes;
}

void exports_resources_blob_roundtrip(resources_list_u8_t *init, resources_list_u8_t *more,
                                      resources_list_u8_t *ret) {
  own_blob_t blob = kiln_corpus_blobs_constructor_blob(init);
  kiln_corpus_blobs_method_blob_append(kiln_corpus_blobs_borrow_blob(blob), more);
  *ret = bytes_of(kiln_corpus_blobs_borrow_blob(blob));
  kiln_corpus_blobs_blob_drop_own(blob);
  resources_list_u8_free(init);
  resources_list_u8_free(more);
}

own_blob_t exports_resources_blob_make(resources_list_u8_t *init) {
  own_blob_t blob = kiln_corpus_blobs_constructor_blob(init);
  resources_list_u8_free(init);
  return blob;
}

void exports_resources_blob_peek(borrow_blob_t b, resources_list_u8_t *ret) {
  *ret = bytes_of(b);
  kiln_corpus_blobs_blob_drop_borrow(b);
}

own_blob_t exports_resources_blob_extend(own_blob_t b, resources_list_u8_t *more) {
  kiln_corpus_blobs_method_blob_append(kiln_corpus_blobs_borrow_blob(b), more);
  resources_list_u8_free(more);
  return b;
}

uint32_t exports_resources_blob_consume(own_blob_t b) {
  uint32_t size = kiln_corpus_blobs_method_blob_size(kiln_corpus_blobs_borrow_blob(b));
  kiln_corpus_blobs_blob_drop_own(b);
  return size;
}

own_blob_t exports_resources_blob_concat(borrow_blob_t a, borrow_blob_t b) {
  own_blob_t blob = kiln_corpus_blobs_static_blob_concat(a, b);
  kiln_corpus_blobs_blob_drop_borrow(a);
  kiln_corpus_blobs_blob_drop_borrow(b);
  return blob;
}

uint32_t exports_resources_host_live_blobs(void) { return kiln_corpus_blobs_live_blobs(); }

void exports_resources_blob_double_drop(void) {
  resources_list_u8_t empty = {NULL, 0};
  own_blob_t blob = kiln_corpus_blobs_constructor_blob(&empty);
  kiln_corpus_blobs_blob_drop_own(blob);
  kiln_corpus_blobs_blob_drop_own(blob);
}

uint32_t exports_resources_blob_use_after_drop(void) {
  resources_list_u8_t empty = {NULL, 0};
  own_blob_t blob = kiln_corpus_blobs_constructor_blob(&empty);
  kiln_corpus_blobs_blob_drop_own(blob);
  return kiln_corpus_blobs_method_blob_size(kiln_corpus_blobs_borrow_blob(blob));
}
