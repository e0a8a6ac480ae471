package dev.brigade.worker;

/** What {@link Int32Array} and {@link Int64Array} share: a range of a {@link SharedBuffer}. */
abstract sealed class TypedView permits Int32Array, Int64Array {
    final SharedBuffer buffer;
    private final int byteOffset;
    private final int length;
    private final int elementSize;

    TypedView(SharedBuffer buffer, int byteOffset, int length, int elementSize) {
        this.buffer = buffer;
        this.byteOffset = byteOffset;
        this.length = length;
        this.elementSize = elementSize;
    }

    /**
     * The number of elements.
     *
     * @return the view's length
     */
    public int length() {
        return length;
    }

    /**
     * The shared memory this view reads and writes.
     *
     * @return the buffer
     */
    public SharedBuffer buffer() {
        return buffer;
    }

    /** Byte offset in the buffer of element {@code index}, after a range check. */
    final int offset(int index) {
        if (index < 0 || index >= length) {
            throw new IndexOutOfBoundsException("index " + index + " out of range for "
                    + getClass().getSimpleName() + " of length " + length);
        }
        return byteOffset + index * elementSize;
    }
}
