package dev.brigade.manager.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The scrape's renderings: ahead of time while scraped, never stale, none while nobody scrapes. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PrerenderedTest {
    private static final Duration BOUND = Duration.ofSeconds(60);
    private static final String SAMPLER = "brigade-metrics-sampler";
    private final AtomicInteger renders = new AtomicInteger();
    private final AtomicInteger bySampler = new AtomicInteger();

    private String render() {
        if (Thread.currentThread().getName().equals(SAMPLER)) {
            bySampler.incrementAndGet();
        }
        return "rendering " + renders.incrementAndGet();
    }

    private static int number(String rendering) {
        return Integer.parseInt(rendering.substring(rendering.lastIndexOf(' ') + 1));
    }

    @Test
    void the_first_scrape_renders_itself_then_while_scrapes_come_the_sampler_renders_ahead() {
        Prerendered p = new Prerendered(this::render, System::nanoTime);
        assertThat(p.get()).isEqualTo("rendering 1");
        await().atMost(BOUND).until(() -> {
            p.get(); // a scraper polling often: the sampler renders once a second at most
            return bySampler.get() >= 2;
        });
        int before = renders.get();
        assertThat(number(p.get())).as("the latest rendering, or a new one").isBetween(before, renders.get());
    }

    @Test
    void a_rendering_older_than_the_stale_limit_is_never_served() {
        AtomicLong clock = new AtomicLong(1);
        Prerendered p = new Prerendered(this::render, clock::get);
        assertThat(p.get()).isEqualTo("rendering 1");
        int before = renders.get();
        clock.addAndGet(Prerendered.STALE_NANOS + 1);
        assertThat(number(p.get())).as("rendered after the clock moved").isGreaterThan(before);
    }

    @Test
    void the_sampler_stops_when_scrapes_stop_and_the_next_scrape_renders_fresh() {
        AtomicLong clock = new AtomicLong(1);
        Prerendered p = new Prerendered(this::render, clock::get);
        p.get();
        assertThat(p.sampling()).isTrue();
        clock.addAndGet(Prerendered.idleLimit(Prerendered.PERIOD_NANOS) + 1);
        await().atMost(BOUND).until(() -> !p.sampling());
        int stopped = renders.get();
        assertThat(p.get()).isEqualTo("rendering " + (stopped + 1));
        assertThat(p.sampling()).isTrue();
    }

    @Test
    void the_sampler_waits_for_the_next_scrape_due_instead_of_rendering_every_second() {
        AtomicLong clock = new AtomicLong(1);
        Prerendered p = new Prerendered(this::render, clock::get);
        long interval = TimeUnit.SECONDS.toNanos(15);
        p.get();
        clock.addAndGet(interval);
        p.get(); // scrapes 15 s apart: the next is due at +30 s, rendered from +29 s
        int after = renders.get();
        clock.addAndGet(interval - Prerendered.LEAD_NANOS - TimeUnit.SECONDS.toNanos(2)); // +28 s: not yet
        assertThat(bySampler.get()).isZero();
        clock.addAndGet(TimeUnit.SECONDS.toNanos(2)); // +30 s: due
        await().atMost(BOUND).until(() -> bySampler.get() == 1);
        assertThat(renders.get()).isEqualTo(after + 1);
        assertThat(p.get()).as("the sampler's rendering is served").isEqualTo("rendering " + (after + 1));
    }

    @Test
    void a_rendering_that_fails_in_the_sampler_does_not_end_it() {
        AtomicInteger sampled = new AtomicInteger();
        Prerendered p = new Prerendered(() -> {
            if (Thread.currentThread().getName().equals(SAMPLER) && sampled.incrementAndGet() == 1) {
                throw new IllegalStateException("boom (expected by the test)");
            }
            return "rendering";
        }, System::nanoTime);
        p.get();
        await().atMost(BOUND).until(() -> {
            p.get();
            return sampled.get() >= 2;
        });
        assertThat(p.sampling()).isTrue();
    }
}
