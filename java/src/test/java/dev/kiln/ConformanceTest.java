package dev.kiln;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The shared conformance vectors ({@code tests/conformance/vectors.json}, described in its README)
 * through the Java API: the same results, traps and host calls as every Kiln binding. One test per
 * case. The directory comes in as the system property {@code kiln.conformance} (see the pom).
 */
class ConformanceTest {
    static final Path VECTORS = Path.of(System.getProperty("kiln.conformance"), "vectors.json");
    static final String HOST_FAILURE = "host failure";

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> cases() throws IOException {
        Map<String, Object> root = (Map<String, Object>) Json.parse(Files.readString(VECTORS));
        return (List<Map<String, Object>>) root.get("cases");
    }

    @Test
    void everyCaseIsRunOnceByName() throws IOException {
        List<Map<String, Object>> cases = cases();
        assertEquals(12, cases.size());
        assertEquals(cases.size(), new HashSet<>(cases.stream().map(c -> c.get("name")).toList()).size());
    }

    @TestFactory
    Stream<DynamicTest> conformance() throws IOException {
        return cases().stream()
                .map(c -> DynamicTest.dynamicTest((String) c.get("name"), () -> runCase(c)));
    }

    /** {@code TYPE:VALUE} as a {@link Val}; i64 from its decimal digits, never through a double. */
    static Val parse(String text) {
        int colon = text.indexOf(':');
        String type = text.substring(0, colon);
        String value = text.substring(colon + 1);
        switch (type) {
            case "i32":
                return Val.i32(Integer.parseInt(value));
            case "i64":
                return Val.i64(Long.parseLong(value));
            case "f32":
                return Val.f32((float) parseFloat(value));
            case "f64":
                return Val.f64(parseFloat(value));
            default:
                throw new IllegalArgumentException("unknown value type in " + text);
        }
    }

    private static double parseFloat(String value) {
        switch (value) {
            case "inf":
                return Double.POSITIVE_INFINITY;
            case "-inf":
                return Double.NEGATIVE_INFINITY;
            case "nan":
                return Double.NaN;
            default:
                return Double.parseDouble(value);
        }
    }

    /** An expected {@code nan} matches any NaN; everything else must be bit for bit the same. */
    static void assertMatches(String expected, Val actual, String context) {
        Val want = parse(expected);
        assertEquals(want.type(), actual.type(), context);
        switch (want.type()) {
            case F32:
                if (Float.isNaN(want.f32())) {
                    assertTrue(Float.isNaN(actual.f32()), context + ": expected NaN, got " + actual);
                    return;
                }
                break;
            case F64:
                if (Double.isNaN(want.f64())) {
                    assertTrue(Double.isNaN(actual.f64()), context + ": expected NaN, got " + actual);
                    return;
                }
                break;
            default:
                break;
        }
        assertEquals(want, actual, context);
    }

    @SuppressWarnings("unchecked")
    private static void runCase(Map<String, Object> testCase) {
        RuntimeException hostFailure = new RuntimeException(HOST_FAILURE);
        try (Engine engine = new Engine();
                Store<Void> store = new Store<>(engine);
                Linker<Void> linker = new Linker<>(engine);
                Module module = Module.fromText(engine, (String) testCase.get("module"))) {
            linker.define("conformance", "double", HostFunc.i32ToI32(x -> x * 2));
            linker.define("conformance", "fail", HostFunc.toVoid(() -> {
                throw hostFailure;
            }));
            Instance instance = linker.instantiate(store, module);
            List<Map<String, Object>> steps = (List<Map<String, Object>>) testCase.get("steps");
            for (int index = 0; index < steps.size(); index++) {
                Map<String, Object> step = steps.get(index);
                String context = "step " + index + " " + step;
                if (step.containsKey("invoke")) {
                    Func func = instance.getFunc((String) step.get("invoke"));
                    Object[] args = ((List<String>) step.get("args")).stream().map(ConformanceTest::parse).toArray();
                    if (step.containsKey("trap")) {
                        String text = (String) step.get("trap");
                        RuntimeException e = assertThrows(RuntimeException.class, () -> func.call(args), context);
                        if (text.equals(HOST_FAILURE)) {
                            // A host function's exception comes back as itself, not as a trap.
                            assertSame(hostFailure, e, context);
                        } else {
                            assertEquals(TrapException.class, e.getClass(), context);
                        }
                        assertTrue(e.getMessage().contains(text), context + ": \"" + e.getMessage() + "\"");
                    } else {
                        List<String> expect = (List<String>) step.get("expect");
                        Val[] results = func.call(args);
                        assertEquals(expect.size(), results.length, context);
                        for (int i = 0; i < results.length; i++) {
                            assertMatches(expect.get(i), results[i], context + " result " + i);
                        }
                    }
                } else if (step.containsKey("read_memory")) {
                    Memory memory = instance.getMemory((String) step.get("read_memory"));
                    byte[] want = HexFormat.of().parseHex((String) step.get("expect_hex"));
                    long offset = (Long) step.get("offset");
                    assertArrayEquals(want, memory.read(offset, want.length), context);
                } else if (step.containsKey("read_global")) {
                    Global global = instance.getGlobal((String) step.get("read_global"));
                    assertMatches((String) step.get("expect"), global.get(), context);
                } else {
                    fail("unknown step " + step);
                }
            }
        }
    }

    @Test
    void jsonReaderReadsWhatTheVectorsUse() {
        assertEquals(
                Map.of("a", List.of(1L, -2L, 2.5, true, false), "b", "x\"\\\n\u00e9", "c", Map.of()),
                Json.parse("{\"a\": [1, -2, 2.5, true, false], \"b\": \"x\\\"\\\\\\n\\u00e9\", \"c\": {}}"));
        assertEquals(null, Json.parse(" null "));
        assertEquals(
                "bad JSON at offset 5: expected ']'",
                assertThrows(IllegalArgumentException.class, () -> Json.parse("[1, 2")).getMessage());
    }
}
