package io.restartwatch.contracts;

import java.time.Instant;

/**
 * Data of the {@code restart.*} events on {@link Topics#RESTARTS} (key = server id): the life of one planned
 * restart of one server. plan-service publishes {@code restart.scheduled} when the restart's wave is released
 * (the command to executors), {@code restart.verified} when a check proves the reboot, {@code restart.failed} on a
 * timeout and {@code restart.cancelled} when its plan is cancelled before it began. Executors publish
 * {@code restart.started} and {@code restart.failed} (the agent through check-service, others through
 * plan-service's REST API or directly on the topic). One restart id is one command: an executor acts on a
 * restart id at most once, whatever the redeliveries.
 *
 * @param restartId      stable id of this planned restart; the same in every event about it
 * @param wave           1-based wave of the plan this restart belongs to
 * @param notBefore      an executor must not begin before this instant
 * @param notAfter       nor after this one (the end of the maintenance window that is open at release)
 * @param baselineBootId the boot id the last check before the release saw; a check with another one and no
 *                       sentinel proves the reboot. Null when no check had reported one
 * @param reason         on {@code restart.failed}: {@code NOT_BACK} (no proof within the restart timeout),
 *                       {@code HEALTH_CHECK_FAILED}, {@code PRE_HOOK_FAILED}, {@code EXECUTOR_FAILED}; on
 *                       {@code restart.cancelled}: {@code PLAN_CANCELLED}; otherwise null
 * @param detail         human-readable detail of the reason, or null
 * @param executor       who reported {@code restart.started} / an executor's {@code restart.failed} (e.g.
 *                       {@code agent}); null on plan-service's own events
 */
public record RestartEvent(
        int schemaVersion,
        String restartId,
        String planId,
        String serverId,
        String hostname,
        String applicationId,
        String environment,
        int wave,
        RestartStatus status,
        PriorityLevel level,
        Exposure exposure,
        Instant notBefore,
        Instant notAfter,
        String baselineBootId,
        String reason,
        String detail,
        String executor,
        Instant occurredAt) {

    public static final int SCHEMA_VERSION = 1;
}
