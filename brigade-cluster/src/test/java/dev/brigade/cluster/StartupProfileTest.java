package dev.brigade.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class StartupProfileTest {
    private static List<String> trim(String version) {
        return StartupProfile.trimNativeHeap(Runtime.Version.parse(version));
    }

    @Test
    void native_heap_trimming_is_asked_only_of_jdks_that_have_it() {
        String flag = "-XX:TrimNativeHeapInterval=" + StartupProfile.TRIM_NATIVE_HEAP_MILLIS;
        String unlock = "-XX:+UnlockExperimentalVMOptions";
        assertThat(trim("17.0.8")).isEmpty();
        assertThat(trim("17.0.9")).containsExactly(unlock, flag);
        assertThat(trim("17.0.15")).containsExactly(unlock, flag);
        assertThat(trim("19.0.2")).isEmpty();
        assertThat(trim("21")).isEmpty();
        assertThat(trim("21.0.1")).containsExactly(unlock, flag);
        assertThat(trim("22")).containsExactly(unlock, flag);
        assertThat(trim("23")).containsExactly(flag);
        assertThat(trim("25.0.3")).containsExactly(flag);
    }

    @Test
    void only_the_small_profile_trims() {
        Runtime.Version v = Runtime.Version.parse("25");
        assertThat(StartupProfile.SMALL.flags(v)).containsSequence(StartupProfile.SMALL.flags())
                .contains("-XX:TrimNativeHeapInterval=" + StartupProfile.TRIM_NATIVE_HEAP_MILLIS);
        assertThat(StartupProfile.SERVER.flags(v)).isEqualTo(StartupProfile.SERVER.flags());
        assertThat(StartupProfile.JVM_DEFAULTS.flags(v)).isEmpty();
        assertThat(StartupProfile.SMALL.flags(Runtime.Version.parse("21"))).isEqualTo(StartupProfile.SMALL.flags());
    }
}
