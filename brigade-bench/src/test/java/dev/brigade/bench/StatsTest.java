package dev.brigade.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class StatsTest {

    @Test
    void median_ofAnOddCount_isTheMiddleValue() {
        assertThat(Stats.median(new long[] {9, 1, 5})).isEqualTo(5.0);
        assertThat(Stats.median(new double[] {3.5, 1.0, 2.0})).isEqualTo(2.0);
    }

    @Test
    void median_ofAnEvenCount_averagesTheTwoMiddleValues() {
        assertThat(Stats.median(new long[] {4, 1, 3, 2})).isEqualTo(2.5);
        assertThat(Stats.median(new double[] {1.0, 2.0})).isEqualTo(1.5);
    }

    @Test
    void median_doesNotReorderTheCallersArray() {
        long[] samples = {3, 1, 2};
        Stats.median(samples);
        assertThat(samples).containsExactly(3, 1, 2);
    }

    @Test
    void percentiles_useTheNearestRank() {
        long[] hundred = new long[100];
        for (int i = 0; i < 100; i++) {
            hundred[i] = 100 - i; // 100..1, unsorted
        }
        assertThat(Stats.percentile(hundred, 50)).isEqualTo(50);
        assertThat(Stats.percentile(hundred, 99)).isEqualTo(99);
        assertThat(Stats.percentile(hundred, 99.9)).isEqualTo(100);
        assertThat(Stats.percentile(hundred, 100)).isEqualTo(100);
        assertThat(Stats.percentile(new double[] {7.0}, 1)).isEqualTo(7.0);
    }

    @Test
    void meanMinMax() {
        double[] s = {2, 4, 9};
        assertThat(Stats.mean(s)).isEqualTo(5.0);
        assertThat(Stats.min(s)).isEqualTo(2.0);
        assertThat(Stats.max(s)).isEqualTo(9.0);
    }

    @Test
    void noSamples_orABadPercentile_areRejected() {
        assertThatThrownBy(() -> Stats.median(new long[0])).hasMessage("no samples");
        assertThatThrownBy(() -> Stats.percentile(new long[] {1}, 0)).hasMessageContaining("(0, 100]").hasMessageContaining("0.0");
        assertThatThrownBy(() -> Stats.percentile(new double[] {1}, 101)).hasMessageContaining("101");
    }
}
