package dev.kiln;

import java.util.List;

/**
 * WebAssembly stopped at runtime. {@link #code} says why; the wasm frames active at the trap,
 * innermost first, lead the stack trace (class {@code wasm:<module name>}, method the function's
 * name or {@code wasm-function[N]}), followed by the Java frames that called into wasm.
 */
public class TrapException extends KilnException {
    private static final long serialVersionUID = 1L;
    private final TrapCode code;
    private final transient List<StackTraceElement> wasmFrames;

    /** A trap with {@code message} and {@code code}, at {@code wasmFrames} (innermost first). */
    public TrapException(String message, TrapCode code, List<StackTraceElement> wasmFrames) {
        super(message);
        this.code = code;
        this.wasmFrames = List.copyOf(wasmFrames);
        StackTraceElement[] java = getStackTrace();
        int skip = 0;
        // Drop the frames of Kiln's own construction of this exception.
        while (skip < java.length && java[skip].getClassName().equals(Errors.class.getName())) {
            skip++;
        }
        StackTraceElement[] all = new StackTraceElement[this.wasmFrames.size() + java.length - skip];
        for (int i = 0; i < this.wasmFrames.size(); i++) {
            all[i] = this.wasmFrames.get(i);
        }
        System.arraycopy(java, skip, all, this.wasmFrames.size(), java.length - skip);
        setStackTrace(all);
    }

    /** Why wasm stopped. */
    public TrapCode code() {
        return code;
    }

    /** The wasm frames active at the trap, innermost first. */
    public List<StackTraceElement> wasmFrames() {
        return wasmFrames;
    }
}
