package dev.brigade.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The output of one bench run, in the two forms ../shared/BENCH.md fixes: a readable table,
 * and exactly one JSON object ({@code suite}, {@code machine}, {@code figures}).
 *
 * @param suite   the suite name ({@code all} for a run of every suite)
 * @param machine where it ran
 * @param figures in the order the suite returned them
 * @param skipped suites that were asked for (through {@code all}) but are not built yet
 */
public record Report(String suite, Machine machine, List<Figure> figures, List<String> skipped) {
    /** Peer columns appear in this order; other peers follow alphabetically. */
    static final List<String> PEER_ORDER = List.of("node", "piscina", "pm2", "tpe", "single_jvm", "redis");

    private static final ObjectMapper MAPPER = new ObjectMapper().disable(SerializationFeature.INDENT_OUTPUT);

    public Report {
        figures = List.copyOf(figures);
        skipped = List.copyOf(skipped);
    }

    public Report(String suite, Machine machine, List<Figure> figures) {
        this(suite, machine, figures, List.of());
    }

    /** The JSON object, on one line. */
    public String json() {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("suite", suite);
        ObjectNode m = root.putObject("machine");
        m.put("cores", machine.cores());
        m.put("java", machine.java());
        if (machine.node() != null) {
            m.put("node", machine.node());
        }
        m.put("os", machine.os());
        ArrayNode fs = root.putArray("figures");
        for (Figure f : figures) {
            ObjectNode o = fs.addObject();
            o.put("id", f.id());
            o.put("value", f.value());
            o.put("unit", f.unit());
            o.put("better", f.better());
            ObjectNode peers = o.putObject("peers");
            for (String peer : peerColumns(List.of(f))) {
                peers.put(peer, f.peers().get(peer));
            }
            if (!f.note().isEmpty()) {
                o.put("note", f.note());
            }
        }
        if (!skipped.isEmpty()) {
            ArrayNode s = root.putArray("skipped");
            skipped.forEach(s::add);
        }
        try {
            return MAPPER.writeValueAsString(root);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise the report of suite " + suite, e);
        }
    }

    /** Prints the JSON object and a newline: the only thing a --json run puts on stdout. */
    public void printJson(PrintStream out) {
        out.println(json());
        out.flush();
    }

    /** The readable table: id, Brigade's value, unit, one column per peer, the ratio against Node, notes. */
    public String table() {
        List<String> peers = peerColumns(figures);
        boolean ratio = peers.contains("node");
        List<String> header = new ArrayList<>(List.of("id", "brigade", "unit"));
        header.addAll(peers);
        if (ratio) {
            header.add("vs node");
        }
        List<List<String>> rows = new ArrayList<>();
        rows.add(header);
        for (Figure f : figures) {
            List<String> row = new ArrayList<>(List.of(f.id(), format(f.value()), f.unit()));
            for (String peer : peers) {
                Double v = f.peers().get(peer);
                row.add(v == null ? "-" : format(v));
            }
            if (ratio) {
                row.add(ratioVsNode(f));
            }
            rows.add(row);
        }
        int[] width = new int[header.size()];
        for (List<String> row : rows) {
            for (int i = 0; i < row.size(); i++) {
                width[i] = Math.max(width[i], row.get(i).length());
            }
        }
        StringBuilder sb = new StringBuilder();
        sb.append("brigade bench ").append(suite).append(" - ").append(machine.cores()).append(" cores, Java ")
                .append(machine.java()).append(", ")
                .append(machine.node() == null ? "node not installed" : "node " + machine.node())
                .append(", ").append(machine.os()).append('\n').append('\n');
        for (int r = 0; r < rows.size(); r++) {
            List<String> row = rows.get(r);
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.size(); i++) {
                String cell = row.get(i);
                // the id column is left-aligned, numbers right-aligned, the unit left-aligned
                boolean left = i == 0 || i == 2 || (ratio && i == row.size() - 1);
                String pad = " ".repeat(width[i] - cell.length());
                line.append(left ? cell + pad : pad + cell);
                if (i < row.size() - 1) {
                    line.append("  ");
                }
            }
            sb.append(line.toString().stripTrailing()).append('\n');
            if (r == 0) {
                sb.append("-".repeat(line.toString().stripTrailing().length())).append('\n');
            }
        }
        if (figures.isEmpty()) {
            sb.append("(no figures)\n");
        }
        List<String> notes = figures.stream().filter(f -> !f.note().isEmpty())
                .map(f -> "  " + f.id() + ": " + f.note()).toList();
        if (!notes.isEmpty() || !skipped.isEmpty() || peers.isEmpty()) {
            sb.append('\n').append("Notes:\n");
            notes.forEach(n -> sb.append(n).append('\n'));
            if (peers.isEmpty() && !figures.isEmpty()) {
                sb.append("  no peer was measured in this run (missing peers are left out, never invented)\n");
            }
            if (!skipped.isEmpty()) {
                sb.append("  not built yet, skipped: ").append(String.join(", ", skipped)).append('\n');
            }
        }
        return sb.toString();
    }

    /** "13.0x better" / "2.00x worse": how Brigade compares with Node, in the figure's direction. */
    static String ratioVsNode(Figure f) {
        Double node = f.peers().get("node");
        if (node == null || node == 0 || f.value() == 0) {
            return "-";
        }
        double r = f.better().equals("lower") ? node / f.value() : f.value() / node;
        return r >= 1 ? times(r) + " better" : times(1 / r) + " worse";
    }

    private static String times(double r) {
        return String.format(Locale.ROOT, r >= 10 ? "%.1fx" : "%.2fx", r);
    }

    /** Peers present in any of the figures, in {@link #PEER_ORDER}, then alphabetically. */
    static List<String> peerColumns(List<Figure> figures) {
        Set<String> present = new LinkedHashSet<>();
        figures.forEach(f -> present.addAll(f.peers().keySet()));
        return present.stream().sorted(Comparator
                .comparingInt((String p) -> PEER_ORDER.contains(p) ? PEER_ORDER.indexOf(p) : PEER_ORDER.size())
                .thenComparing(Comparator.naturalOrder())).toList();
    }

    /** Three significant digits for small values, thousands grouped for large ones. */
    static String format(double v) {
        double a = Math.abs(v);
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return String.valueOf(v);
        }
        if (a >= 1000) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        if (a >= 100 || v == Math.rint(v)) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        if (a >= 10) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        if (a >= 1) {
            return String.format(Locale.ROOT, "%.2f", v);
        }
        return String.format(Locale.ROOT, "%.3g", v);
    }
}
