package dev.kiln;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class SmokeTest {
    @Test
    void addsTwoNumbers() {
        try (Engine engine = new Engine();
                Store<Void> store = new Store<>(engine);
                Module module =
                        Module.fromText(
                                engine,
                                "(module (func (export \"add\") (param i32 i32) (result i32)"
                                        + " (i32.add (local.get 0) (local.get 1))))")) {
            Instance instance = new Instance(store, module);
            assertEquals(5, instance.getFunc("add").typed().callI32I32ToI32(2, 3));
            assertEquals(7, instance.getFunc("add").call(3, 4)[0].i32());
        }
    }
}
