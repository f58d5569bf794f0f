package io.restartwatch.plan.scheduling;

import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.restartwatch.contracts.PlanStatus;
import io.restartwatch.plan.alerting.AlertmanagerClient;
import io.restartwatch.plan.alerting.AlertmanagerClient.AlertState;
import io.restartwatch.plan.config.PlanSettings;
import io.restartwatch.plan.domain.PlannedRestart;
import io.restartwatch.plan.domain.RestartPolicy;
import io.restartwatch.plan.persistence.ExecutionRows;
import io.restartwatch.plan.persistence.ExecutionRows.RestartRow;
import io.restartwatch.plan.persistence.RestartPolicies;
import org.jboss.logging.Logger;

/**
 * The tick: every {@code restartwatch.plan.tick} it takes each plan that is running, paused or halted, one at a time
 * and each in its own transaction ({@link PlanAdvancer}). Every instance runs it; {@code SKIP LOCKED} on the plan's
 * row keeps two instances off one plan. What needs the network — Alertmanager, health URLs — is asked before the
 * plan's transaction, so a slow answer never holds a lock.
 */
@ApplicationScoped
public class PlanRunner {

    private static final Logger LOG = Logger.getLogger(PlanRunner.class);

    private final ExecutionRows rows;
    private final PlanAdvancer advancer;
    private final RestartPolicies policies;
    private final AlertmanagerClient alertmanager;
    private final HealthProbe healthProbe;
    private final RunnerMetrics metrics;
    private final PlanSettings settings;
    private final Clock clock;
    private final AtomicLong passes = new AtomicLong();
    private ScheduledExecutorService scheduler;

    public PlanRunner(ExecutionRows rows, PlanAdvancer advancer, RestartPolicies policies, AlertmanagerClient alertmanager,
                      HealthProbe healthProbe, RunnerMetrics metrics, PlanSettings settings, Clock clock) {
        this.rows = rows;
        this.advancer = advancer;
        this.policies = policies;
        this.alertmanager = alertmanager;
        this.healthProbe = healthProbe;
        this.metrics = metrics;
        this.settings = settings;
        this.clock = clock;
    }

    void start(@Observes StartupEvent event) {
        scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "plan-runner");
            thread.setDaemon(true);
            return thread;
        });
        long tick = settings.tick().toMillis();
        // A random first pass: instances started together do not contend.
        scheduler.scheduleWithFixedDelay(this::runQuietly, ThreadLocalRandom.current().nextLong(tick), tick, TimeUnit.MILLISECONDS);
    }

    void stop(@Observes ShutdownEvent event) {
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
    }

    /** One pass over every watched plan now. */
    public void runOnce() {
        List<Object[]> plans = rows.watchedPlans();
        AlertState alerts = null;
        for (Object[] plan : plans) {
            String planId = (String) plan[0];
            if (alerts == null && PlanStatus.RUNNING.name().equals(plan[1])) {
                alerts = alertmanager.check();
            }
            AlertState alertsNow = alerts == null ? new AlertState.Clear() : alerts;
            try {
                Map<String, Boolean> healthy = probeHealth(planId);
                QuarkusTransaction.requiringNew().run(() -> advancer.advance(planId, healthy, alertsNow, clock.instant()));
            } catch (RuntimeException e) {
                LOG.warnf("Plan %s: this tick failed, the next one retries: %s", planId, e.toString());
            }
        }
        metrics.refresh(rows.runningPlanCount(), rows.inProgressCount());
        passes.incrementAndGet();
    }

    /** Health URLs of the plan's restarts whose boot is proven, asked outside any transaction. */
    private Map<String, Boolean> probeHealth(String planId) {
        Map<String, Boolean> healthy = new HashMap<>();
        for (RestartRow row : rows.inProgressOfPlan(planId)) {
            if (!RestartVerification.bootProof(row)) {
                continue;
            }
            PlannedRestart restart = row.restart();
            RestartPolicy policy = policies.policyFor(restart.applicationId(), restart.environment());
            if (RestartVerification.needsHealth(policy)) {
                healthy.put(restart.restartId(), healthProbe.healthy(policy.healthUrl(), restart.hostname(), restart.serverId()));
            }
        }
        return healthy;
    }

    /** Passes completed since start: lets a test wait for later passes before asserting that nothing happened. */
    public long passes() {
        return passes.get();
    }

    private void runQuietly() {
        try {
            runOnce();
        } catch (RuntimeException e) {
            LOG.warnf("Plan runner pass failed, the next one retries: %s", e.toString());
        }
    }
}
