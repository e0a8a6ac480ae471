package dev.brigade.examples.snippets;

import static org.assertj.core.api.Assertions.assertThat;

import dev.brigade.cluster.*;
import dev.brigade.worker.*;
import org.junit.jupiter.api.Test;

/**
 * One name per concept: wildcard imports of the worker and cluster packages side by side compile
 * (two public {@code WorkerEntry} types made {@code WorkerEntry} ambiguous here).
 */
class ClusterNamesTest {

    @Test
    void wildcard_imports_of_worker_and_cluster_leave_no_name_ambiguous() {
        Class<?> threadEntry = WorkerEntry.class;
        Class<?> processEntry = ProcessEntry.class;
        assertThat(threadEntry.getPackageName()).isEqualTo("dev.brigade.worker");
        assertThat(processEntry.getPackageName()).isEqualTo("dev.brigade.cluster");
        assertThat(ProcessEntry.sameProgram()).isInstanceOf(ProcessEntry.SameProgram.class);
    }
}
