package dev.kiln;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What a WASI program may see and touch: arguments, environment, standard streams and
 * pre-opened directories. Nothing is granted unless asked for. Give it to a store with {@link
 * Store#setWasi}; the files are opened then.
 *
 * <pre>{@code
 * store.setWasi(new WasiConfig()
 *         .args("app", "--verbose")
 *         .env("HOME", "/")
 *         .preopenDir(Path.of("data"), "/data")
 *         .captureStdout());
 * }</pre>
 */
public final class WasiConfig {
    static {
        Native.load();
    }

    private static final int INHERIT = 1;
    private static final int FILE = 2;
    private static final int CAPTURE = 3;
    private static final int BYTES = 4;

    private final List<String> args = new ArrayList<>();
    private final List<String> env = new ArrayList<>();
    private boolean inheritEnv;
    private int stdinMode;
    private String stdinPath;
    private byte[] stdinBytes;
    private int stdoutMode;
    private String stdoutPath;
    private int stderrMode;
    private String stderrPath;
    private final List<String> preopens = new ArrayList<>();
    private final List<Boolean> readOnly = new ArrayList<>();

    /** A configuration that grants nothing. */
    public WasiConfig() {}

    private static String checked(String s, String what) {
        if (s == null) {
            throw new IllegalArgumentException(what + " must not be null");
        }
        return s;
    }

    /** Sets the arguments; the first is the program's name. */
    public WasiConfig args(String... args) {
        this.args.clear();
        for (String a : args) {
            this.args.add(checked(a, "an argument"));
        }
        return this;
    }

    /** Adds one argument. */
    public WasiConfig arg(String arg) {
        args.add(checked(arg, "an argument"));
        return this;
    }

    /** Sets the environment variable {@code key} to {@code value}. */
    public WasiConfig env(String key, String value) {
        env.add(checked(key, "an environment variable's name"));
        env.add(checked(value, "an environment variable's value"));
        return this;
    }

    /** Passes this process's environment. */
    public WasiConfig inheritEnv() {
        inheritEnv = true;
        return this;
    }

    /** Standard input is this process's. */
    public WasiConfig inheritStdin() {
        stdinMode = INHERIT;
        return this;
    }

    /** Standard input reads {@code bytes}. */
    public WasiConfig stdin(byte[] bytes) {
        stdinMode = BYTES;
        stdinBytes = bytes.clone();
        return this;
    }

    /** Standard input reads the file at {@code path}. */
    public WasiConfig stdinFile(Path path) {
        stdinMode = FILE;
        stdinPath = path.toString();
        return this;
    }

    /** Standard output is this process's. */
    public WasiConfig inheritStdout() {
        stdoutMode = INHERIT;
        return this;
    }

    /** Standard output goes to the file at {@code path}, created or truncated. */
    public WasiConfig stdoutFile(Path path) {
        stdoutMode = FILE;
        stdoutPath = path.toString();
        return this;
    }

    /** Standard output is kept for {@link Store#capturedStdout}. */
    public WasiConfig captureStdout() {
        stdoutMode = CAPTURE;
        return this;
    }

    /** Standard error is this process's. */
    public WasiConfig inheritStderr() {
        stderrMode = INHERIT;
        return this;
    }

    /** Standard error goes to the file at {@code path}, created or truncated. */
    public WasiConfig stderrFile(Path path) {
        stderrMode = FILE;
        stderrPath = path.toString();
        return this;
    }

    /** Standard error is kept for {@link Store#capturedStderr}. */
    public WasiConfig captureStderr() {
        stderrMode = CAPTURE;
        return this;
    }

    /** Grants the directory {@code host}, which the program sees as {@code guest}, read and write. */
    public WasiConfig preopenDir(Path host, String guest) {
        return preopenDir(host, guest, false);
    }

    /** Grants the directory {@code host} as {@code guest}, read-only if {@code readOnly}. */
    public WasiConfig preopenDir(Path host, String guest, boolean readOnly) {
        preopens.add(host.toString());
        preopens.add(checked(guest, "the guest path"));
        this.readOnly.add(readOnly);
        return this;
    }

    void apply(Store<?> store, long handle) {
        boolean[] flags = new boolean[readOnly.size()];
        for (int i = 0; i < flags.length; i++) {
            flags[i] = readOnly.get(i);
        }
        apply(
                store,
                handle,
                args.toArray(new String[0]),
                env.toArray(new String[0]),
                inheritEnv,
                stdinMode,
                stdinPath,
                stdinBytes,
                stdoutMode,
                stdoutPath,
                stderrMode,
                stderrPath,
                preopens.toArray(new String[0]),
                flags);
    }

    private static native void apply(
            Store<?> store,
            long handle,
            String[] args,
            String[] env,
            boolean inheritEnv,
            int stdinMode,
            String stdinPath,
            byte[] stdinBytes,
            int stdoutMode,
            String stdoutPath,
            int stderrMode,
            String stderrPath,
            String[] preopens,
            boolean[] readOnly);

    static native byte[] captured(Store<?> store, long handle, boolean stderr);
}
