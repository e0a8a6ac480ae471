package dev.brigade.cluster.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.brigade.cluster.ExitCodes;
import dev.brigade.cluster.ExitStatus;
import dev.brigade.cluster.RestartPolicy;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The restart rules on an explicit clock: no processes, no sleeping. */
class SupervisorTest {
    static final long S = 1_000_000_000L;
    final RestartPolicy policy = RestartPolicy.defaults().withBackoff(Duration.ofMillis(100), Duration.ofMillis(1000))
            .withStableAfter(Duration.ofSeconds(30)).withCrashLoop(5, Duration.ofSeconds(60));

    static Supervisor.Outcome crash(long started, long exited) {
        return new Supervisor.Outcome(ExitStatus.exited(1), true, false, false, started, exited);
    }

    @Test
    void backoff_starts_at_zero_doubles_and_is_capped() {
        var s = new Supervisor(policy.withCrashLoop(100, Duration.ofSeconds(60)));
        long[] expectedMs = {0, 100, 200, 400, 800, 1000, 1000};
        for (int i = 0; i < expectedMs.length; i++) {
            assertThat(s.decide(crash(i * S, i * S + S / 10)))
                    .isEqualTo(new Supervisor.Decision.Restart(Duration.ofMillis(expectedMs[i])));
        }
    }

    @Test
    void a_stable_run_resets_the_backoff() {
        var s = new Supervisor(policy);
        s.decide(crash(0, S));
        assertThat(s.decide(crash(S, 2 * S))).isEqualTo(new Supervisor.Decision.Restart(Duration.ofMillis(100)));
        assertThat(s.decide(crash(2 * S, 40 * S))).isEqualTo(new Supervisor.Decision.Restart(Duration.ZERO));
    }

    @Test
    void too_many_restarts_in_the_window_is_a_crash_loop_but_old_ones_expire() {
        var s = new Supervisor(policy);
        for (int i = 0; i < 5; i++) {
            assertThat(s.decide(crash(i * S, i * S + 1))).isInstanceOf(Supervisor.Decision.Restart.class);
        }
        assertThat(s.decide(crash(5 * S, 5 * S + 1))).isInstanceOf(Supervisor.Decision.GiveUp.class);
        var fresh = new Supervisor(policy);
        for (int i = 0; i < 5; i++) {
            fresh.decide(crash(i * S, i * S + 1));
        }
        assertThat(fresh.decide(crash(100 * S, 100 * S + 1))).isInstanceOf(Supervisor.Decision.Restart.class);
    }

    @Test
    void boot_failures_stop_requests_and_replacements() {
        var s = new Supervisor(policy);
        assertThat(s.decide(new Supervisor.Outcome(ExitStatus.exited(1), false, false, false, 0, 1)))
                .isEqualTo(new Supervisor.Decision.GiveUp(true, "worker exited before it came online (exit code 1)"));
        var t = new Supervisor(policy);
        assertThat(t.decide(new Supervisor.Outcome(ExitStatus.exited(ExitCodes.BOOT_ERROR), true, false, false, 0, 1)))
                .isInstanceOf(Supervisor.Decision.GiveUp.class);
        assertThat(t.decide(new Supervisor.Outcome(ExitStatus.exited(0), true, true, false, 0, 1)))
                .isInstanceOf(Supervisor.Decision.Stop.class);
        assertThat(t.decide(new Supervisor.Outcome(ExitStatus.exited(0), true, true, true, 0, 1)))
                .isEqualTo(new Supervisor.Decision.Restart(Duration.ZERO));
        assertThat(new Supervisor(RestartPolicy.never()).decide(crash(0, 1))).isInstanceOf(Supervisor.Decision.Stop.class);
    }

    @Test
    void a_worker_that_exits_0_by_itself_is_done_unless_the_policy_restarts_clean_exits() {
        var clean = new Supervisor.Outcome(ExitStatus.exited(0), true, false, false, 0, S);
        assertThat(new Supervisor(policy).decide(clean)).isEqualTo(new Supervisor.Decision.Stop());
        assertThat(new Supervisor(RestartPolicy.defaults()).decide(clean)).isEqualTo(new Supervisor.Decision.Stop());
        assertThat(new Supervisor(policy.withRestartCleanExits(true)).decide(clean))
                .isEqualTo(new Supervisor.Decision.Restart(Duration.ZERO));
        var killed = new Supervisor.Outcome(ExitStatus.killedBy(9), true, false, false, 0, S);
        assertThat(new Supervisor(policy).decide(killed)).isEqualTo(new Supervisor.Decision.Restart(Duration.ZERO));
    }
}
