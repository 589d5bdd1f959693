package dev.kiln.bench;

import com.dylibso.chicory.compiler.InterpreterFallback;
import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import com.dylibso.chicory.runtime.ExportFunction;
import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.ValType;
import java.util.List;
import java.util.function.Function;

/**
 * Chicory, in one of its two modes: its interpreter (the runtime's default
 * machine) or its compiler to JVM bytecode ({@code MachineFactoryCompiler}).
 * The compiler is asked to compile every function ({@link InterpreterFallback#FAIL});
 * if it cannot, the module is compiled again letting Chicory interpret the
 * functions it cannot compile, and the table says so.
 */
final class ChicorySubject extends Subject {
    private final boolean compiler;
    private ExportFunction add;
    private ExportFunction callHost;
    private Memory memory;

    ChicorySubject(boolean compiler) {
        this.compiler = compiler;
    }

    @Override
    String label() {
        return compiler ? "Chicory compiler" : "Chicory interpreter";
    }

    static final class Compiled {
        final WasmModule module;
        final Function<Instance, Machine> machine;
        final String note;

        Compiled(WasmModule module, Function<Instance, Machine> machine, String note) {
            this.module = module;
            this.machine = machine;
            this.note = note;
        }
    }

    @Override
    Object compile(byte[] wasm) {
        WasmModule module = Parser.parse(wasm);
        if (!compiler) {
            return new Compiled(module, null, null);
        }
        try {
            return new Compiled(module, MachineFactoryCompiler.builder(module)
                    .withInterpreterFallback(InterpreterFallback.FAIL).compile(), null);
        } catch (RuntimeException e) {
            Function<Instance, Machine> machine = MachineFactoryCompiler.builder(module)
                    .withInterpreterFallback(InterpreterFallback.SILENT).compile();
            return new Compiled(module, machine,
                    "some functions interpreted: the compiler refused them (" + oneLine(e) + ")");
        }
    }

    @Override
    String compileNote(Object compiled) {
        return ((Compiled) compiled).note;
    }

    private static Instance instantiate(Compiled compiled, ImportValues imports) {
        Instance.Builder builder = Instance.builder(compiled.module).withImportValues(imports);
        if (compiled.machine != null) {
            builder.withMachineFactory(compiled.machine);
        }
        return builder.build();
    }

    @Override
    Object instantiate(Object compiled) {
        return instantiate((Compiled) compiled, ImportValues.empty());
    }

    @Override
    long run(Object instance) {
        return ((Instance) instance).export("run").apply()[0];
    }

    @Override
    void openCalls(byte[] wasm) {
        HostFunction hostAdd = new HostFunction("env", "host_add",
                FunctionType.of(List.of(ValType.I32, ValType.I32), List.of(ValType.I32)),
                (inst, args) -> new long[] {(int) args[0] + (int) args[1]});
        Instance instance = instantiate((Compiled) compile(wasm),
                ImportValues.builder().addFunction(hostAdd).build());
        add = instance.export("add");
        callHost = instance.export("call_host");
        memory = instance.memory();
    }

    @Override
    int addLoop(int n) {
        ExportFunction add = this.add;
        int r = 0;
        for (int i = 0; i < n; i++) {
            r = (int) add.apply(r, i)[0];
        }
        return r;
    }

    @Override
    int hostLoop(int n) {
        return (int) callHost.apply(n)[0];
    }

    /** The last array readMemory got, kept so that the JIT cannot drop the read. */
    byte[] lastRead;

    @Override
    void readMemory(byte[] dst) {
        // Chicory has no read into a caller's array: readBytes allocates one.
        lastRead = memory.readBytes(0, dst.length);
    }

    @Override
    byte[] readForCheck(int length) {
        return memory.readBytes(0, length);
    }

    @Override
    void writeMemory(byte[] src) {
        memory.write(0, src);
    }

    static String oneLine(Throwable e) {
        String message = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        message = message.replaceAll("\\s+", " ");
        return message.length() > 200 ? message.substring(0, 200) + "…" : message;
    }
}
