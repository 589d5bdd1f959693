/* The host of the world `scalars`, as wit-tools/tests/README.md ("What the
 * host implements") says: the echoes, `many-params` reversed, `greet`, and
 * the value kept by `set-host-value`. */

#include "replay.h"
#include "scalars.h"

#include <stdlib.h>
#include <string.h>

typedef struct host {
    wasm_store_t *store;
    uint64_t value;
} host;

void *replay_host_new(void) {
    return replay_alloc(1, sizeof(host));
}

void replay_host_delete(void *data) {
    free(data);
}

void replay_host_reset(void *data, wasm_store_t *store) {
    ((host *)data)->store = store;
    ((host *)data)->value = 0;
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

wasm_trap_t *scalars_imports_set_host_value(void *data, uint64_t x) {
    ((host *)data)->value = x;
    return NULL;
}

wasm_trap_t *scalars_imports_get_host_value(void *data, uint64_t *ret) {
    *ret = ((host *)data)->value;
    return NULL;
}

#define ECHO(name, type)                                                                          \
    wasm_trap_t *scalars_imports_scalar_host_echo_##name(void *data, type x, type *ret) {         \
        (void)data;                                                                               \
        *ret = x;                                                                                 \
        return NULL;                                                                              \
    }

ECHO(bool, bool)
ECHO(u8, uint8_t)
ECHO(u16, uint16_t)
ECHO(u32, uint32_t)
ECHO(u64, uint64_t)
ECHO(s8, int8_t)
ECHO(s16, int16_t)
ECHO(s32, int32_t)
ECHO(s64, int64_t)
ECHO(f32, float)
ECHO(f64, double)
ECHO(char, uint32_t)

wasm_trap_t *scalars_imports_scalar_host_many_params(
    void *data, uint8_t a, int8_t b, uint16_t c, int16_t d, uint32_t e, int32_t f, uint64_t g,
    int64_t h, float i, double j, uint32_t k, bool l, uint8_t m, uint16_t n, uint32_t o,
    uint64_t p, float q, double r,
    scalars_tuple18_f64_f32_u64_u32_u16_u8_bool_char_f64_f32_s64_u64_s32_u32_s16_u16_s8_u8_t *ret) {
    (void)data;
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
    return NULL;
}

wasm_trap_t *scalars_imports_host_info_greet(void *data, scalars_string_t *who,
                                             scalars_string_t *ret) {
    (void)data;
    static const char hello[] = "hello, ";
    size_t n = sizeof hello - 1;
    ret->ptr = (uint8_t *)replay_alloc(n + who->len, 1);
    memcpy(ret->ptr, hello, n);
    if (who->len) {
        memcpy(ret->ptr + n, who->ptr, who->len);
    }
    ret->len = n + who->len;
    scalars_string_free(who);
    return NULL;
}
