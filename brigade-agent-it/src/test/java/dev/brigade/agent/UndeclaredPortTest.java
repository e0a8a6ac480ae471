package dev.brigade.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.brigade.agent.support.Jdks;
import dev.brigade.agent.support.Shared;
import dev.brigade.agent.support.Worker;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** A port the primary did not declare: SO_REUSEPORT, one warning, and the app still serves. */
class UndeclaredPortTest {
    static Stream<Arguments> jdkAndApp() {
        return Jdks.installed().stream().flatMap(jdk -> Stream.of("ServerSocketApp", "HttpServerApp").map(app -> Arguments.of(jdk, app)));
    }

    @ParameterizedTest(name = "{1} on {0}")
    @MethodSource("jdkAndApp")
    @Timeout(60)
    void undeclaredPort_reusePortWithOneWarning_andServes(Jdks.Jdk jdk, String app) throws Exception {
        try (Shared shared = new Shared()) {
            int other = freePort();
            Worker w = Worker.start(new Worker.Spec(jdk.java(), app, List.of("127.0.0.1", Integer.toString(other)),
                    shared.listenFds(), List.of(shared.fd), true));
            try (w) {
                w.awaitReady();
                assertThat(Shared.get(other)).isEqualTo(w.pid);
                String warning = w.err.await(l -> l.contains("SO_REUSEPORT"), Duration.ofSeconds(5));
                assertThat(warning).startsWith("brigade-agent: WARNING port " + other + " ")
                        .contains("not declared", "drop", shared.listenFds());
                // only a socket with SO_REUSEPORT lets a second one (same user, SO_REUSEPORT too) bind its port
                try (ServerSocketChannel second = ServerSocketChannel.open(StandardProtocolFamily.INET)) {
                    second.setOption(StandardSocketOptions.SO_REUSEPORT, true);
                    second.bind(new InetSocketAddress("127.0.0.1", other));
                }
            }
            assertThat(w.err.snapshot()).filteredOn(l -> l.startsWith("brigade-agent")).hasSize(1);
            assertThat(w.notices.snapshot()).as("no listening notice for a port that was not adopted").isEmpty();
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocketChannel probe = ServerSocketChannel.open(StandardProtocolFamily.INET)) {
            probe.bind(new InetSocketAddress("127.0.0.1", 0));
            return ((InetSocketAddress) probe.getLocalAddress()).getPort();
        }
    }
}
