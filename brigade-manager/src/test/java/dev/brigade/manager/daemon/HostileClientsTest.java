package dev.brigade.manager.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A real daemon (its 64 MiB heap) against clients that misbehave: hundreds of idle connections,
 * frames announced at the size limit and never finished, truncated frames, a hundred clients at
 * once, and large log tails in parallel. It keeps serving, answers BUSY when full, and never runs
 * out of memory.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class HostileClientsTest {
    private static final Duration BOUND = Duration.ofSeconds(90);
    private final Home home;

    HostileClientsTest() throws IOException {
        home = new Home(Files.createTempDirectory("brigade-hostile-"));
    }

    @AfterEach
    void kill() throws IOException {
        KillDaemon.of(home);
    }

    private static long ping(DaemonClient c) throws IOException {
        Response r = c.send(new Request.Ping());
        assertThat(r).as(r.toString()).isInstanceOf(Response.Ok.class);
        return Long.parseLong(((Response.Ok) r).message().split(" ")[1]);
    }

    private String daemonLog() throws IOException {
        return Files.readString(home.daemonLog());
    }

    private SocketChannel raw() throws IOException {
        return SocketChannel.open(UnixDomainSocketAddress.of(home.socket()));
    }

    @Test
    void fiveHundredIdleConnections_getBusyAnswersOrAreClosedWhenIdle_andARealClientStillGetsIn() throws Exception {
        long pid;
        try (DaemonClient c = DaemonClient.connect(home)) {
            pid = ping(c);
        }
        List<SocketChannel> idle = new ArrayList<>();
        try {
            for (int i = 0; i < 500; i++) {
                idle.add(raw());
            }
            // the connections past the cap are answered BUSY at once (on a very slow machine a few may instead get a
            // slot freed by an idle timeout, and be closed in turn)
            int busy = 0;
            for (SocketChannel ch : idle.subList(Connections.MAX_CONNECTIONS + 10, 500)) {
                try {
                    Response r = Protocol.readResponse(ch);
                    assertThat(r).isInstanceOf(Response.Failure.class);
                    assertThat(((Response.Failure) r).code()).isEqualTo("BUSY");
                    assertThat(((Response.Failure) r).message()).contains("busy", Integer.toString(Connections.MAX_CONNECTIONS));
                    busy++;
                } catch (java.io.EOFException e) {
                    // idled out
                }
            }
            assertThat(busy).isGreaterThan(300);
            // a real client retries until the idle ones are closed (Connections.IDLE_TIMEOUT_MS), then is served
            try (DaemonClient c = DaemonClient.connect(home)) {
                assertThat(ping(c)).isEqualTo(pid);
            }
            // and every idle connection was closed by the daemon (EOF), none kept forever; one that came while the ping's
            // connection still held its slot was answered BUSY first, so whatever it reads before its EOF is ignored
            for (SocketChannel ch : idle.subList(0, Connections.MAX_CONNECTIONS)) {
                ch.configureBlocking(true);
                assertThat(CompletableFuture.supplyAsync(() -> {
                    try {
                        ByteBuffer buf = ByteBuffer.allocate(4096);
                        while (ch.read(buf.clear()) >= 0) {
                            // an answer before the close
                        }
                        return -1;
                    } catch (IOException e) {
                        return -1;
                    }
                }).get(BOUND.toSeconds(), TimeUnit.SECONDS)).isEqualTo(-1);
            }
        } finally {
            for (SocketChannel ch : idle) {
                ch.close();
            }
        }
        assertThat(daemonLog()).doesNotContain("OutOfMemoryError");
    }

    @Test
    void framesAnnouncedAtTheLimitButNeverSent_doNotExhaustTheHeap_andTruncatedFramesAreHarmless() throws Exception {
        long pid;
        try (DaemonClient c = DaemonClient.connect(home)) {
            pid = ping(c);
        }
        List<SocketChannel> hogs = new ArrayList<>();
        try {
            for (int i = 0; i < 60; i++) {
                SocketChannel ch = raw();
                // 4 MiB announced, 1 KiB sent: 60 of them would be 240 MiB if each were allocated up front
                ch.write(ByteBuffer.allocate(4 + 1024).putInt(Protocol.MAX_FRAME).put(new byte[1024]).flip());
                hogs.add(ch);
            }
            int busy = 0;
            for (SocketChannel ch : hogs.subList(10, 60)) {
                Response r = Protocol.readResponse(ch); // past the budget: BUSY after a bounded wait, never an OOME
                if (r instanceof Response.Failure f && f.code().equals("BUSY")) {
                    busy++;
                }
            }
            assertThat(busy).isGreaterThan(40);
            for (int i = 0; i < 20; i++) {
                try (SocketChannel ch = raw()) {
                    ch.write(ByteBuffer.allocate(4 + 10).putInt(100).put(new byte[10]).flip()); // truncated, then gone
                }
            }
            try (DaemonClient c = DaemonClient.connect(home)) {
                assertThat(ping(c)).isEqualTo(pid);
            }
        } finally {
            for (SocketChannel ch : hogs) {
                ch.close();
            }
        }
        assertThat(daemonLog()).doesNotContain("OutOfMemoryError");
    }

    @Test
    void aHundredParallelClients_areAllServed() throws Exception {
        long pid;
        try (DaemonClient c = DaemonClient.connect(home)) {
            pid = ping(c);
        }
        AtomicInteger served = new AtomicInteger();
        try (var pool = Executors.newFixedThreadPool(100)) {
            List<CompletableFuture<Void>> all = IntStream.range(0, 100).mapToObj(i -> CompletableFuture.runAsync(() -> {
                try (DaemonClient c = DaemonClient.connect(home)) {
                    for (int k = 0; k < 5; k++) {
                        assertThat(ping(c)).isEqualTo(pid);
                        assertThat(c.send(new Request.ListApps())).isInstanceOf(Response.Apps.class);
                    }
                    served.incrementAndGet();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }, pool)).toList();
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(BOUND.toSeconds(), TimeUnit.SECONDS);
        }
        assertThat(served).hasValue(100);
    }

    @Test
    void fourParallelTailsOfATwentyMegabyteLog_areStreamed_notLoadedIntoTheHeap() throws Exception {
        Path logs = Files.createDirectories(home.logs());
        Files.setPosixFilePermissions(logs, PrivateFiles.DIR);
        Path log = logs.resolve("big-0.log");
        StringBuilder sb = new StringBuilder();
        String filler = "x".repeat(392);
        for (int i = 0; i < 50_000; i++) {
            sb.append(String.format("%06d %s%n", i, filler)); // 400 bytes a line: 20 MB, a third of the daemon's heap
        }
        Files.writeString(log, sb);
        Files.setPosixFilePermissions(log, PrivateFiles.FILE);
        sb = null;
        try (DaemonClient c = DaemonClient.connect(home)) {
            AppSpec spec = new AppSpec("big", "command", List.of("/bin/sleep", "600"), home.dir().toString(), 1, Map.of(), 0, 0, 2000,
                    30_000, 5, 100, AppSpec.FORK, null, null, 0, null);
            assertThat(c.send(new Request.Start(List.of(spec)))).isInstanceOf(Response.Ok.class);
        }
        List<CompletableFuture<int[]>> tails = IntStream.range(0, 4).mapToObj(i -> CompletableFuture.supplyAsync(() -> {
            int[] seen = {0, -1, 0};
            try (DaemonClient c = DaemonClient.connect(home)) {
                Response end = c.logs(new Request.Logs("big", 50_000, false), l -> {
                    if (seen[0]++ == 0) {
                        seen[1] = Integer.parseInt(l.text().substring(0, 6));
                    }
                });
                seen[2] = end instanceof Response.Ok ? 1 : 0;
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return seen;
        })).toList();
        // every tail ends (well or not) before anything is asserted: a failed one must not leave others to start a daemon
        // after the clean-up
        CompletableFuture.allOf(tails.toArray(CompletableFuture[]::new)).exceptionally(t -> null).get(BOUND.toSeconds(), TimeUnit.SECONDS);
        for (CompletableFuture<int[]> t : tails) {
            int[] seen = t.get();
            assertThat(seen[0]).isEqualTo(50_000);
            assertThat(seen[1]).isZero(); // the first of the last 50,000 lines
            assertThat(seen[2]).isEqualTo(1);
        }
        try (DaemonClient c = DaemonClient.connect(home)) {
            ping(c);
        }
        assertThat(daemonLog()).doesNotContain("OutOfMemoryError");
    }

    @Test
    void mutatedFrames_neverHurtTheDaemon_andItKeepsServing() throws Exception {
        long pid;
        try (DaemonClient c = DaemonClient.connect(home)) {
            pid = ping(c);
        }
        List<byte[]> seeds = List.of(
                "{\"v\":1,\"request\":{\"type\":\"ping\"}}",
                "{\"v\":1,\"request\":{\"type\":\"describe\",\"target\":\"all\"}}",
                "{\"v\":1,\"request\":{\"type\":\"logs\",\"target\":\"nope\",\"lines\":5,\"follow\":false}}",
                "{\"v\":1,\"request\":{\"type\":\"scale\",\"target\":\"x\",\"instances\":3}}",
                "{\"v\":1,\"request\":{\"type\":\"start\",\"specs\":[{\"name\":\"a\",\"command\":[]}]}}")
                .stream().map(t -> t.getBytes(StandardCharsets.UTF_8)).toList();
        java.util.Random r = new java.util.Random(12345);
        int answered = 0;
        for (int i = 0; i < 400; i++) {
            byte[] body = seeds.get(r.nextInt(seeds.size())).clone();
            for (int k = r.nextInt(4) + 1; k > 0; k--) { // flip, drop or duplicate a few bytes
                int at = r.nextInt(body.length);
                switch (r.nextInt(3)) {
                    case 0 -> body[at] = (byte) r.nextInt(256);
                    case 1 -> body = java.util.Arrays.copyOf(body, Math.max(1, at));
                    default -> {
                        byte[] b = java.util.Arrays.copyOf(body, body.length + 1);
                        System.arraycopy(body, at, b, at + 1, body.length - at);
                        body = b;
                    }
                }
            }
            int declared = switch (r.nextInt(5)) {
                case 0 -> body.length + r.nextInt(3) - 1; // off by one either way
                default -> body.length;
            };
            try (SocketChannel ch = raw()) {
                ch.write(ByteBuffer.allocate(4 + body.length).putInt(declared).put(body).flip());
                if (declared <= body.length && declared >= 0) {
                    Response resp = Protocol.readResponse(ch);
                    assertThat(resp).isNotNull();
                    answered++;
                }
            } catch (java.io.EOFException e) {
                // a frame whose declared length ran past the body: the daemon waits, then we hang up
            }
        }
        assertThat(answered).isGreaterThan(200);
        try (DaemonClient c = DaemonClient.connect(home)) {
            assertThat(ping(c)).isEqualTo(pid);
            assertThat(((Response.Apps) c.send(new Request.ListApps())).apps()).isEmpty();
        }
        assertThat(daemonLog()).doesNotContain("Exception in thread").doesNotContain("OutOfMemoryError");
    }
}
