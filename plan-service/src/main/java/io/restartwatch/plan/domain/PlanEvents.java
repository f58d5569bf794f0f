package io.restartwatch.plan.domain;

import java.time.Clock;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import io.restartwatch.contracts.PlanEvent;
import io.restartwatch.contracts.PlanStatus;
import io.restartwatch.contracts.RestartEvent;
import io.restartwatch.contracts.RestartStatus;
import io.restartwatch.contracts.Topics;
import io.restartwatch.support.outbox.Outbox;

/**
 * Builds the {@code restart.*} and {@code plan.*} events in one place and queues them in the caller's transaction,
 * so an event exists exactly when the state change it reports does.
 */
@ApplicationScoped
public class PlanEvents {

    /** The actor of what plan-service does by itself (halt, completion). */
    public static final String SELF = "plan-service";

    private final Outbox outbox;
    private final EntityManager entityManager;
    private final Clock clock;

    public PlanEvents(Outbox outbox, EntityManager entityManager, Clock clock) {
        this.outbox = outbox;
        this.entityManager = entityManager;
        this.clock = clock;
    }

    /**
     * Queues a {@code restart.*} event (key = server id).
     *
     * @param reason   failure or cancellation reason, or null
     * @param executor who reported it, or null for plan-service's own
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void restart(String type, PlannedRestart restart, RestartStatus status, String reason, String detail, String executor) {
        RestartEvent event = new RestartEvent(RestartEvent.SCHEMA_VERSION, restart.restartId(), restart.planId(),
                restart.serverId(), restart.hostname(), restart.applicationId(), restart.environment(), restart.wave(),
                status, restart.level(), restart.exposure(), restart.notBefore(), restart.notAfter(),
                restart.baselineBootId(), reason, detail, executor, clock.instant());
        outbox.enqueue(Topics.RESTARTS, restart.serverId(), type, restart.restartId(), event);
    }

    /**
     * Queues a {@code plan.*} event (key = plan id) with the plan's counts as they are in this transaction (call it
     * after the state change).
     *
     * @param halting the restart that halted the plan, on {@code plan.halted}; otherwise null
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void plan(String type, String planId, PlanStatus status, String reason, String actor, PlannedRestart halting) {
        entityManager.flush();
        Object[] row = (Object[]) entityManager.createNativeQuery("""
                        select p.application_id, p.current_wave, p.waves,
                               (select count(*) from planned_restart r where r.plan_id = p.plan_id),
                               (select count(*) from planned_restart r where r.plan_id = p.plan_id and r.status = 'VERIFIED'),
                               (select count(*) from planned_restart r where r.plan_id = p.plan_id and r.status = 'FAILED')
                        from restart_plan p where p.plan_id = :planId""")
                .setParameter("planId", planId)
                .getSingleResult();
        PlanEvent event = new PlanEvent(PlanEvent.SCHEMA_VERSION, planId, (String) row[0], status,
                ((Number) row[1]).intValue(), ((Number) row[2]).intValue(), ((Number) row[3]).intValue(),
                ((Number) row[4]).intValue(), ((Number) row[5]).intValue(), reason, actor,
                halting == null ? null : halting.serverId(), halting == null ? null : halting.hostname(),
                halting == null ? null : halting.restartId(), clock.instant());
        outbox.enqueue(Topics.RESTARTS, planId, type, planId, event);
    }

    /** For callers that hold several restarts. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void restarts(String type, List<PlannedRestart> restarts, RestartStatus status, String reason, String detail) {
        for (PlannedRestart restart : restarts) {
            restart(type, restart, status, reason, detail, null);
        }
    }
}
