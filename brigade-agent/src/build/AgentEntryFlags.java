import java.io.DataInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Build step of brigade-agent (run by Maven after compiling, as a JDK source-file program): sets ACC_VARARGS on the
 * agent's entry points, {@code premain} and {@code agentmain (String, Instrumentation)}, in the compiled class of
 * {@code dev.brigade.agent.internal.AgentEntry}, the jar's Premain-Class.
 *
 * <p>Why: the JVM calls them through {@code Method.invoke}, whose accessor since JDK 18 is built from method handles,
 * spinning LambdaForm classes that no class-data archive holds: 8-12 ms of every worker JVM's start, before the app's
 * main (measured with {@code -Xlog:class+load}). For a method flagged varargs whose last parameter is no array, the
 * JDK uses its native accessor instead, as its own comment in {@code MethodHandleAccessorFactory.useNativeAccessor}
 * says, and the call costs nothing. The flag changes nothing else: the JVM ignores it when it links and runs the
 * method, and no one calls the entry points but the JVM. javac refuses to compile against a class so flagged: nothing
 * is compiled against that one.
 *
 * <p>Usage: {@code java AgentEntryFlags.java CLASS_FILE METHOD...}; fails unless every method named is found with
 * the entry points' descriptor.
 */
public final class AgentEntryFlags {
    private static final String ENTRY = "(Ljava/lang/String;Ljava/lang/instrument/Instrumentation;)V";
    private static final int ACC_VARARGS = 0x0080;

    public static void main(String[] args) throws IOException {
        Path file = Path.of(args[0]);
        Set<String> wanted = Set.of(java.util.Arrays.copyOfRange(args, 1, args.length));
        byte[] b = Files.readAllBytes(file);
        List<String> flagged = flag(b, wanted);
        if (!flagged.containsAll(wanted)) {
            throw new IllegalStateException(file + ": no method " + wanted + " " + ENTRY + " (found " + flagged + ")");
        }
        Files.write(file, b);
    }

    /** Sets the flag in {@code b} on each method named in {@code wanted} with the entry descriptor; returns their names. */
    static List<String> flag(byte[] b, Set<String> wanted) throws IOException {
        DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(b));
        if (in.readInt() != 0xCAFEBABE) {
            throw new IOException("not a class file");
        }
        in.readUnsignedShort();
        in.readUnsignedShort();
        int count = in.readUnsignedShort();
        String[] utf8 = new String[count];
        for (int i = 1; i < count; i++) {
            int tag = in.readUnsignedByte();
            switch (tag) {
                case 1 -> utf8[i] = in.readUTF();
                case 7, 8, 16, 19, 20 -> in.skipBytes(2);
                case 15 -> in.skipBytes(3);
                case 3, 4, 9, 10, 11, 12, 17, 18 -> in.skipBytes(4);
                case 5, 6 -> {
                    in.skipBytes(8);
                    i++;
                }
                default -> throw new IOException("constant pool tag " + tag + " at " + i);
            }
        }
        in.skipBytes(6); // access, this, super
        in.skipBytes(2 * in.readUnsignedShort()); // interfaces
        skipMembers(in);
        List<String> flagged = new ArrayList<>();
        int methods = in.readUnsignedShort();
        for (int m = 0; m < methods; m++) {
            int at = b.length - in.available();
            int access = in.readUnsignedShort();
            String name = utf8[in.readUnsignedShort()];
            String descriptor = utf8[in.readUnsignedShort()];
            skipAttributes(in);
            if (wanted.contains(name) && ENTRY.equals(descriptor)) {
                access |= ACC_VARARGS;
                b[at] = (byte) (access >>> 8);
                b[at + 1] = (byte) access;
                flagged.add(name);
            }
        }
        return flagged;
    }

    private static void skipMembers(DataInputStream in) throws IOException {
        int n = in.readUnsignedShort();
        for (int i = 0; i < n; i++) {
            in.skipBytes(6);
            skipAttributes(in);
        }
    }

    private static void skipAttributes(DataInputStream in) throws IOException {
        int n = in.readUnsignedShort();
        for (int i = 0; i < n; i++) {
            in.skipBytes(2);
            in.skipBytes(in.readInt());
        }
    }
}
