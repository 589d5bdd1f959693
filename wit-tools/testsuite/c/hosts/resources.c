/* The host of the world `resources`, as wit-tools/tests/README.md ("What
 * the host implements") says: blobs are byte buffers the host keeps by
 * rep (counting from 1 in each test), forgotten by their destructor. */

#include "replay.h"
#include "resources.h"

#include <stdlib.h>
#include <string.h>

typedef struct blob {
    uint32_t rep;
    uint8_t *ptr;
    size_t len;
} blob;

typedef struct host {
    wasm_store_t *store;
    blob *blobs;
    size_t len, cap;
    uint32_t next_rep;
} host;

void *replay_host_new(void) {
    return replay_alloc(1, sizeof(host));
}

static void forget_all(host *h) {
    for (size_t i = 0; i < h->len; i++) {
        free(h->blobs[i].ptr);
    }
    h->len = 0;
}

void replay_host_delete(void *data) {
    host *h = (host *)data;
    forget_all(h);
    free(h->blobs);
    free(h);
}

void replay_host_reset(void *data, wasm_store_t *store) {
    host *h = (host *)data;
    forget_all(h);
    h->store = store;
    h->next_rep = 0;
}

bool replay_host_state(void *data, const char *name, replay_out *out) {
    (void)data;
    (void)name;
    (void)out;
    return false;
}

static blob *find(host *h, uint32_t rep) {
    for (size_t i = 0; i < h->len; i++) {
        if (h->blobs[i].rep == rep) {
            return &h->blobs[i];
        }
    }
    return NULL;
}

/* A new blob owning `len` bytes at `ptr`; its rep. */
static uint32_t make(host *h, uint8_t *ptr, size_t len) {
    if (h->len == h->cap) {
        h->cap = h->cap ? h->cap * 2 : 8;
        h->blobs = (blob *)realloc(h->blobs, h->cap * sizeof *h->blobs);
        if (!h->blobs) {
            abort();
        }
    }
    h->blobs[h->len++] = (blob){++h->next_rep, ptr, len};
    return h->next_rep;
}

wasm_trap_t *resources_imports_blobs_blob_destructor(void *data, uint32_t rep) {
    host *h = (host *)data;
    blob *b = find(h, rep);
    if (!b) {
        return replay_trap(h->store, "no such blob");
    }
    free(b->ptr);
    *b = h->blobs[--h->len];
    return NULL;
}

wasm_trap_t *replay_host_drop(void *data, uint32_t rep) {
    return resources_imports_blobs_blob_destructor(data, rep);
}

wasm_trap_t *resources_imports_blobs_constructor_blob(void *data, resources_list_u8_t *init,
                                                      resources_blobs_own_blob_t *ret) {
    ret->rep = make((host *)data, init->ptr, init->len);
    return NULL;
}

wasm_trap_t *resources_imports_blobs_method_blob_bytes(void *data,
                                                       resources_blobs_borrow_blob_t self,
                                                       resources_list_u8_t *ret) {
    host *h = (host *)data;
    blob *b = find(h, self.rep);
    if (!b) {
        return replay_trap(h->store, "no such blob");
    }
    ret->ptr = (uint8_t *)replay_alloc(b->len, 1);
    if (b->len) {
        memcpy(ret->ptr, b->ptr, b->len);
    }
    ret->len = b->len;
    return NULL;
}

wasm_trap_t *resources_imports_blobs_method_blob_append(void *data,
                                                        resources_blobs_borrow_blob_t self,
                                                        resources_list_u8_t *more) {
    host *h = (host *)data;
    blob *b = find(h, self.rep);
    if (!b) {
        resources_list_u8_free(more);
        return replay_trap(h->store, "no such blob");
    }
    uint8_t *bytes = (uint8_t *)realloc(b->ptr, b->len + more->len + 1);
    if (!bytes) {
        abort();
    }
    if (more->len) {
        memcpy(bytes + b->len, more->ptr, more->len);
    }
    b->ptr = bytes;
    b->len += more->len;
    resources_list_u8_free(more);
    return NULL;
}

wasm_trap_t *resources_imports_blobs_method_blob_size(void *data,
                                                      resources_blobs_borrow_blob_t self,
                                                      uint32_t *ret) {
    host *h = (host *)data;
    blob *b = find(h, self.rep);
    if (!b) {
        return replay_trap(h->store, "no such blob");
    }
    *ret = (uint32_t)b->len;
    return NULL;
}

wasm_trap_t *resources_imports_blobs_static_blob_concat(void *data,
                                                        resources_blobs_borrow_blob_t a,
                                                        resources_blobs_borrow_blob_t b,
                                                        resources_blobs_own_blob_t *ret) {
    host *h = (host *)data;
    blob *x = find(h, a.rep), *y = find(h, b.rep);
    if (!x || !y) {
        return replay_trap(h->store, "no such blob");
    }
    size_t len = x->len + y->len;
    uint8_t *bytes = (uint8_t *)replay_alloc(len, 1);
    if (x->len) {
        memcpy(bytes, x->ptr, x->len);
    }
    if (y->len) {
        memcpy(bytes + x->len, y->ptr, y->len);
    }
    ret->rep = make(h, bytes, len);
    return NULL;
}

wasm_trap_t *resources_imports_blobs_live_blobs(void *data, uint32_t *ret) {
    *ret = (uint32_t)((host *)data)->len;
    return NULL;
}
