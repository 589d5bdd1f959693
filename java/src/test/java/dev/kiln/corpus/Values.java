package dev.kiln.corpus;

import dev.kiln.Result;
import java.lang.reflect.Array;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Case-file values ({@code wit-tools/tests/README.md}, "Values") in and out of
 * the generated glue's Java types, by the types the generated methods declare:
 * a WIT type's JSON is read by the Java type standing for it, and a result is
 * checked against its expected JSON the same way, bit for bit for floats
 * ({@code "nan"} matching every NaN).
 */
final class Values {
    /** The resource handles a test holds, by name. */
    final Map<String, Object> labels = new HashMap<>();

    private static Class<?> raw(Type type) {
        if (type instanceof Class<?> c) {
            return c;
        }
        if (type instanceof ParameterizedType p) {
            return (Class<?>) p.getRawType();
        }
        throw new IllegalArgumentException("unexpected type " + type);
    }

    private static Type arg(Type type, int i) {
        return ((ParameterizedType) type).getActualTypeArguments()[i];
    }

    /** A record component's type, with the type's own type arguments substituted. */
    private static Type componentType(Type owner, RecordComponent c) {
        Type t = c.getGenericType();
        if (t instanceof TypeVariable<?> v && owner instanceof ParameterizedType p) {
            TypeVariable<?>[] params = raw(owner).getTypeParameters();
            for (int i = 0; i < params.length; i++) {
                if (params[i].getName().equals(v.getName())) {
                    return p.getActualTypeArguments()[i];
                }
            }
        }
        return t;
    }

    private static String norm(String name) {
        return name.replace("-", "").replace("_", "").toLowerCase(Locale.ROOT);
    }

    private static String shouty(String name) {
        return name.replace('-', '_').toUpperCase(Locale.ROOT);
    }

    /** A string value with its {@code repeat} and {@code concat} forms expanded. */
    static String string(Object json) {
        if (json instanceof String s) {
            return s;
        }
        Map<?, ?> m = (Map<?, ?>) json;
        if (m.containsKey("repeat")) {
            return string(m.get("repeat")).repeat((int) (long) (Long) m.get("count"));
        }
        StringBuilder out = new StringBuilder();
        for (Object part : (List<?>) m.get("concat")) {
            out.append(string(part));
        }
        return out.toString();
    }

    /** A list value with its {@code repeat} and {@code concat} forms expanded. */
    static List<?> list(Object json) {
        if (json instanceof List<?> l) {
            return l;
        }
        Map<?, ?> m = (Map<?, ?>) json;
        List<Object> out = new ArrayList<>();
        if (m.containsKey("repeat")) {
            List<?> part = list(m.get("repeat"));
            long n = (Long) m.get("count");
            for (long i = 0; i < n; i++) {
                out.addAll(part);
            }
            return out;
        }
        for (Object part : (List<?>) m.get("concat")) {
            out.addAll(list(part));
        }
        return out;
    }

    private static long integer(Object json) {
        if (json instanceof String s) {
            return s.startsWith("-") ? Long.parseLong(s) : Long.parseUnsignedLong(s);
        }
        return ((Number) json).longValue();
    }

    private static double f64(Object json) {
        if (json instanceof String s) {
            switch (s) {
                case "nan":
                    return Double.NaN;
                case "inf":
                    return Double.POSITIVE_INFINITY;
                case "-inf":
                    return Double.NEGATIVE_INFINITY;
                case "-0":
                    return -0.0;
                default:
                    throw new IllegalArgumentException("bad float " + s);
            }
        }
        return ((Number) json).doubleValue();
    }

    private static boolean isResource(Object json) {
        return json instanceof Map<?, ?> m && m.size() == 1 && m.containsKey("resource");
    }

    private static boolean isTuple(Class<?> c) {
        return c.isRecord() && c.getSimpleName().matches("Tuple\\d+");
    }

    /** The Java value of type {@code type} that {@code json} writes. */
    Object toJava(Object json, Type type) throws ReflectiveOperationException {
        if (isResource(json)) {
            String name = (String) ((Map<?, ?>) json).get("resource");
            Object handle = labels.get(name);
            if (handle == null) {
                throw new IllegalStateException("no resource named " + name);
            }
            return handle;
        }
        Class<?> c = raw(type);
        if (c == boolean.class || c == Boolean.class) {
            return json;
        }
        if (c == byte.class || c == Byte.class) {
            return (byte) integer(json);
        }
        if (c == short.class || c == Short.class) {
            return (short) integer(json);
        }
        if (c == int.class || c == Integer.class) {
            if (json instanceof String s) {
                return s.codePointAt(0);
            }
            return (int) integer(json);
        }
        if (c == long.class || c == Long.class) {
            return integer(json);
        }
        if (c == float.class || c == Float.class) {
            return (float) f64(json);
        }
        if (c == double.class || c == Double.class) {
            return f64(json);
        }
        if (c == String.class) {
            return string(json);
        }
        if (c.isArray()) {
            List<?> items = list(json);
            Object array = Array.newInstance(c.getComponentType(), items.size());
            for (int i = 0; i < items.size(); i++) {
                Array.set(array, i, toJava(items.get(i), c.getComponentType()));
            }
            return array;
        }
        if (c == List.class) {
            List<Object> out = new ArrayList<>();
            for (Object item : list(json)) {
                out.add(toJava(item, arg(type, 0)));
            }
            return out;
        }
        if (c == Optional.class) {
            if (json == null) {
                return Optional.empty();
            }
            return Optional.of(toJava(((Map<?, ?>) json).get("some"), arg(type, 0)));
        }
        if (c == Result.class) {
            Map<?, ?> m = (Map<?, ?>) json;
            boolean ok = m.containsKey("ok");
            Type side = arg(type, ok ? 0 : 1);
            Object payload = side == Void.class ? null : toJava(m.get(ok ? "ok" : "err"), side);
            return ok ? Result.ok(payload) : Result.err(payload);
        }
        if (c == EnumSet.class) {
            return flags(json, arg(type, 0));
        }
        if (c.isEnum()) {
            return enumValue(c, (String) json);
        }
        if (isTuple(c)) {
            List<?> items = (List<?>) json;
            RecordComponent[] comps = c.getRecordComponents();
            Object[] args = new Object[comps.length];
            for (int i = 0; i < comps.length; i++) {
                args[i] = toJava(items.get(i), componentType(type, comps[i]));
            }
            return construct(c, args);
        }
        if (c.isRecord()) {
            Map<?, ?> m = (Map<?, ?>) json;
            RecordComponent[] comps = c.getRecordComponents();
            Object[] args = new Object[comps.length];
            for (int i = 0; i < comps.length; i++) {
                args[i] = toJava(field(m, comps[i].getName()), componentType(type, comps[i]));
            }
            return construct(c, args);
        }
        if (c.isInterface() && c.isSealed()) {
            Map<?, ?> m = (Map<?, ?>) json;
            Class<?> caseClass = caseClass(c, (String) m.get("case"));
            RecordComponent[] comps = caseClass.getRecordComponents();
            if (comps.length == 0) {
                return construct(caseClass);
            }
            return construct(caseClass, toJava(m.get("value"), comps[0].getGenericType()));
        }
        throw new IllegalArgumentException("no JSON reading for " + type + ": " + json);
    }

    private static Object field(Map<?, ?> m, String component) {
        for (Map.Entry<?, ?> e : m.entrySet()) {
            if (norm((String) e.getKey()).equals(norm(component))) {
                return e.getValue();
            }
        }
        throw new IllegalArgumentException("no field " + component + " in " + m);
    }

    private static Class<?> caseClass(Class<?> variant, String name) {
        for (Class<?> c : variant.getPermittedSubclasses()) {
            String simple = norm(c.getSimpleName());
            if (simple.equals(norm(name)) || simple.equals(norm(name) + "case")) {
                return c;
            }
        }
        throw new IllegalArgumentException("no case " + name + " in " + variant);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Object enumValue(Class<?> c, String name) {
        return Enum.valueOf((Class) c, shouty(name));
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Object flags(Object json, Type element) {
        Class<? extends Enum> e = (Class<? extends Enum>) raw(element);
        EnumSet set = EnumSet.noneOf(e);
        for (Object name : (List<?>) json) {
            set.add(enumValue(e, (String) name));
        }
        return set;
    }

    private static Object construct(Class<?> c, Object... args) throws ReflectiveOperationException {
        Constructor<?> k = c.getDeclaredConstructors()[0];
        for (Constructor<?> candidate : c.getDeclaredConstructors()) {
            if (candidate.getParameterCount() == args.length) {
                k = candidate;
            }
        }
        k.setAccessible(true);
        return k.newInstance(args);
    }

    /** Checks {@code actual} (of type {@code type}) against {@code expected}, binding resources. */
    void match(Object expected, Object actual, Type type, String path) throws ReflectiveOperationException {
        if (isResource(expected)) {
            String name = (String) ((Map<?, ?>) expected).get("resource");
            if (actual == null) {
                throw new AssertionError(path + ": expected a resource, got null");
            }
            if (labels.put(name, actual) != null) {
                throw new AssertionError(path + ": resource name " + name + " bound twice");
            }
            return;
        }
        Class<?> c = raw(type);
        if (c == float.class || c == Float.class) {
            float want = (float) f64(expected);
            float got = (Float) actual;
            if (!(Float.isNaN(want) ? Float.isNaN(got) : Float.floatToRawIntBits(want) == Float.floatToRawIntBits(got))) {
                throw new AssertionError(path + ": expected " + want + ", got " + got);
            }
            return;
        }
        if (c == double.class || c == Double.class) {
            double want = f64(expected);
            double got = (Double) actual;
            if (!(Double.isNaN(want) ? Double.isNaN(got) : Double.doubleToRawLongBits(want) == Double.doubleToRawLongBits(got))) {
                throw new AssertionError(path + ": expected " + want + ", got " + got);
            }
            return;
        }
        if (c.isArray()) {
            List<?> items = list(expected);
            int n = Array.getLength(actual);
            if (n != items.size()) {
                throw new AssertionError(path + ": expected " + items.size() + " elements, got " + n);
            }
            for (int i = 0; i < n; i++) {
                match(items.get(i), Array.get(actual, i), c.getComponentType(), path + "[" + i + "]");
            }
            return;
        }
        if (c == List.class) {
            List<?> items = list(expected);
            List<?> got = (List<?>) actual;
            if (got.size() != items.size()) {
                throw new AssertionError(path + ": expected " + items.size() + " elements, got " + got.size());
            }
            for (int i = 0; i < got.size(); i++) {
                match(items.get(i), got.get(i), arg(type, 0), path + "[" + i + "]");
            }
            return;
        }
        if (c == Optional.class) {
            Optional<?> got = (Optional<?>) actual;
            if (expected == null || got.isEmpty()) {
                if ((expected == null) != got.isEmpty()) {
                    throw new AssertionError(path + ": expected " + expected + ", got " + got);
                }
                return;
            }
            match(((Map<?, ?>) expected).get("some"), got.get(), arg(type, 0), path + ".some");
            return;
        }
        if (c == Result.class) {
            Map<?, ?> m = (Map<?, ?>) expected;
            boolean ok = m.containsKey("ok");
            Result<?, ?> got = (Result<?, ?>) actual;
            if (got.isErr() == ok) {
                throw new AssertionError(path + ": expected " + m + ", got " + got);
            }
            Type side = arg(type, ok ? 0 : 1);
            Object payload = got instanceof Result.Ok<?, ?> o ? o.value() : ((Result.Err<?, ?>) got).value();
            if (side != Void.class) {
                match(m.get(ok ? "ok" : "err"), payload, side, path + (ok ? ".ok" : ".err"));
            }
            return;
        }
        if (c.isRecord() && isTuple(c)) {
            List<?> items = (List<?>) expected;
            RecordComponent[] comps = c.getRecordComponents();
            for (int i = 0; i < comps.length; i++) {
                Method get = comps[i].getAccessor();
                match(items.get(i), get.invoke(actual), componentType(type, comps[i]), path + "." + i);
            }
            return;
        }
        if (c.isRecord()) {
            Map<?, ?> m = (Map<?, ?>) expected;
            for (RecordComponent comp : c.getRecordComponents()) {
                Method get = comp.getAccessor();
                get.setAccessible(true);
                match(field(m, comp.getName()), get.invoke(actual), componentType(type, comp), path + "." + comp.getName());
            }
            return;
        }
        if (c.isInterface() && c.isSealed()) {
            Map<?, ?> m = (Map<?, ?>) expected;
            Class<?> want = caseClass(c, (String) m.get("case"));
            if (actual.getClass() != want) {
                throw new AssertionError(path + ": expected case " + m.get("case") + ", got " + actual);
            }
            RecordComponent[] comps = want.getRecordComponents();
            if (comps.length == 1) {
                Method get = comps[0].getAccessor();
                get.setAccessible(true);
                match(m.get("value"), get.invoke(actual), comps[0].getGenericType(), path + "." + m.get("case"));
            }
            return;
        }
        Object want = toJava(expected, type);
        if (!want.equals(actual)) {
            throw new AssertionError(path + ": expected " + show(want) + ", got " + show(actual));
        }
    }

    private static String show(Object v) {
        if (v instanceof byte[] b) {
            return Arrays.toString(b);
        }
        return String.valueOf(v);
    }
}
