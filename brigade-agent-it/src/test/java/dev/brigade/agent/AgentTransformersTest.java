package dev.brigade.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.brigade.agent.internal.BindRewriter;
import dev.brigade.agent.support.RecordingInstrumentation;
import org.junit.jupiter.api.Test;

/**
 * The agent leaves no class-file transformer registered once its premain is done: while one is, the JVM hands every
 * class it loads (those of the app's AOT cache or class-data archive too) to the agent as bytes, which made a worker's
 * start from the app's archive slower than without the agent (issue 14). The bind rewriter was registered while the
 * agent loaded its targets and retransformed those loaded already.
 */
class AgentTransformersTest {
    @Test
    void afterPremain_noTransformerIsRegistered_andTheBindTargetsWereRewrittenMeanwhile() throws Exception {
        RecordingInstrumentation rec = new RecordingInstrumentation();
        BrigadeAgent.start(rec.inst, "3=127.0.0.1:8080", null);

        assertThat(rec.registered).as("transformers left registered after premain").isEmpty();
        assertThat(rec.everRegistered).hasSize(1).first().isInstanceOf(BindRewriter.class);
        // NioSocketImpl was loaded before (the fake says so), so it was retransformed with the rewriter registered
        assertThat(rec.retransformed).contains(Class.forName("sun.nio.ch.NioSocketImpl", false, null));
        for (String target : BindRewriter.TARGETS) {
            assertThat(Class.forName(target, false, null)).isNotNull();
        }
    }
}
