package dev.kiln;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** {@link Config}'s memory settings, and what a memory that may move means for {@link Memory#buffer}. */
class MemorySettingsTest {
    static final int PAGE = 65536;
    static final String GROWER =
            "(module (memory (export \"memory\") 1)"
                    + " (func (export \"grow\") (param i32) (result i32) (memory.grow (local.get 0)))"
                    + " (func (export \"load\") (param i32) (result i32) (i32.load (local.get 0))))";

    @Test
    void aMemoryStaysWithinItsReservationUnlessItMayMove() {
        Config config =
                new Config().memoryReservation(2 * PAGE).memoryGuardSize(PAGE).memoryReservationForGrowth(0);
        try (Engine engine = new Engine(config);
                Module module = Module.fromText(engine, GROWER);
                Store<Void> store = new Store<>(engine)) {
            Instance instance = new Instance(store, module);
            Memory memory = instance.getMemory("memory");
            memory.buffer().put(7, (byte) 7);
            assertEquals(1, memory.grow(1));
            KilnException e = assertThrows(KilnException.class, () -> memory.grow(1));
            assertEquals("failed to grow memory of 2 pages by 1 pages", e.getMessage());
            assertEquals(-1, instance.getTypedFunc("grow").callI32ToI32(1));
            assertEquals(7, memory.buffer().get(7));
            // Past the reservation, wasm traps rather than reading the guard.
            TrapException trap =
                    assertThrows(TrapException.class, () -> instance.getTypedFunc("load").callI32ToI32(2 * PAGE));
            assertEquals(TrapCode.MEMORY_OUT_OF_BOUNDS, trap.code());
        }
    }

    @Test
    void aMemoryThatMayMoveGrowsPastItsReservationAndRefusesBuffers() {
        Config config =
                new Config().memoryReservation(2 * PAGE).memoryReservationForGrowth(0).memoryMayMove(true);
        try (Engine engine = new Engine(config);
                Module module = Module.fromText(engine, GROWER);
                Store<Void> store = new Store<>(engine)) {
            Instance instance = new Instance(store, module);
            Memory memory = instance.getMemory("memory");
            memory.write(7, new byte[] {7});
            assertEquals(1, instance.getTypedFunc("grow").callI32ToI32(4));
            assertEquals(5, memory.grow(1));
            assertEquals(6 * PAGE, memory.dataSize());
            assertArrayEquals(new byte[] {7}, memory.read(7, 1));
            assertEquals(7, instance.getTypedFunc("load").callI32ToI32(7));
            IllegalStateException e = assertThrows(IllegalStateException.class, memory::buffer);
            assertEquals(
                    "Memory.buffer() is not available on an engine whose memories may move"
                            + " (Config.memoryMayMove(true) with a memoryReservation under 4 GiB): use read and write",
                    e.getMessage());
        }
        // With the default 4 GiB reservation, or pooled, nothing moves and buffers are given.
        for (Config still :
                new Config[] {
                    new Config().memoryMayMove(true),
                    new Config()
                            .memoryMayMove(true)
                            .memoryReservation(PAGE)
                            .allocationStrategy(new PoolingAllocationConfig())
                }) {
            try (Engine engine = new Engine(still);
                    Store<Void> store = new Store<>(engine)) {
                assertEquals(PAGE, new Memory(store, new MemoryType(1)).buffer().capacity());
            }
        }
    }

    @Test
    void badMemorySettingsAreIllegalArguments() {
        assertThrows(IllegalArgumentException.class, () -> new Config().memoryReservation(-1));
        assertThrows(IllegalArgumentException.class, () -> new Config().memoryGuardSize(-1));
        assertThrows(IllegalArgumentException.class, () -> new Config().memoryReservationForGrowth(-1));
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class, () -> new Engine(new Config().memoryGuardSize(1L << 50)));
        assertEquals(
                "memory_guard_size of 1125899906842624 bytes is more than the 70368744177664 bytes a host's"
                        + " address space can hold",
                e.getMessage());
    }
}
