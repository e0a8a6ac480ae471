package dev.brigade.manager.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogFileTest {
    @TempDir
    Path dir;

    @Test
    void rotatesBySize_andKeepsTheRetainedCount() throws IOException {
        LogFile log = new LogFile(dir.resolve("app-0.log"), 100, 2);
        for (int i = 0; i < 50; i++) {
            log.append("line %02d ........".formatted(i)); // 19 bytes with the newline: 5 per file
        }
        log.close();
        assertThat(Files.size(dir.resolve("app-0.log"))).isLessThanOrEqualTo(100);
        assertThat(dir.resolve("app-0.log.1")).exists();
        assertThat(dir.resolve("app-0.log.2")).exists();
        assertThat(dir.resolve("app-0.log.3")).doesNotExist();
        assertThat(Files.readString(dir.resolve("app-0.log"))).endsWith("line 49 ........\n");
        assertThat(log.error()).isNull();
    }

    @Test
    void unwritableDirectory_isRecorded_neverThrown() throws IOException {
        Path notADir = Files.writeString(dir.resolve("logs"), "x");
        LogFile log = new LogFile(notADir.resolve("app-0.log"), 1000, 2);
        log.append("lost");
        log.append("lost too");
        assertThat(log.error()).contains("cannot write", "lines dropped");
    }

    @Test
    void aLogThatCanBeWrittenAgain_clearsItsError_evenWithNoNewLine_andSaysWhatWasLost() throws IOException {
        Path blocker = Files.writeString(dir.resolve("logs"), "x"); // as a full disk: the log cannot be opened
        Path file = blocker.resolve("app-0.log");
        LogFile log = new LogFile(file, 1000, 2);
        log.append("lost");
        log.append("lost too");
        assertThat(log.error()).contains("cannot write");
        Files.delete(blocker); // space again; the app prints nothing more
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> log.error() == null);
        log.close();
        assertThat(Files.readString(file)).startsWith("[brigade] 2 line(s) dropped while this log could not be written");
    }
}
