package dev.kiln;

import java.util.ArrayList;
import java.util.List;

/** Exceptions the native library throws, made here so that their Java shape lives in Java. */
final class Errors {
    private Errors() {}

    static Throwable trap(
            String message, int code, String[] names, String[] modules, int[] indices, long[] offsets) {
        List<StackTraceElement> frames = new ArrayList<>(names.length);
        for (int i = 0; i < names.length; i++) {
            String module = modules[i] == null ? "<module>" : modules[i];
            String name = names[i] == null ? "wasm-function[" + indices[i] + "]" : names[i];
            String file = offsets[i] < 0 ? null : module + ".wasm";
            // The line number is the code offset in the module: where tools look the frame up.
            int line = offsets[i] < 0 || offsets[i] > Integer.MAX_VALUE ? -1 : (int) offsets[i];
            frames.add(new StackTraceElement("wasm:" + module, name, file, line));
        }
        return new TrapException(message, TrapCode.ofNumber(code), frames);
    }

    static Throwable exit(int code, String message) {
        return new ExitException(code, message);
    }
}
