package dev.brigade.compat;

import dev.brigade.compat.apps.JettyHello;
import dev.brigade.compat.apps.NettyHello;
import dev.brigade.compat.apps.TomcatHello;
import dev.brigade.compat.apps.UndertowHello;
import dev.brigade.compat.apps.VertxHello;
import java.util.List;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 13, item 1: a disconnected worker stops taking connections from the shared socket before
 * its app is told anything, so an unmodified server, whose shutdown resets or drops what it had
 * just accepted, loses no request through rolling reloads ({@link ReloadUnderLoad}). Each app is
 * its framework's hello world with nothing Brigade-specific and no shutdown hook: Jetty 12
 * (blocking acceptor threads), Undertow (XNIO: a selector acceptor per I/O thread), Netty NIO
 * (a selector acceptor), embedded Tomcat 10.1 (a blocking acceptor and a poller) and Vert.x 5 (2
 * verticle instances sharing one server on Netty NIO). Before the
 * leave sequence existed, such apps lost requests in bursts at each disconnect (6 to 14 per run).
 */
@Timeout(240)
class RollingReloadTest {
    @ParameterizedTest(name = "{0}")
    @ValueSource(classes = {JettyHello.class, UndertowHello.class, NettyHello.class, TomcatHello.class, VertxHello.class})
    void threeRollingReloadsUnderLoad_newConnectionPerRequest_failNoRequest(Class<?> app) throws Exception {
        ReloadUnderLoad.run(app, List.of());
    }
}
