package dev.kiln;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
