package dev.brigade.manager.dashboard;

import com.sun.net.httpserver.Headers;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Set;

/**
 * Who may use the dashboard: the checks every request passes before anything is run, as pure functions of the
 * request's headers so that they can be read (and tested) in one place.
 *
 * <ul>
 *   <li>Host: bound to a loopback address, only {@code 127.0.0.1:P}, {@code localhost:P} and {@code [::1]:P} are
 *       accepted, so a page of another site whose name was re-pointed at 127.0.0.1 (DNS rebinding) gets nothing;</li>
 *   <li>the token: {@code X-Brigade-Token}, or {@code ?token=} (the page's first load, and {@code /events}, which
 *       a browser's EventSource opens without headers), compared in constant time;</li>
 *   <li>actions (POST) also need: the token in the header (a form or a link of another site cannot set it), an
 *       {@code Origin}, when sent, equal to this server's, and {@code Sec-Fetch-Site}, when sent, not cross-site.</li>
 * </ul>
 */
final class Guard {
    /** A refusal: the status and why, in a few words. */
    record Refusal(int status, String error, String message) {
    }

    private final byte[] token;
    private final boolean loopback;
    private final int port;

    Guard(String token, boolean loopback, int port) {
        this.token = token.getBytes(StandardCharsets.US_ASCII);
        this.loopback = loopback;
        this.port = port;
    }

    boolean loopback() {
        return loopback;
    }

    /** The Host header's check (bound to loopback only); null if it passes. */
    Refusal host(Headers h) {
        if (!loopback) {
            return null;
        }
        String host = h.getFirst("Host");
        Set<String> ok = Set.of("127.0.0.1:" + port, "localhost:" + port, "[::1]:" + port);
        if (host == null || !ok.contains(host.toLowerCase(java.util.Locale.ROOT))) {
            return new Refusal(403, "host", "the Host header " + (host == null ? "is missing" : "'" + host + "' is not this dashboard's")
                    + ": open http://127.0.0.1:" + port + "/ (other names are refused against DNS rebinding)");
        }
        return null;
    }

    /** The token's check, from the header or the query; null if it passes. */
    Refusal token(Headers h, URI uri) {
        String given = h.getFirst("X-Brigade-Token");
        if (given == null) {
            given = query(uri, "token");
        }
        if (given == null || !matches(given)) {
            return new Refusal(401, "token", given == null ? "no token: open the URL 'brigade dashboard' prints"
                    : "wrong token: open the URL 'brigade dashboard' prints");
        }
        return null;
    }

    /** The checks of an action besides the token; null if they pass. */
    Refusal action(Headers h) {
        String header = h.getFirst("X-Brigade-Token");
        if (header == null || !matches(header)) {
            return new Refusal(403, "csrf", "an action needs the token in the X-Brigade-Token header");
        }
        String origin = h.getFirst("Origin");
        String host = h.getFirst("Host");
        if (origin != null && (host == null || !origin.equalsIgnoreCase("http://" + host))) {
            return new Refusal(403, "csrf", "the request comes from another origin (" + origin + ")");
        }
        String site = h.getFirst("Sec-Fetch-Site");
        if (site != null && !site.equals("same-origin") && !site.equals("none")) {
            return new Refusal(403, "csrf", "the request comes from another site (Sec-Fetch-Site: " + site + ")");
        }
        return null;
    }

    private boolean matches(String given) {
        return MessageDigest.isEqual(token, given.getBytes(StandardCharsets.US_ASCII));
    }

    /** The first value of {@code name} in the URI's query, decoded; null if absent. */
    static String query(URI uri, String name) {
        String q = uri.getRawQuery();
        if (q == null) {
            return null;
        }
        for (String kv : q.split("&")) {
            int eq = kv.indexOf('=');
            String k = eq < 0 ? kv : kv.substring(0, eq);
            if (k.equals(name)) {
                return eq < 0 ? "" : URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8);
            }
        }
        return null;
    }
}
