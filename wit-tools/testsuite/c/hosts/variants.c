/* The host of the world `variants`, as wit-tools/tests/README.md ("What
 * the host implements") says. */

#include "replay.h"
#include "variants.h"

#include <stdlib.h>

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

wasm_trap_t *variants_imports_variant_host_echo_shape(void *data, variants_variant_host_shape_t *s,
                                                      variants_variant_host_shape_t *ret) {
    (void)data;
    *ret = *s;
    return NULL;
}

wasm_trap_t *variants_imports_variant_host_echo_number(void *data,
                                                       variants_variant_host_number_t *n,
                                                       variants_variant_host_number_t *ret) {
    (void)data;
    *ret = *n;
    return NULL;
}

/* north -> east -> south -> west -> north */
wasm_trap_t *variants_imports_variant_host_turn_right(void *data,
                                                      variants_variant_host_direction_t d,
                                                      variants_variant_host_direction_t *ret) {
    (void)data;
    switch (d) {
    case VARIANTS_VARIANT_TYPES_DIRECTION_NORTH:
        *ret = VARIANTS_VARIANT_TYPES_DIRECTION_EAST;
        break;
    case VARIANTS_VARIANT_TYPES_DIRECTION_EAST:
        *ret = VARIANTS_VARIANT_TYPES_DIRECTION_SOUTH;
        break;
    case VARIANTS_VARIANT_TYPES_DIRECTION_SOUTH:
        *ret = VARIANTS_VARIANT_TYPES_DIRECTION_WEST;
        break;
    default:
        *ret = VARIANTS_VARIANT_TYPES_DIRECTION_NORTH;
        break;
    }
    return NULL;
}

wasm_trap_t *variants_imports_variant_host_echo_wide(void *data, variants_variant_host_wide_t w,
                                                     variants_variant_host_wide_t *ret) {
    (void)data;
    *ret = w;
    return NULL;
}

wasm_trap_t *variants_imports_variant_host_invert_full(void *data, variants_variant_host_full_t f,
                                                       variants_variant_host_full_t *ret) {
    (void)data;
    *ret = ~f;
    return NULL;
}

wasm_trap_t *variants_imports_variant_host_echo_nested_option(void *data,
                                                              variants_option_option_u8_t *x,
                                                              variants_option_option_u8_t *ret) {
    (void)data;
    *ret = *x;
    return NULL;
}

wasm_trap_t *variants_imports_variant_host_safe_div(
    void *data, int32_t a, int32_t b, variants_result_s32_variant_types_math_error_t *ret) {
    (void)data;
    if (b == 0) {
        ret->is_err = true;
        ret->val.err = VARIANTS_VARIANT_TYPES_MATH_ERROR_DIVIDE_BY_ZERO;
    } else if (a == INT32_MIN && b == -1) {
        ret->is_err = true;
        ret->val.err = VARIANTS_VARIANT_TYPES_MATH_ERROR_OVERFLOW;
    } else {
        ret->is_err = false;
        ret->val.ok = a / b;
    }
    return NULL;
}

wasm_trap_t *variants_imports_variant_host_echo_nested_result(
    void *data, variants_result_option_string_result_u8_string_t *r,
    variants_result_option_string_result_u8_string_t *ret) {
    (void)data;
    *ret = *r;
    return NULL;
}

wasm_trap_t *variants_imports_variant_host_check_positive(void *data, int32_t x,
                                                          variants_result_void_void_t *ret) {
    (void)data;
    ret->is_err = !(x > 0);
    return NULL;
}
