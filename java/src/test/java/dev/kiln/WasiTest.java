package dev.kiln;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * WASI through {@link Linker#defineWasi} and {@link WasiConfig}, with the shared programs in {@code
 * tests/conformance/wasi/} (see its README).
 */
class WasiTest {
    static final Path PROGRAMS = Path.of(System.getProperty("kiln.conformance"), "wasi");

    private final Engine engine = new Engine();
    private final Store<Void> store = new Store<>(engine);
    private final Linker<Void> linker = new Linker<Void>(engine).defineWasi();

    @AfterEach
    void close() {
        linker.close();
        store.close();
        engine.close();
    }

    private static String program(String name) throws IOException {
        return Files.readString(PROGRAMS.resolve(name));
    }

    /** Runs {@code wat}'s {@code _start} in the store with {@code config}. */
    private void run(String wat, WasiConfig config) {
        store.setWasi(config);
        try (Module module = Module.fromText(engine, wat)) {
            linker.instantiate(store, module).getTypedFunc("_start").call();
        }
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    @Test
    void argsReachTheProgram() throws IOException {
        run(program("args.wat"), new WasiConfig().args("prog", "--flag", "wörd").captureStdout());
        assertEquals("prog\0--flag\0wörd\0", text(store.capturedStdout()));
        assertArrayEquals(new byte[0], store.capturedStderr());
    }

    @Test
    void argAppendsOneArgument() throws IOException {
        run(program("args.wat"), new WasiConfig().args("prog").arg("x").captureStdout());
        assertEquals("prog\0x\0", text(store.capturedStdout()));
    }

    @Test
    void environmentReachesTheProgram() throws IOException {
        String environ =
                program("args.wat")
                        .replace("\"args_sizes_get\"", "\"environ_sizes_get\"")
                        .replace("\"args_get\"", "\"environ_get\"");
        run(environ, new WasiConfig().env("HOME", "/home/kiln").env("EMPTY", "").captureStdout());
        assertEquals("HOME=/home/kiln\0EMPTY=\0", text(store.capturedStdout()));
    }

    @Test
    void nothingIsGrantedByDefault() throws IOException {
        run(program("args.wat"), new WasiConfig().captureStdout());
        assertEquals("", text(store.capturedStdout()));
    }

    @Test
    void procExitIsAnExitExceptionWithTheCode() throws IOException {
        ExitException e = assertThrows(ExitException.class, () -> run(program("exit.wat"), new WasiConfig()));
        assertEquals(3, e.exitCode());
        assertEquals("exited with code 3", e.getMessage());
        // The store is still usable after the exit.
        run(program("args.wat"), new WasiConfig().args("again").captureStdout());
        assertEquals("again\0", text(store.capturedStdout()));
    }

    @Test
    void preopenedDirectoryIsReadAndWritten(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("in.txt"), "copied through wasm\n");
        run(program("files.wat"), new WasiConfig().preopenDir(dir, "/").captureStderr().captureStdout());
        assertEquals("copied through wasm\n", Files.readString(dir.resolve("out.txt")));
        assertEquals("copied through wasm\n", text(store.capturedStderr()));
        assertEquals("", text(store.capturedStdout()));
    }

    @Test
    void aMissingFileExitsWithItsErrno(@TempDir Path dir) throws IOException {
        ExitException e =
                assertThrows(
                        ExitException.class,
                        () -> run(program("files.wat"), new WasiConfig().preopenDir(dir, "/")));
        assertEquals(44, e.exitCode()); // ENOENT
        assertFalse(Files.exists(dir.resolve("out.txt")));
    }

    @Test
    void aReadOnlyDirectoryRefusesTheWrite(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("in.txt"), "x");
        ExitException e =
                assertThrows(
                        ExitException.class,
                        () -> run(program("files.wat"), new WasiConfig().preopenDir(dir, "/", true)));
        assertEquals(69, e.exitCode()); // EROFS
        assertFalse(Files.exists(dir.resolve("out.txt")));
    }

    @Test
    void withoutAPreopenTheProgramCannotOpenFiles() throws IOException {
        ExitException e = assertThrows(ExitException.class, () -> run(program("files.wat"), new WasiConfig()));
        assertEquals(8, e.exitCode()); // EBADF: there is no fd 3
    }

    @Test
    void stdoutGoesToAFile(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("stdout.txt");
        run(program("args.wat"), new WasiConfig().args("to", "file").stdoutFile(out));
        assertEquals("to\0file\0", Files.readString(out));
        assertArrayEquals(new byte[0], store.capturedStdout());
    }

    /** Copies standard input to standard output, up to 1000 bytes. */
    static final String CAT =
            "(module (import \"wasi_snapshot_preview1\" \"fd_read\" (func $read (param i32 i32 i32 i32) (result i32)))"
                    + " (import \"wasi_snapshot_preview1\" \"fd_write\" (func $write (param i32 i32 i32 i32) (result i32)))"
                    + " (memory (export \"memory\") 1)"
                    + " (func (export \"_start\")"
                    + "   (i32.store (i32.const 16) (i32.const 1000)) (i32.store (i32.const 20) (i32.const 1000))"
                    + "   (drop (call $read (i32.const 0) (i32.const 16) (i32.const 1) (i32.const 24)))"
                    + "   (i32.store (i32.const 20) (i32.load (i32.const 24)))"
                    + "   (drop (call $write (i32.const 1) (i32.const 16) (i32.const 1) (i32.const 28)))))";

    @Test
    void stdinReadsTheGivenBytes() {
        byte[] input = "from java\n".getBytes(StandardCharsets.UTF_8);
        WasiConfig config = new WasiConfig().stdin(input).captureStdout();
        input[0] = 'X'; // the config keeps its own copy
        run(CAT, config);
        assertEquals("from java\n", text(store.capturedStdout()));
    }

    @Test
    void stdinReadsAFile(@TempDir Path dir) throws IOException {
        Path in = dir.resolve("in.txt");
        Files.writeString(in, "file input");
        run(CAT, new WasiConfig().stdinFile(in).captureStdout());
        assertEquals("file input", text(store.capturedStdout()));
    }

    @Test
    void inheritEnvPassesThisProcesssEnvironment() throws IOException {
        String environ =
                program("args.wat")
                        .replace("\"args_sizes_get\"", "\"environ_sizes_get\"")
                        .replace("\"args_get\"", "\"environ_get\"");
        run(environ, new WasiConfig().inheritEnv().captureStdout());
        String path = System.getenv("PATH");
        assertTrue(
                List.of(text(store.capturedStdout()).split("\0")).contains("PATH=" + path),
                "PATH is passed on");
    }

    @Test
    void nullStringsAreRefused() {
        assertEquals(
                "an argument must not be null",
                assertThrows(IllegalArgumentException.class, () -> new WasiConfig().args("a", null)).getMessage());
        assertEquals(
                "an environment variable's value must not be null",
                assertThrows(IllegalArgumentException.class, () -> new WasiConfig().env("A", null)).getMessage());
    }
}
