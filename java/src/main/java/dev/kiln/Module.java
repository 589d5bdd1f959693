package dev.kiln;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ref.Cleaner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * Compiled WebAssembly code, ready to instantiate in any store of its engine. Thread-safe.
 *
 * <pre>{@code
 * try (Module module = new Module(engine, Files.readAllBytes(Path.of("app.wasm")))) {
 *     for (ExportType export : module.exports()) {
 *         System.out.println(export.name() + ": " + export.type());
 *     }
 * }
 * }</pre>
 */
public final class Module implements AutoCloseable {
    static {
        Native.load();
    }

    final NativeResource resource;
    private final Cleaner.Cleanable cleanable;
    private final Engine engine;

    private Module(Engine engine, long handle) {
        this.engine = engine;
        resource = new NativeResource(handle, Module::free, "module");
        cleanable = resource.register(this);
    }

    /**
     * Validates and compiles a module in the binary format (or the text format, as UTF-8 bytes).
     *
     * @throws CompileException if the bytes are not a valid module
     */
    public Module(Engine engine, byte[] bytes) {
        this(engine, compile(engine, bytes));
    }

    /** Refuses null here, which JNI would report only as a failed native call. */
    private static void checkBytes(byte[] bytes) {
        if (bytes == null) {
            throw new IllegalArgumentException("the module's bytes must not be null");
        }
    }

    private static long compile(Engine engine, byte[] bytes) {
        checkBytes(bytes);
        long e = engine.resource.acquire();
        try {
            return compile(e, bytes);
        } finally {
            engine.resource.release();
        }
    }

    /**
     * Compiles a module in the text format (or the binary format, given as text).
     *
     * @throws CompileException if the text is not a valid module
     */
    public static Module fromText(Engine engine, String text) {
        if (text == null) {
            throw new IllegalArgumentException("the module's text must not be null");
        }
        long e = engine.resource.acquire();
        try {
            return new Module(engine, compileText(e, text));
        } finally {
            engine.resource.release();
        }
    }

    /** Compiles the module in the file at {@code path}, binary or text. */
    public static Module fromFile(Engine engine, Path path) {
        try {
            return new Module(engine, Files.readAllBytes(path));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path, e);
        }
    }

    /**
     * Checks that {@code bytes} are a valid module for {@code engine}, without compiling.
     *
     * @throws CompileException naming what is wrong
     */
    public static void validate(Engine engine, byte[] bytes) {
        checkBytes(bytes);
        long e = engine.resource.acquire();
        try {
            validate(e, bytes);
        } finally {
            engine.resource.release();
        }
    }

    /**
     * Loads a module that {@link #serialize} produced, without compiling it again. The bytes are
     * machine code that will run as is: only load what a trusted Kiln serialized. An artifact of
     * another Kiln version or another configuration is refused with {@link KilnException}.
     */
    public static Module deserialize(Engine engine, byte[] bytes) {
        checkBytes(bytes);
        long e = engine.resource.acquire();
        try {
            return new Module(engine, deserialize(e, bytes));
        } finally {
            engine.resource.release();
        }
    }

    /** The compiled code, for {@link #deserialize}. */
    public byte[] serialize() {
        long h = resource.acquire();
        try {
            return serialize(h);
        } finally {
            resource.release();
        }
    }

    /** The engine the module was compiled for. */
    public Engine engine() {
        return engine;
    }

    /** The name from the module's name section, if it has one. */
    public Optional<String> name() {
        long h = resource.acquire();
        try {
            return Optional.ofNullable(name(h));
        } finally {
            resource.release();
        }
    }

    /** What the module imports, in order. */
    public List<ImportType> imports() {
        long h = resource.acquire();
        Object[] flat;
        try {
            flat = imports(h);
        } finally {
            resource.release();
        }
        List<ImportType> out = new ArrayList<>(flat.length / 3);
        for (int i = 0; i < flat.length; i += 3) {
            out.add(
                    new ImportType(
                            (String) flat[i], (String) flat[i + 1], ExternType.decode((long[]) flat[i + 2])));
        }
        return Collections.unmodifiableList(out);
    }

    /** What the module exports, in order. */
    public List<ExportType> exports() {
        long h = resource.acquire();
        Object[] flat;
        try {
            flat = exports(h);
        } finally {
            resource.release();
        }
        List<ExportType> out = new ArrayList<>(flat.length / 3);
        for (int i = 0; i < flat.length; i += 3) {
            out.add(new ExportType((String) flat[i + 1], ExternType.decode((long[]) flat[i + 2])));
        }
        return Collections.unmodifiableList(out);
    }

    /** Releases the module; instances made from it keep running. Safe to call twice. */
    @Override
    public void close() {
        cleanable.clean();
    }

    private static native long compile(long engine, byte[] bytes);

    private static native long compileText(long engine, String text);

    private static native void validate(long engine, byte[] bytes);

    private static native long deserialize(long engine, byte[] bytes);

    private static native byte[] serialize(long handle);

    private static native String name(long handle);

    private static native Object[] imports(long handle);

    private static native Object[] exports(long handle);

    private static native void free(long handle);
}
