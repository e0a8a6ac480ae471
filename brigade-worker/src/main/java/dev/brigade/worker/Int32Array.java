package dev.brigade.worker;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * 32-bit integers over a {@link SharedBuffer} (Node's {@code Int32Array} on a shared buffer).
 * {@link #get}/{@link #set} are plain accesses; use {@link Atomics} for anything another thread
 * must see in order.
 */
public final class Int32Array extends TypedView {
    static final VarHandle INT = MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.nativeOrder());

    Int32Array(SharedBuffer buffer, int byteOffset, int length) {
        super(buffer, byteOffset, length, Integer.BYTES);
    }

    /**
     * Plain read (no ordering guarantee; use {@link Atomics#load} across threads).
     *
     * @param index the element's index
     * @return plain read (no ordering guarantee; use {@link Atomics#load} across threads)
     */
    public int get(int index) {
        return (int) INT.get(buffer.memory(), offset(index));
    }

    /**
     * Plain write (no ordering guarantee; use {@link Atomics#store} across threads).
     *
     * @param index the element's index
     * @param value the value to store
     */
    public void set(int index, int value) {
        INT.set(buffer.memory(), offset(index), value);
    }
}
