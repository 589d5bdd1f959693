package dev.kiln.examples;

import dev.kiln.Engine;
import dev.kiln.HostFunc;
import dev.kiln.Instance;
import dev.kiln.Linker;
import dev.kiln.Module;
import dev.kiln.Store;
import dev.kiln.TypedFunc;
import dev.kiln.WasiConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The quick start of java/README.md: load a module, call an export, define a host function, run
 * WASI. The argument is the Kiln repository's root, where the example programs are (default: the
 * current directory).
 */
public final class QuickStart {
    private QuickStart() {}

    public static void main(String[] args) {
        Path root = Path.of(args.length > 0 ? args[0] : ".");
        try (Engine engine = new Engine()) {
            // Load a module and call an export, with no boxing on the way.
            try (Module fib = Module.fromFile(engine, root.resolve("examples/fib.wat"));
                    Store<Void> store = new Store<>(engine)) {
                Instance instance = new Instance(store, fib);
                TypedFunc f = instance.getFunc("fib").typed();
                System.out.println("fib(20) = " + f.callI64ToI64(20));
            }

            // Define a host function that wasm imports.
            String wat =
                    "(module (import \"host\" \"square\" (func $square (param i32) (result i32)))"
                            + " (func (export \"sum_of_squares\") (param i32 i32) (result i32)"
                            + " (i32.add (call $square (local.get 0)) (call $square (local.get 1)))))";
            try (Module module = Module.fromText(engine, wat);
                    Store<Void> store = new Store<>(engine);
                    Linker<Void> linker = new Linker<>(engine)) {
                linker.define("host", "square", HostFunc.i32ToI32(x -> x * x));
                Instance instance = linker.instantiate(store, module);
                int sum = instance.getFunc("sum_of_squares").typed().callI32I32ToI32(3, 4);
                System.out.println("square(3) + square(4) = " + sum);
            }

            // Run a WASI program with arguments, its output captured.
            try (Module program = Module.fromFile(engine, root.resolve("tests/conformance/wasi/args.wat"));
                    Store<Void> store = new Store<>(engine);
                    Linker<Void> linker = new Linker<>(engine)) {
                linker.defineWasi();
                store.setWasi(new WasiConfig().args("args", "hello", "from", "Java").captureStdout());
                Instance instance = linker.instantiate(store, program);
                instance.getFunc("_start").call();
                // The program writes its arguments NUL-separated.
                String out = new String(store.capturedStdout(), StandardCharsets.UTF_8);
                System.out.println("WASI program wrote: " + out.replace('\0', ' ').trim());
            }
        }
    }
}
