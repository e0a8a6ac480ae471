package dev.brigade.agent.internal;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.CRC32;

/**
 * The JDK classes {@link BindRewriter} rewrote (and {@link CloseRewriter}, as a worker leaves), kept in a file its primary names
 * ({@value dev.brigade.agent.ListenContract#ENV_REWRITES}: in the user's private
 * archive directory, one file per JDK and agent jar), so that a worker whose JDK classes are those of the file takes
 * their rewritten bytes from it and never loads ASM. ASM's classes are class file version 49, which the JVM verifies
 * with its old verifier and never puts in a class-data archive: rewriting costs every worker 20-50 ms of its start
 * (measured), the file a few.
 *
 * <p>An entry is used only for the very class it was made from: same name, same length and same CRC-32 of the JDK's
 * original bytes; the whole file carries a CRC-32 of its content, and a file that is short, unreadable or fails either
 * check is ignored (the classes are rewritten again and the file written anew). The rewritten bytes join
 * {@code java.base}, whose classes the JVM does not verify: the checks are what keeps a torn write from reaching it.
 */
final class RewriteCache {
    private static final int MAGIC = 0x42524731; // "BRG1"
    private static final int MAX_BYTES = 4 << 20;

    private record Entry(int originalLength, long originalCrc, byte[] rewritten) {
    }

    private final String file; // a path; java.nio.file is used only to write it
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private volatile boolean changed;

    private RewriteCache(String file) {
        this.file = file;
    }

    /** The cache in {@code path} (the variable's value; null or blank: a cache that keeps nothing). */
    static RewriteCache open(String path) {
        RewriteCache c = new RewriteCache(path == null || path.isBlank() ? null : path);
        if (c.file != null) {
            c.read();
        }
        return c;
    }

    /** Takes in what other workers wrote to the file since it was read (a worker leaves long after it started). */
    void refresh() {
        if (file != null) {
            read();
        }
    }

    /**
     * Reads the file with {@code java.io} and its own decoding: {@code java.nio.file} and {@code DataInputStream} are not
     * yet initialised when a worker's premain reads it, and their initialisation cost 3-4 ms of every worker's start
     * (measured). Names are ASCII, which the writer's modified UTF-8 keeps as it is; a file with other bytes in a name
     * is ignored like a malformed one.
     */
    private void read() {
        byte[] all;
        java.io.File f = new java.io.File(file);
        if (!f.isFile() || f.length() > MAX_BYTES) {
            return;
        }
        try (java.io.FileInputStream in = new java.io.FileInputStream(f)) {
            all = in.readNBytes(MAX_BYTES + 1);
        } catch (IOException | RuntimeException e) {
            return; // rewritten again
        }
        if (all.length < 16 || all.length > MAX_BYTES || intAt(all, 0) != MAGIC) {
            return;
        }
        CRC32 crc = new CRC32();
        crc.update(all, 0, all.length - 8);
        if (longAt(all, all.length - 8) != crc.getValue()) {
            return;
        }
        Map<String, Entry> read = new java.util.HashMap<>();
        try {
            int n = intAt(all, 4);
            int at = 8;
            for (int i = 0; i < n; i++) {
                int nameLength = (all[at] & 0xff) << 8 | all[at + 1] & 0xff;
                at += 2;
                for (int k = at; k < at + nameLength; k++) {
                    if (all[k] <= 0) {
                        return; // not ASCII (or NUL, which modified UTF-8 never writes as one byte)
                    }
                }
                String name = new String(all, at, nameLength, java.nio.charset.StandardCharsets.ISO_8859_1);
                at += nameLength;
                int length = intAt(all, at);
                long originalCrc = longAt(all, at + 4);
                int size = intAt(all, at + 12);
                at += 16;
                if (size < 0 || at + size > all.length - 8) {
                    return;
                }
                read.put(name, new Entry(length, originalCrc, java.util.Arrays.copyOfRange(all, at, at + size)));
                at += size;
            }
            if (at != all.length - 8) {
                return;
            }
        } catch (IndexOutOfBoundsException e) {
            return; // malformed: rewritten again
        }
        entries.putAll(read);
    }

    private static int intAt(byte[] b, int at) {
        return (b[at] & 0xff) << 24 | (b[at + 1] & 0xff) << 16 | (b[at + 2] & 0xff) << 8 | b[at + 3] & 0xff;
    }

    private static long longAt(byte[] b, int at) {
        return (long) intAt(b, at) << 32 | intAt(b, at + 4) & 0xffffffffL;
    }

    /**
     * An entry per class and form of its bytes: the bytes a retransformation hands over are rebuilt by the JVM from the
     * loaded class, and differ between a JVM that mapped it from an archive and one that parsed it, and from those of
     * the class's first load; keyed by name alone, each form would evict the others.
     */
    private static String key(String className, byte[] original) {
        return className + "#" + Long.toHexString(crc(original));
    }

    /** The rewritten bytes of {@code className} if they were made from exactly {@code original}; else null. */
    byte[] lookup(String className, byte[] original) {
        Entry e = entries.get(key(className, original));
        if (e == null || e.originalLength() != original.length || e.originalCrc() != crc(original)) {
            return null;
        }
        return e.rewritten().clone();
    }

    /** Keeps {@code rewritten}, made from {@code original}, for {@link #save}. */
    void add(String className, byte[] original, byte[] rewritten) {
        if (file != null) {
            entries.put(key(className, original), new Entry(original.length, crc(original), rewritten.clone()));
            changed = true;
        }
    }

    /** Writes the file (owner-only, then renamed into place) if anything was added; a failure only costs the next worker time. */
    void save() {
        if (file == null || !changed) {
            return;
        }
        Path target = Path.of(file);
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp" + ProcessHandle.current().pid());
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeInt(MAGIC);
            out.writeInt(entries.size());
            for (Map.Entry<String, Entry> e : entries.entrySet()) {
                out.writeUTF(e.getKey());
                out.writeInt(e.getValue().originalLength());
                out.writeLong(e.getValue().originalCrc());
                out.writeInt(e.getValue().rewritten().length);
                out.write(e.getValue().rewritten());
            }
            out.flush();
            CRC32 crc = new CRC32();
            crc.update(bytes.toByteArray());
            out.writeLong(crc.getValue());
            out.flush();
            Files.deleteIfExists(tmp);
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.write(tmp, bytes.toByteArray());
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // the primary sweeps temporary files of dead processes
            }
        }
    }

    private static long crc(byte[] b) {
        CRC32 c = new CRC32();
        c.update(b);
        return c.getValue();
    }
}
