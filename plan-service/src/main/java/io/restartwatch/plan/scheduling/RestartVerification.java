package io.restartwatch.plan.scheduling;

import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.Objects;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import io.restartwatch.contracts.EventTypes;
import io.restartwatch.contracts.RestartStatus;
import io.restartwatch.plan.domain.PlanEvents;
import io.restartwatch.plan.domain.PlannedRestart;
import io.restartwatch.plan.domain.RestartPolicy;
import io.restartwatch.plan.persistence.ExecutionRows;
import io.restartwatch.plan.persistence.ExecutionRows.RestartRow;
import io.restartwatch.plan.persistence.RestartPolicies;

/**
 * The closed loop: a released restart is done only when a successful check newer than its release shows a boot id
 * other than the one seen before the release and no reboot-required sentinel, and, when the
 * policy names a health URL, that URL answers 2xx. The same rule runs when a check arrives and on every tick.
 */
@ApplicationScoped
public class RestartVerification {

    private final ExecutionRows rows;
    private final RestartPolicies policies;
    private final PlanEvents events;
    private final RunnerMetrics metrics;
    private final Clock clock;

    public RestartVerification(ExecutionRows rows, RestartPolicies policies, PlanEvents events, RunnerMetrics metrics, Clock clock) {
        this.rows = rows;
        this.policies = policies;
        this.events = events;
        this.metrics = metrics;
        this.clock = clock;
    }

    /**
     * Whether the server's checks prove the reboot: a successful check after the release with a new boot id and
     * without the reboot-required sentinel (which lives on a tmpfs and vanishes with a reboot). Without a baseline (no check had reported a boot id before the release) any boot
     * id reported after the release is the new one.
     */
    public static boolean bootProof(RestartRow row) {
        Instant releasedAt = row.restart().releasedAt();
        return releasedAt != null && row.lastCheckedAt() != null && row.lastCheckedAt().isAfter(releasedAt)
                && row.bootId() != null && !Objects.equals(row.bootId(), row.restart().baselineBootId())
                && Boolean.FALSE.equals(row.sentinel());
    }

    /**
     * Right after servers' checks were applied: verifies their restarts in progress when the boot proof suffices (one
     * read for the whole set; most servers have none). A restart whose policy has a health URL waits for the tick,
     * which asks the URL outside any transaction.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void afterChecks(Collection<String> serverIds) {
        for (RestartRow row : rows.inProgressOf(serverIds)) {
            PlannedRestart restart = row.restart();
            if (bootProof(row) && !needsHealth(policies.policyFor(restart.applicationId(), restart.environment()))) {
                verify(restart);
            }
        }
    }

    /** In progress → VERIFIED with {@code restart.verified}; false when something else ended it first. */
    @Transactional(Transactional.TxType.MANDATORY)
    public boolean verify(PlannedRestart restart) {
        if (!rows.markVerified(restart.restartId(), clock.instant())) {
            return false;
        }
        events.restart(EventTypes.RESTART_VERIFIED, withStatus(restart, RestartStatus.VERIFIED), RestartStatus.VERIFIED, null, null, null);
        metrics.verified(restart.restartId());
        return true;
    }

    /** Whether the policy asks for a health URL at all. */
    static boolean needsHealth(RestartPolicy policy) {
        return policy.healthUrl() != null && !policy.healthUrl().isBlank();
    }

    static PlannedRestart withStatus(PlannedRestart r, RestartStatus status) {
        return new PlannedRestart(r.restartId(), r.planId(), r.serverId(), r.hostname(), r.applicationId(), r.environment(),
                r.wave(), r.level(), r.score(), r.exposure(), status.name(), r.releasedAt(), r.notBefore(), r.notAfter(),
                r.baselineBootId());
    }
}
