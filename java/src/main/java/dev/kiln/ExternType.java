package dev.kiln;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/** The type of something a module imports or exports. */
public sealed interface ExternType permits FuncType, MemoryType, TableType, GlobalType {
    /** The encoding the native library reads (see {@code java/native/src/types.rs}). */
    long[] encode();

    /** Reads the native library's encoding of a type. */
    static ExternType decode(long[] codes) {
        switch ((int) codes[0]) {
            case 0: {
                int n = (int) codes[1];
                List<ValType> params = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    params.add(ValType.ofCode(codes[2 + i]));
                }
                int m = (int) codes[2 + n];
                List<ValType> results = new ArrayList<>(m);
                for (int i = 0; i < m; i++) {
                    results.add(ValType.ofCode(codes[3 + n + i]));
                }
                return new FuncType(params, results);
            }
            case 1:
                return new MemoryType(
                        codes[1], maximum(codes[2]), codes[3] != 0, codes[4] != 0, (int) codes[5]);
            case 2:
                return new TableType(
                        ValType.ofCode(codes[1]), codes[2], maximum(codes[3]), codes[4] != 0);
            case 3:
                return new GlobalType(ValType.ofCode(codes[1]), codes[2] != 0);
            default:
                throw new IllegalStateException("unknown extern kind " + codes[0]);
        }
    }

    private static OptionalLong maximum(long code) {
        return code < 0 ? OptionalLong.empty() : OptionalLong.of(code);
    }
}
