package dev.brigade.store.internal;

/** Redis glob patterns (SCAN MATCH, PSUBSCRIBE): escaping text so it matches only itself. */
final class Glob {
    private Glob() {
    }

    /** {@code text} with each of {@code * ? [ ] \} preceded by a backslash. */
    static String escape(String text) {
        StringBuilder b = new StringBuilder(text.length() + 8);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') {
                b.append('\\');
            }
            b.append(c);
        }
        return b.toString();
    }
}
