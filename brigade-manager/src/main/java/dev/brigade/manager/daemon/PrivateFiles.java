package dev.brigade.manager.daemon;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/*
 * Every file the daemon writes in BRIGADE_HOME is private to its user (OpenSSH's StrictModes):
 * created 0600 whatever the umask, opened without following a symbolic link (a link planted where
 * a log or the dump goes would make the daemon write through it), and a file of an older version
 * with looser bits is tightened when it is opened again. The home directory is 0700 and checked
 * (Home.prepare), so nobody else can plant anything there; these checks are the second line.
 */

/** Creating, opening and checking the owner-only files of BRIGADE_HOME. */
final class PrivateFiles {
    static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");
    static final Set<PosixFilePermission> DIR = PosixFilePermissions.fromString("rwx------");
    private static final FileAttribute<Set<PosixFilePermission>> FILE_ATTR = PosixFilePermissions.asFileAttribute(FILE);
    private static final FileAttribute<Set<PosixFilePermission>> DIR_ATTR = PosixFilePermissions.asFileAttribute(DIR);
    private static final int GROUP_OTHER_WRITE = 0022;

    private PrivateFiles() {
    }

    /** This process's effective uid: the owner of {@code /proc/self}. */
    static int uid() {
        try {
            return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("cannot tell this process's uid from /proc/self: " + e.getMessage(), e);
        }
    }

    /** This process's user, as file owners and socket peers are named. */
    static UserPrincipal me() throws IOException {
        return Files.getOwner(Path.of("/proc/self"));
    }

    /** Opens (creating it 0600 if needed) a file of the home, never through a link; tightens an existing file to 0600. */
    static FileChannel open(Path p, OpenOption... options) throws IOException {
        Set<OpenOption> opts = new java.util.HashSet<>(List.of(options));
        opts.add(LinkOption.NOFOLLOW_LINKS);
        opts.add(StandardOpenOption.CREATE);
        FileChannel ch = FileChannel.open(p, opts, FILE_ATTR);
        try {
            ownOnly(p);
        } catch (IOException e) {
            ch.close();
            throw e;
        }
        return ch;
    }

    /** Writes {@code bytes} to {@code p} atomically (a 0600 temporary file renamed over it). */
    static void write(Path p, byte[] bytes) throws IOException {
        write(p, bytes, null);
    }

    /** The same, the file's time set to {@code time} (if not null) before it is renamed: one change, seen at once. */
    static void write(Path p, byte[] bytes, java.nio.file.attribute.FileTime time) throws IOException {
        Path tmp = p.resolveSibling(p.getFileName() + ".tmp" + ProcessHandle.current().pid());
        Files.deleteIfExists(tmp);
        try (FileChannel ch = FileChannel.open(tmp, Set.<OpenOption>of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                LinkOption.NOFOLLOW_LINKS), FILE_ATTR)) {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            while (b.hasRemaining()) {
                ch.write(b);
            }
        }
        if (time != null) {
            Files.setLastModifiedTime(tmp, time);
        }
        Files.move(tmp, p, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Creates a 0700 directory if missing; checks an existing one like the home ({@link #checkDir}). */
    static void directory(Path dir) throws IOException {
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            try {
                Files.createDirectory(dir, DIR_ATTR);
            } catch (java.nio.file.FileAlreadyExistsException e) {
                // raced with another client, or a non-directory: checked below
            }
        }
        checkDir(dir, "directory");
    }

    /** Sets 0600 on a file of ours that has looser bits (written by an older version). */
    static void ownOnly(Path p) throws IOException {
        if (!Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS).equals(FILE)) {
            Files.setPosixFilePermissions(p, FILE);
        }
    }

    /**
     * Refuses a directory that is a link, not a directory, owned by another user, or writable by
     * group or others, with a message naming the path, its owner and mode, and the fix.
     */
    static void checkDir(Path dir, String what) throws IOException {
        var a = Files.readAttributes(dir, "unix:uid,mode,isDirectory,isSymbolicLink", LinkOption.NOFOLLOW_LINKS);
        if (Boolean.TRUE.equals(a.get("isSymbolicLink")) || !Boolean.TRUE.equals(a.get("isDirectory"))) {
            throw new IOException(what + " " + dir + " is not a directory (a symbolic link or another file);"
                    + " remove it, or set BRIGADE_HOME to a directory of your own");
        }
        int owner = (Integer) a.get("uid");
        int mode = (Integer) a.get("mode") & 07777;
        int me = uid();
        List<String> wrong = new ArrayList<>();
        List<String> fix = new ArrayList<>();
        if (owner != me) {
            wrong.add("is owned by " + userName(owner) + " (uid " + owner + "), not by you (" + userName(me) + ", uid " + me + ")");
            fix.add("chown " + me + " " + dir);
        }
        if ((mode & GROUP_OTHER_WRITE) != 0) {
            wrong.add((owner == me ? "is yours (" + userName(me) + ", uid " + me + ") but " : "") + "has mode " + String.format("%04o", mode) + ", writable by " + ((mode & 0020) != 0 ? "group" : "")
                    + ((mode & 0022) == 0022 ? " and " : "") + ((mode & 0002) != 0 ? "others" : ""));
            fix.add("chmod 700 " + dir);
        }
        if (!wrong.isEmpty()) {
            throw new IOException(what + " " + dir + " " + String.join(" and ", wrong)
                    + ": another user could read your logs or steer your apps through it, so Brigade refuses it."
                    + " Fix: " + (owner != me ? "use a directory of your own (unset BRIGADE_HOME for ~/.brigade)"
                    + ", or if it is yours: " : "") + String.join(" && ", fix));
        }
    }

    private static String userName(int uid) {
        try {
            for (String line : Files.readAllLines(Path.of("/etc/passwd"))) {
                String[] f = line.split(":", 4);
                if (f.length > 2 && f[2].equals(Integer.toString(uid))) {
                    return f[0];
                }
            }
        } catch (IOException | RuntimeException e) {
            // a uid with no name
        }
        return "uid" + uid;
    }

    /** The owner of {@code p} (not following a link) is this process's user. */
    static boolean ownedByMe(Path p) throws IOException {
        return ((Integer) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS)) == uid();
    }
}
