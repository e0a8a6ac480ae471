package dev.brigade.agent.internal;

import java.lang.instrument.ClassFileTransformer;
import java.security.ProtectionDomain;
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
 * The bytecode surgery: a few instructions at the top of the three JDK methods every Java server
 * binds through, so that an unmodified server adopts the listening socket its worker inherited.
 *
 * <h2>The choke points, and why these</h2>
 * <ul>
 *   <li>{@code sun.nio.ch.ServerSocketChannelImpl#bind(SocketAddress, int)}: every
 *       {@code ServerSocketChannel} (and its {@code socket()} adaptor), hence the JDK HttpServer,
 *       Jetty, Tomcat NIO, Undertow and Netty's NIO transport. Its original body checks, binds
 *       and listens, then sets {@code localAddress}.</li>
 *   <li>{@code sun.nio.ch.NioSocketImpl#bind(InetAddress, int)} and {@code #listen(int)}: every
 *       {@code java.net.ServerSocket} since JDK 13 ({@code ServerSocket.bind} calls both, in that
 *       order, on its platform SocketImpl). {@code listen} must be skipped after an adoption:
 *       {@code listen(50)} on the shared socket would shrink the backlog of every worker.
 *       NioSocketImpl also serves client sockets; those are told apart by its {@code server} flag.</li>
 *   <li>{@code sun.nio.ch.AsynchronousServerSocketChannelImpl#bind(SocketAddress, int)}: every
 *       {@code AsynchronousServerSocketChannel} (Linux: the Unix subclass inherits this bind).</li>
 * </ul>
 * Netty's native epoll and io_uring transports bind in their own JNI code and cannot be reached
 * here; {@link dev.brigade.agent.InheritedSockets} serves them.
 *
 * <h2>What the inserted code does</h2>
 * At the top of each method, before its lock and checks:
 * <pre>{@code
 * try {
 *     r = ((BiFunction) Class.forName("dev.brigade.agent.internal.Hooks", true, ClassLoader.getSystemClassLoader())
 *             .getField("HOOK").get(null)).apply(this, address);   // NioSocketImpl.bind: new InetSocketAddress(host, port)
 * } catch (Throwable t) { r = null; }                                // NioSocketImpl.listen: "listen"
 * if (r == Boolean.TRUE) return this;                                 // (or return; for the void methods)
 * if (r instanceof Throwable) throw (Throwable) r;
 * // the original body
 * }</pre>
 * The call goes through reflection because this code runs inside java.base, whose class loader
 * (the boot loader) cannot see the agent's classes, and whose module cannot link to the class
 * path's unnamed module; reflection needs neither (core reflection assumes readability, and the
 * unnamed module exports everything). It costs microseconds, once per bind. All the logic then
 * runs in plain Java ({@link Binder}, {@link JdkAccess}); the inserted bytecode never changes
 * with it. A missing or failing hook degrades to the original bind, never to a broken one.
 *
 * <h2>How, cheaply and safely</h2>
 * Only these three classes are ever parsed (a name check per loaded class, no scanning): the agent
 * loads them in its premain with this transformer registered ({@link #loadTargets}), or retransforms
 * them if they already were (dynamic attach), then removes it; it is registered again only when the
 * worker leaves, when the write paths' retransformation must keep these rewrites.
 * Untouched methods are copied as bytes by ASM. Frames are not recomputed (that would load
 * classes from inside a transformer): the class is read with expanded frames, the inserted code
 * declares its own three frames, all of them the method's entry locals, and ends with a NOP so
 * that no original frame can fall on the same offset as ours. The max stack is raised by the
 * inserted code's depth ({@value #ADVICE_STACK}); no local variable is added.
 *
 * <h2>JDK internals relied on, all identical in JDK 17 through 25 (javap on both; tests run
 * workers on each)</h2>
 * The three classes and four method descriptors above; the members {@link JdkAccess} lists.
 * If a future JDK renames one, the rewriter prints one line naming the missing method and that
 * bind path simply is not adopted (the app then binds normally and fails "Address already in
 * use", which names the problem), rather than guessing.
 */
public final class BindRewriter implements ClassFileTransformer {
    static final int ADVICE_STACK = 6;
    private static final String HOOKS = "dev.brigade.agent.internal.Hooks";
    private static final String SSCI = "sun/nio/ch/ServerSocketChannelImpl";
    private static final String ASSCI = "sun/nio/ch/AsynchronousServerSocketChannelImpl";
    private static final String NIO_IMPL = "sun/nio/ch/NioSocketImpl";

    /** The JDK classes rewritten, by binary name. */
    public static final Set<String> TARGETS = Set.of(SSCI.replace('/', '.'), ASSCI.replace('/', '.'), NIO_IMPL.replace('/', '.'));

    /** class → method name + descriptor → how the advice passes the address. */
    private static final Map<String, Map<String, Arg>> METHODS = Map.of(
            SSCI, Map.of("bind(Ljava/net/SocketAddress;I)Ljava/nio/channels/ServerSocketChannel;", Arg.ADDRESS),
            ASSCI, Map.of("bind(Ljava/net/SocketAddress;I)Ljava/nio/channels/AsynchronousServerSocketChannel;", Arg.ADDRESS),
            NIO_IMPL, Map.of("bind(Ljava/net/InetAddress;I)V", Arg.HOST_PORT, "listen(I)V", Arg.LISTEN));

    private enum Arg { ADDRESS, HOST_PORT, LISTEN }

    private final Set<String> rewritten = ConcurrentHashMap.newKeySet();
    private final RewriteCache cache;

    /** A rewriter that keeps nothing between workers. */
    public BindRewriter() {
        this(RewriteCache.open(null));
    }

    /** A rewriter that takes and keeps its rewritten classes in the file {@code cacheFile} names (null: none). */
    public BindRewriter(String cacheFile) {
        this(RewriteCache.open(cacheFile));
    }

    private BindRewriter(RewriteCache cache) {
        this.cache = cache;
    }

    /** Its cache of rewritten classes, which the write paths' rewriter shares (one file, written whole). */
    RewriteCache cache() {
        return cache;
    }

    /** Writes what this rewriter made to its cache file, for the next worker (see {@link RewriteCache}). */
    public void saveCache() {
        cache.save();
    }

    /** Whether {@code className} (binary name) was rewritten by this transformer. */
    public boolean rewrote(String className) {
        return rewritten.contains(className.replace('.', '/'));
    }

    /**
     * Loads the target classes that are not loaded yet through the boot loader, without initializing them, so that
     * this transformer, registered meanwhile, rewrites them now rather than whenever the app first binds.
     */
    public void loadTargets() {
        for (String name : TARGETS) {
            try {
                Class.forName(name, false, null);
            } catch (ClassNotFoundException | LinkageError e) {
                Notifier.warn("WARNING " + name + " cannot be loaded on JDK " + Runtime.version() + ": " + e
                        + "; servers binding through it will not adopt inherited sockets");
            }
        }
    }

    @Override
    public byte[] transform(ClassLoader loader, String className, Class<?> redefined, ProtectionDomain pd, byte[] bytes) {
        Map<String, Arg> methods = loader == null && className != null ? METHODS.get(className) : null;
        if (methods == null) {
            return null;
        }
        byte[] kept = cache.lookup(className, bytes);
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
                    Arg arg = (access & (Opcodes.ACC_STATIC | Opcodes.ACC_ABSTRACT | Opcodes.ACC_BRIDGE)) == 0
                            ? methods.get(name + desc) : null;
                    if (arg == null) {
                        return mv;
                    }
                    found.add(name + desc);
                    return new Advice(mv, className, desc, arg);
                }
            }, ClassReader.EXPAND_FRAMES);
            for (String m : methods.keySet()) {
                if (!found.contains(m)) {
                    Notifier.warn("WARNING " + className.replace('/', '.') + "#" + m + " not found on JDK " + Runtime.version()
                            + ": servers binding through it will not adopt inherited sockets");
                }
            }
            rewritten.add(className);
            byte[] out = writer.toByteArray();
            if (found.size() == methods.size()) {
                cache.add(className, bytes, out);
            }
            return out;
        } catch (Throwable t) {
            Notifier.warn("WARNING cannot rewrite " + className + " on JDK " + Runtime.version() + ": " + t
                    + "; servers binding through it will not adopt inherited sockets");
            return null;
        }
    }

    /** Inserts the hook call at the top of one method. */
    private static final class Advice extends MethodVisitor {
        private final Object[] entryLocals;
        private final Arg arg;
        private final boolean returnsThis;

        Advice(MethodVisitor mv, String owner, String desc, Arg arg) {
            super(Opcodes.ASM9, mv);
            this.arg = arg;
            Type[] params = Type.getArgumentTypes(desc);
            entryLocals = new Object[params.length + 1];
            entryLocals[0] = owner;
            for (int i = 0; i < params.length; i++) {
                entryLocals[i + 1] = params[i].getSort() == Type.INT ? Opcodes.INTEGER : params[i].getInternalName();
            }
            returnsThis = Type.getReturnType(desc).getSort() == Type.OBJECT;
        }

        @Override
        public void visitCode() {
            super.visitCode();
            Label start = new Label(), end = new Label(), failed = new Label(), notTrue = new Label(),
                    proceedPop = new Label(), proceed = new Label();
            mv.visitTryCatchBlock(start, end, failed, "java/lang/Throwable");
            mv.visitLabel(start);
            mv.visitLdcInsn(HOOKS);
            mv.visitInsn(Opcodes.ICONST_1);
            mv.visitMethodInsn(Opcodes.INVOKESTATIC, "java/lang/ClassLoader", "getSystemClassLoader", "()Ljava/lang/ClassLoader;", false);
            mv.visitMethodInsn(Opcodes.INVOKESTATIC, "java/lang/Class", "forName",
                    "(Ljava/lang/String;ZLjava/lang/ClassLoader;)Ljava/lang/Class;", false);
            mv.visitLdcInsn("HOOK");
            mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, "java/lang/Class", "getField", "(Ljava/lang/String;)Ljava/lang/reflect/Field;", false);
            mv.visitInsn(Opcodes.ACONST_NULL);
            mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, "java/lang/reflect/Field", "get", "(Ljava/lang/Object;)Ljava/lang/Object;", false);
            mv.visitTypeInsn(Opcodes.CHECKCAST, "java/util/function/BiFunction");
            mv.visitVarInsn(Opcodes.ALOAD, 0);
            switch (arg) {
                case ADDRESS -> mv.visitVarInsn(Opcodes.ALOAD, 1);
                case HOST_PORT -> {
                    mv.visitTypeInsn(Opcodes.NEW, "java/net/InetSocketAddress");
                    mv.visitInsn(Opcodes.DUP);
                    mv.visitVarInsn(Opcodes.ALOAD, 1);
                    mv.visitVarInsn(Opcodes.ILOAD, 2);
                    mv.visitMethodInsn(Opcodes.INVOKESPECIAL, "java/net/InetSocketAddress", "<init>", "(Ljava/net/InetAddress;I)V", false);
                }
                case LISTEN -> mv.visitLdcInsn(Hooks.LISTEN);
            }
            mv.visitMethodInsn(Opcodes.INVOKEINTERFACE, "java/util/function/BiFunction", "apply",
                    "(Ljava/lang/Object;Ljava/lang/Object;)Ljava/lang/Object;", true);
            mv.visitLabel(end);
            mv.visitInsn(Opcodes.DUP);
            mv.visitFieldInsn(Opcodes.GETSTATIC, "java/lang/Boolean", "TRUE", "Ljava/lang/Boolean;");
            mv.visitJumpInsn(Opcodes.IF_ACMPNE, notTrue);
            mv.visitInsn(Opcodes.POP);
            if (returnsThis) {
                mv.visitVarInsn(Opcodes.ALOAD, 0);
                mv.visitInsn(Opcodes.ARETURN);
            } else {
                mv.visitInsn(Opcodes.RETURN);
            }
            mv.visitLabel(failed);            // the hook could not be reached: run the original
            frame("java/lang/Throwable");
            mv.visitInsn(Opcodes.POP);
            mv.visitJumpInsn(Opcodes.GOTO, proceed);
            mv.visitLabel(notTrue);
            frame("java/lang/Object");
            mv.visitInsn(Opcodes.DUP);
            mv.visitTypeInsn(Opcodes.INSTANCEOF, "java/lang/Throwable");
            mv.visitJumpInsn(Opcodes.IFEQ, proceedPop);
            mv.visitTypeInsn(Opcodes.CHECKCAST, "java/lang/Throwable");
            mv.visitInsn(Opcodes.ATHROW);
            mv.visitLabel(proceedPop);
            frame("java/lang/Object");
            mv.visitInsn(Opcodes.POP);
            mv.visitLabel(proceed);
            frame(null);
            mv.visitInsn(Opcodes.NOP);
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
