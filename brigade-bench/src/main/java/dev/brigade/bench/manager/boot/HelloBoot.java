package dev.brigade.bench.manager.boot;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** The bench's Spring Boot sample: an ordinary web app (Tomcat) that answers with its pid on server.port. */
@SpringBootApplication
@RestController
public class HelloBoot {
    /** The answer every request gets. */
    @GetMapping("/")
    public String hello() {
        return "hello from " + ProcessHandle.current().pid() + "\n";
    }

    /** Spring Boot's usual main. */
    public static void main(String[] args) {
        SpringApplication.run(HelloBoot.class, args);
    }
}
