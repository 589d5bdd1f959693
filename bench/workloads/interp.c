/* A stack bytecode interpreter: a dense switch (br_table) for dispatch and a
 * table of native helpers called through function pointers (call_indirect). */
#include "common.h"

enum op {
    OP_PUSH,   /* push imm */
    OP_LOAD,   /* push locals[imm] */
    OP_STORE,  /* locals[imm] = pop */
    OP_ADD,
    OP_SUB,
    OP_MUL,
    OP_XOR,
    OP_SHR,    /* push pop >> imm */
    OP_AND,    /* push pop & imm */
    OP_CALL,   /* b = pop, a = pop, push helpers[imm & 7](a, b) */
    OP_CALLD,  /* k = pop, b = pop, a = pop, push helpers[k & 7](a, b) */
    OP_JNZ,    /* if pop != 0 goto imm */
    OP_DUP,
    OP_HALT,
};

struct insn {
    uint8_t op;
    int32_t imm;
};

typedef uint32_t (*helper_fn)(uint32_t, uint32_t);

__attribute__((noinline)) static uint32_t h_add(uint32_t a, uint32_t b) { return a + b * 3; }
__attribute__((noinline)) static uint32_t h_mix(uint32_t a, uint32_t b) { return (a ^ b) * 0x9e3779b1u; }
__attribute__((noinline)) static uint32_t h_rot(uint32_t a, uint32_t b) { return (a << (b & 31)) | (a >> ((32 - (b & 31)) & 31)); }
__attribute__((noinline)) static uint32_t h_min(uint32_t a, uint32_t b) { return a < b ? a : b + 1; }
__attribute__((noinline)) static uint32_t h_div(uint32_t a, uint32_t b) { return a / (b | 1) + a; }
__attribute__((noinline)) static uint32_t h_sub(uint32_t a, uint32_t b) { return a - (b >> 3); }
__attribute__((noinline)) static uint32_t h_mul(uint32_t a, uint32_t b) { return a * (b | 3); }
__attribute__((noinline)) static uint32_t h_xsh(uint32_t a, uint32_t b) { return a ^ (a >> 7) ^ (b << 9); }

static helper_fn helpers[8] = {h_add, h_mix, h_rot, h_min, h_div, h_sub, h_mul, h_xsh};

static uint32_t execute(const struct insn *code, uint32_t *locals) {
    uint32_t stack[64];
    int sp = 0;
    int pc = 0;
    for (;;) {
        struct insn in = code[pc++];
        switch (in.op) {
        case OP_PUSH: stack[sp++] = (uint32_t)in.imm; break;
        case OP_LOAD: stack[sp++] = locals[in.imm]; break;
        case OP_STORE: locals[in.imm] = stack[--sp]; break;
        case OP_ADD: sp--; stack[sp - 1] += stack[sp]; break;
        case OP_SUB: sp--; stack[sp - 1] -= stack[sp]; break;
        case OP_MUL: sp--; stack[sp - 1] *= stack[sp]; break;
        case OP_XOR: sp--; stack[sp - 1] ^= stack[sp]; break;
        case OP_SHR: stack[sp - 1] >>= in.imm; break;
        case OP_AND: stack[sp - 1] &= (uint32_t)in.imm; break;
        case OP_CALL: sp--; stack[sp - 1] = helpers[in.imm & 7](stack[sp - 1], stack[sp]); break;
        case OP_CALLD:
            sp -= 2;
            stack[sp - 1] = helpers[stack[sp + 1] & 7](stack[sp - 1], stack[sp]);
            break;
        case OP_JNZ:
            if (stack[--sp] != 0) {
                pc = in.imm;
            }
            break;
        case OP_DUP: stack[sp] = stack[sp - 1]; sp++; break;
        case OP_HALT: return stack[sp - 1];
        }
    }
}

long long run(void) {
    /* locals: 0 = counter, 1 = accumulator, 2 = state */
    static const struct insn program[] = {
        /* 0 */ {OP_LOAD, 1}, {OP_LOAD, 0}, {OP_CALL, 1}, {OP_STORE, 1},
        /* 4 */ {OP_LOAD, 2}, {OP_LOAD, 1}, {OP_LOAD, 0}, {OP_CALLD, 0}, {OP_STORE, 2},
        /* 9 */ {OP_LOAD, 1}, {OP_LOAD, 2}, {OP_SHR, 5}, {OP_XOR, 0}, {OP_LOAD, 0},
        /* 14 */ {OP_PUSH, 3}, {OP_MUL, 0}, {OP_ADD, 0}, {OP_STORE, 1},
        /* 18 */ {OP_LOAD, 2}, {OP_LOAD, 1}, {OP_AND, 0xffff}, {OP_CALL, 2}, {OP_STORE, 2},
        /* 23 */ {OP_LOAD, 0}, {OP_PUSH, 1}, {OP_SUB, 0}, {OP_DUP, 0}, {OP_STORE, 0},
        /* 28 */ {OP_JNZ, 0},
        /* 29 */ {OP_LOAD, 1}, {OP_LOAD, 2}, {OP_XOR, 0}, {OP_HALT, 0},
    };
    uint64_t h = CHECKSUM_SEED;
    int reps = SCALE(8, 1);
    for (int r = 0; r < reps; r++) {
        uint32_t locals[3] = {SCALE(2500000u, 100000u), (uint32_t)r * 17 + 1, 0x12345678u};
        h = mix64(h, execute(program, locals));
    }
    return (long long)h;
}
