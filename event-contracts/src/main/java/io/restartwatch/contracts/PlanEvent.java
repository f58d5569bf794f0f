package io.restartwatch.contracts;

import java.time.Instant;

/**
 * Data of the {@code plan.*} events on {@link Topics#RESTARTS} (key = plan id): a restart plan's transitions,
 * for pages, notifications and audit. A {@code plan.halted} names the restart that halted it.
 *
 * @param applicationId the plan's application; null for a plan over a fleet-wide selection
 * @param wave          the wave in progress (0 before the first release)
 * @param waves         how many waves the plan has
 * @param restarts      how many restarts the plan has, and how many of them are verified and failed
 * @param reason        why: on {@code plan.halted} the failed restart's reason ({@code NOT_BACK}…), on
 *                      {@code plan.cancelled} / {@code plan.paused} the operator's note if any
 * @param actor         who did it: the operator's name (from the credential), {@code auto-plan}, or
 *                      {@code plan-service} for what happens by itself (halt, completion)
 * @param serverId      on {@code plan.halted}: the server that halted it; otherwise null
 * @param hostname      that server's hostname, or null
 * @param restartId     that restart's id, or null
 */
public record PlanEvent(
        int schemaVersion,
        String planId,
        String applicationId,
        PlanStatus status,
        int wave,
        int waves,
        int restarts,
        int verified,
        int failed,
        String reason,
        String actor,
        String serverId,
        String hostname,
        String restartId,
        Instant occurredAt) {

    public static final int SCHEMA_VERSION = 1;
}
