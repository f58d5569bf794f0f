package io.restartwatch.plan.scheduling;

import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.restartwatch.support.tx.AfterCommit;

/**
 * The runner's meters: plans running and restarts in progress (gauges the tick refreshes, so a scrape never touches
 * the database), and restarts released, verified and failed (counted once their transaction commits).
 */
@ApplicationScoped
public class RunnerMetrics {

    private final MeterRegistry registry;
    private final AfterCommit afterCommit;
    private final AtomicLong plansRunning = new AtomicLong();
    private final AtomicLong restartsInProgress = new AtomicLong();
    private final java.util.List<Meter> gauges = new java.util.ArrayList<>();

    public RunnerMetrics(MeterRegistry registry, AfterCommit afterCommit) {
        this.registry = registry;
        this.afterCommit = afterCommit;
    }

    void start(@Observes StartupEvent event) {
        gauges.add(Gauge.builder("restartwatch.plans.running", plansRunning, AtomicLong::get)
                .description("Restart plans approved and running (not paused, halted or finished)")
                .strongReference(true).register(registry));
        gauges.add(Gauge.builder("restartwatch.restarts.in.progress", restartsInProgress, AtomicLong::get)
                .description("Planned restarts released to executors and not yet verified, failed or cancelled, fleet-wide")
                .strongReference(true).register(registry));
    }

    void stop(@Observes ShutdownEvent event) {
        // A registry that outlives this application (tests start several in one JVM) must not keep gauges bound here.
        gauges.forEach(registry::remove);
        gauges.clear();
    }

    void refresh(long running, long inProgress) {
        plansRunning.set(running);
        restartsInProgress.set(inProgress);
    }

    /** Counts a release when (and only if) the transaction that released it commits. */
    void released(String restartId) {
        afterCommit.once("released-" + restartId, () -> Counter.builder("restartwatch.restarts.released")
                .description("Planned restarts released to executors (restart.scheduled)").register(registry).increment());
    }

    void verified(String restartId) {
        afterCommit.once("verified-" + restartId, () -> Counter.builder("restartwatch.restarts.verified")
                .description("Restarts proven by a check: a new boot id, no reboot-required sentinel (and the health URL answering)")
                .register(registry).increment());
    }

    void failed(String restartId, String reason) {
        afterCommit.once("failed-" + restartId, () -> Counter.builder("restartwatch.restarts.failed")
                .description("Restarts that failed: not back within the restart timeout, health check, or an executor's report")
                .tag("reason", reason).register(registry).increment());
    }
}
