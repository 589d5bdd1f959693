package dev.kiln;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * A function of a store: exported by an instance, or defined by the host.
 *
 * <pre>{@code
 * Func add = instance.getFunc("add");
 * int sum = add.call(2, 3)[0].i32();          // any signature, values boxed
 * int fast = add.typed().callI32I32ToI32(2, 3); // no boxing
 * }</pre>
 */
public final class Func extends Extern {
    static {
        Native.load();
    }

    private FuncType type;

    Func(Store<?> store, int number) {
        super(store, number);
    }

    /**
     * A host function of this store, called with the store's host data by {@code callback}.
     * Prefer {@link Linker#define(String, String, HostFunc)} for functions many stores import.
     */
    public static <T> Func of(Store<T> store, HostFunc<T> callback) {
        long h = store.enter();
        try {
            Func f = new Func(store, newHost(store, h, callback.type().encode(), callback));
            f.type = callback.type();
            return f;
        } finally {
            store.exit();
        }
    }

    @Override
    int kind() {
        return 0;
    }

    @Override
    public FuncType type() {
        FuncType t = type;
        if (t == null) {
            long h = store.enter();
            try {
                t = (FuncType) ExternType.decode(type(store, h, number));
            } finally {
                store.exit();
            }
            type = t;
        }
        return t;
    }

    /**
     * Calls the function. Each argument is a {@link Val} or a plain Java value of the parameter's
     * type (see {@link Val}).
     *
     * @return the results, one per result type
     * @throws TrapException if wasm traps
     * @throws IllegalArgumentException if the arguments do not fit the type
     */
    public Val[] call(Object... args) {
        FuncType ty = type();
        List<ValType> params = ty.params();
        List<ValType> results = ty.results();
        if (args.length != params.size()) {
            throw new IllegalArgumentException(
                    "the function takes " + params.size() + " arguments, not " + args.length);
        }
        Val[] values = new Val[args.length];
        for (int i = 0; i < args.length; i++) {
            values[i] = Val.of(args[i], params.get(i));
        }
        int n = Math.max(params.size(), results.size());
        Object[] refs = ty.hasReferences() ? new Object[n] : null;
        long h = store.enter();
        try {
            ByteBuffer slots = store.slots(n);
            for (int i = 0; i < values.length; i++) {
                values[i].write(store, slots, i, refs);
            }
            call(store, h, number, refs);
            slots = store.slots;
            Val[] out = new Val[results.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = Val.read(results.get(i), store, slots, i, refs);
            }
            return out;
        } finally {
            store.exit();
        }
    }

    /**
     * This function's fast path: calls through raw slots, with no boxing, for functions whose
     * parameters and results are numbers (see {@link TypedFunc}).
     */
    public TypedFunc typed() {
        FuncType ty = type();
        long h = store.enter();
        try {
            return new TypedFunc(this, ty, raw(store, h, number));
        } finally {
            store.exit();
        }
    }

    @Override
    public String toString() {
        return "Func" + type();
    }

    private static native long[] type(Store<?> store, long handle, int func);

    static native void call(Store<?> store, long handle, int func, Object[] refs);

    private static native long raw(Store<?> store, long handle, int func);

    private static native int newHost(Store<?> store, long handle, long[] type, HostFunc<?> host);
}
