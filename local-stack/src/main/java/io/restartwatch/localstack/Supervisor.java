package io.restartwatch.localstack;

import java.time.Duration;
import java.time.Instant;
import java.util.function.Consumer;

/**
 * Watches the servers the launcher owns and starts again the one whose process died, as systemd's
 * {@code Restart=always} would: a PostgreSQL postmaster killed with SIGKILL comes back without {@code ./stack up}.
 * (Kafka runs inside the launcher's JVM: if it dies, the launcher dies with it, which {@code ./stack status} shows.)
 */
public final class Supervisor implements AutoCloseable {

    private final Thread thread;
    private volatile boolean running = true;

    private Supervisor(PostgresServer postgres, Duration interval, Consumer<String> log) {
        this.thread = new Thread(() -> run(postgres, interval, log), "local-stack-supervisor");
        this.thread.setDaemon(true);
    }

    /** Checks every {@code interval} that PostgreSQL's postmaster is alive and restarts it if not; logs each restart. */
    public static Supervisor watch(PostgresServer postgres, Duration interval, Consumer<String> log) {
        Supervisor supervisor = new Supervisor(postgres, interval, message -> log.accept(Instant.now() + " supervisor: " + message));
        supervisor.thread.start();
        return supervisor;
    }

    private void run(PostgresServer postgres, Duration interval, Consumer<String> log) {
        while (running) {
            try {
                postgres.restartIfDied(log);
            } catch (RuntimeException e) {
                log.accept("restart failed, trying again: " + e);
            }
            try {
                Thread.sleep(interval.toMillis());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(Duration.ofSeconds(30).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
