package dev.brigade.manager.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The protocol's variables as sd_listen_fds(3) reads them (the sockets themselves: cli.SocketActivationTest). */
class SocketActivationEnvTest {
    private static final long ME = ProcessHandle.current().pid();

    @Test
    void no_variables_no_sockets() {
        assertThat(SocketActivation.fromEnvironment(Map.of(), ME).sockets()).isEmpty();
        assertThat(SocketActivation.fromEnvironment(Map.of("LISTEN_FDS", "2"), ME).sockets()).as("no LISTEN_PID").isEmpty();
    }

    @Test
    void sockets_meant_for_another_process_are_ignored_without_touching_a_descriptor() {
        // fd 3 of this JVM is whatever it is: were it inspected, it would not be a listening socket and this would throw
        assertThat(SocketActivation.fromEnvironment(Map.of("LISTEN_PID", Long.toString(ME + 1), "LISTEN_FDS", "1"), ME).sockets())
                .isEmpty();
    }

    @Test
    void malformed_variables_are_named_with_their_value_and_what_is_valid() {
        assertThatThrownBy(() -> SocketActivation.fromEnvironment(Map.of("LISTEN_PID", "me", "LISTEN_FDS", "1"), ME))
                .hasMessage("LISTEN_PID must be a number in 0.." + Long.MAX_VALUE + ", got \"me\"");
        assertThatThrownBy(() -> SocketActivation.fromEnvironment(Map.of("LISTEN_PID", Long.toString(ME), "LISTEN_FDS", "-1"), ME))
                .hasMessage("LISTEN_FDS must be a number in 0..1024, got \"-1\"");
        assertThatThrownBy(() -> SocketActivation.fromEnvironment(Map.of("LISTEN_PID", Long.toString(ME), "LISTEN_FDS", "2",
                "LISTEN_FDNAMES", "web"), ME))
                .hasMessage("LISTEN_FDNAMES names 1 socket(s) (\"web\") but LISTEN_FDS is 2: give one name per descriptor, colon-separated");
    }

    @Test
    void zero_descriptors_is_no_socket() {
        assertThat(SocketActivation.fromEnvironment(Map.of("LISTEN_PID", Long.toString(ME), "LISTEN_FDS", "0"), ME).sockets())
                .isEmpty();
    }
}
