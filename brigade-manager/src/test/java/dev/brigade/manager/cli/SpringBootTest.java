package dev.brigade.manager.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A real, unmodified Spring Boot app (Tomcat) in cluster mode: Brigade gives it the declared port
 * in SERVER_PORT, so it binds that port (not 8080), the agent hands it the shared socket, and
 * {@code start} returns once both workers listen.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class SpringBootTest {
    /** By name: the class needs Spring, which this JVM does not have. */
    private static final String HELLO_SPRING = "dev.brigade.manager.spring.HelloSpring";

    @RegisterExtension
    final TestHome home = new TestHome();

    @Test
    void anUnmodifiedSpringBootApp_servesTheDeclaredPort_fromTwoWorkers() throws Exception {
        // Spring Boot is not on this JVM's class path (see the pom): the build hands its jars over in a property
        String spring = System.getProperty("brigade.test.spring.classpath", "");
        assertThat(spring).as("brigade.test.spring.classpath (set by the build)").contains("spring-boot");
        String classes = new File(TestApp.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        String cp = classes + File.pathSeparator + spring;
        MainTest.Outcome o = home.brigade("start", "--name", "spring", "-i", "2", "--port", "0", "--host", "127.0.0.1",
                "--listen-timeout", "150s", "--jvm-args", "-Xmx128m -XX:TieredStopAtLevel=1", "--cp", cp, HELLO_SPRING);
        assertThat(o.code()).as(o.toString()).isZero();
        assertThat(home.instances("spring")).hasSize(2).allSatisfy(i -> assertThat(i.get("status").asText()).isEqualTo("listening"));
        int port = home.ls().get(0).get("ports").get(0).asInt();
        assertThat(port).isNotEqualTo(8080);

        Set<String> bodies = new HashSet<>();
        for (int i = 0; i < 40 && bodies.size() < 2; i++) {
            // a new connection each time: the two workers accept from one queue
            HttpClient each = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
            HttpResponse<String> r = each.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                    .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).startsWith("hello from spring, pid ");
            bodies.add(r.body());
        }
        assertThat(bodies).as("answers from the workers").isNotEmpty();
    }
}
