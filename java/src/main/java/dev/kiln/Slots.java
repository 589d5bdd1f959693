package dev.kiln;

/**
 * The arguments and results of a raw host function ({@link HostFunc#raw}), read and written in
 * place: argument {@code i} and result {@code i} share slot {@code i}. Valid only while the host
 * function runs.
 */
public final class Slots {
    private final Store<?> store;

    Slots(Store<?> store) {
        this.store = store;
    }

    /** Argument {@code i} as an i32. */
    public int getI32(int i) {
        return store.slots.getInt(16 * i);
    }

    /** Argument {@code i} as an i64. */
    public long getI64(int i) {
        return store.slots.getLong(16 * i);
    }

    /** Argument {@code i} as an f32. */
    public float getF32(int i) {
        return store.slots.getFloat(16 * i);
    }

    /** Argument {@code i} as an f64. */
    public double getF64(int i) {
        return store.slots.getDouble(16 * i);
    }

    /** Sets result {@code i} to an i32. */
    public void setI32(int i, int value) {
        store.slots.putInt(16 * i, value);
    }

    /** Sets result {@code i} to an i64. */
    public void setI64(int i, long value) {
        store.slots.putLong(16 * i, value);
    }

    /** Sets result {@code i} to an f32. */
    public void setF32(int i, float value) {
        store.slots.putFloat(16 * i, value);
    }

    /** Sets result {@code i} to an f64. */
    public void setF64(int i, double value) {
        store.slots.putDouble(16 * i, value);
    }
}
