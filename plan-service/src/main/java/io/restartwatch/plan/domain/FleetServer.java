package io.restartwatch.plan.domain;

import java.time.Instant;
import java.util.Map;

import io.restartwatch.contracts.Exposure;
import io.restartwatch.contracts.PriorityLevel;

/**
 * What the planner knows of one server (a {@code plan_server} row): what it is, whether a reboot is pending and how
 * urgent it is, and the active plan it is already in, if any.
 *
 * @param activePlanId the DRAFT, RUNNING, PAUSED or HALTED plan that holds a restart of it neither verified nor cancelled; null when none
 */
public record FleetServer(
        String serverId,
        String hostname,
        String applicationId,
        String environment,
        Map<String, String> labels,
        boolean removed,
        boolean pending,
        PriorityLevel level,
        int score,
        Exposure exposure,
        Instant requiredSince,
        String activePlanId) {

    public FleetServer {
        labels = labels == null ? Map.of() : labels;
    }
}
