package dev.brigade.manager.container;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `-i max` in a container: the cgroup CPU quota, read from fixture files laid out as the kernel shows them. */
class CpuQuotaTest {
    @TempDir
    Path dir;

    private Path cgroup(String content) throws IOException {
        return Files.writeString(dir.resolve("proc-self-cgroup"), content);
    }

    private Path file(String relative, String content) throws IOException {
        Path p = dir.resolve("sys-fs-cgroup").resolve(relative);
        Files.createDirectories(p.getParent());
        return Files.writeString(p, content);
    }

    private int cores(Path procSelfCgroup, int available) {
        return CpuQuota.cores(procSelfCgroup, dir.resolve("sys-fs-cgroup"), available);
    }

    @Test
    void cgroup_v2_in_a_container_namespace_a_quota_of_one_and_a_half_cpus_gives_two_workers() throws IOException {
        file("cpu.max", "150000 100000\n");
        assertThat(cores(cgroup("0::/\n"), 8)).isEqualTo(2);
    }

    @Test
    void cgroup_v2_seen_from_the_host_reads_the_containers_own_directory() throws IOException {
        file("kubepods.slice/pod-1/cri-abc/cpu.max", "300000 100000\n");
        file("cpu.max", "max 100000\n"); // the root: no limit
        assertThat(cores(cgroup("0::/kubepods.slice/pod-1/cri-abc\n"), 8)).isEqualTo(3);
    }

    @Test
    void cgroup_v2_max_means_no_limit_the_available_processors() throws IOException {
        file("cpu.max", "max 100000\n");
        assertThat(cores(cgroup("0::/\n"), 6)).isEqualTo(6);
    }

    @Test
    void cgroup_v1_quota_and_period_under_the_cpu_controller() throws IOException {
        file("cpu,cpuacct/docker/abc/cpu.cfs_quota_us", "50000\n");
        file("cpu,cpuacct/docker/abc/cpu.cfs_period_us", "100000\n");
        assertThat(cores(cgroup("12:memory:/docker/abc\n4:cpu,cpuacct:/docker/abc\n1:name=systemd:/docker/abc\n"), 8))
                .isEqualTo(1);
    }

    @Test
    void cgroup_v1_quota_minus_one_is_no_limit() throws IOException {
        file("cpu,cpuacct/cpu.cfs_quota_us", "-1\n");
        file("cpu,cpuacct/cpu.cfs_period_us", "100000\n");
        assertThat(cores(cgroup("4:cpu,cpuacct:/\n"), 4)).isEqualTo(4);
    }

    @Test
    void a_quota_above_the_cpus_this_process_may_use_is_capped_by_them() throws IOException {
        file("cpu.max", "800000 100000\n");
        assertThat(cores(cgroup("0::/\n"), 4)).isEqualTo(4);
    }

    @Test
    void no_cgroup_file_or_garbage_falls_back_to_the_available_processors() throws IOException {
        assertThat(cores(dir.resolve("absent"), 3)).isEqualTo(3);
        file("cpu.max", "lots\n");
        assertThat(cores(cgroup("0::/\n"), 3)).isEqualTo(3);
    }
}
