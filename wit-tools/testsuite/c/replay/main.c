/*
 * The C replay program of one world: `replay COMPONENT` instantiates the
 * world's component through its generated C glue and answers requests on
 * stdin, one line each, on stdout, one line each:
 *
 *   new               a fresh store, host state and instance   -> ok | error HEX
 *   call NAME ARGS    the export NAME with the tokens ARGS      -> ok RESULT | trap HEX
 *   drop N            drops the handle number N                 -> ok | error HEX
 *   host STATE        the host's state STATE                    -> ok TOKENS | error HEX
 *
 * HEX is a message's UTF-8 bytes in hex; values are tokens (runtime/wire.rs).
 * At the end of input, or with `new`, everything of the test is released.
 */

#include "replay.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void fail(const char *what) {
    fprintf(stderr, "replay: %s\n", what);
    exit(2);
}

void *replay_alloc(size_t n, size_t size) {
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p) {
        fail("out of memory");
    }
    return p;
}

/* --- values ------------------------------------------------------------- */

void replay_bad(replay_in *in, const char *error) {
    if (!in->error) {
        in->error = error;
    }
}

/* The next token: its start, and its length in `*len` (0 at the end). */
static const char *token(replay_in *in, size_t *len) {
    while (*in->p == ' ') {
        in->p++;
    }
    const char *start = in->p;
    while (*in->p && *in->p != ' ') {
        in->p++;
    }
    *len = (size_t)(in->p - start);
    if (*len == 0) {
        replay_bad(in, "the arguments end early");
    }
    return start;
}

uint64_t replay_read_u64(replay_in *in) {
    size_t len;
    const char *t = token(in, &len);
    uint64_t x = 0;
    if (len == 0 || len > 20) {
        replay_bad(in, "not a number");
        return 0;
    }
    for (size_t i = 0; i < len; i++) {
        if (t[i] < '0' || t[i] > '9') {
            replay_bad(in, "not a number");
            return 0;
        }
        uint64_t next = x * 10 + (uint64_t)(t[i] - '0');
        if (next / 10 != x) {
            replay_bad(in, "a number out of range");
            return 0;
        }
        x = next;
    }
    return x;
}

int64_t replay_read_s64(replay_in *in) {
    while (*in->p == ' ') {
        in->p++;
    }
    bool negative = *in->p == '-';
    if (negative) {
        in->p++;
    }
    uint64_t magnitude = replay_read_u64(in);
    if (magnitude > (uint64_t)INT64_MAX + negative) {
        replay_bad(in, "a number out of range");
        return 0;
    }
    return negative ? (int64_t)(0 - magnitude) : (int64_t)magnitude;
}

float replay_read_f32(replay_in *in) {
    uint32_t bits = (uint32_t)replay_read_u64(in);
    float f;
    memcpy(&f, &bits, sizeof f);
    return f;
}

double replay_read_f64(replay_in *in) {
    uint64_t bits = replay_read_u64(in);
    double f;
    memcpy(&f, &bits, sizeof f);
    return f;
}

bool replay_read_bool(replay_in *in) {
    return replay_read_case(in, 2) != 0;
}

uint64_t replay_read_case(replay_in *in, uint64_t n) {
    uint64_t x = replay_read_u64(in);
    if (x >= n) {
        replay_bad(in, "a case out of range");
        return 0;
    }
    return x;
}

static int hex_digit(char c) {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    return -1;
}

void replay_read_string(replay_in *in, uint8_t **ptr, size_t *len) {
    size_t n;
    const char *t = token(in, &n);
    *len = 0;
    *ptr = (uint8_t *)replay_alloc(n / 2 + 1, 1);
    if (n == 0 || t[0] != 's' || n % 2 != 1) {
        replay_bad(in, "not a string");
        return;
    }
    for (size_t i = 1; i < n; i += 2) {
        int hi = hex_digit(t[i]), lo = hex_digit(t[i + 1]);
        if (hi < 0 || lo < 0) {
            replay_bad(in, "not a string");
            return;
        }
        (*ptr)[(*len)++] = (uint8_t)(hi << 4 | lo);
    }
}

size_t replay_read_len(replay_in *in) {
    uint64_t n = replay_read_u64(in);
    /* Every element takes at least two characters of the request. */
    if (n > strlen(in->p)) {
        replay_bad(in, "a list longer than the request");
        return 0;
    }
    return (size_t)n;
}

static void put(replay_out *out, const char *s, size_t n) {
    if (out->len + n + 1 > out->cap) {
        size_t cap = out->cap ? out->cap : 256;
        while (out->len + n + 1 > cap) {
            cap *= 2;
        }
        char *buf = (char *)realloc(out->buf, cap);
        if (!buf) {
            fail("out of memory");
        }
        out->buf = buf;
        out->cap = cap;
    }
    memcpy(out->buf + out->len, s, n);
    out->len += n;
    out->buf[out->len] = 0;
}

void replay_write_u64(replay_out *out, uint64_t x) {
    char text[32];
    int n = snprintf(text, sizeof text, " %llu", (unsigned long long)x);
    put(out, text, (size_t)n);
}

void replay_write_s64(replay_out *out, int64_t x) {
    char text[32];
    int n = snprintf(text, sizeof text, " %lld", (long long)x);
    put(out, text, (size_t)n);
}

void replay_write_f32(replay_out *out, float x) {
    uint32_t bits;
    memcpy(&bits, &x, sizeof bits);
    replay_write_u64(out, bits);
}

void replay_write_f64(replay_out *out, double x) {
    uint64_t bits;
    memcpy(&bits, &x, sizeof bits);
    replay_write_u64(out, bits);
}

void replay_write_bool(replay_out *out, bool x) {
    put(out, x ? " 1" : " 0", 2);
}

void replay_write_string(replay_out *out, const uint8_t *ptr, size_t len) {
    static const char digits[] = "0123456789abcdef";
    put(out, " s", 2);
    for (size_t i = 0; i < len; i++) {
        char pair[2] = {digits[ptr[i] >> 4], digits[ptr[i] & 15]};
        put(out, pair, 2);
    }
}

/* --- resource handles --------------------------------------------------- */

/* A handle the test holds: a guest resource's handle object (`resource` is
 * the dispatcher's number of its type), or a host resource's rep
 * (`resource` is -1). Numbers count from 1 and are never reused. */
typedef struct entry {
    uint32_t id;
    int resource;
    kiln_component_resource_t *handle;
    uint32_t rep;
} entry;

static entry *table;
static size_t table_len, table_cap;
static uint32_t next_id = 1;

static void put_entry(replay_out *out, entry e) {
    if (table_len == table_cap) {
        table_cap = table_cap ? table_cap * 2 : 16;
        table = (entry *)realloc(table, table_cap * sizeof *table);
        if (!table) {
            fail("out of memory");
        }
    }
    e.id = next_id++;
    table[table_len++] = e;
    replay_write_u64(out, e.id);
}

void replay_put_guest(replay_out *out, int resource, kiln_component_resource_t *handle) {
    put_entry(out, (entry){0, resource, handle, 0});
}

void replay_put_host(replay_out *out, uint32_t rep) {
    put_entry(out, (entry){0, -1, NULL, rep});
}

/* Finds the entry numbered by the next token; removes it if `take`. */
static bool get_entry(replay_in *in, bool take, entry *e) {
    uint64_t id = replay_read_u64(in);
    for (size_t i = 0; i < table_len; i++) {
        if (table[i].id == id) {
            *e = table[i];
            if (take) {
                table[i] = table[--table_len];
            }
            return true;
        }
    }
    replay_bad(in, "no handle of that number");
    return false;
}

kiln_component_resource_t *replay_get_guest(replay_in *in, bool take) {
    entry e;
    if (!get_entry(in, take, &e)) {
        return NULL;
    }
    if (e.resource < 0) {
        replay_bad(in, "a host resource where the guest's is expected");
        if (take) {
            return NULL;
        }
    }
    return e.handle;
}

uint32_t replay_get_host(replay_in *in, bool take) {
    entry e;
    if (!get_entry(in, take, &e)) {
        return 0;
    }
    if (e.resource >= 0) {
        replay_bad(in, "a guest resource where the host's is expected");
        kiln_component_resource_delete(take ? e.handle : NULL);
    }
    return e.rep;
}

wasm_trap_t *replay_trap(wasm_store_t *store, const char *message) {
    wasm_message_t text;
    wasm_name_new_from_string_nt(&text, message);
    wasm_trap_t *trap = wasm_trap_new(store, &text);
    wasm_name_delete(&text);
    return trap;
}

/* --- answers ------------------------------------------------------------ */

/* Writes `word` and the message's bytes (NUL-terminated, as wasm.h's
 * messages are) in hex, and releases the message. */
static void answer_message(const char *word, wasm_byte_vec_t *message) {
    replay_out out = {0};
    size_t len = message->size;
    if (len > 0 && message->data[len - 1] == 0) {
        len--;
    }
    replay_write_string(&out, (const uint8_t *)message->data, len);
    /* " s<hex>" without the string's marker: a message is not a value. */
    printf("%s %s\n", word, out.buf + 2);
    free(out.buf);
    wasm_byte_vec_delete(message);
}

static void answer_error(kiln_error_t *error) {
    wasm_byte_vec_t message;
    kiln_error_message(error, &message);
    kiln_error_delete(error);
    answer_message("error", &message);
}

static void answer_trap(const char *word, wasm_trap_t *trap) {
    wasm_message_t message;
    wasm_trap_message(trap, &message);
    wasm_trap_delete(trap);
    answer_message(word, &message);
}

static void answer_text(const char *word, const char *text) {
    wasm_byte_vec_t message;
    wasm_byte_vec_new(&message, strlen(text) + 1, text);
    answer_message(word, &message);
}

/* --- the loop ----------------------------------------------------------- */

static wasm_store_t *store;
static void *world;

/* Releases the test's instance, store and handles. */
static void end_test(void) {
    for (size_t i = 0; i < table_len; i++) {
        kiln_component_resource_delete(table[i].handle);
    }
    table_len = 0;
    replay_delete(world);
    world = NULL;
    if (store) {
        wasm_store_delete(store);
        store = NULL;
    }
}

static kiln_component_t *load(wasm_engine_t *engine, const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
        exit(2);
    }
    size_t cap = 1 << 16, len = 0;
    uint8_t *bytes = (uint8_t *)replay_alloc(cap, 1);
    size_t n;
    while ((n = fread(bytes + len, 1, cap - len, f)) > 0) {
        len += n;
        if (len == cap) {
            cap *= 2;
            bytes = (uint8_t *)realloc(bytes, cap);
            if (!bytes) {
                fail("out of memory");
            }
        }
    }
    fclose(f);
    kiln_component_t *component = NULL;
    kiln_error_t *error = kiln_component_new(engine, bytes, len, &component);
    free(bytes);
    if (error) {
        answer_error(error);
        exit(2);
    }
    return component;
}

static void request(char *line, wasm_engine_t *engine, const kiln_component_t *component,
                    const kiln_component_linker_t *linker, void *host) {
    replay_in in = {line, NULL};
    size_t n;
    const char *word = token(&in, &n);
    if (n == 3 && memcmp(word, "new", 3) == 0) {
        end_test();
        store = wasm_store_new(engine);
        replay_host_reset(host, store);
        kiln_error_t *error = replay_instantiate(store, linker, component, &world);
        if (error) {
            answer_error(error);
        } else {
            printf("ok\n");
        }
        return;
    }
    if (!world) {
        answer_text("error", "no instance: send `new` first");
        return;
    }
    if (n == 4 && memcmp(word, "call", 4) == 0) {
        const char *name = token(&in, &n);
        char *func = (char *)replay_alloc(n + 1, 1);
        memcpy(func, name, n);
        replay_out out = {0};
        wasm_trap_t *trap = NULL;
        int status = replay_call(world, store, func, &in, &out, &trap);
        free(func);
        if (status == REPLAY_NO_SUCH_EXPORT) {
            answer_text("error", "the world exports no such function");
        } else if (status == REPLAY_BAD_ARGUMENTS || in.error) {
            answer_text("error", in.error ? in.error : "bad arguments");
            wasm_trap_delete(trap);
        } else if (trap) {
            answer_trap("trap", trap);
        } else {
            printf("ok%s\n", out.buf ? out.buf : "");
        }
        free(out.buf);
        return;
    }
    if (n == 4 && memcmp(word, "drop", 4) == 0) {
        entry e;
        if (!get_entry(&in, true, &e)) {
            answer_text("error", in.error);
        } else if (e.resource >= 0) {
            kiln_error_t *error = replay_drop_guest(store, e.resource, e.handle);
            if (error) {
                answer_error(error);
            } else {
                printf("ok\n");
            }
        } else {
            wasm_trap_t *trap = replay_host_drop(host, e.rep);
            if (trap) {
                answer_trap("error", trap);
            } else {
                printf("ok\n");
            }
        }
        return;
    }
    if (n == 4 && memcmp(word, "host", 4) == 0) {
        const char *name = token(&in, &n);
        char *state = (char *)replay_alloc(n + 1, 1);
        memcpy(state, name, n);
        replay_out out = {0};
        if (replay_host_state(host, state, &out)) {
            printf("ok%s\n", out.buf ? out.buf : "");
        } else {
            answer_text("error", "no such host state");
        }
        free(out.buf);
        free(state);
        return;
    }
    answer_text("error", "unknown request");
}

/* Reads a line of any length into `*line` (without its newline); false at
 * the end of input. */
static bool read_line(char **line, size_t *cap) {
    size_t len = 0;
    int c;
    while ((c = getchar()) != EOF && c != '\n') {
        if (len + 1 >= *cap) {
            *cap = *cap ? *cap * 2 : 4096;
            *line = (char *)realloc(*line, *cap);
            if (!*line) {
                fail("out of memory");
            }
        }
        (*line)[len++] = (char)c;
    }
    if (c == EOF && len == 0) {
        return false;
    }
    if (!*line) {
        *line = (char *)replay_alloc(1, 1);
    }
    (*line)[len] = 0;
    return true;
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s COMPONENT\n", argv[0]);
        return 2;
    }
    wasm_engine_t *engine = wasm_engine_new();
    kiln_component_t *component = load(engine, argv[1]);
    kiln_component_linker_t *linker = kiln_component_linker_new(engine);
    void *host = replay_host_new();
    kiln_error_t *error = replay_add_to_linker(linker, host);
    if (error) {
        answer_error(error);
        return 2;
    }
    char *line = NULL;
    size_t cap = 0;
    while (read_line(&line, &cap)) {
        request(line, engine, component, linker, host);
        fflush(stdout);
    }
    free(line);
    end_test();
    free(table);
    kiln_component_linker_delete(linker);
    replay_host_delete(host);
    kiln_component_delete(component);
    wasm_engine_delete(engine);
    return 0;
}
