package dev.kiln;

import java.util.List;

/**
 * The type of a function: its parameter and result types.
 *
 * <pre>{@code
 * FuncType add = FuncType.of(List.of(ValType.I32, ValType.I32), List.of(ValType.I32));
 * }</pre>
 *
 * @param params the parameter types, in order
 * @param results the result types, in order
 */
public record FuncType(List<ValType> params, List<ValType> results) implements ExternType {
    /** Copies the lists; neither may hold {@code null}. */
    public FuncType {
        params = List.copyOf(params);
        results = List.copyOf(results);
    }

    /** A function type from its parameter and result types. */
    public static FuncType of(List<ValType> params, List<ValType> results) {
        return new FuncType(params, results);
    }

    /** A function type from arrays of parameter and result types. */
    public static FuncType of(ValType[] params, ValType[] results) {
        return new FuncType(List.of(params), List.of(results));
    }

    boolean hasReferences() {
        for (ValType t : params) {
            if (t.isReference()) {
                return true;
            }
        }
        for (ValType t : results) {
            if (t.isReference()) {
                return true;
            }
        }
        return false;
    }

    @Override
    public long[] encode() {
        long[] codes = new long[3 + params.size() + results.size()];
        codes[0] = 0;
        codes[1] = params.size();
        int at = 2;
        for (ValType t : params) {
            codes[at++] = t.ordinal();
        }
        codes[at++] = results.size();
        for (ValType t : results) {
            codes[at++] = t.ordinal();
        }
        return codes;
    }

    @Override
    public String toString() {
        return "(func (param " + join(params) + ") (result " + join(results) + "))";
    }

    private static String join(List<ValType> types) {
        StringBuilder out = new StringBuilder();
        for (ValType t : types) {
            if (out.length() > 0) {
                out.append(' ');
            }
            out.append(t);
        }
        return out.toString();
    }
}
