package dev.brigade.manager.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class DemoTest {
    @Test
    @Timeout(90)
    void demo_runsBothPhasesOnARealServer_andEveryCheckHolds() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int code = Demo.run(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertThat(out).contains("hash requests/s", "/cheap latency p99 (ms)", "[ok] no request failed");
        assertThat(code).as(out).isZero();
        assertThat(out).contains("demo: every check held");
    }
}
