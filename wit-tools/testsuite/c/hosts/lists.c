/* The host of the world `lists`, as wit-tools/tests/README.md ("What the
 * host implements") says. */

#include "lists.h"
#include "replay.h"

#include <stdlib.h>
#include <string.h>

typedef struct host {
    wasm_store_t *store;
} host;

void *replay_host_new(void) {
    return replay_alloc(1, sizeof(host));
}

void replay_host_delete(void *data) {
    free(data);
}

void replay_host_reset(void *data, wasm_store_t *store) {
    ((host *)data)->store = store;
}

bool replay_host_state(void *data, const char *name, replay_out *out) {
    (void)data;
    (void)name;
    (void)out;
    return false;
}

wasm_trap_t *replay_host_drop(void *data, uint32_t rep) {
    (void)rep;
    return replay_trap(((host *)data)->store, "the world has no host resources");
}

/* The characters of a UTF-8 string (which the glue checked) reversed. */
wasm_trap_t *lists_imports_list_host_reverse_string(void *data, lists_string_t *s,
                                                    lists_string_t *ret) {
    (void)data;
    ret->ptr = (uint8_t *)replay_alloc(s->len, 1);
    ret->len = s->len;
    size_t i = 0;
    while (i < s->len) {
        size_t n = 1;
        while (i + n < s->len && (s->ptr[i + n] & 0xC0) == 0x80) {
            n++;
        }
        memcpy(ret->ptr + s->len - i - n, s->ptr + i, n);
        i += n;
    }
    lists_string_free(s);
    return NULL;
}

wasm_trap_t *lists_imports_list_host_echo_bytes(void *data, lists_list_u8_t *b,
                                                lists_list_u8_t *ret) {
    (void)data;
    *ret = *b;
    return NULL;
}

/* The words of `s` between U+0020s, empty ones dropped. */
wasm_trap_t *lists_imports_list_host_split_words(void *data, lists_string_t *s,
                                                 lists_list_string_t *ret) {
    (void)data;
    ret->ptr = (lists_string_t *)replay_alloc(s->len / 2 + 1, sizeof *ret->ptr);
    ret->len = 0;
    size_t i = 0;
    while (i < s->len) {
        size_t j = i;
        while (j < s->len && s->ptr[j] != ' ') {
            j++;
        }
        if (j > i) {
            lists_string_t *word = &ret->ptr[ret->len++];
            word->ptr = (uint8_t *)replay_alloc(j - i, 1);
            memcpy(word->ptr, s->ptr + i, j - i);
            word->len = j - i;
        }
        i = j + 1;
    }
    lists_string_free(s);
    return NULL;
}

/* IEEE 754's total order, as Rust's f64::total_cmp: the bits as a signed
 * integer, with the magnitude of negatives flipped. */
static int64_t total_key(double x) {
    int64_t bits;
    memcpy(&bits, &x, sizeof bits);
    return bits ^ (int64_t)((uint64_t)(bits >> 63) >> 1);
}

/* By value, highest first; equal values keep their order. */
wasm_trap_t *lists_imports_list_host_sort_scores(void *data, lists_list_list_types_score_t *s,
                                                 lists_list_list_types_score_t *ret) {
    (void)data;
    for (size_t i = 1; i < s->len; i++) {
        lists_list_types_score_t item = s->ptr[i];
        size_t j = i;
        while (j > 0 && total_key(s->ptr[j - 1].value) < total_key(item.value)) {
            s->ptr[j] = s->ptr[j - 1];
            j--;
        }
        s->ptr[j] = item;
    }
    *ret = *s;
    return NULL;
}

wasm_trap_t *lists_imports_list_host_echo_nested(void *data, lists_list_list_u32_t *x,
                                                 lists_list_list_u32_t *ret) {
    (void)data;
    *ret = *x;
    return NULL;
}

wasm_trap_t *lists_imports_list_host_make_line(void *data, lists_list_host_point_t *a,
                                               lists_list_host_point_t *b, lists_string_t *label,
                                               lists_list_host_line_t *ret) {
    (void)data;
    ret->start = *a;
    ret->end = *b;
    ret->label = *label;
    return NULL;
}

wasm_trap_t *lists_imports_list_host_rotate_triple(void *data, lists_list_host_triple_t *t,
                                                   lists_tuple3_f64_u8_string_t *ret) {
    (void)data;
    ret->f0 = t->f2;
    ret->f1 = t->f0;
    ret->f2 = t->f1;
    return NULL;
}
