package dev.brigade.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.brigade.agent.support.Jdks;
import dev.brigade.agent.support.OnEachJdk;
import dev.brigade.agent.support.Shared;
import dev.brigade.agent.support.Worker;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The point of one shared accept queue: connections queued while a worker hangs are not lost
 * when it dies (with SO_REUSEPORT, those hashed to its own queue are reset: 16 of 40 in research).
 */
class QueuedConnectionsTest {
    @OnEachJdk
    void workerKilled_withConnectionsQueued_otherServesAll(Jdks.Jdk jdk) throws Exception {
        List<Socket> clients = new ArrayList<>();
        try (Shared shared = new Shared();
             Worker doomed = SharedPortTest.start(jdk, "HttpServerApp", shared).awaitReady();
             Worker survivor = SharedPortTest.start(jdk, "HttpServerApp", shared).awaitReady()) {
            doomed.stop();       // SIGSTOP, and wait until it took effect: nobody accepts now,
            survivor.stop();     // the 40 connections queue in the kernel
            for (int i = 0; i < 40; i++) {
                Socket s = new Socket();
                clients.add(s);
                s.connect(new InetSocketAddress("127.0.0.1", shared.port), 5_000);
                s.setSoTimeout(20_000);
                s.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            }
            doomed.close();      // SIGKILL while it was a candidate acceptor for all 40
            survivor.signal(18); // SIGCONT
            int served = 0;
            List<String> lost = new ArrayList<>();
            for (Socket s : clients) {
                try {
                    assertThat(Shared.readPid(s)).isEqualTo(survivor.pid);
                    served++;
                } catch (IOException e) {
                    lost.add(e.toString());
                }
            }
            System.out.printf("queued connections on %s: 40 queued, worker killed, %d served, %d lost %s%n", jdk, served, lost.size(), lost);
            assertThat(lost).isEmpty();
            assertThat(served).isEqualTo(40);
        } finally {
            for (Socket s : clients) {
                s.close();
            }
        }
    }
}
