package dev.kiln.bench;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A tiny wasm binary encoder: just enough for the two modules the harness
 * generates itself (the calls module and the many-functions module), so that
 * it needs no wat2wasm and the big module can differ on every run.
 */
final class Wasm {
    private Wasm() {}

    static final int I32 = 0x7f;

    /**
     * The calls module:
     * <pre>
     * (module
     *   (import "env" "host_add" (func $host_add (param i32 i32) (result i32)))
     *   (memory (export "memory") 32)
     *   (func (export "add") (param i32 i32) (result i32)
     *     (i32.add (local.get 0) (local.get 1)))
     *   (func (export "call_host") (param $n i32) (result i32) (local $acc i32)
     *     (loop $next
     *       (local.set $acc (call $host_add (local.get $acc) (local.get $n)))
     *       (br_if $next (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
     *     (local.get $acc)))
     * </pre>
     * call_host(n), for n &gt;= 1, calls host_add n times and returns n(n+1)/2
     * (mod 2^32) when host_add adds.
     */
    static byte[] callsModule() {
        Out types = new Out();
        types.uleb(2);
        types.funcType(new int[] {I32, I32}, new int[] {I32});
        types.funcType(new int[] {I32}, new int[] {I32});

        Out imports = new Out();
        imports.uleb(1).name("env").name("host_add").b(0x00).uleb(0);

        Out funcs = new Out();
        funcs.uleb(2).uleb(0).uleb(1);

        Out memory = new Out();
        memory.uleb(1).b(0x00).uleb(32);

        Out exports = new Out();
        exports.uleb(3);
        exports.name("add").b(0x00).uleb(1);
        exports.name("call_host").b(0x00).uleb(2);
        exports.name("memory").b(0x02).uleb(0);

        Out add = new Out();
        add.uleb(0); // no locals
        add.b(0x20).uleb(0).b(0x20).uleb(1).b(0x6a).b(0x0b);

        Out callHost = new Out();
        callHost.uleb(1).uleb(1).b(I32); // one local: $acc
        callHost.b(0x03).b(0x40); // loop
        callHost.b(0x20).uleb(1).b(0x20).uleb(0).b(0x10).uleb(0).b(0x21).uleb(1);
        callHost.b(0x20).uleb(0).b(0x41).sleb(1).b(0x6b).b(0x22).uleb(0).b(0x0d).uleb(0);
        callHost.b(0x0b); // end loop
        callHost.b(0x20).uleb(1).b(0x0b);

        Out code = new Out();
        code.uleb(2).bytes(add).bytes(callHost);

        Out module = header();
        module.section(1, types).section(2, imports).section(3, funcs).section(5, memory)
                .section(7, exports).section(10, code);
        return module.toByteArray();
    }

    /**
     * A module of {@code functions} small exported functions,
     * {@code f<i>(x) = x * (i + seed) + (i + seed + 1)}, and one memory page;
     * a different {@code seed} gives different bytes, so no engine can reuse a
     * previous compilation.
     */
    static byte[] bigModule(int functions, int seed) {
        Out types = new Out();
        types.uleb(1).funcType(new int[] {I32}, new int[] {I32});

        Out funcs = new Out();
        funcs.uleb(functions);
        for (int i = 0; i < functions; i++) {
            funcs.uleb(0);
        }

        Out memory = new Out();
        memory.uleb(1).b(0x00).uleb(1);

        Out exports = new Out();
        exports.uleb(functions);
        for (int i = 0; i < functions; i++) {
            exports.name("f" + i).b(0x00).uleb(i);
        }

        Out code = new Out();
        code.uleb(functions);
        for (int i = 0; i < functions; i++) {
            Out body = new Out();
            body.uleb(0);
            body.b(0x20).uleb(0).b(0x41).sleb(i + seed).b(0x6c);
            body.b(0x41).sleb(i + seed + 1).b(0x6a).b(0x0b);
            code.bytes(body);
        }

        Out module = header();
        module.section(1, types).section(3, funcs).section(5, memory).section(7, exports)
                .section(10, code);
        return module.toByteArray();
    }

    private static Out header() {
        Out out = new Out();
        out.b(0x00).b(0x61).b(0x73).b(0x6d).b(0x01).b(0x00).b(0x00).b(0x00);
        return out;
    }

    private static final class Out extends ByteArrayOutputStream {
        Out b(int value) {
            write(value);
            return this;
        }

        Out uleb(long value) {
            do {
                int bits = (int) (value & 0x7f);
                value >>>= 7;
                write(value != 0 ? bits | 0x80 : bits);
            } while (value != 0);
            return this;
        }

        Out sleb(long value) {
            while (true) {
                int bits = (int) (value & 0x7f);
                value >>= 7;
                boolean done = (value == 0 && (bits & 0x40) == 0) || (value == -1 && (bits & 0x40) != 0);
                write(done ? bits : bits | 0x80);
                if (done) {
                    return this;
                }
            }
        }

        Out name(String name) {
            byte[] utf8 = name.getBytes(StandardCharsets.UTF_8);
            uleb(utf8.length);
            write(utf8, 0, utf8.length);
            return this;
        }

        /** A length-prefixed blob: a function body. */
        Out bytes(Out body) {
            uleb(body.size());
            body.writeTo0(this);
            return this;
        }

        Out section(int id, Out contents) {
            b(id);
            return bytes(contents);
        }

        Out funcType(int[] params, int[] results) {
            b(0x60).uleb(params.length);
            for (int p : params) {
                b(p);
            }
            uleb(results.length);
            for (int r : results) {
                b(r);
            }
            return this;
        }

        private void writeTo0(Out target) {
            target.write(buf, 0, count);
        }
    }
}
