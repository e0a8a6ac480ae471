package dev.brigade.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.brigade.agent.ListenContract.Entry;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class ListenContractTest {
    @Test
    void parse_fdHostPort_list() {
        assertThat(ListenContract.parse("3=0.0.0.0:8080,4=127.0.0.1:8443, 5=*:9000,6=[::1]:7000,7=:::7001"))
                .containsExactly(new Entry(3, "0.0.0.0", 8080), new Entry(4, "127.0.0.1", 8443), new Entry(5, "*", 9000),
                        new Entry(6, "::1", 7000), new Entry(7, "::", 7001));
        assertThat(ListenContract.parse("")).isEmpty();
        assertThat(ListenContract.parse(null)).isEmpty();
    }

    @Test
    void format_roundTrips() {
        List<Entry> entries = List.of(new Entry(3, "*", 8080), new Entry(4, "::1", 8443));
        assertThat(ListenContract.format(entries)).isEqualTo("3=*:8080,4=[::1]:8443");
        assertThat(ListenContract.parse(ListenContract.format(entries))).isEqualTo(entries);
    }

    @Test
    void parse_malformed_namesTheVariableAndEntry() {
        assertThatThrownBy(() -> ListenContract.parse("3=8080")).hasMessageContaining("BRIGADE_LISTEN_FDS").hasMessageContaining("\"3=8080\"");
        assertThatThrownBy(() -> ListenContract.parse("x=a:1")).hasMessageContaining("BRIGADE_LISTEN_FDS").hasMessageContaining("x=a:1");
        assertThatThrownBy(() -> ListenContract.parse("2=a:1")).hasMessageContaining("descriptor must be >= 3, got 2");
        assertThatThrownBy(() -> ListenContract.parse("3=a:0")).hasMessageContaining("port must be in 1..65535, got 0");
    }

    @Test
    void match_portAndHost_wildcardOnEitherSide() {
        Entry any = new Entry(3, "*", 8080);
        Entry loopback = new Entry(4, "127.0.0.1", 8080);
        assertThat(any.matches(new InetSocketAddress("127.0.0.1", 8080))).isTrue();
        assertThat(loopback.matches(new InetSocketAddress(8080))).as("wildcard request").isTrue();
        assertThat(loopback.matches(new InetSocketAddress("127.0.0.1", 8080))).isTrue();
        assertThat(loopback.matches(new InetSocketAddress("127.0.0.2", 8080))).isFalse();
        assertThat(loopback.matches(new InetSocketAddress("127.0.0.1", 8081))).isFalse();
        assertThat(new Entry(5, "0.0.0.0", 8080).matches(new InetSocketAddress("::", 8080))).isTrue();
        assertThat(new Entry(6, "localhost", 8080).matches(new InetSocketAddress("127.0.0.1", 8080))).isTrue();
    }

    @Test
    void portZero_neverMatches() {
        assertThat(new Entry(3, "*", 8080).matches(new InetSocketAddress(0))).isFalse();
        assertThat(new Entry(3, "*", 8080).matches(null)).isFalse();
    }

    @Test
    void notice_roundTrips() {
        assertThat(ListenContract.notice(8080)).isEqualTo("BRIGADE_LISTENING 8080");
        assertThat(ListenContract.parseNotice("BRIGADE_LISTENING 8080\n")).isEqualTo(OptionalInt.of(8080));
        assertThat(ListenContract.parseNotice("LISTENING 8080")).isEmpty();
    }
}
