package io.restartwatch.plan.domain;

import java.time.Duration;

import io.restartwatch.contracts.PriorityLevel;

/**
 * An application's standing order: every restart at {@code minLevel} or above pending for at least
 * {@code pendingFor} is planned into the next window and approved by {@code auto-plan}.
 */
public record AutoPlan(PriorityLevel minLevel, Duration pendingFor) {

    public AutoPlan {
        if (minLevel == null || pendingFor == null || pendingFor.isNegative()) {
            throw new IllegalArgumentException("autoPlan needs minLevel and a pendingFor duration that is not negative");
        }
    }
}
