package dev.brigade.cluster.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class ListenersTest {
    @Test
    void bindsAPortTheKernelPicks_andAcceptsConnectionsIntoItsQueue() throws IOException {
        Listeners.Listener l = Listeners.bind("127.0.0.1", 0);
        try {
            assertThat(l.port()).isPositive();
            assertThat(l.describe(3)).isEqualTo("3=127.0.0.1:" + l.port());
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", l.port()), 5000); // queued: nobody accepts yet
                assertThat(s.isConnected()).isTrue();
            }
        } finally {
            Listeners.close(l);
        }
    }

    @Test
    void ipv6Loopback_works() throws IOException {
        Listeners.Listener l = Listeners.bind("::1", 0);
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("::1", l.port()), 5000);
            assertThat(s.isConnected()).isTrue();
        } finally {
            Listeners.close(l);
        }
    }

    @Test
    void aPortAlreadyInUse_isAClearError() throws IOException {
        Listeners.Listener first = Listeners.bind("127.0.0.1", 0);
        try {
            assertThatThrownBy(() -> Listeners.bind("127.0.0.1", first.port()))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("cannot bind 127.0.0.1:" + first.port())
                    .hasMessageContaining("Address already in use");
        } finally {
            Listeners.close(first);
        }
        assertThatThrownBy(() -> Listeners.bind("127.0.0.1", 70000)).hasMessageContaining("between 0 and 65535, got 70000");
    }
}
