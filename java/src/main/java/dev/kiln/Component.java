package dev.kiln;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ref.Cleaner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A compiled WebAssembly component: decoded, validated and compiled once, then
 * instantiated any number of times with a {@link ComponentLinker}.
 *
 * <pre>{@code
 * try (Engine engine = new Engine();
 *      Component component = Component.fromFile(engine, Path.of("greeter.wasm"))) {
 *     System.out.println(component.exports());
 * }
 * }</pre>
 */
public final class Component implements AutoCloseable {
    static {
        Native.load();
    }

    final NativeResource resource;
    private final Cleaner.Cleanable cleanable;
    private final Engine engine;

    /**
     * Compiles the component in {@code bytes} (its binary format).
     *
     * @throws CompileException if the bytes are not a valid component, or use
     *     a feature Kiln lacks
     */
    public Component(Engine engine, byte[] bytes) {
        if (engine == null || bytes == null) {
            throw new IllegalArgumentException("the engine and the bytes must not be null");
        }
        long e = engine.resource.acquire();
        long handle;
        try {
            handle = compile(e, bytes);
        } finally {
            engine.resource.release();
        }
        this.engine = engine;
        resource = new NativeResource(handle, Component::free, "component");
        cleanable = resource.register(this);
    }

    /** Compiles the component in the file {@code path}. */
    public static Component fromFile(Engine engine, Path path) {
        try {
            return new Component(engine, Files.readAllBytes(path));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path, e);
        }
    }

    /** The engine the component was compiled for. */
    public Engine engine() {
        return engine;
    }

    /** The component's imports: name to kind ("function", "instance", ...), in order. */
    public Map<String, String> imports() {
        return names(false);
    }

    /** The component's exports: name to kind, in order. */
    public Map<String, String> exports() {
        return names(true);
    }

    private Map<String, String> names(boolean exports) {
        long h = resource.acquire();
        try {
            String[] pairs = names(h, exports);
            Map<String, String> out = new LinkedHashMap<>();
            for (int i = 0; i < pairs.length; i += 2) {
                out.put(pairs[i], pairs[i + 1]);
            }
            return out;
        } finally {
            resource.release();
        }
    }

    /** Releases the compiled code once no instance needs it; safe to call twice. */
    @Override
    public void close() {
        cleanable.clean();
    }

    private static native long compile(long engine, byte[] bytes);

    private static native String[] names(long handle, boolean exports);

    private static native void free(long handle);
}
