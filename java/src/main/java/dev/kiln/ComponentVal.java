package dev.kiln;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A component value of the dynamic path: what {@link ComponentFunc#call}
 * takes and returns and what {@link ComponentHostFunc}s receive. One record
 * per kind of WIT type; records list their fields and flags their set names in
 * the order of their type. Unsigned integers are held in a wider signed type
 * ({@code u8} in an {@code int}, {@code u32} in a {@code long}), except {@code
 * u64}, whose {@code long} holds its bits ({@link Long#toUnsignedString}).
 *
 * <pre>{@code
 * ComponentVal point = new ComponentVal.RecordVal(List.of(
 *         new ComponentVal.Field("x", new ComponentVal.S32(1)),
 *         new ComponentVal.Field("y", new ComponentVal.S32(-1))));
 * }</pre>
 *
 * <p>Values cross into the engine encoded in one byte array, converted there
 * into the engine's values: this path is general, not fast. Generated glue
 * uses the typed path ({@link FlatCall}) instead.
 */
public sealed interface ComponentVal {
    /** {@code bool} */
    record Bool(boolean value) implements ComponentVal {}

    /** {@code s8} */
    record S8(byte value) implements ComponentVal {}

    /** {@code u8}, 0 to 255 */
    record U8(int value) implements ComponentVal {}

    /** {@code s16} */
    record S16(short value) implements ComponentVal {}

    /** {@code u16}, 0 to 65535 */
    record U16(int value) implements ComponentVal {}

    /** {@code s32} */
    record S32(int value) implements ComponentVal {}

    /** {@code u32}, 0 to 2^32 - 1 */
    record U32(long value) implements ComponentVal {}

    /** {@code s64} */
    record S64(long value) implements ComponentVal {}

    /** {@code u64}: the bits of the value */
    record U64(long value) implements ComponentVal {}

    /** {@code f32} */
    record Float32(float value) implements ComponentVal {}

    /** {@code f64} */
    record Float64(double value) implements ComponentVal {}

    /** {@code char}: a Unicode scalar value */
    record Char(int codePoint) implements ComponentVal {}

    /** {@code string} */
    record Str(String value) implements ComponentVal {}

    /** {@code list<T>} */
    record ListVal(List<ComponentVal> items) implements ComponentVal {}

    /** A field of a {@link RecordVal}. */
    record Field(String name, ComponentVal value) {}

    /** {@code record}: its fields by name, in the type's order */
    record RecordVal(List<Field> fields) implements ComponentVal {}

    /** {@code tuple<...>} */
    record Tuple(List<ComponentVal> items) implements ComponentVal {}

    /** {@code variant}: the case's name and its payload, {@code null} for a case without one */
    record Variant(String name, ComponentVal payload) implements ComponentVal {}

    /** {@code enum}: the case's name */
    record EnumVal(String name) implements ComponentVal {}

    /** {@code option<T>}: {@code null} for none */
    record OptionVal(ComponentVal value) implements ComponentVal {}

    /** {@code result<T, E>}: which side, and its payload ({@code null} for a side without a type) */
    record ResultVal(boolean isErr, ComponentVal value) implements ComponentVal {}

    /** {@code flags}: the names of the flags that are set */
    record Flags(List<String> names) implements ComponentVal {}

    /** {@code own<R>} or {@code borrow<R>} */
    record Handle(ComponentResource resource) implements ComponentVal {}

    // ---- the encoding shared with the native library (java/native/src/component/values.rs)

    /** Encodes a count and each value. */
    static byte[] encode(ComponentVal[] vals) {
        Writer w = new Writer();
        w.u32(vals.length);
        for (ComponentVal v : vals) {
            w.val(v);
        }
        return w.toByteArray();
    }

    /** Decodes a count and that many values; resources become handles of {@code store}. */
    static ComponentVal[] decode(Store<?> store, byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int n = b.getInt();
        ComponentVal[] out = new ComponentVal[n];
        for (int i = 0; i < n; i++) {
            out[i] = read(store, b);
        }
        return out;
    }

    /**
     * Called by the native library for each call of a {@link ComponentHostFunc}:
     * the encoded result, and the result itself, which the native side holds
     * while it decodes so that the resources the encoding names stay reachable.
     */
    static Object[] dispatch(ComponentHostFunc func, Store<?> store, byte[] args, int results) {
        ComponentVal result = func.call(decode(store, args));
        if (results == 0) {
            return new Object[] {encode(new ComponentVal[0]), null};
        }
        if (result == null) {
            throw new IllegalArgumentException("the host function returned no value, but its type has a result");
        }
        return new Object[] {encode(new ComponentVal[] {result}), result};
    }

    private static String str(ByteBuffer b) {
        int n = b.getInt();
        String s = new String(b.array(), b.position(), n, StandardCharsets.UTF_8);
        b.position(b.position() + n);
        return s;
    }

    private static ComponentVal opt(Store<?> store, ByteBuffer b) {
        return b.get() == 0 ? null : read(store, b);
    }

    private static List<ComponentVal> vals(Store<?> store, ByteBuffer b) {
        int n = b.getInt();
        List<ComponentVal> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(read(store, b));
        }
        return List.copyOf(out);
    }

    private static ComponentVal read(Store<?> store, ByteBuffer b) {
        int tag = b.get();
        switch (tag) {
            case 0:
                return new Bool(b.get() != 0);
            case 1:
                return new S8(b.get());
            case 2:
                return new U8(b.get() & 0xFF);
            case 3:
                return new S16(b.getShort());
            case 4:
                return new U16(b.getShort() & 0xFFFF);
            case 5:
                return new S32(b.getInt());
            case 6:
                return new U32(b.getInt() & 0xFFFFFFFFL);
            case 7:
                return new S64(b.getLong());
            case 8:
                return new U64(b.getLong());
            case 9:
                return new Float32(Float.intBitsToFloat(b.getInt()));
            case 10:
                return new Float64(Double.longBitsToDouble(b.getLong()));
            case 11:
                return new Char(b.getInt());
            case 12:
                return new Str(str(b));
            case 13:
                return new ListVal(vals(store, b));
            case 14: {
                int n = b.getInt();
                List<Field> fields = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    String name = str(b);
                    fields.add(new Field(name, read(store, b)));
                }
                return new RecordVal(List.copyOf(fields));
            }
            case 15:
                return new Tuple(vals(store, b));
            case 16: {
                String name = str(b);
                return new Variant(name, opt(store, b));
            }
            case 17:
                return new EnumVal(str(b));
            case 18:
                return new OptionVal(opt(store, b));
            case 19: {
                boolean isErr = b.get() != 0;
                return new ResultVal(isErr, opt(store, b));
            }
            case 20: {
                int n = b.getInt();
                List<String> names = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    names.add(str(b));
                }
                return new Flags(List.copyOf(names));
            }
            case 21:
                return new Handle(new ComponentResource(store, b.getLong()));
            default:
                throw new IllegalStateException("malformed component values: tag " + tag);
        }
    }

    /** The encoder. */
    final class Writer extends ByteArrayOutputStream {
        Writer() {
            super(64);
        }

        void u32(int v) {
            write(v);
            write(v >>> 8);
            write(v >>> 16);
            write(v >>> 24);
        }

        void u64(long v) {
            u32((int) v);
            u32((int) (v >>> 32));
        }

        void str(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            u32(b.length);
            write(b, 0, b.length);
        }

        void opt(ComponentVal v) {
            if (v == null) {
                write(0);
            } else {
                write(1);
                val(v);
            }
        }

        void vals(List<ComponentVal> vs) {
            u32(vs.size());
            for (ComponentVal v : vs) {
                val(v);
            }
        }

        void val(ComponentVal v) {
            if (v == null) {
                throw new IllegalArgumentException("a component value must not be null");
            }
            if (v instanceof Bool x) {
                write(0);
                write(x.value() ? 1 : 0);
            } else if (v instanceof S8 x) {
                write(1);
                write(x.value());
            } else if (v instanceof U8 x) {
                write(2);
                write(x.value());
            } else if (v instanceof S16 x) {
                write(3);
                write(x.value());
                write(x.value() >>> 8);
            } else if (v instanceof U16 x) {
                write(4);
                write(x.value());
                write(x.value() >>> 8);
            } else if (v instanceof S32 x) {
                write(5);
                u32(x.value());
            } else if (v instanceof U32 x) {
                write(6);
                u32((int) x.value());
            } else if (v instanceof S64 x) {
                write(7);
                u64(x.value());
            } else if (v instanceof U64 x) {
                write(8);
                u64(x.value());
            } else if (v instanceof Float32 x) {
                write(9);
                u32(Float.floatToRawIntBits(x.value()));
            } else if (v instanceof Float64 x) {
                write(10);
                u64(Double.doubleToRawLongBits(x.value()));
            } else if (v instanceof Char x) {
                write(11);
                u32(x.codePoint());
            } else if (v instanceof Str x) {
                write(12);
                str(x.value());
            } else if (v instanceof ListVal x) {
                write(13);
                vals(x.items());
            } else if (v instanceof RecordVal x) {
                write(14);
                u32(x.fields().size());
                for (Field f : x.fields()) {
                    str(f.name());
                    val(f.value());
                }
            } else if (v instanceof Tuple x) {
                write(15);
                vals(x.items());
            } else if (v instanceof Variant x) {
                write(16);
                str(x.name());
                opt(x.payload());
            } else if (v instanceof EnumVal x) {
                write(17);
                str(x.name());
            } else if (v instanceof OptionVal x) {
                write(18);
                opt(x.value());
            } else if (v instanceof ResultVal x) {
                write(19);
                write(x.isErr() ? 1 : 0);
                opt(x.value());
            } else if (v instanceof Flags x) {
                write(20);
                u32(x.names().size());
                for (String n : x.names()) {
                    str(n);
                }
            } else if (v instanceof Handle x) {
                write(21);
                u64(x.resource().handle());
            }
        }
    }
}
