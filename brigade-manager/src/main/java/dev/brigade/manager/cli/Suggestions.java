package dev.brigade.manager.cli;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/** Words spelled nearly like a mistyped one: within two edits (Damerau-Levenshtein), or that it begins. */
final class Suggestions {
    private Suggestions() {
    }

    /** The {@code candidates} near {@code word}, nearest first (ties in the candidates' order). */
    static List<String> near(String word, Collection<String> candidates) {
        String w = word.toLowerCase();
        List<String> near = new ArrayList<>();
        for (String c : candidates) {
            String l = c.toLowerCase();
            if (!near.contains(c) && (distance(w, l) <= 2 || (w.length() >= 2 && l.startsWith(w)))) {
                near.add(c);
            }
        }
        near.sort(Comparator.comparingInt(c -> distance(w, c.toLowerCase())));
        return near;
    }

    /** Edits (insert, delete, substitute, swap two adjacent letters) from {@code a} to {@code b}. */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
