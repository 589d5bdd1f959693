package dev.kiln.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.reflect.InvocationTargetException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Kiln's Java package (dev.kiln:kiln) against Chicory, a pure-Java
 * WebAssembly runtime, in its interpreter and its bytecode compiler, in one
 * run.
 *
 * <p>Measures: execution of {@code run()} in each workload, built without
 * SIMD128 by bench/java/build-scalar into bench/java/build/{full,quick}/ since
 * Chicory runs no SIMD instruction (and, for Kiln, the SIMD128 builds of
 * bench/build/ too), with checksums checked against the native build and
 * between engines; a Java-&gt;wasm call of {@code add(i32, i32)}; a
 * wasm-&gt;Java call of an imported {@code host_add(i32, i32) -> i32};
 * reading and writing 1 MiB of linear memory; compiling a generated module of
 * 2,000 small functions and instantiating it; and the floors under these on
 * this machine: an empty JNI call, a JNI call from native code into Java
 * (Probe), and a bulk copy of 1 MiB out of and into a direct ByteBuffer.
 * Every figure is the median of several runs after warm-up.
 *
 * <pre>
 *     bench/java/run [--quick] [--runs N] [--warmup N] [--interp-scale quick|full] [--interp-runs N]
 *                    [--calls N] [--engines kiln,chicory-interp,chicory-compiler] [--workloads fib,sieve]
 *                    [--out FILE] [--no-write]
 * </pre>
 *
 * <p>Each engine runs in its own JVM (this class with {@code --child ENGINE}),
 * so that no engine's classes or JIT profiles slow another's; a child writes
 * each figure on stdout as soon as it has it ({@code @@ key TAB value}), and
 * this parent prints the markdown table and writes it to
 * bench/results/DATE-java.md (DATE-java-quick.md with --quick). If Kiln's
 * package cannot be loaded, the table has Chicory's columns only and says why.
 * A trap, a child that dies or a checksum that differs adds a FAILURES section
 * and exits 1.
 */
public final class Bench {
    static final int MIB = 1 << 20;
    static final String[] WORKLOADS = {
        "fib", "interp", "lz77", "matmul", "nbody", "quicksort", "sha256", "sieve", "simd", "wordcount",
    };
    static final String[] ENGINES = {"kiln", "chicory-interp", "chicory-compiler"};
    static final int BIG_FUNCTIONS = 2000;
    static final int INSTANTIATIONS = 20;
    static final int MEMORY_COPIES = 64;
    /** The least time spent warming up on each workload before its timed runs. */
    static final long WARMUP_NS = 2_000_000_000L;

    // ---------------------------------------------------------------------
    // Options, shared by the parent and its children.

    static final class Options {
        Path benchDir = Paths.get("bench");
        boolean quick;
        int runs = -1;
        int interpRuns = -1;
        String interpScale;
        int warmup = -1;
        int calls = -1;
        List<String> engines = List.of(ENGINES);
        List<String> workloads = List.of(WORKLOADS);
        boolean write = true;
        Path out;
        String child;
        List<String> raw = new ArrayList<>();

        static Options parse(String[] args) {
            Options o = new Options();
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "--quick":
                        o.quick = true;
                        o.raw.add(a);
                        break;
                    case "--no-write":
                        o.write = false;
                        break;
                    case "--child":
                        o.child = args[++i];
                        break;
                    case "--out":
                        o.out = Paths.get(args[++i]);
                        break;
                    case "--bench-dir":
                    case "--runs":
                    case "--interp-runs":
                    case "--interp-scale":
                    case "--warmup":
                    case "--calls":
                    case "--engines":
                    case "--workloads": {
                        if (i + 1 >= args.length) {
                            throw new IllegalArgumentException(a + " needs a value");
                        }
                        String v = args[++i];
                        o.raw.add(a);
                        o.raw.add(v);
                        switch (a) {
                            case "--bench-dir": o.benchDir = Paths.get(v); break;
                            case "--runs": o.runs = Integer.parseInt(v); break;
                            case "--interp-runs": o.interpRuns = Integer.parseInt(v); break;
                            case "--interp-scale": o.interpScale = v; break;
                            case "--warmup": o.warmup = Integer.parseInt(v); break;
                            case "--calls": o.calls = Integer.parseInt(v); break;
                            case "--engines": o.engines = List.of(v.split(",")); break;
                            default: o.workloads = List.of(v.split(",")); break;
                        }
                        break;
                    }
                    default:
                        throw new IllegalArgumentException("unknown argument " + a
                                + "; usage: [--quick] [--runs N] [--warmup N] [--interp-scale quick|full] [--interp-runs N]"
                                + " [--calls N] [--engines a,b] [--workloads a,b] [--bench-dir DIR] [--out FILE] [--no-write]");
                }
            }
            if (o.runs < 0) {
                o.runs = o.quick ? 3 : 5;
            }
            if (o.interpScale == null) {
                // Chicory's interpreter takes several minutes per full-scale
                // workload (about 500 times native): by default it runs the quick
                // builds, and its ratios are to Kiln's times on the same builds.
                o.interpScale = "quick";
            }
            if (!o.interpScale.equals("quick") && !o.interpScale.equals("full")) {
                throw new IllegalArgumentException("--interp-scale is quick or full");
            }
            if (o.quick) {
                o.interpScale = "quick";
            }
            if (o.interpRuns < 0) {
                o.interpRuns = o.interpScale.equals("full") ? 1 : o.runs;
            }
            if (o.calls < 0) {
                o.calls = o.quick ? 200_000 : 2_000_000;
            }
            for (String e : o.engines) {
                if (!Arrays.asList(ENGINES).contains(e)) {
                    throw new IllegalArgumentException("unknown engine " + e + "; engines: " + String.join(",", ENGINES));
                }
            }
            return o;
        }

        String scale() {
            return quick ? "quick" : "full";
        }

        /** The build of bench/build-workloads (with SIMD128). */
        Path wasm(String workload, String scale) {
            return benchDir.resolve("build").resolve(scale).resolve(workload + ".wasm");
        }

        /** The build of bench/java/build-scalar (without SIMD128), which Chicory can run. */
        Path scalarWasm(String workload, String scale) {
            return benchDir.resolve("java").resolve("build").resolve(scale).resolve(workload + ".wasm");
        }

        boolean hasScalar(String workload, String scale) {
            return Files.exists(scalarWasm(workload, scale));
        }

        int warmup() {
            return warmup >= 0 ? warmup : quick ? 2 : 1;
        }
    }

    public static void main(String[] args) throws Exception {
        Options o = Options.parse(args);
        if (o.child != null) {
            System.exit(Child.run(o));
        }
        System.exit(Parent.run(o));
    }

    // ---------------------------------------------------------------------
    // Timing helpers.

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    interface Timed {
        /** One run; returns its duration in ns (or per-operation ns). */
        double once() throws Exception;
    }

    static double medianOf(int warmup, int runs, Timed timed) throws Exception {
        for (int i = 0; i < warmup; i++) {
            timed.once();
        }
        double[] values = new double[runs];
        for (int i = 0; i < runs; i++) {
            values[i] = timed.once();
        }
        return median(values);
    }

    // ---------------------------------------------------------------------
    // A child: one engine, one JVM.

    static final class Child {
        static void emit(String key, String value) {
            System.out.println("@@ " + key + "\t" + value);
            System.out.flush();
        }

        static void emit(String key, double ns) {
            emit(key, Double.toString(ns));
        }

        static void na(String key, String reason) {
            emit(key, "na\t" + reason);
        }

        static void fail(String key, String reason) {
            emit(key, "fail\t" + reason);
        }

        static void log(String message) {
            System.err.println("  " + message);
        }

        static Subject open(String engine) throws Throwable {
            switch (engine) {
                case "chicory-interp":
                    return new ChicorySubject(false);
                case "chicory-compiler":
                    return new ChicorySubject(true);
                default:
                    // KilnSubject is compiled only when dev.kiln:kiln is in the local
                    // Maven repository (the "kiln" profile of bench/java/pom.xml).
                    try {
                        return (Subject) Class.forName("dev.kiln.bench.KilnSubject").getConstructor().newInstance();
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
            }
        }

        static int run(Options o) throws Exception {
            Subject s;
            try {
                s = open(o.child);
            } catch (Throwable e) {
                String reason = e instanceof ClassNotFoundException
                        ? "bench/java was built without dev.kiln:kiln (not in the local Maven repository:"
                                + " run `mvn -f java/pom.xml install` first)"
                        : "cannot load " + o.child + ": " + ChicorySubject.oneLine(e);
                emit("unavailable", reason);
                return 0;
            }
            try (s) {
                section("floors", () -> floors(o, s));
                section("calls", () -> calls(o, s));
                section("compile", () -> compileAndInstantiate(o, s));
                execution(o, s);
            }
            return 0;
        }

        interface Section {
            void run() throws Exception;
        }

        /** Runs a group of measures; an error in one is reported and the next group still runs. */
        static void section(String name, Section section) {
            try {
                section.run();
            } catch (Throwable e) {
                e.printStackTrace();
                fail(name, ChicorySubject.oneLine(e));
            }
        }

        static void floors(Options o, Subject s) throws Exception {
            int n = o.calls;
            if (s.emptyCallLoop(1) < 0) {
                na("floor.jni", s.emptyCallMissing());
            } else {
                double ns = medianOf(3, Math.max(o.runs, 5), () -> {
                    long t0 = System.nanoTime();
                    int r = s.emptyCallLoop(n);
                    long t1 = System.nanoTime();
                    if (r != n) {
                        throw new AssertionError("emptyCallLoop returned " + r);
                    }
                    return (double) (t1 - t0) / n;
                });
                emit("floor.jni", ns);
            }
            if (Probe.MISSING != null) {
                na("floor.probe.empty", Probe.MISSING);
                na("floor.probe.upcall", Probe.MISSING);
            } else {
                emit("floor.probe.empty", medianOf(3, Math.max(o.runs, 5), () -> {
                    long t0 = System.nanoTime();
                    int r = Probe.emptyLoop(n);
                    long t1 = System.nanoTime();
                    if (r != n) {
                        throw new AssertionError();
                    }
                    return (double) (t1 - t0) / n;
                }));
                Probe.Target target = new Probe.Target();
                Object arg = new Object();
                emit("floor.probe.upcall", medianOf(3, Math.max(o.runs, 5), () -> {
                    long t0 = System.nanoTime();
                    int r = Probe.upcalls(target, arg, n);
                    long t1 = System.nanoTime();
                    if (r != n) {
                        throw new AssertionError("upcalls returned " + r);
                    }
                    return (double) (t1 - t0) / n;
                }));
            }
            ByteBuffer direct = ByteBuffer.allocateDirect(MIB);
            byte[] src = pattern(MIB, 7);
            byte[] dst = new byte[MIB];
            emit("floor.bb.get", copyNs(o, () -> direct.get(0, dst)));
            emit("floor.bb.put", copyNs(o, () -> direct.put(0, src)));
            emit("floor.arraycopy", copyNs(o, () -> System.arraycopy(src, 0, dst, 0, MIB)));
        }

        static byte[] pattern(int length, int seed) {
            byte[] b = new byte[length];
            for (int i = 0; i < length; i++) {
                b[i] = (byte) (i * 31 + seed + (i >>> 8));
            }
            return b;
        }

        static double copyNs(Options o, Runnable copy) throws Exception {
            return medianOf(3, Math.max(o.runs, 5), () -> {
                long t0 = System.nanoTime();
                for (int i = 0; i < MEMORY_COPIES; i++) {
                    copy.run();
                }
                return (double) (System.nanoTime() - t0) / MEMORY_COPIES;
            });
        }

        static void calls(Options o, Subject s) throws Exception {
            try {
                s.openCalls(Wasm.callsModule());
            } catch (Exception e) {
                fail("calls", "cannot instantiate the calls module: " + ChicorySubject.oneLine(e));
                return;
            }
            int n = o.calls;
            int expectAdd = 0;
            for (int i = 0; i < n; i++) {
                expectAdd += i;
            }
            final int wantAdd = expectAdd;
            final int wantHost = (int) ((long) n * (n + 1) / 2);
            emit("call.add", medianOf(3, Math.max(o.runs, 5), () -> {
                long t0 = System.nanoTime();
                int r = s.addLoop(n);
                long t1 = System.nanoTime();
                if (r != wantAdd) {
                    throw new AssertionError("add loop returned " + r + ", expected " + wantAdd);
                }
                return (double) (t1 - t0) / n;
            }));
            log(s.label() + ": calls into wasm done");
            emit("call.host", medianOf(3, Math.max(o.runs, 5), () -> {
                long t0 = System.nanoTime();
                int r = s.hostLoop(n);
                long t1 = System.nanoTime();
                if (r != wantHost) {
                    throw new AssertionError("call_host returned " + r + ", expected " + wantHost);
                }
                return (double) (t1 - t0) / n;
            }));
            log(s.label() + ": calls out of wasm done");

            byte[] src = pattern(MIB, 3);
            byte[] dst = new byte[MIB];
            s.writeMemory(src);
            checkCopy("memory write then read", src, s.readForCheck(MIB));
            emit("mem.read", copyNs(o, () -> s.readMemory(dst)));
            emit("mem.write", copyNs(o, () -> s.writeMemory(src)));
            Subject.MemoryView view = s.view();
            if (view == null) {
                na("mem.view.read", "no view of linear memory");
                na("mem.view.write", "no view of linear memory");
            } else {
                byte[] other = pattern(MIB, 5);
                view.write(other);
                checkCopy("write through the view, then read", other, s.readForCheck(MIB));
                view.read(dst);
                checkCopy("read through the view", other, dst);
                emit("mem.view.label", view.label());
                emit("mem.view.read", copyNs(o, () -> view.read(dst)));
                emit("mem.view.write", copyNs(o, () -> view.write(src)));
            }
        }

        static void checkCopy(String what, byte[] expected, byte[] actual) {
            if (!Arrays.equals(expected, actual)) {
                throw new AssertionError(what + " did not give back the bytes written");
            }
        }

        static void compileAndInstantiate(Options o, Subject s) throws Exception {
            int[] seed = {0};
            emit("compile.big", medianOf(2, Math.max(o.runs, 5), () -> {
                byte[] wasm = Wasm.bigModule(BIG_FUNCTIONS, ++seed[0]);
                long t0 = System.nanoTime();
                Object compiled = s.compile(wasm);
                long t1 = System.nanoTime();
                s.dropCompiled(compiled);
                return t1 - t0;
            }));
            Object big = s.compile(Wasm.bigModule(BIG_FUNCTIONS, 0));
            emit("instantiate.big", medianOf(5, INSTANTIATIONS, () -> {
                long t0 = System.nanoTime();
                Object instance = s.instantiate(big);
                long t1 = System.nanoTime();
                s.dropInstance(instance);
                return t1 - t0;
            }));
            s.dropCompiled(big);
            log(s.label() + ": compile and instantiate done");
        }

        static void execution(Options o, Subject s) throws Exception {
            boolean interp = o.child.equals("chicory-interp");
            boolean kiln = o.child.equals("kiln");
            String scale = interp ? o.interpScale : o.scale();
            int runs = interp ? o.interpRuns : o.runs;
            for (String w : o.workloads) {
                String variant = o.hasScalar(w, scale) ? "scalar" : "simd";
                exec(o, s, w, variant, scale, runs);
                if (kiln && !o.interpScale.equals(o.scale()) && o.engines.contains("chicory-interp")) {
                    // The interpreter runs at another scale: Kiln there too, for the ratio.
                    String v = o.hasScalar(w, o.interpScale) ? "scalar" : "simd";
                    exec(o, s, w, v, o.interpScale, o.runs);
                }
                if (kiln && variant.equals("scalar") && Files.exists(o.wasm(w, scale))) {
                    // What the SIMD128 build gives Kiln, for reference.
                    exec(o, s, w, "simd", scale, o.runs);
                }
            }
        }

        /** Measures run() of one build of a workload; emits exec.VARIANT.SCALE.W and checksum.VARIANT.SCALE.W. */
        static void exec(Options o, Subject s, String w, String variant, String scale, int runs) {
            String id = variant + "." + scale + "." + w;
            try {
                Path path = variant.equals("scalar") ? o.scalarWasm(w, scale) : o.wasm(w, scale);
                byte[] wasm = Files.readAllBytes(path);
                long c0 = System.nanoTime();
                Object compiled = s.compile(wasm);
                emit("compile." + id, System.nanoTime() - c0);
                String note = s.compileNote(compiled);
                if (note != null) {
                    emit("note." + id, note);
                }
                if (scale.equals("full") && o.child.equals("chicory-interp")) {
                    // A full-scale run takes minutes in the interpreter: warm it up on
                    // the quick build of the same workload (the same code, smaller).
                    Path quick = variant.equals("scalar") ? o.scalarWasm(w, "quick") : o.wasm(w, "quick");
                    Object warm = s.compile(Files.readAllBytes(quick));
                    Object instance = s.instantiate(warm);
                    s.run(instance);
                    s.dropInstance(instance);
                    s.dropCompiled(warm);
                } else {
                    // At least o.warmup() runs and WARMUP_NS of them: a JIT (Chicory's,
                    // and HotSpot's of the interpreter) settles only after a while, and
                    // a quick-scale run takes milliseconds.
                    long start = System.nanoTime();
                    for (int i = 0; i < o.warmup() || System.nanoTime() - start < WARMUP_NS; i++) {
                        Object instance = s.instantiate(compiled);
                        s.run(instance);
                        s.dropInstance(instance);
                    }
                }
                double[] times = new double[runs];
                long checksum = 0;
                for (int i = 0; i < runs; i++) {
                    Object instance = s.instantiate(compiled);
                    long t0 = System.nanoTime();
                    long sum = s.run(instance);
                    times[i] = System.nanoTime() - t0;
                    s.dropInstance(instance);
                    if (i > 0 && sum != checksum) {
                        throw new AssertionError("run() returned " + sum + " after " + checksum);
                    }
                    checksum = sum;
                    log(String.format(Locale.ROOT, "%s: %s (%s, %s) run %d: %.2f ms", s.label(), w, variant, scale,
                            i + 1, times[i] / 1e6));
                }
                s.dropCompiled(compiled);
                emit("checksum." + id, Long.toString(checksum));
                emit("exec." + id, median(times));
            } catch (Throwable e) {
                String reason = ChicorySubject.oneLine(e);
                log(s.label() + ": " + w + ": " + reason);
                if (variant.equals("simd") && o.child.startsWith("chicory")) {
                    // "Machine doesn't recognize Instruction AnnotatedInstruction{instruction=0x…: I32x4_SPLAT, depth=…}"
                    reason = reason.replaceAll("AnnotatedInstruction\\{instruction=0x[0-9A-Fa-f]+: (\\S+?),.*", "$1");
                    na("exec." + id, s.label() + " runs no SIMD128 instruction: " + reason);
                } else {
                    fail("exec." + id, reason);
                }
            }
        }
    }

    // ---------------------------------------------------------------------
    // The parent: runs the children and prints the table.

    static final class Result {
        final Map<String, String> values = new LinkedHashMap<>();
        String unavailable;
        String died;
    }

    static final class Parent {
        static int run(Options o) throws Exception {
            Map<String, Result> results = new LinkedHashMap<>();
            List<String> failures = new ArrayList<>();
            // Before anything runs: the jar and commit may change while it does.
            String build = kilnBuild(o);
            List<String> load = new ArrayList<>();
            String before = loadAverage();
            Map<String, Double> nativeTimes = nativeRuns(o, failures);
            load.add("native builds " + before + " → " + loadAverage());

            for (String engine : o.engines) {
                System.err.println("bench/java: " + engine);
                before = loadAverage();
                results.put(engine, child(o, engine));
                load.add(engine + " " + before + " → " + loadAverage());
            }
            String report = report(o, build, load, results, nativeTimes, failures);
            System.out.print(report);
            if (o.write) {
                Path out = o.out != null ? o.out : o.benchDir.resolve("results").resolve(
                        LocalDate.now(ZoneOffset.UTC) + "-java" + (o.quick ? "-quick" : "") + ".md");
                Files.createDirectories(out.toAbsolutePath().getParent());
                Files.writeString(out, report);
                System.err.println("bench/java: wrote " + out);
            }
            return failures.isEmpty() ? 0 : 1;
        }

        /**
         * Runs each workload's native build at the main scale (o.runs times) and, if the
         * interpreter runs another scale, once at that one; keeps the checksums in
         * NATIVE_SUMS ("SCALE.W") and returns the median time at the main scale per workload.
         */
        static Map<String, Double> nativeRuns(Options o, List<String> failures) throws Exception {
            Map<String, Double> out = new LinkedHashMap<>();
            List<String> scales = new ArrayList<>(List.of(o.scale()));
            if (!o.interpScale.equals(o.scale()) && o.engines.contains("chicory-interp")) {
                scales.add(o.interpScale);
            }
            for (String scale : scales) {
                for (String w : o.workloads) {
                    Path exe = o.benchDir.resolve("build").resolve(scale).resolve(w);
                    if (!Files.isExecutable(exe)) {
                        continue;
                    }
                    boolean main = scale.equals(o.scale());
                    System.err.println("bench/java: native " + w + " (" + scale + ")");
                    Process p = new ProcessBuilder(exe.toString(), Integer.toString(main ? o.runs : 1))
                            .redirectError(ProcessBuilder.Redirect.INHERIT).start();
                    List<String> lines;
                    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                        lines = r.lines().toList();
                    }
                    if (p.waitFor() != 0 || lines.isEmpty()) {
                        failures.add("native " + w + " (" + scale + ") exited with status " + p.exitValue());
                        continue;
                    }
                    double[] times = new double[lines.size()];
                    long checksum = 0;
                    for (int i = 0; i < lines.size(); i++) {
                        String[] parts = lines.get(i).trim().split("\\s+");
                        times[i] = Double.parseDouble(parts[0]);
                        checksum = Long.parseLong(parts[1]);
                    }
                    NATIVE_SUMS.put(scale + "." + w, checksum);
                    if (main) {
                        out.put(w, median(times));
                    }
                }
            }
            return out;
        }

        static Result child(Options o, String engine) throws Exception {
            Result result = new Result();
            List<String> cmd = new ArrayList<>();
            cmd.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
            cmd.add("-Xss16m");
            cmd.add("-Xmx4g");
            cmd.add("-cp");
            cmd.add(System.getProperty("java.class.path"));
            for (String property : List.of("java.library.path", "kiln.bench.probe", "kiln.library.path")) {
                String value = System.getProperty(property);
                if (value != null) {
                    cmd.add("-D" + property + "=" + value);
                }
            }
            cmd.add(Bench.class.getName());
            cmd.add("--child");
            cmd.add(engine);
            cmd.addAll(o.raw);
            if (!o.raw.contains("--bench-dir")) {
                cmd.add("--bench-dir");
                cmd.add(o.benchDir.toString());
            }
            Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    if (!line.startsWith("@@ ")) {
                        System.err.println("  [" + engine + "] " + line);
                        continue;
                    }
                    int tab = line.indexOf('\t');
                    String key = line.substring(3, tab);
                    String value = line.substring(tab + 1);
                    if (key.equals("unavailable")) {
                        result.unavailable = value;
                        System.err.println("  " + engine + " unavailable: " + value);
                    } else {
                        result.values.put(key, value);
                    }
                }
            }
            int status = p.waitFor();
            if (status != 0) {
                result.died = engine + "'s JVM exited with status " + status;
            }
            return result;
        }

        // -- formatting ------------------------------------------------------

        static Double num(Result r, String key) {
            if (r == null) {
                return null;
            }
            String v = r.values.get(key);
            if (v == null || v.startsWith("na\t") || v.startsWith("fail\t")) {
                return null;
            }
            try {
                return Double.parseDouble(v);
            } catch (NumberFormatException e) {
                return null;
            }
        }

        static String sig(double x) {
            double a = Math.abs(x);
            if (a >= 1000) return String.format(Locale.ROOT, "%.0f", x);
            if (a >= 100) return String.format(Locale.ROOT, "%.1f", x);
            if (a >= 10) return String.format(Locale.ROOT, "%.2f", x);
            if (a >= 1) return String.format(Locale.ROOT, "%.3f", x);
            return String.format(Locale.ROOT, "%.3g", x);
        }

        static String time(Double ns, double scale, String unit) {
            return ns == null ? "n/a" : sig(ns / scale) + " " + unit;
        }

        static String ratio(Double a, Double b) {
            return a == null || b == null || b == 0 ? "" : sig(a / b);
        }

        static String cell(Result r, String key, double scale, String unit) {
            if (r == null) {
                return "";
            }
            if (r.unavailable != null) {
                return "n/a";
            }
            String v = r.values.get(key);
            if (v == null) {
                return r.died != null ? "died" : "n/a";
            }
            if (v.startsWith("fail\t")) {
                return "**failed**";
            }
            return time(num(r, key), scale, unit);
        }

        static String report(Options o, String build, List<String> load, Map<String, Result> results,
                Map<String, Double> nativeTimes, List<String> failures) throws IOException {
            Result kiln = results.get("kiln");
            Result interp = results.get("chicory-interp");
            Result comp = results.get("chicory-compiler");
            List<String> notes = new ArrayList<>();
            StringBuilder sb = new StringBuilder();

            sb.append("# Kiln's Java package against Chicory — ").append(LocalDate.now(ZoneOffset.UTC)).append("\n\n");
            String interpHow = o.interpScale.equals("full")
                    ? String.format(Locale.ROOT, "%d run%s at full scale after a warm-up run of the quick build",
                            o.interpRuns, o.interpRuns == 1 ? "" : "s")
                    : String.format(Locale.ROOT, "median of %d runs at quick scale, warmed up the same way", o.interpRuns);
            sb.append(build);
            sb.append(String.format(Locale.ROOT,
                    "`bench/java/run%s`: Java %s (%s), Chicory %s (runtime and compiler), %s, %d cores; %s scale. "
                            + "Execution: run() in a fresh instance, median of %d runs after %d or more warm-up runs lasting 2 s or more "
                            + "(Chicory's interpreter: %s); native: median of %d runs of the native build. "
                            + "Calls: median of 5 runs of %,d calls after 3 warm-up runs; memory: median of 5 runs of %d copies; "
                            + "compile: median of 5 compilations of a module of %,d functions (different bytes each time); "
                            + "instantiate: median of %d. Every engine ran in its own JVM.\n\n",
                    shownArgs(o),
                    System.getProperty("java.version"), System.getProperty("java.vm.name"),
                    chicoryVersion(), cpuModel(), Runtime.getRuntime().availableProcessors(), o.scale(),
                    o.runs, o.warmup(), interpHow, o.runs,
                    o.calls, MEMORY_COPIES, BIG_FUNCTIONS, INSTANTIATIONS));

            // Checksums: every engine and build of a workload at a scale agrees with the
            // native build at that scale.
            for (String w : o.workloads) {
                for (String scale : List.of("full", "quick")) {
                    Long nativeSum = NATIVE_SUMS.get(scale + "." + w);
                    Long agreed = nativeSum;
                    String from = "native";
                    for (Map.Entry<String, Result> e : results.entrySet()) {
                        for (String variant : List.of("scalar", "simd")) {
                            String v = e.getValue().values.get("checksum." + variant + "." + scale + "." + w);
                            if (v == null) {
                                continue;
                            }
                            long sum = Long.parseLong(v);
                            String who = e.getKey() + " (" + variant + " build, " + scale + ")";
                            if (agreed == null) {
                                agreed = sum;
                                from = who;
                            } else if (agreed != sum) {
                                failures.add(w + ": " + who + " returned " + sum + ", " + from + " " + agreed);
                            }
                        }
                    }
                }
                for (Map.Entry<String, Result> e : results.entrySet()) {
                    for (Map.Entry<String, String> v : e.getValue().values.entrySet()) {
                        String key = v.getKey();
                        if (!key.startsWith("exec.") || !key.endsWith("." + w)) {
                            continue;
                        }
                        String where = " (" + key.substring(5, key.length() - w.length() - 1).replace('.', ' ') + ")";
                        if (v.getValue().startsWith("fail\t")) {
                            failures.add(w + where + " on " + e.getKey() + ": " + v.getValue().substring(5));
                        } else if (v.getValue().startsWith("na\t")) {
                            notes.add("`" + w + "` on " + e.getKey() + ": n/a — " + v.getValue().substring(3));
                        }
                    }
                    for (Map.Entry<String, String> v : e.getValue().values.entrySet()) {
                        if (v.getKey().startsWith("note.") && v.getKey().endsWith("." + w)) {
                            notes.add("`" + w + "` on " + e.getKey() + ": " + v.getValue());
                        }
                    }
                }
            }

            String main = o.scale();
            String iscale = o.interpScale;
            boolean split = !iscale.equals(main) && interp != null;
            boolean simdColumn = kiln != null && kiln.unavailable == null;
            sb.append("| measure | native | Kiln | ");
            if (simdColumn) sb.append("Kiln (SIMD128 build) | ");
            if (split) sb.append("Kiln (").append(iscale).append(" scale) | ");
            sb.append("Chicory interpreter").append(split ? " (" + iscale + " scale)" : "").append(" | ");
            sb.append("Chicory compiler | Kiln/interpreter | Kiln/compiler | Kiln/native |\n");
            sb.append("|---|---:|---:|");
            if (simdColumn) sb.append("---:|");
            if (split) sb.append("---:|");
            sb.append("---:|---:|---:|---:|---:|\n");

            List<Double> ratioInterp = new ArrayList<>();
            List<Double> ratioComp = new ArrayList<>();
            for (String w : o.workloads) {
                String mv = o.hasScalar(w, main) ? "scalar" : "simd";
                String iv = o.hasScalar(w, iscale) ? "scalar" : "simd";
                String key = "exec." + mv + "." + main + "." + w;
                String ikey = "exec." + iv + "." + iscale + "." + w;
                Long shown = NATIVE_SUMS.get(main + "." + w);
                if (shown == null && kiln != null && kiln.values.get("checksum." + mv + "." + main + "." + w) != null) {
                    shown = Long.parseLong(kiln.values.get("checksum." + mv + "." + main + "." + w));
                }
                Double nat = nativeTimes.get(w);
                Double k = num(kiln, key), ki = num(kiln, ikey), i = num(interp, ikey), c = num(comp, key);
                if (ki != null && i != null) ratioInterp.add(ki / i);
                if (k != null && c != null) ratioComp.add(k / c);
                sb.append("| execute ").append(w).append(mv.equals("simd") ? " (SIMD128)" : "")
                        .append(shown == null ? "" : " (run() = " + shown + ")")
                        .append(" | ").append(nat == null ? "n/a" : time(nat, 1e6, "ms"))
                        .append(" | ").append(cell(kiln, key, 1e6, "ms"));
                if (simdColumn) sb.append(" | ").append(mv.equals("simd") ? "" : cell(kiln, "exec.simd." + main + "." + w, 1e6, "ms"));
                if (split) sb.append(" | ").append(cell(kiln, ikey, 1e6, "ms"));
                sb.append(" | ").append(cell(interp, ikey, 1e6, "ms"))
                        .append(" | ").append(cell(comp, key, 1e6, "ms"))
                        .append(" | ").append(ratio(ki, i))
                        .append(" | ").append(ratio(k, c))
                        .append(" | ").append(ratio(k, nat))
                        .append(" |\n");
            }
            Double gI = geomean(ratioInterp), gC = geomean(ratioComp);
            sb.append("| **geometric mean of execution ratios** |  |  | ");
            if (simdColumn) sb.append(" | ");
            if (split) sb.append(" | ");
            sb.append(" |  | ").append(gI == null ? "" : "**" + sig(gI) + "**").append(" | ")
                    .append(gC == null ? "" : "**" + sig(gC) + "**").append(" |  |\n\n");

            sb.append("| measure | Kiln | Chicory interpreter | Chicory compiler | Kiln/interpreter | Kiln/compiler | Kiln/floor |\n");
            sb.append("|---|---:|---:|---:|---:|---:|---:|\n");
            Double jni = num(kiln, "floor.jni");
            Double bbGet = num(firstAvailable(results), "floor.bb.get");
            Double bbPut = num(firstAvailable(results), "floor.bb.put");
            row(sb, "Java->wasm call add(i32,i32)", "call.add", 1, "ns", kiln, interp, comp, jni, "empty JNI call");
            Double upcall = num(kiln, "floor.probe.upcall");
            int before = sb.length();
            row(sb, "wasm->Java call of an import host_add(i32,i32)->i32", "call.host", 1, "ns", kiln, interp, comp, jni, "empty JNI call");
            Double host = num(kiln, "call.host");
            if (upcall != null && host != null && sb.length() > before) {
                // Also against the JNI upcall floor, in the same cell.
                sb.setLength(sb.length() - " |\n".length());
                sb.append("; ").append(ratio(host, upcall)).append(" (JNI upcall) |\n");
            }
            row(sb, "read 1 MiB of memory into a byte[]", "mem.read", 1e3, "µs", kiln, interp, comp, bbGet, "ByteBuffer get");
            row(sb, "write 1 MiB of memory from a byte[]", "mem.write", 1e3, "µs", kiln, interp, comp, bbPut, "ByteBuffer put");
            String viewLabel = kiln == null ? null : kiln.values.get("mem.view.label");
            row(sb, "read 1 MiB through " + (viewLabel == null ? "a view of memory" : viewLabel), "mem.view.read", 1e3, "µs",
                    kiln, interp, comp, bbGet, "ByteBuffer get");
            row(sb, "write 1 MiB through " + (viewLabel == null ? "a view of memory" : viewLabel), "mem.view.write", 1e3, "µs",
                    kiln, interp, comp, bbPut, "ByteBuffer put");
            row(sb, "compile (" + String.format(Locale.ROOT, "%,d", BIG_FUNCTIONS) + " functions)", "compile.big", 1e6, "ms",
                    kiln, interp, comp, null, null);
            row(sb, "instantiate (" + String.format(Locale.ROOT, "%,d", BIG_FUNCTIONS) + " functions)", "instantiate.big", 1e3, "µs",
                    kiln, interp, comp, null, null);
            for (String w : o.workloads) {
                String mv = o.hasScalar(w, o.scale()) ? "scalar" : "simd";
                row(sb, "compile " + w + (mv.equals("simd") ? " (SIMD128)" : ""), "compile." + mv + "." + o.scale() + "." + w,
                        1e6, "ms", kiln, null, comp, null, null);
            }
            Result floors = kiln != null && kiln.unavailable == null ? kiln : firstAvailable(results);
            sb.append("| floor: empty JNI call (`dev.kiln.Native.emptyCall()`) | ").append(cell(kiln, "floor.jni", 1, "ns"))
                    .append(" | n/a | n/a |  |  |  |\n");
            sb.append("| floor: empty JNI call of the harness's own (`Probe.empty()`) | ")
                    .append(cell(floors, "floor.probe.empty", 1, "ns")).append(" |  |  |  |  |  |\n");
            sb.append("| floor: native->Java JNI call of an empty method, as Kiln calls a host function (`CallIntMethodA`), no wasm | ")
                    .append(cell(floors, "floor.probe.upcall", 1, "ns")).append(" |  |  |  |  |  |\n");
            sb.append("| floor: 1 MiB bulk get from a direct ByteBuffer, no wasm | ")
                    .append(cell(floors, "floor.bb.get", 1e3, "µs")).append(" |  |  |  |  |  |\n");
            sb.append("| floor: 1 MiB bulk put into a direct ByteBuffer, no wasm | ")
                    .append(cell(floors, "floor.bb.put", 1e3, "µs")).append(" |  |  |  |  |  |\n");
            sb.append("| floor: 1 MiB System.arraycopy between byte[]s | ")
                    .append(cell(floors, "floor.arraycopy", 1e3, "µs")).append(" |  |  |  |  |  |\n");
            sb.append('\n');

            // Goals of the issue.
            if (kiln != null && kiln.unavailable == null) {
                sb.append("Goals:\n\n");
                goal(sb, "execution ≥ 10× faster than Chicory's interpreter (geomean)", gI == null ? null : 1 / gI, 10, "×", true);
                goal(sb, "execution ≥ 2× faster than Chicory's compiler (geomean)", gC == null ? null : 1 / gC, 2, "×", true);
                goal(sb, "Java->wasm call under 100 ns", num(kiln, "call.add"), 100, " ns", false);
                goal(sb, "wasm->Java call under 100 ns", num(kiln, "call.host"), 100, " ns", false);
                Double readRatio = ratioOrNull(num(kiln, "mem.read"), bbGet);
                Double writeRatio = ratioOrNull(num(kiln, "mem.write"), bbPut);
                sb.append("- memory access at ByteBuffer bulk-copy speed: read ")
                        .append(readRatio == null ? "n/a" : sig(readRatio) + "×")
                        .append(", write ").append(writeRatio == null ? "n/a" : sig(writeRatio) + "×")
                        .append(" the direct-ByteBuffer floor\n\n");
            }

            notes.add(0, "Ratios are Kiln's time over the other's: below 1, Kiln is faster. \"Kiln/floor\" divides by the floor named in that column on the same machine (for calls, an empty JNI call measured in Kiln's JVM; for memory, a bulk copy out of or into a direct ByteBuffer of 1 MiB).");
            notes.add("Chicory's interpreter \"compiles\" by parsing and validating; its compiler parses and generates JVM bytecode (loaded as classes), which HotSpot then compiles as it runs. Instantiation in Kiln includes creating the `Store`.");
            notes.add("Chicory has no read of memory into a caller's array: `Memory.readBytes` allocates the 1 MiB array it returns.");
            notes.add("1-minute load average (of " + Runtime.getRuntime().availableProcessors()
                    + " cores) before and after each part, one being this benchmark: " + String.join("; ", load) + ".");
            for (Map.Entry<String, Result> e : results.entrySet()) {
                if (e.getValue().unavailable != null) {
                    notes.add(e.getKey() + " not measured: " + e.getValue().unavailable);
                }
                if (e.getValue().died != null) {
                    failures.add(e.getValue().died);
                }
                for (Map.Entry<String, String> v : e.getValue().values.entrySet()) {
                    if (v.getValue().startsWith("na\t") && !v.getKey().startsWith("exec.")
                            && !((v.getKey().startsWith("mem.view") || v.getKey().equals("floor.jni")) && !e.getKey().equals("kiln"))) {
                        notes.add(v.getKey() + " on " + e.getKey() + ": n/a — " + v.getValue().substring(3));
                    }
                    if (v.getValue().startsWith("fail\t") && !v.getKey().startsWith("exec.")) {
                        failures.add(v.getKey() + " on " + e.getKey() + ": " + v.getValue().substring(5));
                    }
                }
            }
            for (String n : notes) {
                sb.append("- ").append(n).append('\n');
            }
            if (!failures.isEmpty()) {
                sb.append("\n## FAILURES\n\n");
                for (String f : failures) {
                    sb.append("- ").append(f).append('\n');
                }
            }
            return sb.toString();
        }

        static String shownArgs(Options o) {
            List<String> shown = new ArrayList<>();
            for (int i = 0; i < o.raw.size(); i++) {
                if (o.raw.get(i).equals("--bench-dir")) {
                    i++;
                } else {
                    shown.add(o.raw.get(i));
                }
            }
            return shown.isEmpty() ? "" : " " + String.join(" ", shown);
        }

        static Result firstAvailable(Map<String, Result> results) {
            for (Result r : results.values()) {
                if (r.unavailable == null && r.values.containsKey("floor.bb.get")) {
                    return r;
                }
            }
            return null;
        }

        static Double ratioOrNull(Double a, Double b) {
            return a == null || b == null ? null : a / b;
        }

        static void goal(StringBuilder sb, String what, Double value, double target, String unit, boolean atLeast) {
            sb.append("- ").append(what).append(": ");
            if (value == null) {
                sb.append("n/a\n");
                return;
            }
            boolean met = atLeast ? value >= target : value < target;
            sb.append(sig(value)).append(unit).append(met ? " — met" : " — **not met**").append('\n');
        }

        static void row(StringBuilder sb, String label, String key, double scale, String unit, Result kiln,
                Result interp, Result comp, Double floor, String floorName) {
            Double k = num(kiln, key), i = num(interp, key), c = num(comp, key);
            if (k == null && i == null && c == null) {
                boolean any = false;
                for (Result r : new Result[] {kiln, interp, comp}) {
                    any |= r != null && r.values.containsKey(key);
                }
                if (!any) {
                    return;
                }
            }
            sb.append("| ").append(label).append(" | ")
                    .append(cell(kiln, key, scale, unit)).append(" | ")
                    .append(cell(interp, key, scale, unit)).append(" | ")
                    .append(cell(comp, key, scale, unit)).append(" | ")
                    .append(ratio(k, i)).append(" | ").append(ratio(k, c)).append(" | ")
                    .append(floor == null || k == null ? "" : ratio(k, floor) + " (" + floorName + ")").append(" |\n");
        }

        static Double geomean(List<Double> xs) {
            if (xs.isEmpty()) {
                return null;
            }
            double log = 0;
            for (double x : xs) {
                log += Math.log(x);
            }
            return Math.exp(log / xs.size());
        }

        /** The native checksums, exactly (nativeRuns' doubles would round them). */
        static final Map<String, Long> NATIVE_SUMS = new LinkedHashMap<>();

        /** Which Kiln was measured: the repository's commit and the jar's date. */
        static String kilnBuild(Options o) {
            String commit = "unknown";
            try {
                Process p = new ProcessBuilder("git", "-C", o.benchDir.toString(), "rev-parse", "--short", "HEAD")
                        .redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
                if (p.waitFor() == 0) {
                    commit = out;
                }
            } catch (IOException | InterruptedException e) {
                // no git: leave it unknown
            }
            String jar = "";
            for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
                if (entry.endsWith("kiln-0.1.0.jar") || entry.matches(".*/kiln-[^/]*\\.jar")) {
                    try {
                        jar = ", `" + Paths.get(entry).getFileName() + "` of "
                                + Files.getLastModifiedTime(Paths.get(entry)).toInstant().toString().replaceAll("\\.\\d+Z$", "Z")
                                + " from the local Maven repository";
                    } catch (IOException e) {
                        jar = ", " + entry;
                    }
                }
            }
            return "Repository at " + commit + jar + ". ";
        }

        static String loadAverage() {
            try {
                return Files.readString(Paths.get("/proc/loadavg")).split(" ")[0];
            } catch (IOException e) {
                return "?";
            }
        }

        static String cpuModel() {
            try {
                for (String line : Files.readAllLines(Paths.get("/proc/cpuinfo"))) {
                    if (line.startsWith("model name")) {
                        return line.substring(line.indexOf(':') + 1).trim();
                    }
                }
            } catch (IOException e) {
                // not Linux
            }
            return System.getProperty("os.arch");
        }

        static String chicoryVersion() {
            Package p = com.dylibso.chicory.runtime.Instance.class.getPackage();
            String v = p == null ? null : p.getImplementationVersion();
            return v != null ? v : System.getProperty("chicory.version", "1.7.5");
        }
    }
}
