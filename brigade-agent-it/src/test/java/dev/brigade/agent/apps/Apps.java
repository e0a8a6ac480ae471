package dev.brigade.agent.apps;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** What every test app shares: the body it answers with and the line it prints when serving. */
final class Apps {
    private Apps() {
    }

    static byte[] body() {
        return ("pid=" + ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** Printed once the server accepts: the harness waits for it. */
    static void ready(int port) {
        System.out.println("READY pid=" + ProcessHandle.current().pid() + " port=" + port);
        System.out.flush();
    }

    /** Reads a request head (up to the blank line) and answers with {@link #body()}. */
    static void serve(InputStream in, OutputStream out) throws IOException {
        int state = 0;
        for (int b; state < 4 && (b = in.read()) >= 0; ) {
            state = (b == '\r' || b == '\n') ? state + 1 : 0;
        }
        out.write(response());
        out.flush();
    }

    static byte[] response() {
        byte[] body = body();
        byte[] head = ("HTTP/1.1 200 OK\r\nContent-Length: " + body.length + "\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        byte[] all = new byte[head.length + body.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(body, 0, all, head.length, body.length);
        return all;
    }
}
