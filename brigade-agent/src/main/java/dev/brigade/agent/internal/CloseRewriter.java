package dev.brigade.agent.internal;

import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/**
 * Routes the JDK's socket writes to {@link Closer} ({@link Hooks#WRITE}), from the moment a worker leaves:
 * until {@link #arm} the transformer changes nothing, so a worker that is not leaving runs the JDK's write
 * paths exactly as they are (not even a flag is read). {@link #arm} retransforms the classes already loaded.
 *
 * <h2>The write paths, and why these</h2>
 * <ul>
 *   <li>{@code sun.nio.ch.SocketChannelImpl#write(ByteBuffer)} and {@code #write(ByteBuffer[], int, int)}:
 *       every NIO server's writes (Netty's NIO transport, hence Vert.x, Micronaut, Quarkus; Undertow/XNIO;
 *       Jetty; Tomcat NIO; the JDK HttpServer);</li>
 *   <li>{@code sun.nio.ch.NioSocketImpl#write(byte[], int, int)}: every {@code java.net.Socket}'s output stream
 *       (Helidon SE 4 on virtual threads, plain {@code ServerSocket} servers). It writes all the bytes it is
 *       given, so the edit replaces its arguments.</li>
 * </ul>
 * Netty's native epoll and io_uring transports write in their own JNI code: their responses are not edited.
 *
 * <h2>The inserted code</h2>
 * At the top of each method, before its lock and checks (the same reflective reach as {@link BindRewriter}):
 * <pre>{@code
 * try { r = WRITE.apply(this, arg); } catch (Throwable t) { r = null; }   // arg: buf, {srcs, off, len}, {b, off, len, localport}
 * if (r instanceof Throwable) throw (Throwable) r;
 * if (r instanceof Integer) return (int) r;                                // write(ByteBuffer)
 * if (r instanceof Long) return (long) r;                                  // write(ByteBuffer[], int, int)
 * if (r instanceof byte[]) { b = (byte[]) r; off = 0; len = b.length; }    // NioSocketImpl.write
 * // the original body
 * }</pre>
 * Frames are written as in {@link BindRewriter} (entry locals, no new local variable).
 */
final class CloseRewriter implements ClassFileTransformer {
    static final int ADVICE_STACK = 7;
    private static final String HOOKS = "dev.brigade.agent.internal.Hooks";
    private static final String SCI = "sun/nio/ch/SocketChannelImpl";
    private static final String NIO_IMPL = "sun/nio/ch/NioSocketImpl";

    /**
     * Loads the write paths' class the bind rewriter does not load, before it is registered (the agent's premain calls
     * this through {@link Binder#install}). Loaded later, it was parsed rather than mapped from the app's archive in the
     * workers started from one, and its bytes as a retransformation hands them over differed from one such JVM to the
     * next (four forms in one test run, measured): no leave could take the rewrite an earlier one kept
     * ({@link RewriteCache}). A worker used to load it here by chance, through the cache's {@code java.nio.file} read.
     */
    static void loadTargets() {
        try {
            Class.forName(SCI.replace('/', '.'), false, null);
        } catch (ClassNotFoundException | LinkageError e) {
            // the leave reports what it cannot rewrite
        }
    }

    private enum Kind { SINGLE, GATHER, BLOCKING }

    private static final Map<String, Map<String, Kind>> METHODS = Map.of(
            SCI, Map.of("write(Ljava/nio/ByteBuffer;)I", Kind.SINGLE, "write([Ljava/nio/ByteBuffer;II)J", Kind.GATHER),
            NIO_IMPL, Map.of("write([BII)V", Kind.BLOCKING));

    private volatile boolean armed;
    static final String CACHE_PREFIX = "close:";
    private final RewriteCache cache;
    private final ClassFileTransformer[] alongside;
    private final Set<String> rewritten = ConcurrentHashMap.newKeySet();

    /** {@code alongside}: transformers registered with this one at {@link #arm} (none is before, to keep class loading fast). */
    CloseRewriter(ClassFileTransformer... alongside) {
        this(RewriteCache.open(null), alongside);
    }

    /**
     * The same, keeping what it rewrites in {@code cache} (the bind rewriter's, {@link BindRewriter#cache}) under
     * {@value #CACHE_PREFIX}{@code NAME}: a worker leaves once, so ASM would otherwise load and run (22-38 ms of CPU
     * measured on the demo, its old verifier included) beside the new worker's first requests at every restart.
     */
    CloseRewriter(RewriteCache cache, ClassFileTransformer... alongside) {
        this.cache = cache;
        this.alongside = alongside.clone();
    }

    /** The JDK classes rewritten so far, by internal name (for the leave report). */
    Set<String> rewritten() {
        return Set.copyOf(rewritten);
    }

    /**
     * From now on the write paths call {@link Hooks#WRITE}: classes already loaded are retransformed,
     * the others are rewritten as they load. Returns a one-line report.
     */
    String arm(Instrumentation inst) {
        cache.refresh(); // the workers that left since this one started kept their rewrites there
        if (!armed) {
            armed = true;
            inst.addTransformer(this, true);
            for (ClassFileTransformer t : alongside) {
                inst.addTransformer(t, true);
            }
        }
        List<Class<?>> loaded = new ArrayList<>();
        for (Class<?> c : inst.getAllLoadedClasses()) {
            if (c.getClassLoader() == null && METHODS.containsKey(c.getName().replace('.', '/'))) {
                loaded.add(c);
            }
        }
        if (!loaded.isEmpty()) {
            try {
                inst.retransformClasses(loaded.toArray(Class<?>[]::new));
            } catch (Throwable t) {
                Notifier.warn("WARNING cannot rewrite " + loaded + " on JDK " + Runtime.version() + ": " + t
                        + "; keep-alive responses of the leaving worker will not say Connection: close");
            }
        }
        cache.save();
        return "responses say Connection: close (write paths of " + rewritten().stream().map(n -> n.substring(n.lastIndexOf('/') + 1))
                .sorted().toList() + ")";
    }

    @Override
    public byte[] transform(ClassLoader loader, String className, Class<?> redefined, ProtectionDomain pd, byte[] bytes) {
        Map<String, Kind> methods = armed && loader == null && className != null ? METHODS.get(className) : null;
        if (methods == null) {
            return null;
        }
        byte[] kept = cache.lookup(CACHE_PREFIX + className, bytes);
        if (kept != null) {
            rewritten.add(className);
            return kept;
        }
        try {
            ClassReader reader = new ClassReader(bytes);
            ClassWriter writer = new ClassWriter(reader, 0);
            Set<String> found = ConcurrentHashMap.newKeySet();
            reader.accept(new ClassVisitor(Opcodes.ASM9, writer) {
                @Override
                public MethodVisitor visitMethod(int access, String name, String desc, String sig, String[] exceptions) {
                    MethodVisitor mv = super.visitMethod(access, name, desc, sig, exceptions);
                    Kind kind = (access & (Opcodes.ACC_STATIC | Opcodes.ACC_ABSTRACT | Opcodes.ACC_BRIDGE)) == 0
                            ? methods.get(name + desc) : null;
                    if (kind == null) {
                        return mv;
                    }
                    found.add(name + desc);
                    return new Advice(mv, className, desc, kind);
                }
            }, ClassReader.EXPAND_FRAMES);
            if (found.size() != methods.size()) {
                Notifier.warn("WARNING " + className.replace('/', '.') + ": of " + methods.keySet() + " only " + found
                        + " found on JDK " + Runtime.version() + ": some responses of a leaving worker will not say Connection: close");
            }
            rewritten.add(className);
            byte[] out = writer.toByteArray();
            if (found.size() == methods.size()) {
                cache.add(CACHE_PREFIX + className, bytes, out);
            }
            return out;
        } catch (Throwable t) {
            Notifier.warn("WARNING cannot rewrite " + className + " on JDK " + Runtime.version() + ": " + t
                    + "; keep-alive responses of the leaving worker will not say Connection: close");
            return null;
        }
    }

    /** Inserts the hook call at the top of one write method. */
    private static final class Advice extends MethodVisitor {
        private final Object[] entryLocals;
        private final Kind kind;

        Advice(MethodVisitor mv, String owner, String desc, Kind kind) {
            super(Opcodes.ASM9, mv);
            this.kind = kind;
            Type[] params = Type.getArgumentTypes(desc);
            entryLocals = new Object[params.length + 1];
            entryLocals[0] = owner;
            for (int i = 0; i < params.length; i++) {
                entryLocals[i + 1] = params[i].getSort() == Type.INT ? Opcodes.INTEGER : params[i].getDescriptor().startsWith("[")
                        ? params[i].getDescriptor() : params[i].getInternalName();
            }
        }

        @Override
        public void visitCode() {
            super.visitCode();
            Label start = new Label(), end = new Label(), failed = new Label(), got = new Label(), notThrown = new Label(),
                    proceedPop = new Label(), proceed = new Label();
            mv.visitTryCatchBlock(start, end, failed, "java/lang/Throwable");
            mv.visitLabel(start);
            mv.visitLdcInsn(HOOKS);
            mv.visitInsn(Opcodes.ICONST_1);
            mv.visitMethodInsn(Opcodes.INVOKESTATIC, "java/lang/ClassLoader", "getSystemClassLoader", "()Ljava/lang/ClassLoader;", false);
            mv.visitMethodInsn(Opcodes.INVOKESTATIC, "java/lang/Class", "forName",
                    "(Ljava/lang/String;ZLjava/lang/ClassLoader;)Ljava/lang/Class;", false);
            mv.visitLdcInsn("WRITE");
            mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, "java/lang/Class", "getField", "(Ljava/lang/String;)Ljava/lang/reflect/Field;", false);
            mv.visitInsn(Opcodes.ACONST_NULL);
            mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, "java/lang/reflect/Field", "get", "(Ljava/lang/Object;)Ljava/lang/Object;", false);
            mv.visitTypeInsn(Opcodes.CHECKCAST, "java/util/function/BiFunction");
            mv.visitVarInsn(Opcodes.ALOAD, 0);
            switch (kind) {
                case SINGLE -> mv.visitVarInsn(Opcodes.ALOAD, 1);
                case GATHER -> {
                    array(3);
                    element(0, () -> mv.visitVarInsn(Opcodes.ALOAD, 1));
                    element(1, () -> boxedInt(2));
                    element(2, () -> boxedInt(3));
                }
                case BLOCKING -> {
                    array(4);
                    element(0, () -> mv.visitVarInsn(Opcodes.ALOAD, 1));
                    element(1, () -> boxedInt(2));
                    element(2, () -> boxedInt(3));
                    element(3, () -> {
                        mv.visitVarInsn(Opcodes.ALOAD, 0);
                        mv.visitFieldInsn(Opcodes.GETFIELD, "java/net/SocketImpl", "localport", "I");
                        mv.visitMethodInsn(Opcodes.INVOKESTATIC, "java/lang/Integer", "valueOf", "(I)Ljava/lang/Integer;", false);
                    });
                }
            }
            mv.visitMethodInsn(Opcodes.INVOKEINTERFACE, "java/util/function/BiFunction", "apply",
                    "(Ljava/lang/Object;Ljava/lang/Object;)Ljava/lang/Object;", true);
            mv.visitLabel(end);
            mv.visitJumpInsn(Opcodes.GOTO, got);
            mv.visitLabel(failed);            // the hook could not be reached: run the original
            frame("java/lang/Throwable");
            mv.visitInsn(Opcodes.POP);
            mv.visitJumpInsn(Opcodes.GOTO, proceed);
            mv.visitLabel(got);
            frame("java/lang/Object");
            mv.visitInsn(Opcodes.DUP);
            mv.visitTypeInsn(Opcodes.INSTANCEOF, "java/lang/Throwable");
            mv.visitJumpInsn(Opcodes.IFEQ, notThrown);
            mv.visitTypeInsn(Opcodes.CHECKCAST, "java/lang/Throwable");
            mv.visitInsn(Opcodes.ATHROW);
            mv.visitLabel(notThrown);
            frame("java/lang/Object");
            mv.visitInsn(Opcodes.DUP);
            switch (kind) {
                case SINGLE -> {
                    mv.visitTypeInsn(Opcodes.INSTANCEOF, "java/lang/Integer");
                    mv.visitJumpInsn(Opcodes.IFEQ, proceedPop);
                    mv.visitTypeInsn(Opcodes.CHECKCAST, "java/lang/Integer");
                    mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, "java/lang/Integer", "intValue", "()I", false);
                    mv.visitInsn(Opcodes.IRETURN);
                }
                case GATHER -> {
                    mv.visitTypeInsn(Opcodes.INSTANCEOF, "java/lang/Long");
                    mv.visitJumpInsn(Opcodes.IFEQ, proceedPop);
                    mv.visitTypeInsn(Opcodes.CHECKCAST, "java/lang/Long");
                    mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, "java/lang/Long", "longValue", "()J", false);
                    mv.visitInsn(Opcodes.LRETURN);
                }
                case BLOCKING -> {
                    mv.visitTypeInsn(Opcodes.INSTANCEOF, "[B");
                    mv.visitJumpInsn(Opcodes.IFEQ, proceedPop);
                    mv.visitTypeInsn(Opcodes.CHECKCAST, "[B");
                    mv.visitInsn(Opcodes.DUP);
                    mv.visitVarInsn(Opcodes.ASTORE, 1);
                    mv.visitInsn(Opcodes.ARRAYLENGTH);
                    mv.visitVarInsn(Opcodes.ISTORE, 3);
                    mv.visitInsn(Opcodes.ICONST_0);
                    mv.visitVarInsn(Opcodes.ISTORE, 2);
                    mv.visitJumpInsn(Opcodes.GOTO, proceed);
                }
            }
            mv.visitLabel(proceedPop);
            frame("java/lang/Object");
            mv.visitInsn(Opcodes.POP);
            mv.visitLabel(proceed);
            frame(null);
            mv.visitInsn(Opcodes.NOP);
        }

        private void array(int n) {
            mv.visitIntInsn(Opcodes.BIPUSH, n);
            mv.visitTypeInsn(Opcodes.ANEWARRAY, "java/lang/Object");
        }

        private void element(int i, Runnable value) {
            mv.visitInsn(Opcodes.DUP);
            mv.visitIntInsn(Opcodes.BIPUSH, i);
            value.run();
            mv.visitInsn(Opcodes.AASTORE);
        }

        private void boxedInt(int local) {
            mv.visitVarInsn(Opcodes.ILOAD, local);
            mv.visitMethodInsn(Opcodes.INVOKESTATIC, "java/lang/Integer", "valueOf", "(I)Ljava/lang/Integer;", false);
        }

        private void frame(String onStack) {
            mv.visitFrame(Opcodes.F_NEW, entryLocals.length, entryLocals.clone(),
                    onStack == null ? 0 : 1, onStack == null ? new Object[0] : new Object[] {onStack});
        }

        @Override
        public void visitMaxs(int maxStack, int maxLocals) {
            super.visitMaxs(Math.max(maxStack, ADVICE_STACK), maxLocals);
        }
    }
}
