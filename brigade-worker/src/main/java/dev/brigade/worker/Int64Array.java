package dev.brigade.worker;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * 64-bit integers over a {@link SharedBuffer} (Node's {@code BigInt64Array} on a shared buffer).
 * {@link #get}/{@link #set} are plain accesses; use {@link Atomics} across threads.
 */
public final class Int64Array extends TypedView {
    static final VarHandle LONG = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.nativeOrder());

    Int64Array(SharedBuffer buffer, int byteOffset, int length) {
        super(buffer, byteOffset, length, Long.BYTES);
    }

    /**
     * Plain read (no ordering guarantee; use {@link Atomics#load} across threads).
     *
     * @param index the element's index
     * @return plain read (no ordering guarantee; use {@link Atomics#load} across threads)
     */
    public long get(int index) {
        return (long) LONG.get(buffer.memory(), offset(index));
    }

    /**
     * Plain write (no ordering guarantee; use {@link Atomics#store} across threads).
     *
     * @param index the element's index
     * @param value the value to store
     */
    public void set(int index, long value) {
        LONG.set(buffer.memory(), offset(index), value);
    }
}
