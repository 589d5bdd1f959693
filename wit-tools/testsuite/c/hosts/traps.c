/* The host of the world `traps`, as wit-tools/tests/README.md ("What the
 * host implements") says: `note` keeps its argument, `fail` fails with
 * its message. */

#include "replay.h"
#include "traps.h"

#include <stdlib.h>
#include <string.h>

typedef struct host {
    wasm_store_t *store;
    uint32_t *notes;
    size_t len, cap;
} host;

void *replay_host_new(void) {
    return replay_alloc(1, sizeof(host));
}

void replay_host_delete(void *data) {
    free(((host *)data)->notes);
    free(data);
}

void replay_host_reset(void *data, wasm_store_t *store) {
    host *h = (host *)data;
    h->store = store;
    h->len = 0;
}

bool replay_host_state(void *data, const char *name, replay_out *out) {
    host *h = (host *)data;
    if (strcmp(name, "notes") != 0) {
        return false;
    }
    replay_write_u64(out, h->len);
    for (size_t i = 0; i < h->len; i++) {
        replay_write_u64(out, h->notes[i]);
    }
    return true;
}

wasm_trap_t *replay_host_drop(void *data, uint32_t rep) {
    (void)rep;
    return replay_trap(((host *)data)->store, "the world has no host resources");
}

wasm_trap_t *traps_imports_trap_host_note(void *data, uint32_t x) {
    host *h = (host *)data;
    if (h->len == h->cap) {
        h->cap = h->cap ? h->cap * 2 : 8;
        h->notes = (uint32_t *)realloc(h->notes, h->cap * sizeof *h->notes);
        if (!h->notes) {
            abort();
        }
    }
    h->notes[h->len++] = x;
    return NULL;
}

wasm_trap_t *traps_imports_trap_host_fail(void *data, traps_string_t *msg) {
    char *text = (char *)replay_alloc(msg->len + 1, 1);
    if (msg->len) {
        memcpy(text, msg->ptr, msg->len);
    }
    traps_string_free(msg);
    wasm_trap_t *trap = replay_trap(((host *)data)->store, text);
    free(text);
    return trap;
}
