package dev.brigade.examples.snippets;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The fenced blocks of a Markdown document that are tied to a source file by a marker comment
 * on the line before the fence:
 * <ul>
 *   <li>{@code <!-- snippet: dir/file -->} (a path from the repository's root, any language): the
 *       block shows that file's README regions ({@code <!-- README:begin -->} in XML), where
 *       {@code @project.version@} reads as the project's version;</li>
 *   <li>{@code <!-- snippet: Name.java -->} before a {@code java} block: the block shows the
 *       region(s) of {@code examples/snippets/src/main/java/dev/brigade/examples/snippets/Name.java}
 *       between {@code // README:begin} and {@code // README:end} lines (de-indented, regions
 *       joined by one empty line), or the whole file when it has no such lines;</li>
 *   <li>{@code <!-- output: Name [jvm flags...] -->} before any block: what {@code java [flags]
 *       dev.brigade.examples.snippets.Name} prints on stdout, line by line, where {@code *} in a
 *       line stands for any text.</li>
 * </ul>
 */
record Snippets(Path document, List<Block> blocks) {

    /** One fenced block: its language, body, and the marker before it (null when none). */
    record Block(int line, String language, String body, Marker marker) {}

    /** A marker comment: kind ("snippet" or "output"), the snippet's name, and extra JVM flags. */
    record Marker(String kind, String name, List<String> flags) {}

    private static final Pattern MARKER = Pattern.compile("^<!--\\s*(snippet|output):\\s*(.+?)\\s*-->\\s*$");
    private static final Pattern FENCE = Pattern.compile("^(\\s*)```(\\S*)\\s*$");

    static Snippets parse(Path document) throws IOException {
        List<String> lines = Files.readAllLines(document);
        List<Block> blocks = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            Matcher open = FENCE.matcher(lines.get(i));
            if (!open.matches()) continue;
            Marker marker = null;
            if (i > 0) {
                Matcher m = MARKER.matcher(lines.get(i - 1).trim());
                if (m.matches()) {
                    List<String> words = Arrays.asList(m.group(2).split("\\s+"));
                    String name = words.get(0).contains("/") ? words.get(0) : words.get(0).replaceAll("\\.java$", "");
                    marker = new Marker(m.group(1), name, words.subList(1, words.size()));
                }
            }
            int start = i + 1;
            int end = start;
            while (end < lines.size() && !lines.get(end).trim().equals("```")) end++;
            if (end == lines.size()) throw new IllegalStateException(document + ":" + (i + 1) + ": unclosed fence");
            blocks.add(new Block(i + 1, open.group(2), String.join("\n", lines.subList(start, end)), marker));
            i = end;
        }
        return new Snippets(document, blocks);
    }

    /** The text a {@code snippet} marker promises: the file's README regions, or the whole file. */
    static String shownPart(Path source) throws IOException {
        List<String> lines = Files.readAllLines(source);
        List<List<String>> regions = new ArrayList<>();
        List<String> current = null;
        for (String line : lines) {
            String t = line.trim();
            if (t.equals("// README:begin") || t.equals("<!-- README:begin -->")) {
                current = new ArrayList<>();
            } else if (t.equals("// README:end") || t.equals("<!-- README:end -->")) {
                if (current == null) throw new IllegalStateException(source + ": README:end without begin");
                regions.add(current);
                current = null;
            } else if (current != null) {
                current.add(line);
            }
        }
        if (current != null) throw new IllegalStateException(source + ": README:begin without end");
        if (regions.isEmpty()) return String.join("\n", lines).stripTrailing();
        List<String> out = new ArrayList<>();
        for (List<String> region : regions) {
            if (!out.isEmpty()) out.add("");
            out.addAll(dedent(region));
        }
        return String.join("\n", out).stripTrailing();
    }

    private static List<String> dedent(List<String> region) {
        int indent = region.stream().filter(l -> !l.isBlank())
                .mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
        return region.stream().map(l -> l.isBlank() ? "" : l.substring(indent)).toList();
    }

    /** Whether {@code actual} matches {@code expected} line by line, {@code *} standing for any text. */
    static boolean outputMatches(List<String> expected, List<String> actual) {
        if (expected.size() != actual.size()) return false;
        for (int i = 0; i < expected.size(); i++) {
            String regex = Arrays.stream(expected.get(i).split("\\*", -1)).map(Pattern::quote)
                    .reduce((a, b) -> a + ".*" + b).orElse("");
            if (!actual.get(i).matches(regex)) return false;
        }
        return true;
    }
}
