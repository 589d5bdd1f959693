package dev.kiln;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * A WebAssembly value of any type.
 *
 * <pre>{@code
 * Val[] results = func.call(Val.i32(2), Val.i64(40L));
 * long sum = results[0].i64();
 * }</pre>
 *
 * <p>Calls also take plain Java values where the type is clear from the function: {@code Integer}
 * for i32, {@code Long} for i64, {@code Float}, {@code Double}, a {@link Func} (or {@code null})
 * for funcref, and any object (or {@code null}) for externref.
 */
public final class Val {
    private final ValType type;
    private final long bits;
    private final long high;
    private final Object ref;

    private Val(ValType type, long bits, long high, Object ref) {
        this.type = type;
        this.bits = bits;
        this.high = high;
        this.ref = ref;
    }

    /** An i32. */
    public static Val i32(int value) {
        return new Val(ValType.I32, value, 0, null);
    }

    /** An i64. */
    public static Val i64(long value) {
        return new Val(ValType.I64, value, 0, null);
    }

    /** An f32. */
    public static Val f32(float value) {
        return new Val(ValType.F32, Float.floatToRawIntBits(value), 0, null);
    }

    /** An f64. */
    public static Val f64(double value) {
        return new Val(ValType.F64, Double.doubleToRawLongBits(value), 0, null);
    }

    /** A v128 from its low and high 64 bits. */
    public static Val v128(long low, long high) {
        return new Val(ValType.V128, low, high, null);
    }

    /** A funcref: {@code func}, or null. */
    public static Val funcref(Func func) {
        return new Val(ValType.FUNCREF, 0, 0, func);
    }

    /** An externref: any Java object, or null. */
    public static Val externref(Object value) {
        return new Val(ValType.EXTERNREF, 0, 0, value);
    }

    /** The value's type. */
    public ValType type() {
        return type;
    }

    private void expect(ValType wanted) {
        if (type != wanted) {
            throw new IllegalStateException("the value is an " + type + ", not an " + wanted);
        }
    }

    /** The i32; {@link IllegalStateException} if the value is of another type. */
    public int i32() {
        expect(ValType.I32);
        return (int) bits;
    }

    /** The i64. */
    public long i64() {
        expect(ValType.I64);
        return bits;
    }

    /** The f32. */
    public float f32() {
        expect(ValType.F32);
        return Float.intBitsToFloat((int) bits);
    }

    /** The f64. */
    public double f64() {
        expect(ValType.F64);
        return Double.longBitsToDouble(bits);
    }

    /** The low 64 bits of a v128. */
    public long v128Low() {
        expect(ValType.V128);
        return bits;
    }

    /** The high 64 bits of a v128. */
    public long v128High() {
        expect(ValType.V128);
        return high;
    }

    /** The funcref's function, or null. */
    public Func funcref() {
        expect(ValType.FUNCREF);
        return (Func) ref;
    }

    /** The externref's object, or null. */
    public Object externref() {
        expect(ValType.EXTERNREF);
        return ref;
    }

    /** The value as a plain Java object: Integer, Long, Float, Double, Func, or the externref's object. */
    public Object value() {
        switch (type) {
            case I32:
                return (int) bits;
            case I64:
                return bits;
            case F32:
                return f32();
            case F64:
                return f64();
            case V128:
                return this;
            default:
                return ref;
        }
    }

    /** {@code value} as a value of type {@code type}: a {@code Val} of that type or a plain Java value. */
    static Val of(Object value, ValType type) {
        if (value instanceof Val) {
            Val v = (Val) value;
            if (v.type != type) {
                throw new IllegalArgumentException("expected a value of type " + type + ", got " + v.type);
            }
            return v;
        }
        switch (type) {
            case I32:
                if (value instanceof Integer) {
                    return i32((Integer) value);
                }
                break;
            case I64:
                if (value instanceof Long || value instanceof Integer) {
                    return i64(((Number) value).longValue());
                }
                break;
            case F32:
                if (value instanceof Float) {
                    return f32((Float) value);
                }
                break;
            case F64:
                if (value instanceof Double || value instanceof Float) {
                    return f64(((Number) value).doubleValue());
                }
                break;
            case FUNCREF:
                if (value == null || value instanceof Func) {
                    return funcref((Func) value);
                }
                break;
            case EXTERNREF:
                return externref(value);
            default:
                break;
        }
        throw new IllegalArgumentException(
                "expected a value of type " + type + ", got "
                        + (value == null ? "null" : value.getClass().getSimpleName() + " " + value));
    }

    /** Writes the value into slot {@code index} (references: see {@code values.rs}). */
    void write(Store<?> store, ByteBuffer slots, int index, Object[] refs) {
        int at = 16 * index;
        switch (type) {
            case I32:
                slots.putInt(at, (int) bits);
                break;
            case F32:
                slots.putInt(at, (int) bits);
                break;
            case I64:
            case F64:
                slots.putLong(at, bits);
                break;
            case V128:
                slots.putLong(at, bits);
                slots.putLong(at + 8, high);
                break;
            case FUNCREF:
                Func f = (Func) ref;
                if (f != null && f.store != store) {
                    throw new IllegalArgumentException("the function belongs to a different store");
                }
                slots.putLong(at, f == null ? 0 : f.number + 1L);
                break;
            case EXTERNREF:
                refs[index] = ref;
                break;
            default:
                throw new IllegalStateException();
        }
    }

    /** Reads a value of type {@code type} from slot {@code index}. */
    static Val read(ValType type, Store<?> store, ByteBuffer slots, int index, Object[] refs) {
        int at = 16 * index;
        switch (type) {
            case I32:
                return i32(slots.getInt(at));
            case I64:
                return i64(slots.getLong(at));
            case F32:
                return new Val(ValType.F32, slots.getInt(at), 0, null);
            case F64:
                return new Val(ValType.F64, slots.getLong(at), 0, null);
            case V128:
                return v128(slots.getLong(at), slots.getLong(at + 8));
            case FUNCREF:
                long code = slots.getLong(at);
                return funcref(code == 0 ? null : new Func(store, (int) (code - 1)));
            case EXTERNREF:
                return externref(refs[index]);
            default:
                throw new IllegalStateException();
        }
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Val)) {
            return false;
        }
        Val v = (Val) o;
        return type == v.type && bits == v.bits && high == v.high && Objects.equals(ref, v.ref);
    }

    @Override
    public int hashCode() {
        return Objects.hash(type, bits, high, ref);
    }

    @Override
    public String toString() {
        switch (type) {
            case V128:
                return "v128:" + Long.toHexString(high) + ":" + Long.toHexString(bits);
            case FUNCREF:
            case EXTERNREF:
                return type + ":" + ref;
            default:
                return type + ":" + value();
        }
    }
}
