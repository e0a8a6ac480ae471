package dev.brigade.manager.config;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a string into words as a POSIX shell would, without expanding anything: blanks separate
 * words, single quotes keep everything literally, double quotes keep blanks (a backslash escapes
 * {@code "} and {@code \} inside them), a backslash outside quotes escapes the next character. Used
 * for a quoted command ({@code brigade start "python3 -m http.server 8000"}, as PM2 takes it) and
 * for {@code --jvm-args '-Xmx256m -Dmsg="hello world"'}, so that what the user quoted stays one word.
 */
public final class Words {
    private Words() {
    }

    /** The words of {@code s}; {@code what} names the option in the error for an unclosed quote. */
    public static List<String> split(String s, String what) throws ConfigException {
        List<String> words = new ArrayList<>();
        StringBuilder w = new StringBuilder();
        boolean inWord = false;
        char quote = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quote == '\'') {
                if (c == '\'') {
                    quote = 0;
                } else {
                    w.append(c);
                }
            } else if (quote == '"') {
                if (c == '"') {
                    quote = 0;
                } else if (c == '\\' && i + 1 < s.length() && (s.charAt(i + 1) == '"' || s.charAt(i + 1) == '\\')) {
                    w.append(s.charAt(++i));
                } else {
                    w.append(c);
                }
            } else if (Character.isWhitespace(c)) {
                if (inWord) {
                    words.add(w.toString());
                    w.setLength(0);
                    inWord = false;
                }
            } else {
                inWord = true;
                if (c == '\'' || c == '"') {
                    quote = c;
                } else if (c == '\\' && i + 1 < s.length()) {
                    w.append(s.charAt(++i));
                } else {
                    w.append(c);
                }
            }
        }
        if (quote != 0) {
            throw new ConfigException(what, "unclosed " + (quote == '"' ? "double" : "single") + " quote in \"" + s + "\"");
        }
        if (inWord) {
            words.add(w.toString());
        }
        return words;
    }
}
