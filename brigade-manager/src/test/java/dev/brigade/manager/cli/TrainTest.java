package dev.brigade.manager.cli;

import static org.assertj.core.api.Assertions.assertThatCode;

import org.junit.jupiter.api.Test;

/** The launcher's class-data training run must finish cleanly: a failing one leaves every command without its archive. */
class TrainTest {
    @Test
    void theTrainingRun_exercisesEveryCommandAndTheProtocol_withoutError() {
        assertThatCode(() -> Train.main(new String[0])).doesNotThrowAnyException();
    }
}
