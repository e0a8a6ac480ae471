package dev.brigade.compat;

import dev.brigade.compat.apps.spring.SpringHello;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link RollingReloadTest}'s scenario for Spring Boot 3.5 (Tomcat, graceful shutdown by
 * default), whose start takes seconds per worker on a busy 2-core machine: about 95 s for the 8
 * starts, so it runs in the full matrix only ({@code mvn verify -Pcompat-full}).
 */
@Tag("slow-start")
@Timeout(420)
class SpringBootReloadTest {
    @Test
    void threeRollingReloadsUnderLoad_newConnectionPerRequest_failNoRequest() throws Exception {
        ReloadUnderLoad.run(SpringHello.class, List.of("--server.port=${PORT}"));
    }
}
