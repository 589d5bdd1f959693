package dev.kiln;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Native memory is given back: stores made and closed over and over do not grow the process. */
class LeakTest {
    static final int WARM_UP = 10_000;
    static final int CYCLES = 100_000;
    /**
     * After the warm-up the JVM's heap, code cache and malloc arenas have reached their working
     * size, so what the remaining 90,000 cycles add is what they leak. 32 MiB over 90,000 cycles
     * is about 370 bytes a cycle. A store that is not freed costs about 3 KiB here (measured by
     * keeping one store in ten: +26 MiB), so losing each cycle's store, its memory, its item
     * tables or its slots would go far past the bound. The JVM's own drift stays well below it:
     * the pom gives the tests a fixed heap, touched up front, so the collector resizing the heap
     * (by 16 MiB steps, which moved VmRSS by up to 34 MiB between these two points) cannot move
     * it, and five runs of the suite then measured -7.2 to +0.2 MiB. Leaks of a few bytes a
     * cycle, such as a lone JNI reference, are too small for this test to see.
     */
    static final long BOUND = 32L << 20;

    static final String MODULE =
            "(module (import \"env\" \"f\" (func $f (param i32) (result i32)))"
                    + " (memory (export \"memory\") 1) (data (i32.const 0) \"kiln\")"
                    + " (func (export \"run\") (param i32) (result i32)"
                    + "   (i32.add (call $f (local.get 0)) (i32.load8_u (i32.const 0)))))";

    static long rssBytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }

    @Test
    void storesCreatedAndClosedDoNotLeak() throws IOException {
        long warm = 0;
        long started = System.nanoTime();
        try (Engine engine = new Engine();
                Module module = Module.fromText(engine, MODULE);
                Linker<Object> linker = new Linker<>(engine)) {
            linker.define("env", "f", HostFunc.i32ToI32(x -> x + 1));
            for (int i = 0; i < CYCLES; i++) {
                if (i == WARM_UP) {
                    System.gc();
                    warm = rssBytes();
                }
                try (Store<Object> store = new Store<>(engine, i)) {
                    Instance instance = linker.instantiate(store, module);
                    assertEquals(i + 1 + 'k', instance.getTypedFunc("run").callI32ToI32(i));
                    if (i % 1000 == 0) {
                        // Now and then, the slower paths too: boxed calls and copies.
                        assertEquals(i + 1 + 'k', instance.getFunc("run").call(i)[0].i32());
                        assertEquals("kiln", instance.getMemory("memory").readString(0, 4));
                    }
                }
            }
        }
        System.gc();
        long end = rssBytes();
        long seconds = (System.nanoTime() - started) / 1_000_000_000L;
        System.out.printf(
                "LeakTest: VmRSS %.1f MiB after %d cycles, %.1f MiB after %d (%+.1f MiB), %d s%n",
                warm / 1048576.0, WARM_UP, end / 1048576.0, CYCLES, (end - warm) / 1048576.0, seconds);
        assertTrue(end - warm < BOUND, "VmRSS grew by " + (end - warm) + " bytes from " + warm + " to " + end);
    }
}
