package dev.brigade.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One measured figure, as ../shared/BENCH.md specifies: a stable id, the value, its unit,
 * which direction is better, and the same figure for each peer measured in the same run.
 *
 * @param id     stable id listed in the issue, e.g. {@code worker.rtt_p50_us}
 * @param value  Brigade's value
 * @param unit   e.g. {@code us}, {@code ms}, {@code bytes}, {@code msgs/s}
 * @param better {@code lower} or {@code higher}
 * @param peers  peer name to value (node, piscina, pm2, tpe, single_jvm, redis); may be empty
 * @param note   how it was measured (condition, repetitions); shown in the table footer
 */
public record Figure(String id, double value, String unit, String better, Map<String, Double> peers, String note) {
    public Figure {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(unit, "unit");
        if (!better.equals("lower") && !better.equals("higher")) {
            throw new IllegalArgumentException("better must be \"lower\" or \"higher\", got \"" + better + "\"");
        }
        peers = Map.copyOf(new LinkedHashMap<>(peers));
        note = note == null ? "" : note;
    }

    public static Figure lower(String id, double value, String unit, Map<String, Double> peers, String note) {
        return new Figure(id, value, unit, "lower", peers, note);
    }

    public static Figure higher(String id, double value, String unit, Map<String, Double> peers, String note) {
        return new Figure(id, value, unit, "higher", peers, note);
    }
}
