package dev.kiln;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The pooling allocator: limits reached are {@link KilnException}s naming them, a reused slot never
 * shows the last tenant's memory, and threads create and drop instances at once.
 */
class PoolingTest {
    static final int PAGE = 65536;
    static final String TENANT =
            "(module (memory (export \"memory\") 1) (table (export \"table\") 1 funcref)"
                    + " (func (export \"load\") (param i32) (result i32) (i32.load (local.get 0)))"
                    + " (func (export \"store\") (param i32 i32) (i32.store (local.get 0) (local.get 1)))"
                    + " (func (export \"grow\") (param i32) (result i32) (memory.grow (local.get 0))))";

    static Engine pooling(PoolingAllocationConfig pool) {
        return new Engine(new Config().allocationStrategy(pool));
    }

    @Test
    void exhaustingEachPoolIsAKilnExceptionNamingItsLimit() {
        PoolingAllocationConfig pool =
                new PoolingAllocationConfig().totalCoreInstances(3).totalMemories(2).totalTables(1);
        try (Engine engine = pooling(pool);
                Module empty = Module.fromText(engine, "(module)");
                Module withMemory = Module.fromText(engine, "(module (memory 1))");
                Module withTable = Module.fromText(engine, "(module (table 1 funcref))")) {
            try (Store<Void> store = new Store<>(engine)) {
                for (int i = 0; i < 3; i++) {
                    new Instance(store, empty);
                }
                KilnException e = assertThrows(KilnException.class, () -> new Instance(store, empty));
                assertEquals("maximum concurrent limit of 3 for core instances reached", e.getMessage());
            }
            try (Store<Void> store = new Store<>(engine);
                    Store<Void> other = new Store<>(engine)) {
                new Memory(store, new MemoryType(1));
                new Instance(other, withMemory);
                KilnException e = assertThrows(KilnException.class, () -> new Memory(store, new MemoryType(1)));
                assertEquals("maximum concurrent limit of 2 for memories reached", e.getMessage());
                new Table(store, new TableType(ValType.FUNCREF, 1), null);
                e = assertThrows(KilnException.class, () -> new Instance(other, withTable));
                assertEquals("maximum concurrent limit of 1 for tables reached", e.getMessage());
            }
            // Closing the stores gave their slots back.
            try (Store<Void> store = new Store<>(engine)) {
                new Memory(store, new MemoryType(1));
                new Memory(store, new MemoryType(1));
                new Table(store, new TableType(ValType.FUNCREF, 1), null);
            }
        }
    }

    @Test
    void aMemoryLargerThanASlotIsRefusedAndCannotGrowPastIt() {
        try (Engine engine = pooling(new PoolingAllocationConfig().maxMemorySize(4 * PAGE).tableElements(10));
                Module big = Module.fromText(engine, "(module (memory 5))");
                Module module = Module.fromText(engine, TENANT);
                Store<Void> store = new Store<>(engine)) {
            KilnException e = assertThrows(KilnException.class, () -> new Instance(store, big));
            assertEquals(
                    "memory minimum size of 5 pages exceeds the pooling allocator's limit of 4 pages"
                            + " (max_memory_size of 262144 bytes)",
                    e.getMessage());
            Instance instance = new Instance(store, module);
            TypedFunc grow = instance.getTypedFunc("grow");
            assertEquals(1, grow.callI32ToI32(3));
            assertEquals(-1, grow.callI32ToI32(1));
            assertThrows(KilnException.class, () -> instance.getMemory("memory").grow(1));
        }
    }

    @Test
    void limitsASlotCannotHoldAreRefusedWhenTheEngineIsMade() {
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> pooling(new PoolingAllocationConfig().maxMemorySize((4L << 30) + PAGE)));
        assertEquals(
                "the pooling allocator's max_memory_size of 4295032832 bytes is more than the 4294967296"
                        + " bytes a memory can hold",
                e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new PoolingAllocationConfig().totalMemories(-1));
        e = assertThrows(
                IllegalArgumentException.class, () -> new PoolingAllocationConfig().totalCoreInstances(1L << 32));
        assertEquals("totalCoreInstances must be from 0 to 4294967295, not 4294967296", e.getMessage());
    }

    @Test
    void theConfigCopiesThePoolItIsGiven() {
        PoolingAllocationConfig pool = new PoolingAllocationConfig().totalCoreInstances(1);
        Config config = new Config().allocationStrategy(pool);
        pool.totalCoreInstances(5);
        try (Engine engine = new Engine(config);
                Module empty = Module.fromText(engine, "(module)");
                Store<Void> store = new Store<>(engine)) {
            new Instance(store, empty);
            assertThrows(KilnException.class, () -> new Instance(store, empty));
        }
        // null goes back to allocation on demand.
        try (Engine engine = new Engine(config.allocationStrategy(null));
                Module empty = Module.fromText(engine, "(module)");
                Store<Void> store = new Store<>(engine)) {
            new Instance(store, empty);
            new Instance(store, empty);
        }
    }

    @Test
    void aReusedSlotNeverShowsTheLastTenantsMemory() {
        // One memory slot, so the second tenant gets the first one's; part of it stays resident and
        // is zeroed by writing, the rest is given back to the kernel.
        PoolingAllocationConfig pool =
                new PoolingAllocationConfig()
                        .totalMemories(1)
                        .maxMemorySize(8 * PAGE)
                        .linearMemoryKeepResident(PAGE + 4096);
        try (Engine engine = pooling(pool);
                Module module = Module.fromText(engine, TENANT)) {
            try (Store<Void> store = new Store<>(engine)) {
                Instance instance = new Instance(store, module);
                assertEquals(1, instance.getTypedFunc("grow").callI32ToI32(3));
                TypedFunc put = instance.getTypedFunc("store");
                for (int address : new int[] {0, 4096, PAGE - 4, PAGE, 3 * PAGE + 100, 4 * PAGE - 4}) {
                    put.callI32I32(address, 0x5ec2e7e7);
                }
                instance.getMemory("memory").write(2 * PAGE, "secret from Java".getBytes(StandardCharsets.UTF_8));
                // The slot is taken while the store is open.
                try (Store<Void> next = new Store<>(engine)) {
                    KilnException e = assertThrows(KilnException.class, () -> new Instance(next, module));
                    assertEquals("maximum concurrent limit of 1 for memories reached", e.getMessage());
                }
            }
            try (Store<Void> store = new Store<>(engine)) {
                Instance instance = new Instance(store, module);
                Memory memory = instance.getMemory("memory");
                assertEquals(PAGE, memory.dataSize());
                assertAllZero(memory.buffer());
                assertEquals(1, memory.grow(3));
                assertAllZero(memory.buffer());
                assertEquals(0, instance.getTypedFunc("load").callI32ToI32(3 * PAGE + 100));
                assertArrayEquals(new byte[16], memory.read(2 * PAGE, 16));
            }
        }
    }

    static void assertAllZero(ByteBuffer buffer) {
        while (buffer.hasRemaining()) {
            if (buffer.get() != 0) {
                throw new AssertionError("byte " + (buffer.position() - 1) + " is not zero");
            }
        }
    }

    @Test
    void threadsCreateAndDropInstancesAtOnce() throws Exception {
        int threads = 4;
        int rounds = 300;
        PoolingAllocationConfig pool =
                new PoolingAllocationConfig()
                        .totalCoreInstances(threads)
                        .totalMemories(threads)
                        .totalTables(threads)
                        .maxMemorySize(4 * PAGE);
        ExecutorService executor = Executors.newFixedThreadPool(threads);
        try (Engine engine = pooling(pool);
                Module module = Module.fromText(engine, TENANT)) {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                done.add(
                        executor.submit(
                                () -> {
                                    for (int round = 0; round < rounds; round++) {
                                        try (Store<Void> store = new Store<>(engine)) {
                                            Instance instance = new Instance(store, module);
                                            // The last tenant's value must not be visible.
                                            assertEquals(0, instance.getTypedFunc("load").callI32ToI32(64));
                                            int value = thread * rounds + round + 1;
                                            instance.getTypedFunc("store").callI32I32(64, value);
                                        }
                                    }
                                }));
            }
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
            // Every slot came back: the pool holds its whole count again.
            List<Store<Void>> stores = new ArrayList<>();
            try {
                for (int i = 0; i < threads; i++) {
                    Store<Void> store = new Store<>(engine);
                    stores.add(store);
                    new Instance(store, module);
                }
                Store<Void> extra = new Store<>(engine);
                stores.add(extra);
                KilnException e = assertThrows(KilnException.class, () -> new Instance(extra, module));
                assertEquals("maximum concurrent limit of 4 for core instances reached", e.getMessage());
            } finally {
                stores.forEach(Store::close);
            }
        } finally {
            executor.shutdownNow();
            assertTrue(executor.awaitTermination(10, TimeUnit.SECONDS));
        }
    }
}
