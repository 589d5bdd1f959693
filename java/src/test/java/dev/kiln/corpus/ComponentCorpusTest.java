package dev.kiln.corpus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.kiln.Component;
import dev.kiln.Engine;
import dev.kiln.Json;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Replays the WIT corpus's case files ({@code wit-tools/tests/cases}, format in
 * {@code wit-tools/tests/README.md}) through the Java glue {@code kiln bindgen
 * --lang java} generated for each world (the golden files under {@code
 * wit-tools/golden/java}, compiled with these tests), on the guest components
 * {@code cargo run -p kiln-wit-guests} builds. Each test runs on a fresh
 * instance, store and host ({@link Hosts}).
 *
 * <p>Known failures are listed, each with its reason, in {@code
 * src/test/wit-known-failures.txt}: a listed test must fail, and an unlisted one
 * must pass.
 *
 * <p>After the replay, {@code <target>/wit-corpus/java.tsv} holds one {@code
 * world passed failed known_failures} line (tab-separated) per world, for the
 * cross-language matrix ({@code wit-tools/tests/matrix}).
 */
class ComponentCorpusTest {
    static final Path CASES = Path.of(System.getProperty("kiln.wit.cases"));
    static final Path GUESTS = Path.of(System.getProperty("kiln.wit.guests"));
    static final Path KNOWN_FAILURES = Path.of("src/test/wit-known-failures.txt");
    static final List<String> WORLDS = List.of("scalars", "lists", "variants", "resources", "traps");

    private static final Engine ENGINE = new Engine();
    /** Per world: passed, failed (unlisted, or listed and passing), known failures. */
    private static final Map<String, int[]> COUNTS = new TreeMap<>();

    /** The known failures: "world/test" to its reason. */
    static Map<String, String> knownFailures() throws IOException {
        Map<String, String> known = new LinkedHashMap<>();
        for (String line : Files.readAllLines(KNOWN_FAILURES)) {
            line = line.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int space = line.indexOf(' ');
            if (space < 0) {
                throw new IllegalStateException("a known failure needs a reason: " + line);
            }
            known.put(line.substring(0, space), line.substring(space + 1).strip());
        }
        return known;
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> tests(String world) throws IOException {
        Map<String, Object> file = (Map<String, Object>) Json.parse(Files.readString(CASES.resolve(world + ".json")));
        assertEquals(world, file.get("world"));
        return (List<Map<String, Object>>) file.get("tests");
    }

    @TestFactory
    List<DynamicTest> corpus() throws IOException {
        Map<String, String> known = knownFailures();
        List<DynamicTest> out = new ArrayList<>();
        for (String world : WORLDS) {
            Component component = Component.fromFile(ENGINE, GUESTS.resolve(world + ".wasm"));
            for (Map<String, Object> test : tests(world)) {
                String name = world + "/" + test.get("name");
                out.add(DynamicTest.dynamicTest(name, () -> {
                    String failure = run(world, component, test);
                    String reason = known.get(name);
                    int[] counts = COUNTS.computeIfAbsent(world, w -> new int[3]);
                    counts[failure == null ? (reason == null ? 0 : 1) : (reason == null ? 1 : 2)]++;
                    if (reason != null && failure == null) {
                        fail(name + " passes: remove it from " + KNOWN_FAILURES);
                    }
                    if (reason == null && failure != null) {
                        fail(name + ": " + failure);
                    }
                }));
            }
        }
        return out;
    }

    @Test
    void knownFailuresNameCorpusTests() throws IOException {
        List<String> all = new ArrayList<>();
        for (String world : WORLDS) {
            for (Map<String, Object> test : tests(world)) {
                all.add(world + "/" + test.get("name"));
            }
        }
        for (String name : knownFailures().keySet()) {
            assertTrue(all.contains(name), name + " in " + KNOWN_FAILURES + " is not a corpus test");
        }
    }

    @AfterAll
    static void summary() throws IOException {
        int passed = 0;
        int failed = 0;
        StringBuilder per = new StringBuilder();
        StringBuilder tsv = new StringBuilder();
        for (Map.Entry<String, int[]> e : COUNTS.entrySet()) {
            int[] c = e.getValue();
            passed += c[0];
            failed += c[1] + c[2];
            per.append(per.length() == 0 ? "" : ", ").append(e.getKey()).append(' ').append(c[0]);
            tsv.append(e.getKey()).append('\t').append(c[0]).append('\t').append(c[1]).append('\t').append(c[2])
                    .append('\n');
        }
        if (!COUNTS.isEmpty()) {
            System.out.println("WIT corpus through the generated Java glue: " + passed + " passed, " + failed
                    + " failed (" + per + ")");
            Path dir = targetDir().resolve("wit-corpus");
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("java.tsv"), tsv.toString());
        }
    }

    /** The cargo target directory: CARGO_TARGET_DIR (relative to the repository) or its target/. */
    static Path targetDir() {
        Path repo = Path.of(System.getProperty("kiln.repo", ".."));
        String env = System.getenv("CARGO_TARGET_DIR");
        return repo.resolve(env == null || env.isEmpty() ? "target" : env);
    }

    /** Runs one test: null when it passes, else what went wrong. */
    @SuppressWarnings("unchecked")
    static String run(String world, Component component, Map<String, Object> test) {
        Values values = new Values();
        Hosts.Session session;
        try {
            session = Hosts.open(world, ENGINE, component);
        } catch (RuntimeException e) {
            return "instantiation: " + e;
        }
        List<Map<String, Object>> steps = (List<Map<String, Object>>) test.get("steps");
        for (int i = 0; i < steps.size(); i++) {
            try {
                step(session, values, steps.get(i));
            } catch (AssertionError | Exception e) {
                return "step " + i + ": " + e;
            }
        }
        if (!values.labels.isEmpty()) {
            return "resources left behind: " + values.labels.keySet();
        }
        return null;
    }

    /** The object and method that call the export {@code name}. */
    static Object[] resolve(Object world, String name) throws ReflectiveOperationException {
        Object target = world;
        String func = name;
        int hash = name.indexOf('#');
        if (hash >= 0) {
            String iface = name.substring(0, hash);
            func = name.substring(hash + 1);
            String shortName = iface.substring(iface.indexOf('/') + 1);
            int at = shortName.indexOf('@');
            if (at >= 0) {
                shortName = shortName.substring(0, at);
            }
            target = world.getClass().getMethod(camel(shortName, false)).invoke(world);
        }
        String method;
        if (func.startsWith("[constructor]")) {
            method = "new" + camel(func.substring("[constructor]".length()), true);
        } else if (func.startsWith("[method]") || func.startsWith("[static]")) {
            String rest = func.substring(func.indexOf(']') + 1);
            int dot = rest.indexOf('.');
            method = camel(rest.substring(0, dot), false) + camel(rest.substring(dot + 1), true);
        } else {
            method = camel(func, false);
        }
        for (Method m : target.getClass().getMethods()) {
            if (m.getName().equals(method) || m.getName().equals(method + "_")) {
                return new Object[] {target, m};
            }
        }
        throw new NoSuchMethodException(target.getClass().getName() + "." + method + " for " + name);
    }

    /** lowerCamelCase (or UpperCamelCase) of a kebab-case name. */
    static String camel(String kebab, boolean upper) {
        StringBuilder out = new StringBuilder();
        boolean up = upper;
        for (char c : kebab.toCharArray()) {
            if (c == '-') {
                up = true;
            } else {
                out.append(up ? Character.toUpperCase(c) : c);
                up = false;
            }
        }
        return out.toString();
    }

    @SuppressWarnings("unchecked")
    static void step(Hosts.Session session, Values values, Map<String, Object> step) throws Exception {
        if (step.containsKey("drop")) {
            String name = (String) step.get("drop");
            Object handle = values.labels.remove(name);
            if (handle == null) {
                throw new AssertionError("no resource named " + name);
            }
            if (handle instanceof AutoCloseable c) {
                c.close();
            } else {
                session.dropHostResource(handle);
            }
            return;
        }
        if (step.containsKey("host")) {
            Object state = session.state((String) step.get("host"));
            if (!state.equals(step.get("expect"))) {
                throw new AssertionError("host state " + step.get("host") + ": expected " + step.get("expect")
                        + ", got " + state);
            }
            return;
        }
        String name = (String) step.get("call");
        Object[] resolved = resolve(session.world(), name);
        Method method = (Method) resolved[1];
        Type[] types = method.getGenericParameterTypes();
        List<Object> json = (List<Object>) step.get("args");
        if (json.size() != types.length) {
            throw new AssertionError(name + " takes " + types.length + " arguments, the step gives " + json.size());
        }
        Object[] args = new Object[types.length];
        for (int i = 0; i < args.length; i++) {
            args[i] = values.toJava(json.get(i), types[i]);
        }
        Object result = null;
        Throwable thrown = null;
        try {
            result = method.invoke(resolved[0], args);
        } catch (InvocationTargetException e) {
            thrown = e.getCause();
        }
        forgetMoved(values);
        if (step.containsKey("trap")) {
            if (thrown == null) {
                throw new AssertionError(name + " returned " + result + " instead of trapping");
            }
            String kind = (String) step.get("trap");
            if (!trapMatches(kind, step, thrown)) {
                throw new AssertionError(name + ": expected a trap of kind " + kind + ", got " + thrown);
            }
            return;
        }
        if (thrown != null) {
            throw new AssertionError(name + " failed: " + thrown, thrown);
        }
        if (step.containsKey("expect")) {
            values.match(step.get("expect"), result, method.getGenericReturnType(), name);
        }
    }

    /** Forgets the handles the last call moved into the guest. */
    static void forgetMoved(Values values) throws ReflectiveOperationException {
        Iterator<Map.Entry<String, Object>> it = values.labels.entrySet().iterator();
        while (it.hasNext()) {
            Object handle = it.next().getValue();
            if (!(Boolean) handle.getClass().getMethod("isLive").invoke(handle)) {
                it.remove();
            }
        }
    }

    /** Whether {@code thrown} is a trap of {@code kind} (the words looked for are the engine's). */
    static boolean trapMatches(String kind, Map<String, Object> step, Throwable thrown) {
        String text = String.valueOf(thrown.getMessage()).toLowerCase(Locale.ROOT);
        String needle;
        switch (kind) {
            case "host":
                return thrown instanceof Hosts.HostFailure
                        && (!step.containsKey("message") || thrown.getMessage().contains((String) step.get("message")));
            case "unreachable":
                needle = "unreachable";
                break;
            case "invalid-utf8":
                needle = "utf-8";
                break;
            case "invalid-char":
                needle = "invalid char";
                break;
            case "invalid-discriminant":
                needle = "discriminant";
                break;
            case "out-of-bounds":
                needle = "out of bounds";
                break;
            case "misaligned":
                needle = "not aligned";
                break;
            case "unknown-handle":
                needle = "handle";
                break;
            case "poisoned":
                needle = "cannot enter";
                break;
            default:
                return false;
        }
        return thrown instanceof dev.kiln.TrapException && text.contains(needle);
    }
}
