const flat = component.flat;
const ENC = new TextEncoder();
const DEC = new TextDecoder('utf-8', { fatal: true });
let U8 = new Uint8Array(0);
let DV = new DataView(U8.buffer);

/** A value the glue cannot lift: the call traps with `message`. */
class LiftTrap extends Error {}

/**
 * An integer outside its WIT type's range: a `RangeError`, told apart
 * from the `RangeError` a memory access out of bounds throws.
 */
class ValueRangeError extends RangeError {}

/**
 * Whether a host function of an import is running: its own errors pass
 * through the import's glue as they are (`hostFailed`).
 */
let IN_HOST = false;

/** `v`, the result of the host function `IN_HOST` was set for. */
function fromHost<T>(v: T): T {
    IN_HOST = false;
    return v;
}

function trap(message: string): never {
    throw new LiftTrap(message);
}

/**
 * The export whose call the glue is lowering the arguments of, until its
 * first step that needs the engine (`enter`): checks of the arguments that
 * fail before then end the call without touching the instance.
 */
let PENDING: component.ComponentFunc | null = null;

/** Begins the pending export call, if there is one. */
function enter(): void {
    if (PENDING !== null) {
        const f = PENDING;
        PENDING = null;
        flat.begin(f);
        refresh();
    }
}

function lowerHandle(type: component.ResourceType, value: component.Resource | number, own: boolean): number {
    enter();
    return flat.lowerHandle(type, value, own);
}

function kindError(what: string, x: unknown): never {
    throw new TypeError(`expected ${what}, got ${typeof x}`);
}

/** An integer of the range `min..max` as an i32 (its bits). */
function int(x: number, min: number, max: number, what: string): number {
    if (typeof x !== 'number') {
        kindError('a number', x);
    }
    if (!Number.isInteger(x) || x < min || x > max) {
        throw new ValueRangeError(`${x} is not a valid ${what}`);
    }
    return x | 0;
}

function u64(x: bigint): bigint {
    if (typeof x !== 'bigint') {
        kindError('a BigInt', x);
    }
    if (x < 0n || x > 0xffffffffffffffffn) {
        throw new ValueRangeError(`${x} is not a valid u64`);
    }
    return BigInt.asIntN(64, x);
}

function s64(x: bigint): bigint {
    if (typeof x !== 'bigint') {
        kindError('a BigInt', x);
    }
    if (x < -0x8000000000000000n || x > 0x7fffffffffffffffn) {
        throw new ValueRangeError(`${x} is not a valid s64`);
    }
    return x;
}

function num(x: number): number {
    if (typeof x !== 'number') {
        kindError('a number', x);
    }
    return x;
}

function charCode(x: string): number {
    if (typeof x !== 'string') {
        kindError('a one-character string', x);
    }
    const c = x.codePointAt(0);
    if (c === undefined || x.length !== (c > 0xffff ? 2 : 1) || (c >= 0xd800 && c <= 0xdfff)) {
        throw new TypeError('a char is a string of one Unicode scalar value');
    }
    return c;
}

/** Shows the current call's memory again if the last view was detached. */
function refresh(): void {
    if (U8.byteLength === 0) {
        const buffer = flat.memory();
        U8 = new Uint8Array(buffer);
        DV = new DataView(buffer);
    }
}

// A batch: every allocation a list needs (the list's, then its elements'
// strings and lists, in the order lowering makes them), planned as `align,
// size` pairs, made with one `reallocMany`, then taken in order by `alloc`.
let PLAN = new Uint32Array(256);
let PLAN_N = 0;
let PRE_I = 0;
let PRE_N = 0;
let BATCH = false;

function plan(align: number, size: number): void {
    if (2 * PLAN_N + 2 > PLAN.length) {
        const next = new Uint32Array(PLAN.length * 2);
        next.set(PLAN);
        PLAN = next;
    }
    PLAN[2 * PLAN_N] = align;
    PLAN[2 * PLAN_N + 1] = size;
    PLAN_N++;
}

function startBatch(): void {
    enter();
    flat.reallocMany(PLAN, PLAN_N);
    PRE_I = 0;
    PRE_N = PLAN_N;
    refresh();
}

function endBatch(): void {
    BATCH = false;
    PLAN_N = 0;
    PRE_I = 0;
    PRE_N = 0;
}

function alloc(align: number, size: number): number {
    if (PRE_I < PRE_N) {
        const i = PRE_I++;
        if (PLAN[2 * i + 1] !== size) {
            throw new Error(`internal error: the glue planned ${PLAN[2 * i + 1]} bytes and lowers ${size}`);
        }
        return PLAN[2 * i];
    }
    enter();
    const ptr = flat.realloc(align, size);
    refresh();
    return ptr;
}

function utf8Length(s: string): number {
    if (typeof s !== 'string') {
        kindError('a string', s);
    }
    let n = 0;
    for (let i = 0; i < s.length; i++) {
        const c = s.charCodeAt(i);
        if (c < 0x80) {
            n += 1;
        } else if (c < 0x800) {
            n += 2;
        } else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
            n += 4;
            i++;
        } else {
            n += 3;
        }
    }
    return n;
}

function lowerString(s: string): number {
    if (typeof s !== 'string') {
        kindError('a string', s);
    }
    const len = PRE_I < PRE_N ? PLAN[2 * PRE_I + 1] : utf8Length(s);
    const ptr = alloc(1, len);
    if (len === s.length && len <= 64) {
        // ASCII: a short loop beats encodeInto's call.
        for (let i = 0; i < len; i++) {
            U8[ptr + i] = s.charCodeAt(i);
        }
    } else if (len > 0) {
        ENC.encodeInto(s, U8.subarray(ptr, ptr + len));
    }
    LEN = len;
    return ptr;
}
/** The length `lowerString` or `lowerBytes` produced last. */
let LEN = 0;

function liftString(ptr: number, len: number): string {
    ptr >>>= 0;
    len >>>= 0;
    if (ptr + len > U8.byteLength) {
        trap('string pointer/length out of bounds of memory');
    }
    try {
        return DEC.decode(U8.subarray(ptr, ptr + len));
    } catch {
        return trap('invalid utf-8 string');
    }
}

interface NumberArray {
    readonly length: number;
    readonly buffer: ArrayBufferLike;
    readonly byteOffset: number;
}

function lowerBytes(list: NumberArray, size: number): number {
    const bytes = list.length * size;
    const ptr = alloc(size, bytes);
    U8.set(new Uint8Array(list.buffer, list.byteOffset, bytes), ptr);
    LEN = list.length;
    return ptr;
}

function listBytes(ptr: number, len: number, size: number, align: number): number {
    ptr >>>= 0;
    len >>>= 0;
    if (ptr % align !== 0) {
        trap('list pointer is not aligned');
    }
    if (ptr + len * size > U8.byteLength) {
        trap('list pointer/length out of bounds of memory');
    }
    return ptr;
}

function liftBytes(ptr: number, len: number, size: number): ArrayBuffer {
    const at = listBytes(ptr, len, size, size);
    return U8.buffer.slice(at, at + (len >>> 0) * size) as ArrayBuffer;
}

function liftChar(c: number): string {
    c >>>= 0;
    if (c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff)) {
        trap(`invalid char value ${c}`);
    }
    return String.fromCodePoint(c);
}

const BITS = new DataView(new ArrayBuffer(8));
function f32Bits(x: number): number {
    BITS.setFloat32(0, x, true);
    return BITS.getInt32(0, true);
}
function f32FromBits(x: number): number {
    BITS.setInt32(0, x, true);
    return BITS.getFloat32(0, true);
}
function f64Bits(x: number): bigint {
    BITS.setFloat64(0, x, true);
    return BITS.getBigInt64(0, true);
}
function f64FromBits(x: bigint): number {
    BITS.setBigInt64(0, x, true);
    return BITS.getFloat64(0, true);
}

/**
 * Ends a failed export call: a lift trap or a memory access out of bounds
 * traps; what the core call threw (`inCall`: a trap, or a host function's
 * own error) and any other error are given back as they are.
 */
function failed(e: unknown, inCall: boolean): unknown {
    endBatch();
    if (PENDING !== null) {
        // The call was not begun: nothing to give up.
        PENDING = null;
        return e;
    }
    if (!inCall && e instanceof LiftTrap) {
        return flat.abandon(e.message);
    }
    if (!inCall && e instanceof RangeError && !(e instanceof ValueRangeError)) {
        return flat.abandon('pointer out of bounds of memory');
    }
    flat.abandon();
    return e;
}

/**
 * What a failed import gives the guest: the host function's own error as
 * it is, a lift trap or a memory access out of bounds as a trap, and any
 * other error (a result of the wrong kind or range) as it is. A batch of
 * allocations planned for the import's results is given up.
 */
function hostFailed(e: unknown): unknown {
    endBatch();
    if (IN_HOST) {
        IN_HOST = false;
        return e;
    }
    if (e instanceof LiftTrap) {
        return flat.trap(e.message);
    }
    if (e instanceof RangeError && !(e instanceof ValueRangeError)) {
        return flat.trap('pointer out of bounds of memory');
    }
    return e;
}

/** Host resources: each host object given to the guest gets a rep. */
class HostTable<T extends object> {
    private byRep = new Map<number, T>();
    private reps = new WeakMap<T, number>();
    private next = 1;

    rep(obj: T): number {
        let rep = this.reps.get(obj);
        if (rep === undefined) {
            rep = this.next++;
            this.reps.set(obj, rep);
            this.byRep.set(rep, obj);
        }
        return rep;
    }

    get(rep: number): T {
        const obj = this.byRep.get(rep);
        if (obj === undefined) {
            throw new TypeError(`no host resource ${rep}`);
        }
        return obj;
    }

    drop(rep: number): void {
        const obj = this.byRep.get(rep);
        if (obj !== undefined) {
            this.byRep.delete(rep);
            this.reps.delete(obj);
            (obj as { [Symbol.dispose]?: () => void })[Symbol.dispose]?.();
        }
    }
}
