package dev.kiln;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Module}: compiling, validating, types of imports and exports, serialization. */
class ModuleTest {
    /** {@code (module (func (export "f") (result i32) (i32.const 42)))} in the binary format. */
    static final byte[] ANSWER = {
        0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
        0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7f,
        0x03, 0x02, 0x01, 0x00,
        0x07, 0x05, 0x01, 0x01, 0x66, 0x00, 0x00,
        0x0a, 0x06, 0x01, 0x04, 0x00, 0x41, 0x2a, 0x0b,
    };

    static final String KINDS =
            "(module $kinds"
                    + " (import \"env\" \"f\" (func (param i32 i64) (result f32)))"
                    + " (import \"env\" \"mem\" (memory 1 4))"
                    + " (import \"env\" \"tab\" (table 2 funcref))"
                    + " (import \"env\" \"g\" (global (mut f64)))"
                    + " (func (export \"run\") (param externref) (result funcref i32) (ref.null func) (i32.const 0))"

                    + " (table (export \"table\") 3 10 externref)"
                    + " (global (export \"count\") i64 (i64.const 0))"
                    + " (func (export \"size\") (result i32) (memory.size)))";

    private final Engine engine = new Engine();
    private final Store<Void> store = new Store<>(engine);

    @AfterEach
    void close() {
        store.close();
        engine.close();
    }

    @Test
    void compilesTheBinaryFormat() {
        try (Module module = new Module(engine, ANSWER)) {
            assertEquals(42, new Instance(store, module).getFunc("f").typed().callToI32());
        }
    }

    @Test
    void compilesTheTextFormat() {
        try (Module module = Module.fromText(engine, "(module (func (export \"f\") (result i32) (i32.const 7)))")) {
            assertEquals(7, new Instance(store, module).getFunc("f").typed().callToI32());
        }
    }

    @Test
    void readsAFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("answer.wasm");
        Files.write(file, ANSWER);
        try (Module module = Module.fromFile(engine, file)) {
            assertEquals(42, new Instance(store, module).getFunc("f").typed().callToI32());
        }
        UncheckedIOException e =
                assertThrows(UncheckedIOException.class, () -> Module.fromFile(engine, dir.resolve("none.wasm")));
        assertEquals("cannot read " + dir.resolve("none.wasm"), e.getMessage());
    }

    @Test
    void badTextIsACompileException() {
        CompileException e =
                assertThrows(CompileException.class, () -> Module.fromText(engine, "(module (func (result i32)))"));
        assertEquals("type mismatch: expected i32 but nothing on stack (at offset 0x18)", e.getMessage());
        CompileException syntax = assertThrows(CompileException.class, () -> Module.fromText(engine, "(modul"));
        // The text parser's message points at the place, as rustc does.
        assertEquals(
                "expected valid module field\n     --> <anon>:1:2\n      |\n    1 | (modul\n      |  ^",
                syntax.getMessage());
    }

    @Test
    void validateAcceptsGoodBytesAndNamesWhatIsWrong() {
        Module.validate(engine, ANSWER);
        byte[] bad = ANSWER.clone();
        bad[bad.length - 1] = 0x01; // a nop in place of the body's `end`
        CompileException e = assertThrows(CompileException.class, () -> Module.validate(engine, new byte[] {0, 1, 2}));
        assertEquals("unexpected end-of-file (at offset 0x0)", e.getMessage());
        assertThrows(CompileException.class, () -> Module.validate(engine, bad));
        assertThrows(CompileException.class, () -> new Module(engine, new byte[0]));
    }

    @Test
    void nullInputsAreIllegalArguments() {
        assertEquals(
                "the module's bytes must not be null",
                assertThrows(IllegalArgumentException.class, () -> new Module(engine, (byte[]) null)).getMessage());
        assertEquals(
                "the module's bytes must not be null",
                assertThrows(IllegalArgumentException.class, () -> Module.validate(engine, null)).getMessage());
        assertEquals(
                "the module's bytes must not be null",
                assertThrows(IllegalArgumentException.class, () -> Module.deserialize(engine, null)).getMessage());
        assertEquals(
                "the module's text must not be null",
                assertThrows(IllegalArgumentException.class, () -> Module.fromText(engine, null)).getMessage());
    }

    @Test
    void importsAndExportsCarryTheirTypes() {
        try (Module module = Module.fromText(engine, KINDS)) {
            assertEquals(
                    List.of(
                            new ImportType(
                                    "env",
                                    "f",
                                    FuncType.of(List.of(ValType.I32, ValType.I64), List.of(ValType.F32))),
                            new ImportType("env", "mem", new MemoryType(1, 4)),
                            new ImportType("env", "tab", new TableType(ValType.FUNCREF, 2)),
                            new ImportType("env", "g", new GlobalType(ValType.F64, true))),
                    module.imports());
            assertEquals(
                    List.of(
                            new ExportType(
                                    "run",
                                    FuncType.of(
                                            List.of(ValType.EXTERNREF),
                                            List.of(ValType.FUNCREF, ValType.I32))),
                            new ExportType("table", new TableType(ValType.EXTERNREF, 3, 10)),
                            new ExportType("count", new GlobalType(ValType.I64, false)),
                            new ExportType("size", FuncType.of(List.of(), List.of(ValType.I32)))),
                    module.exports());
            assertEquals(Optional.of("kinds"), module.name());
        }
    }

    @Test
    void nameIsEmptyWithoutANameSection() {
        try (Module module = new Module(engine, ANSWER)) {
            assertEquals(Optional.empty(), module.name());
        }
    }

    @Test
    void serializeAndDeserializeRoundTrip() {
        byte[] artifact;
        try (Module module = Module.fromText(engine, KINDS.replace("$kinds", "$kept"))) {
            artifact = module.serialize();
        }
        try (Module again = Module.deserialize(engine, artifact);
                Module answer = Module.deserialize(engine, new Module(engine, ANSWER).serialize())) {
            assertEquals(Optional.of("kept"), again.name());
            assertEquals(4, again.imports().size());
            assertEquals("count", again.exports().get(2).name());
            assertEquals(42, new Instance(store, answer).getFunc("f").typed().callToI32());
        }
    }

    @Test
    void deserializingGarbageIsAnExceptionNotACrash() {
        CompileException garbage =
                assertThrows(CompileException.class, () -> Module.deserialize(engine, new byte[] {1, 2, 3, 4}));
        assertEquals("not a compiled Kiln module (bad magic bytes)", garbage.getMessage());
        byte[] artifact = new Module(engine, ANSWER).serialize();
        byte[] truncated = java.util.Arrays.copyOf(artifact, artifact.length / 2);
        assertThrows(KilnException.class, () -> Module.deserialize(engine, truncated));
        assertThrows(KilnException.class, () -> Module.deserialize(engine, ANSWER));
        try (Engine other = new Engine(new Config().consumeFuel(true))) {
            KilnException mismatch = assertThrows(KilnException.class, () -> Module.deserialize(other, artifact));
            assertEquals(
                    "the compiled module was made by an engine with other fuel: `false` where this engine has `true`",
                    mismatch.getMessage());
        }
    }

    @Test
    void closeTwiceIsFineAndUseAfterCloseFails() {
        Module module = new Module(engine, ANSWER);
        assertEquals(engine, module.engine());
        module.close();
        module.close();
        assertEquals(
                "the module is closed",
                assertThrows(IllegalStateException.class, module::serialize).getMessage());
        assertEquals(
                "the module is closed",
                assertThrows(IllegalStateException.class, module::exports).getMessage());
        assertEquals(
                "the module is closed",
                assertThrows(IllegalStateException.class, () -> new Instance(store, module)).getMessage());
    }

    @Test
    void instancesKeepRunningAfterTheirModuleIsClosed() {
        Module module = new Module(engine, ANSWER);
        Instance instance = new Instance(store, module);
        module.close();
        assertEquals(42, instance.getFunc("f").typed().callToI32());
    }
}
