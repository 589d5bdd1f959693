package dev.kiln.bench;

import dev.kiln.Engine;
import dev.kiln.HostFunc;
import dev.kiln.Instance;
import dev.kiln.Linker;
import dev.kiln.Memory;
import dev.kiln.Module;
import dev.kiln.Store;
import dev.kiln.TypedFunc;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.ByteBuffer;

/**
 * Kiln through its Java package, dev.kiln:kiln, with the default
 * configuration. Compiled only when that package is in the local Maven
 * repository (the "kiln" profile of bench/java/pom.xml); Bench loads it by
 * name.
 */
public final class KilnSubject extends Subject {
    /** {@code dev.kiln.Native.emptyCall()}, if the package has it: an invokeExact of a constant handle inlines like a direct call. */
    private static final MethodHandle EMPTY_CALL;
    private static final String EMPTY_CALL_MISSING;

    static {
        MethodHandle h = null;
        String missing = null;
        try {
            h = MethodHandles.publicLookup().findStatic(Class.forName("dev.kiln.Native"), "emptyCall",
                    MethodType.methodType(void.class));
        } catch (ReflectiveOperationException e) {
            missing = "dev.kiln.Native.emptyCall() is not in the package (" + ChicorySubject.oneLine(e) + ")";
        }
        EMPTY_CALL = h;
        EMPTY_CALL_MISSING = missing;
    }

    private final Engine engine = new Engine();
    private Store<Void> callsStore;
    private Linker<Void> callsLinker;
    private Module callsModule;
    private TypedFunc add;
    private TypedFunc callHost;
    private Memory memory;

    public KilnSubject() {}

    @Override
    String label() {
        return "Kiln";
    }

    @Override
    Object compile(byte[] wasm) {
        return new Module(engine, wasm);
    }

    @Override
    void dropCompiled(Object compiled) {
        ((Module) compiled).close();
    }

    /** A store and the instance in it. */
    static final class Inst {
        final Store<Void> store;
        final TypedFunc run;

        Inst(Store<Void> store, TypedFunc run) {
            this.store = store;
            this.run = run;
        }
    }

    @Override
    Object instantiate(Object compiled) {
        Store<Void> store = new Store<>(engine);
        // The modules instantiated here import nothing: no linker needed.
        Instance instance = new Instance(store, (Module) compiled);
        TypedFunc run = instance.getExport("run").isPresent() ? instance.getTypedFunc("run") : null;
        return new Inst(store, run);
    }

    @Override
    long run(Object instance) {
        return ((Inst) instance).run.callToI64();
    }

    @Override
    void dropInstance(Object instance) {
        ((Inst) instance).store.close();
    }

    @Override
    void openCalls(byte[] wasm) {
        callsModule = new Module(engine, wasm);
        callsStore = new Store<>(engine);
        callsLinker = new Linker<>(engine);
        callsLinker.define("env", "host_add", HostFunc.i32i32ToI32((a, b) -> a + b));
        Instance instance = callsLinker.instantiate(callsStore, callsModule);
        add = instance.getFunc("add").typed();
        callHost = instance.getFunc("call_host").typed();
        memory = instance.getMemory("memory");
    }

    @Override
    int addLoop(int n) {
        TypedFunc add = this.add;
        int r = 0;
        for (int i = 0; i < n; i++) {
            r = add.callI32I32ToI32(r, i);
        }
        return r;
    }

    @Override
    int hostLoop(int n) {
        return callHost.callI32ToI32(n);
    }

    @Override
    void readMemory(byte[] dst) {
        memory.read(0, dst);
    }

    @Override
    void writeMemory(byte[] src) {
        memory.write(0, src);
    }

    @Override
    MemoryView view() {
        ByteBuffer buffer = memory.buffer();
        return new MemoryView() {
            @Override
            public String label() {
                return "`Memory.buffer()` (bulk get/put)";
            }

            @Override
            public void read(byte[] dst) {
                buffer.get(0, dst);
            }

            @Override
            public void write(byte[] src) {
                buffer.put(0, src);
            }
        };
    }

    @Override
    int emptyCallLoop(int n) {
        if (EMPTY_CALL == null) {
            return -1;
        }
        try {
            for (int i = 0; i < n; i++) {
                EMPTY_CALL.invokeExact();
            }
        } catch (Throwable e) {
            throw new RuntimeException(e);
        }
        return n;
    }

    @Override
    String emptyCallMissing() {
        return EMPTY_CALL_MISSING;
    }

    @Override
    public void close() {
        if (callsLinker != null) {
            callsLinker.close();
            callsStore.close();
            callsModule.close();
        }
        engine.close();
    }
}
