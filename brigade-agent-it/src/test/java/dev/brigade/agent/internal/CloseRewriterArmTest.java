package dev.brigade.agent.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.brigade.agent.support.RecordingInstrumentation;
import org.junit.jupiter.api.Test;

/**
 * The write paths' rewriter registers nothing until the worker leaves; then it registers itself and the bind rewriter
 * (a retransformation of NioSocketImpl, which has both write and bind paths, runs every registered transformer on the
 * original bytes: without the bind rewriter it would drop the bind rewrites), and retransforms the loaded write paths.
 */
class CloseRewriterArmTest {
    @Test
    void arm_registersItselfAndTheBindRewriter_onceAndOnlyThen() throws Exception {
        RecordingInstrumentation rec = new RecordingInstrumentation();
        BindRewriter bind = new BindRewriter();
        CloseRewriter closing = new CloseRewriter(bind);
        assertThat(rec.registered).isEmpty();

        closing.arm(rec.inst);
        closing.arm(rec.inst);

        assertThat(rec.registered).containsExactly(closing, bind);
        assertThat(rec.retransformed).contains(Class.forName("sun.nio.ch.SocketChannelImpl", false, null),
                Class.forName("sun.nio.ch.NioSocketImpl", false, null));
    }
}
