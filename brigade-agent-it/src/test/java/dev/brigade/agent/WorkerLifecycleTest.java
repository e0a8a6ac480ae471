package dev.brigade.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.brigade.agent.support.Jdks;
import dev.brigade.agent.support.OnEachJdk;
import dev.brigade.agent.support.Shared;
import dev.brigade.agent.support.Worker;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** What a rolling reload and native transports rely on. */
class WorkerLifecycleTest {
    @OnEachJdk
    void workerClosesItsServer_othersKeepServing(Jdks.Jdk jdk) throws Exception {
        try (Shared shared = new Shared();
             Worker serving = SharedPortTest.start(jdk, "HttpServerApp", shared).awaitReady();
             Worker draining = SharedPortTest.start(jdk, "CloseApp", shared)) {
            draining.out.await("CLOSED"::equals, Duration.ofSeconds(30));
            assertThat(draining.notices.await(l -> true, Duration.ofSeconds(5))).isEqualTo("BRIGADE_LISTENING " + shared.port);
            Map<Integer, Integer> perPid = SharedPortTest.requests(shared.port, 50, 2);
            assertThat(perPid).containsExactly(Map.entry(serving.pid, 50));
        }
    }

    @OnEachJdk
    void fdFor_handsTheSocketToTheApp_once(Jdks.Jdk jdk) throws Exception {
        try (Shared shared = new Shared();
             Worker w = Worker.start(new Worker.Spec(jdk.java(), "FdForApp", List.of(Integer.toString(shared.port)),
                     shared.listenFds(), List.of(shared.fd), true))) {
            w.out.await("DONE"::equals, Duration.ofSeconds(30));
            assertThat(w.out.snapshot()).contains("again=-1", "bind=BindException")
                    .anyMatch(l -> l.matches("fd=3 socket:\\[\\d+]"));
            assertThat(w.notices.await(l -> true, Duration.ofSeconds(5))).isEqualTo("BRIGADE_LISTENING " + shared.port);
        }
    }

    @OnEachJdk
    void nettyEpollApp_servesTheSharedPortFromTheFdItTook(Jdks.Jdk jdk) throws Exception {
        try (Shared shared = new Shared();
             Worker w = SharedPortTest.start(jdk, "NettyEpollApp", shared).awaitReady()) {
            assertThat(SharedPortTest.requests(shared.port, 20, 2)).containsExactly(Map.entry(w.pid, 20));
            assertThat(w.notices.await(l -> true, Duration.ofSeconds(5))).isEqualTo("BRIGADE_LISTENING " + shared.port);
        }
    }
}
