package dev.brigade.manager.daemon;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/*
 * What the daemon must do with a byte stream on one control connection, worked out on the client's
 * side with the daemon's own decoder (Protocol.JSON into Protocol.Envelope) and its framing rules,
 * frame by frame, until the point where the daemon stops reading:
 *
 * - a length outside 0..MAX_FRAME, or a body that is not a request (whatever the decoder's reason): one PROTOCOL
 *   answer, then the end;
 * - a request of another version: one VERSION answer, then the end;
 * - a frame cut short by the client's hang-up: no answer, the end;
 * - `logs --follow` of every app (there are none): no answer; the connection then only waits for the
 *   hang-up, and whatever follows is ignored;
 * - any other request: exactly one answer (`logs` without --follow: its final Ok or UNKNOWN_APP, as
 *   there are no apps and hence no lines).
 *
 * What is allowed to run: the fuzzer is the daemon's own user, so a well-formed `kill` or a `start`
 * whose every spec passes AppSpec.problem() is an authorised order the daemon obeys by design (it
 * would end this JVM, or run a command the fuzzer made up). Those frames are withheld: replaced by a
 * `ping` frame before anything is sent. Everything else goes to the daemon as it is, and nothing
 * else may ever leave an app behind or start a process.
 */

/** The client-side prediction of one control connection: what is sent and how many answers come back. */
record ControlOracle(byte[] stream, int answers, String lastCode, int withheld) {
    private static final byte[] PING = "{\"v\":1,\"request\":{\"type\":\"ping\"}}".getBytes(StandardCharsets.UTF_8);

    /** The stream to send in place of {@code raw} (authorised orders withheld), and what the daemon must answer. */
    static ControlOracle of(byte[] raw) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int pos = 0;
        int answers = 0;
        int withheld = 0;
        String last = null;
        while (raw.length - pos >= 4) {
            int n = ByteBuffer.wrap(raw, pos, 4).getInt();
            if (n < 0 || n > Protocol.MAX_FRAME) {
                return new ControlOracle(rest(out, raw, pos), answers + 1, "PROTOCOL", withheld);
            }
            if (raw.length - pos - 4 < n) {
                break; // cut short: the daemon waits for the rest, then sees the hang-up
            }
            byte[] body = Arrays.copyOfRange(raw, pos + 4, pos + 4 + n);
            Request request;
            try {
                Protocol.Envelope e = Protocol.JSON.readValue(body, Protocol.Envelope.class);
                if (e == null || e.request() == null) { // a body of JSON null reads as a null envelope
                    return new ControlOracle(rest(out, raw, pos), answers + 1, "PROTOCOL", withheld);
                }
                if (e.v() != Protocol.VERSION) {
                    return new ControlOracle(rest(out, raw, pos), answers + 1, "VERSION", withheld);
                }
                request = e.request();
            } catch (java.io.IOException ex) {
                // Jackson's refusals, and its readers' (a CharConversionException for bytes that are neither UTF-8 nor UTF-32)
                return new ControlOracle(rest(out, raw, pos), answers + 1, "PROTOCOL", withheld);
            } catch (RuntimeException | StackOverflowError ex) {
                // not a refusal the protocol names: the daemon must still answer something, and the answer is checked
                return new ControlOracle(rest(out, raw, pos), answers + 1, "?", withheld);
            }
            if (authorisedOrder(request)) {
                out.writeBytes(ByteBuffer.allocate(4).putInt(PING.length).array());
                out.writeBytes(PING);
                withheld++;
                answers++;
                last = null;
                pos += 4 + n;
                continue;
            }
            out.write(raw, pos, 4 + n);
            pos += 4 + n;
            if (request instanceof Request.Logs logs && logs.follow() && (logs.target() == null || "all".equals(logs.target()))) {
                return new ControlOracle(rest(out, raw, pos), answers, null, withheld);
            }
            answers++;
            last = null;
            if (request instanceof Request.Logs logs && logs.follow()) {
                return new ControlOracle(rest(out, raw, pos), answers, "UNKNOWN_APP", withheld); // no such app: answered, then the end
            }
        }
        return new ControlOracle(rest(out, raw, pos), answers, last, withheld);
    }

    /** A well-formed order the daemon's user may give and that the fuzzer must not: {@code kill}, or a valid {@code start}. */
    static boolean authorisedOrder(Request r) {
        if (r instanceof Request.Kill) {
            return true;
        }
        if (r instanceof Request.Start s && s.specs() != null && !s.specs().isEmpty()) {
            List<AppSpec> specs = s.specs();
            return specs.stream().allMatch(spec -> spec != null && spec.problem() == null);
        }
        return false;
    }

    private static byte[] rest(ByteArrayOutputStream out, byte[] raw, int pos) {
        out.write(raw, pos, raw.length - pos); // sent as well: the daemon must not read past where it stopped
        return out.toByteArray();
    }
}
