package io.restartwatch.plan.scheduling;

import java.time.Clock;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import io.restartwatch.contracts.EventTypes;
import io.restartwatch.contracts.PlanStatus;
import io.restartwatch.contracts.RestartStatus;
import io.restartwatch.plan.domain.PlanEvents;
import io.restartwatch.plan.domain.PlannedRestart;
import io.restartwatch.plan.persistence.ExecutionRows;
import io.restartwatch.plan.persistence.ExecutionRows.RestartRow;

/**
 * What executors report about a released restart — it began, or it failed — whether it arrives as an event on
 * {@code restartwatch.restarts} (the agent through check-service, or any executor publishing directly) or through
 * plan-service's REST API. A failure halts the plan, naming the server. Reports are idempotent: the same report
 * twice changes nothing the second time.
 */
@ApplicationScoped
public class ExecutorReports {

    /** Failure reason when an executor gives none. */
    public static final String EXECUTOR_FAILED = "EXECUTOR_FAILED";

    /** What became of a report. */
    public enum Outcome {
        /** Applied now. */
        APPLIED,
        /** Already applied (a repeated report). */
        ALREADY,
        /** No such restart. */
        UNKNOWN,
        /** The restart is not released yet, or has ended in another way. */
        NOT_IN_PROGRESS
    }

    public record Result(Outcome outcome, String status) {
    }

    private final ExecutionRows rows;
    private final PlanEvents events;
    private final RunnerMetrics metrics;
    private final Clock clock;

    public ExecutorReports(ExecutionRows rows, PlanEvents events, RunnerMetrics metrics, Clock clock) {
        this.rows = rows;
        this.events = events;
        this.metrics = metrics;
        this.clock = clock;
    }

    /**
     * SCHEDULED → STARTED.
     *
     * @param publish whether to publish {@code restart.started} (a report through our API); an event from the topic
     *                is already there
     */
    @Transactional
    public Result started(String restartId, String executor, boolean publish) {
        Optional<RestartRow> found = rows.find(restartId);
        if (found.isEmpty()) {
            return new Result(Outcome.UNKNOWN, null);
        }
        PlannedRestart restart = found.get().restart();
        if (rows.markStarted(restartId, executor, clock.instant())) {
            if (publish) {
                events.restart(EventTypes.RESTART_STARTED, RestartVerification.withStatus(restart, RestartStatus.STARTED),
                        RestartStatus.STARTED, null, null, executor);
            }
            return new Result(Outcome.APPLIED, RestartStatus.STARTED.name());
        }
        String now = rows.find(restartId).map(RestartRow::status).orElse(restart.status());
        return new Result(RestartStatus.STARTED.name().equals(now) ? Outcome.ALREADY : Outcome.NOT_IN_PROGRESS, now);
    }

    /**
     * SCHEDULED / STARTED → FAILED, and the plan HALTED with {@code plan.halted} naming the server. The plan is
     * locked first (waiting for it), as the tick locks it before its restarts: the two never deadlock.
     */
    @Transactional
    public Result failed(String restartId, String reason, String detail, String executor, boolean publish) {
        Optional<RestartRow> found = rows.find(restartId);
        if (found.isEmpty()) {
            return new Result(Outcome.UNKNOWN, null);
        }
        PlannedRestart restart = found.get().restart();
        rows.lockPlanWaiting(restart.planId());
        String why = reason == null || reason.isBlank() ? EXECUTOR_FAILED : reason;
        if (!rows.markFailed(restartId, why, detail, executor, clock.instant())) {
            String now = rows.find(restartId).map(RestartRow::status).orElse(restart.status());
            return new Result(RestartStatus.FAILED.name().equals(now) ? Outcome.ALREADY : Outcome.NOT_IN_PROGRESS, now);
        }
        PlannedRestart failed = RestartVerification.withStatus(restart, RestartStatus.FAILED);
        if (publish) {
            events.restart(EventTypes.RESTART_FAILED, failed, RestartStatus.FAILED, why, detail, executor);
        }
        metrics.failed(restartId, why);
        if (rows.halt(restart.planId(), why, clock.instant())) {
            events.plan(EventTypes.PLAN_HALTED, restart.planId(), PlanStatus.HALTED, why, PlanEvents.SELF, failed);
        }
        return new Result(Outcome.APPLIED, RestartStatus.FAILED.name());
    }
}
