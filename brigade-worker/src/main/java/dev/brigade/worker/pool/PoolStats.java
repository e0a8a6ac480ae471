package dev.brigade.worker.pool;

import java.util.List;
import org.HdrHistogram.Histogram;

/**
 * A snapshot of a pool's figures ({@link WorkerPool#stats()}).
 *
 * @param completed   tasks that finished, normally or by throwing, since the pool started
 * @param failed      of those, tasks that threw (or whose stage failed)
 * @param rejected    tasks refused because the queue was full
 * @param queued      tasks waiting in the queue now
 * @param held        tasks the workers hold now (running, in their inboxes, or pending asynchronously)
 * @param threads     live workers now
 * @param utilization time spent running tasks over the time maxThreads workers could have, since start (0..1)
 * @param runTime     how long tasks ran
 * @param waitTime    how long tasks waited between {@code run} and starting
 * @param workers     per live worker: name, tasks completed, slots held
 */
public record PoolStats(long completed, long failed, long rejected, int queued, int held, int threads, double utilization,
                        TimeSummary runTime, TimeSummary waitTime, List<WorkerStats> workers) {

    /**
     * A distribution of durations, in <b>microseconds</b>, from an HdrHistogram (3 significant digits).
     *
     * @param count how many durations were recorded
     * @param mean  the mean
     * @param min   the shortest
     * @param max   the longest
     * @param p50   the median
     * @param p90   the 90th percentile
     * @param p99   the 99th percentile
     * @param p999  the 99.9th percentile
     */
    public record TimeSummary(long count, double mean, double min, double max, double p50, double p90, double p99, double p999) {
        static TimeSummary of(Histogram h) {
            if (h.getTotalCount() == 0) {
                return new TimeSummary(0, 0, 0, 0, 0, 0, 0, 0);
            }
            return new TimeSummary(h.getTotalCount(), h.getMean() / 1e3, h.getMinValue() / 1e3, h.getMaxValue() / 1e3,
                    h.getValueAtPercentile(50) / 1e3, h.getValueAtPercentile(90) / 1e3,
                    h.getValueAtPercentile(99) / 1e3, h.getValueAtPercentile(99.9) / 1e3);
        }
    }

    /**
     * One live worker's figures.
     *
     * @param name      the worker's name
     * @param completed tasks it completed
     * @param held      tasks it holds now
     */
    public record WorkerStats(String name, long completed, int held) {
    }
}
