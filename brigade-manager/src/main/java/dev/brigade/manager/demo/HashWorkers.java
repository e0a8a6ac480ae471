package dev.brigade.manager.demo;

import dev.brigade.worker.Worker;
import dev.brigade.worker.WorkerOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Hashing moved off the request threads: N Brigade workers, each hashing the passwords posted to
 * it and posting the result back; requests are spread round-robin and matched to replies by id.
 */
final class HashWorkers implements AutoCloseable {
    record Job(long id, String password) {
    }

    record Done(long id, String hash) {
    }

    private final List<Worker> workers = new ArrayList<>();
    private final Map<Long, CompletableFuture<String>> pending = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();

    HashWorkers(int n, HashWork work) throws Exception {
        for (int i = 0; i < n; i++) {
            Worker w = Worker.start(ctx -> ctx.parentPort().onMessage(m -> {
                Job job = (Job) m;
                ctx.parentPort().postMessage(new Done(job.id(), work.hash(job.password())));
            }), WorkerOptions.builder().name("hasher-" + i).daemon(true).build());
            w.onMessage(m -> {
                Done d = (Done) m;
                pending.remove(d.id()).complete(d.hash());
            });
            workers.add(w);
        }
        for (Worker w : workers) {
            w.online().get(10, TimeUnit.SECONDS);
        }
    }

    CompletableFuture<String> hash(String password) {
        long id = ids.getAndIncrement();
        CompletableFuture<String> f = new CompletableFuture<>();
        pending.put(id, f);
        workers.get((int) (id % workers.size())).postMessage(new Job(id, password));
        return f;
    }

    @Override
    public void close() throws Exception {
        for (Worker w : workers) {
            w.terminate().get(10, TimeUnit.SECONDS);
        }
    }
}
