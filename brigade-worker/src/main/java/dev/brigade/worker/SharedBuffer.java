package dev.brigade.worker;

import dev.brigade.worker.internal.WaiterTable;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Memory shared by every thread that holds it: Node's {@code SharedArrayBuffer}. Posting a
 * SharedBuffer shares it (never copies or moves it). Read and write it through typed views
 * ({@link #int32()}, {@link #int64()}) with {@link Atomics} for operations that must be atomic
 * and ordered, and for {@link Atomics#wait wait}/{@link Atomics#notify notify}.
 *
 * <p>The memory is off-heap (a direct buffer in native byte order), zero-filled at allocation.
 */
public final class SharedBuffer {
    private final ByteBuffer memory;
    final WaiterTable waiters = new WaiterTable();

    private SharedBuffer(int byteLength) {
        memory = ByteBuffer.allocateDirect(byteLength).order(ByteOrder.nativeOrder());
    }

    /**
     * Allocates {@code byteLength} zeroed bytes.
     *
     * @throws IllegalArgumentException if {@code byteLength} is negative
     * @param byteLength the size in bytes, 0 or more
     * @return a zero-filled buffer
     */
    public static SharedBuffer allocate(int byteLength) {
        if (byteLength < 0) {
            throw new IllegalArgumentException("byteLength must be >= 0, got " + byteLength);
        }
        return new SharedBuffer(byteLength);
    }

    /**
     * The buffer's size.
     *
     * @return the size in bytes
     */
    public int byteLength() {
        return memory.capacity();
    }

    /**
     * A view of the whole buffer as 32-bit ints (length = byteLength / 4).
     *
     * @return a view of the whole buffer as 32-bit ints (length = byteLength / 4)
     */
    public Int32Array int32() {
        return int32(0, byteLength() / Integer.BYTES);
    }

    /**
     * A view of {@code length} ints starting at {@code byteOffset} (a multiple of 4).
     *
     * @param byteOffset where the view starts, in bytes (a multiple of the element size)
     * @param length how many elements the view has
     * @return a view of {@code length} ints starting at {@code byteOffset} (a multiple of 4)
     */
    public Int32Array int32(int byteOffset, int length) {
        checkView(byteOffset, length, Integer.BYTES, "Int32Array");
        return new Int32Array(this, byteOffset, length);
    }

    /**
     * A view of the whole buffer as 64-bit longs (length = byteLength / 8).
     *
     * @return a view of the whole buffer as 64-bit longs (length = byteLength / 8)
     */
    public Int64Array int64() {
        return int64(0, byteLength() / Long.BYTES);
    }

    /**
     * A view of {@code length} longs starting at {@code byteOffset} (a multiple of 8).
     *
     * @param byteOffset where the view starts, in bytes (a multiple of the element size)
     * @param length how many elements the view has
     * @return a view of {@code length} longs starting at {@code byteOffset} (a multiple of 8)
     */
    public Int64Array int64(int byteOffset, int length) {
        checkView(byteOffset, length, Long.BYTES, "Int64Array");
        return new Int64Array(this, byteOffset, length);
    }

    /**
     * A ByteBuffer over the same memory, for bulk reads and writes (not atomic).
     *
     * @return a ByteBuffer over the same memory, for bulk reads and writes (not atomic)
     */
    public ByteBuffer byteBuffer() {
        return memory.duplicate().order(ByteOrder.nativeOrder());
    }

    ByteBuffer memory() {
        return memory;
    }

    private void checkView(int byteOffset, int length, int size, String type) {
        if (byteOffset < 0 || byteOffset % size != 0) {
            throw new IllegalArgumentException(type + " byteOffset must be a non-negative multiple of " + size + ", got " + byteOffset);
        }
        if (length < 0 || (long) byteOffset + (long) length * size > byteLength()) {
            throw new IllegalArgumentException(type + " of length " + length + " at byteOffset " + byteOffset
                    + " does not fit in a SharedBuffer of " + byteLength() + " bytes");
        }
    }
}
