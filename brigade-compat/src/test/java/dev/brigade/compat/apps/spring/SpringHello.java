package dev.brigade.compat.apps.spring;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Spring Boot 3.5's getting-started REST app (spring-boot-starter-web: Tomcat, graceful shutdown
 * on SIGTERM by default). Run with {@code --server.port=${PORT}}: Spring resolves the variable the
 * cluster sets. Its own package, so that component scanning sees nothing else.
 */
@SpringBootApplication
@RestController
public class SpringHello {
    private final String hello = "Hello from " + ProcessHandle.current().pid() + "\n";

    @GetMapping("/")
    public String hello() {
        return hello;
    }

    public static void main(String[] args) {
        SpringApplication.run(SpringHello.class, args);
    }
}
