package dev.brigade.cluster.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The watchdog's allowance for its own starvation: a check that runs a whole period late forgives that much silence. */
class WatchdogTest {
    private static final long PERIOD = TimeUnit.SECONDS.toNanos(2);

    @Test
    void a_check_on_time_or_a_little_late_forgives_nothing() {
        assertThat(Watchdog.lateness(0, PERIOD, PERIOD)).isZero();
        assertThat(Watchdog.lateness(0, PERIOD + PERIOD / 2, PERIOD)).as("half a period late: ordinary jitter").isZero();
    }

    @Test
    void a_check_a_period_late_or_more_forgives_what_it_missed_never_past_now() {
        long now = 100 * PERIOD;
        long late = Watchdog.lateness(now - 4 * PERIOD, now, PERIOD); // the timer thread was starved for 3 periods
        assertThat(late).isEqualTo(3 * PERIOD);
        long lastBeat = now - 5 * PERIOD; // silent 5 periods, 3 of them while the primary could not have read a beat
        assertThat(Watchdog.credited(lastBeat, late, now)).isEqualTo(now - 2 * PERIOD);
        assertThat(Watchdog.credited(now - PERIOD, late, now)).as("never in the future").isEqualTo(now);
    }
}
