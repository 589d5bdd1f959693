package dev.kiln.bench;

/**
 * The harness's own JNI floors (src/main/c/upcall.c, built by bench/java/run
 * and named by the system property {@code kiln.bench.probe}): an empty native
 * method, and native code calling an empty Java method n times the way Kiln's
 * host functions are called (CallIntMethodA with two object arguments,
 * returning an int), the floor under any wasm-&gt;Java call through JNI.
 */
final class Probe {
    private Probe() {}

    /** Why the probe is not there, or null once loaded. */
    static final String MISSING = load();

    private static String load() {
        String path = System.getProperty("kiln.bench.probe");
        if (path == null) {
            return "the probe library was not built (bench/java/run builds it with cc)";
        }
        try {
            System.load(path);
            return null;
        } catch (UnsatisfiedLinkError e) {
            return "cannot load " + path + ": " + e.getMessage();
        }
    }

    static native void empty();

    static native int upcalls(Target target, Object arg, int n);

    /** What native code calls: like HostFunc.callNumeric(Store, Object[]), with nothing in it. */
    static final class Target {
        int callNumeric(Object store, Object refs) {
            return 1;
        }
    }

    static int emptyLoop(int n) {
        for (int i = 0; i < n; i++) {
            empty();
        }
        return n;
    }
}
