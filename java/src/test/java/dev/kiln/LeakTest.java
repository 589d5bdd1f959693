package dev.kiln;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
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
     * tables or its slots would go far past the bound, while the drift seen between runs (VmRSS
     * falling by 10 MiB to 100 MiB as the collector shrinks the heap, the rest within a few MiB)
     * stays below it. Leaks of a few bytes a cycle, such as a lone JNI reference, are too small
     * for this test to see.
     */
    static final long BOUND = 32L << 20;

    static final String MODULE =
            "(module (import \"env\" \"f\" (func $f (param i32) (result i32)))"
                    + " (memory (export \"memory\") 1) (data (i32.const 0) \"kiln\")"
                    + " (func (export \"run\") (param i32) (result i32)"
                    + "   (i32.add (call $f (local.get 0)) (i32.load8_u (i32.const 0)))))";

    /** The Java heap's committed bytes, which VmRSS counts too once the heap has touched them. */
    static long heapBytes() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getCommitted();
    }

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
        long warmNative = 0;
        long started = System.nanoTime();
        try (Engine engine = new Engine();
                Module module = Module.fromText(engine, MODULE);
                Linker<Object> linker = new Linker<>(engine)) {
            linker.define("env", "f", HostFunc.i32ToI32(x -> x + 1));
            for (int i = 0; i < CYCLES; i++) {
                if (i == WARM_UP) {
                    System.gc();
                    warm = rssBytes();
                    warmNative = warm - heapBytes();
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
        long endNative = end - heapBytes();
        long seconds = (System.nanoTime() - started) / 1_000_000_000L;
        System.out.printf(
                "LeakTest: VmRSS %.1f MiB after %d cycles, %.1f MiB after %d (%+.1f MiB);"
                        + " without the Java heap %.1f MiB, %.1f MiB (%+.1f MiB); %d s%n",
                warm / 1048576.0, WARM_UP, end / 1048576.0, CYCLES, (end - warm) / 1048576.0,
                warmNative / 1048576.0, endNative / 1048576.0, (endNative - warmNative) / 1048576.0,
                seconds);
        assertTrue(
                end - warm < BOUND,
                "VmRSS grew by " + (end - warm) + " bytes from " + warm + " to " + end);
        // The Java heap grows and shrinks by tens of MiB as the collector sees fit, which could hide
        // a native leak in VmRSS alone: what is left without it must not grow either.
        assertTrue(
                endNative - warmNative < BOUND,
                "VmRSS without the Java heap grew by " + (endNative - warmNative) + " bytes from "
                        + warmNative + " to " + endNative);
    }
}
