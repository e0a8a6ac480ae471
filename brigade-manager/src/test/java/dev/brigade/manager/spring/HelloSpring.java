package dev.brigade.manager.spring;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** An ordinary Spring Boot web app: nothing in it knows Brigade; it serves server.port (8080 unless told). */
@SpringBootApplication
@RestController
public class HelloSpring {
    @GetMapping("/")
    public String hello() {
        return "hello from spring, pid " + ProcessHandle.current().pid();
    }

    public static void main(String[] args) {
        SpringApplication.run(HelloSpring.class, args);
    }
}
