package io.restartwatch.check.domain;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import io.restartwatch.contracts.EventJson;
import io.restartwatch.contracts.EventTypes;
import io.restartwatch.contracts.RestartEvent;
import io.restartwatch.contracts.RestartStatus;
import io.restartwatch.contracts.Topics;
import io.restartwatch.support.messaging.ProcessedEvents;
import io.restartwatch.support.outbox.Outbox;
import io.restartwatch.support.rest.ProblemException;

/**
 * The agent as an executor of planned restarts. plan-service's {@code restart.scheduled} for an agent server is kept
 * (table {@code scheduled_restart}) until the agent picks it up through its due call; the agent then reports
 * started or failed, which this service publishes as {@code restart.started} / {@code restart.failed} (executor
 * {@value #EXECUTOR}) through its outbox, in the transaction that marks the row. Each transition is published
 * once: a repeated report finds the row already there and publishes nothing.
 */
@ApplicationScoped
public class AgentRestarts {

    public static final String EXECUTOR = "agent";
    /** The reasons an agent reports a failure with (see RestartEvent#reason). */
    public static final List<String> FAILURE_REASONS = List.of("PRE_HOOK_FAILED", "EXECUTOR_FAILED");
    private static final String CONSUMER = "restarts";
    private static final int MAX_DETAIL = 1000;

    private final EntityManager entityManager;
    private final ProcessedEvents processed;
    private final Outbox outbox;
    private final Clock clock;

    public AgentRestarts(EntityManager entityManager, ProcessedEvents processed, Outbox outbox, Clock clock) {
        this.entityManager = entityManager;
        this.processed = processed;
        this.outbox = outbox;
        this.clock = clock;
    }

    /**
     * A {@code restart.scheduled} or {@code restart.cancelled} from plan-service. Kept only for a server of this
     * inventory that an agent checks: no one else would ever ask for it.
     *
     * @return whether it changed anything
     */
    @Transactional
    public boolean onRestartEvent(String eventId, String type, RestartEvent restart) {
        if (!processed.firstDelivery(CONSUMER, eventId) || !agentServer(restart.serverId())) {
            return false;
        }
        Instant now = clock.instant();
        if (EventTypes.RESTART_SCHEDULED.equals(type)) {
            // A redelivered command, or one that arrives after its own cancellation, changes nothing.
            return entityManager.createNativeQuery("""
                            insert into scheduled_restart (restart_id, server_id, status, not_before, not_after, event, received_at, updated_at)
                            values (:restartId, :serverId, 'SCHEDULED', :notBefore, :notAfter, :event, :now, :now)
                            on conflict (restart_id) do nothing""")
                    .setParameter("restartId", restart.restartId())
                    .setParameter("serverId", restart.serverId())
                    .setParameter("notBefore", restart.notBefore())
                    .setParameter("notAfter", restart.notAfter())
                    .setParameter("event", EventJson.write(restart))
                    .setParameter("now", now)
                    .executeUpdate() == 1;
        }
        // restart.cancelled: a restart the agent already began is not taken back (its own report tells what happened).
        return entityManager.createNativeQuery("""
                        insert into scheduled_restart (restart_id, server_id, status, not_before, not_after, event, reason, received_at, updated_at)
                        values (:restartId, :serverId, 'CANCELLED', :notBefore, :notAfter, :event, :reason, :now, :now)
                        on conflict (restart_id) do update set status = 'CANCELLED', reason = excluded.reason, updated_at = excluded.updated_at
                        where scheduled_restart.status = 'SCHEDULED'""")
                .setParameter("restartId", restart.restartId())
                .setParameter("serverId", restart.serverId())
                .setParameter("notBefore", restart.notBefore())
                .setParameter("notAfter", restart.notAfter())
                .setParameter("event", EventJson.write(restart))
                .setParameter("reason", restart.reason() == null ? null : truncate(restart.reason(), 64))
                .setParameter("now", now)
                .executeUpdate() == 1;
    }

    private boolean agentServer(String serverId) {
        List<?> kinds = entityManager.createNativeQuery("select probe_kind from server where id = :id")
                .setParameter("id", serverId)
                .getResultList();
        return !kinds.isEmpty() && ProbeKind.AGENT.name().equals(kinds.get(0));
    }

    /** The restart and the agent token hash of its server, for the agent's reports; empty when unknown. */
    @Transactional
    public Optional<Owner> owner(String restartId) {
        List<?> rows = entityManager.createNativeQuery("""
                        select s.id, s.agent_token_hash from scheduled_restart r join server s on s.id = r.server_id
                        where r.restart_id = :restartId""")
                .setParameter("restartId", restartId)
                .getResultList();
        if (rows.isEmpty()) {
            return Optional.empty();
        }
        Object[] row = (Object[]) rows.get(0);
        return Optional.of(new Owner((String) row[0], (String) row[1]));
    }

    /**
     * The agent began the restart: SCHEDULED → STARTED and {@code restart.started}. Again for a started restart:
     * nothing happens (the agent may retry a report whose answer it did not get).
     *
     * @throws ProblemException 409 when the restart was cancelled or has failed
     */
    @Transactional
    public RestartStatus started(String restartId) {
        Row row = lock(restartId);
        switch (row.status()) {
            case STARTED -> {
                return RestartStatus.STARTED;
            }
            case SCHEDULED -> {
                transition(row, RestartStatus.STARTED, null, null, EventTypes.RESTART_STARTED);
                return RestartStatus.STARTED;
            }
            default -> throw ProblemException.conflict("Restart " + restartId + " is " + row.status().name().toLowerCase()
                    + ": it must not be started");
        }
    }

    /**
     * The agent could not carry the restart out: SCHEDULED or STARTED → FAILED and {@code restart.failed}. Again for
     * a failed restart: nothing happens.
     *
     * @throws ProblemException 409 when the restart was cancelled
     */
    @Transactional
    public RestartStatus failed(String restartId, String reason, String detail) {
        Row row = lock(restartId);
        switch (row.status()) {
            case FAILED -> {
                return RestartStatus.FAILED;
            }
            case SCHEDULED, STARTED -> {
                transition(row, RestartStatus.FAILED, reason, detail == null ? null : truncate(detail, MAX_DETAIL), EventTypes.RESTART_FAILED);
                return RestartStatus.FAILED;
            }
            default -> throw ProblemException.conflict("Restart " + restartId + " is " + row.status().name().toLowerCase()
                    + ": there is nothing to fail");
        }
    }

    private Row lock(String restartId) {
        List<?> rows = entityManager.createNativeQuery("select status, event from scheduled_restart where restart_id = :id for update")
                .setParameter("id", restartId)
                .getResultList();
        if (rows.isEmpty()) {
            throw ProblemException.notFound("No restart " + restartId + " is scheduled for an agent");
        }
        Object[] row = (Object[]) rows.get(0);
        return new Row(restartId, RestartStatus.valueOf((String) row[0]), EventJson.read((String) row[1], RestartEvent.class));
    }

    private void transition(Row row, RestartStatus status, String reason, String detail, String type) {
        Instant now = clock.instant();
        entityManager.createNativeQuery("""
                        update scheduled_restart set status = :status, reason = :reason, detail = :detail, updated_at = :now
                        where restart_id = :id""")
                .setParameter("status", status.name())
                .setParameter("reason", reason)
                .setParameter("detail", detail)
                .setParameter("now", now)
                .setParameter("id", row.restartId())
                .executeUpdate();
        RestartEvent scheduled = row.scheduled();
        var event = new RestartEvent(RestartEvent.SCHEMA_VERSION, scheduled.restartId(), scheduled.planId(), scheduled.serverId(),
                scheduled.hostname(), scheduled.applicationId(), scheduled.environment(), scheduled.wave(), status,
                scheduled.level(), scheduled.exposure(), scheduled.notBefore(), scheduled.notAfter(), scheduled.baselineBootId(),
                reason, detail, EXECUTOR, now);
        outbox.enqueue(Topics.RESTARTS, scheduled.serverId(), type, scheduled.restartId(), event);
    }

    private static String truncate(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max - 1) + "…";
    }

    /** The server a restart belongs to, and that server's agent token hash (null when none was issued). */
    public record Owner(String serverId, String agentTokenHash) {
    }

    private record Row(String restartId, RestartStatus status, RestartEvent scheduled) {
    }
}
