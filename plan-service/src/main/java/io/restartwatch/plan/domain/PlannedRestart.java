package io.restartwatch.plan.domain;

import java.time.Instant;

import io.restartwatch.contracts.Exposure;
import io.restartwatch.contracts.PriorityLevel;

/**
 * One row of {@code planned_restart}: one server's restart in one plan, and where it stands.
 *
 * @param status PLANNED (in a wave not released yet), then a {@link io.restartwatch.contracts.RestartStatus} name
 */
public record PlannedRestart(
        String restartId,
        String planId,
        String serverId,
        String hostname,
        String applicationId,
        String environment,
        int wave,
        PriorityLevel level,
        int score,
        Exposure exposure,
        String status,
        Instant releasedAt,
        Instant notBefore,
        Instant notAfter,
        String baselineBootId) {

    public static final String PLANNED = "PLANNED";
}
