package io.restartwatch.plan.scheduling;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import io.restartwatch.contracts.EventTypes;
import io.restartwatch.contracts.PlanStatus;
import io.restartwatch.contracts.RestartStatus;
import io.restartwatch.plan.alerting.AlertmanagerClient.AlertState;
import io.restartwatch.plan.config.PlanSettings;
import io.restartwatch.plan.domain.Blackout;
import io.restartwatch.plan.domain.FleetLimits;
import io.restartwatch.plan.domain.PlanEvents;
import io.restartwatch.plan.domain.PlannedRestart;
import io.restartwatch.plan.domain.RestartPolicy;
import io.restartwatch.plan.persistence.ExecutionRows;
import io.restartwatch.plan.persistence.ExecutionRows.LockedPlan;
import io.restartwatch.plan.persistence.ExecutionRows.RestartRow;
import io.restartwatch.plan.persistence.RestartPolicies;

/**
 * One step of one plan, in one transaction under the plan's row lock: verify what the checks prove, fail what did
 * not come back in time (and halt the plan), release what the next wave may release now, complete the plan when
 * everything has ended. Every status change is conditional on the status it moves from and its event is queued in
 * the same transaction, so after a crash at any point nothing is released twice and no wave is skipped.
 */
@ApplicationScoped
public class PlanAdvancer {

    public static final String NOT_BACK = "NOT_BACK";
    public static final String HEALTH_CHECK_FAILED = "HEALTH_CHECK_FAILED";

    /** Why the rest of a wave waits ({@code restart_plan.hold_reason}). */
    public enum Hold {
        WINDOW_CLOSED, BLACKOUT, ALERTS_FIRING, ALERTMANAGER_UNREACHABLE, FLEET_LIMIT,
        /** The application already has maxUnavailable restarts in progress (e.g. from another plan). */
        APPLICATION_LIMIT
    }

    private final ExecutionRows rows;
    private final RestartPolicies policies;
    private final RestartVerification verification;
    private final PlanEvents events;
    private final RunnerMetrics metrics;
    private final PlanSettings settings;

    public PlanAdvancer(ExecutionRows rows, RestartPolicies policies, RestartVerification verification, PlanEvents events,
                        RunnerMetrics metrics, PlanSettings settings) {
        this.rows = rows;
        this.policies = policies;
        this.verification = verification;
        this.events = events;
        this.metrics = metrics;
        this.settings = settings;
    }

    /**
     * @param healthy what the health URLs of restarts with a boot proof answered (asked before this transaction)
     * @param alerts  Alertmanager's answer of this tick (asked before this transaction)
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void advance(String planId, Map<String, Boolean> healthy, AlertState alerts, Instant now) {
        Optional<LockedPlan> locked = rows.lockPlan(planId);
        if (locked.isEmpty()) {
            return; // another instance has it, or it ended meanwhile
        }
        LockedPlan plan = locked.get();
        Map<String, RestartPolicy> policyCache = new HashMap<>();
        List<RestartRow> restarts = rows.restartsOf(planId);
        Map<String, String> statuses = new HashMap<>();
        restarts.forEach(row -> statuses.put(row.restart().restartId(), row.status()));

        PlanStatus status = watch(plan, restarts, statuses, healthy, policyCache, now);
        if (status != PlanStatus.RUNNING) {
            return;
        }
        if (statuses.values().stream().allMatch(ExecutionRows::isTerminal)) {
            if (rows.complete(planId, now)) {
                events.plan(EventTypes.PLAN_COMPLETED, planId, PlanStatus.COMPLETED, null, PlanEvents.SELF, null);
            }
            return;
        }
        release(plan, restarts, statuses, alerts, policyCache, now);
    }

    /** Verification and timeouts of the released restarts; returns the plan's status after them. */
    private PlanStatus watch(LockedPlan plan, List<RestartRow> restarts, Map<String, String> statuses,
                             Map<String, Boolean> healthy, Map<String, RestartPolicy> policyCache, Instant now) {
        PlannedRestart halting = null;
        String haltReason = null;
        List<RestartRow> inProgress = new ArrayList<>(restarts.stream().filter(RestartRow::inProgress).toList());
        // The same order as a batch of checks takes their rows: concurrent verifiers never wait on each other in a cycle.
        inProgress.sort((a, b) -> a.restart().serverId().compareTo(b.restart().serverId()));
        for (RestartRow row : inProgress) {
            PlannedRestart restart = row.restart();
            RestartPolicy policy = policyOf(restart, policyCache);
            boolean proof = RestartVerification.bootProof(row);
            boolean needsHealth = RestartVerification.needsHealth(policy);
            if (proof && (!needsHealth || Boolean.TRUE.equals(healthy.get(restart.restartId())))) {
                if (verification.verify(restart)) {
                    statuses.put(restart.restartId(), RestartStatus.VERIFIED.name());
                }
                continue;
            }
            Instant deadline = restart.releasedAt().plus(policy.restartTimeout());
            if (now.isBefore(deadline)) {
                continue;
            }
            String reason = proof ? HEALTH_CHECK_FAILED : NOT_BACK;
            String detail = proof
                    ? "rebooted (boot id " + row.bootId() + ") but " + HealthProbe.urlFor(policy.healthUrl(), restart.hostname(), restart.serverId())
                      + " did not answer 2xx within the restart timeout " + policy.restartTimeout()
                    : notBackDetail(row, policy);
            if (rows.markFailed(restart.restartId(), reason, detail, null, now)) {
                statuses.put(restart.restartId(), RestartStatus.FAILED.name());
                PlannedRestart failed = RestartVerification.withStatus(restart, RestartStatus.FAILED);
                events.restart(EventTypes.RESTART_FAILED, failed, RestartStatus.FAILED, reason, detail, null);
                metrics.failed(restart.restartId(), reason);
                if (halting == null) {
                    halting = failed;
                    haltReason = reason;
                }
            }
        }
        if (halting != null && rows.halt(plan.planId(), haltReason, now)) {
            events.plan(EventTypes.PLAN_HALTED, plan.planId(), PlanStatus.HALTED, haltReason, PlanEvents.SELF, halting);
            return PlanStatus.HALTED;
        }
        return plan.status();
    }

    private static String notBackDetail(RestartRow row, RestartPolicy policy) {
        String host = row.restart().hostname() == null ? row.restart().serverId() : row.restart().hostname();
        StringBuilder detail = new StringBuilder(host).append(" was not proven back within ").append(policy.restartTimeout())
                .append(" of its release at ").append(row.restart().releasedAt()).append(": ");
        if (row.lastCheckedAt() == null || !row.lastCheckedAt().isAfter(row.restart().releasedAt())) {
            detail.append("no successful check since the release");
        } else if (row.bootId() == null || row.bootId().equals(row.restart().baselineBootId())) {
            detail.append("the last check (").append(row.lastCheckedAt()).append(") shows the same boot id");
        } else {
            detail.append("the last check (").append(row.lastCheckedAt()).append(") still finds the reboot-required sentinel");
        }
        return detail.toString();
    }

    /**
     * Releases the restarts of the current wave that may begin now; a wave is begun only once every restart of the
     * waves before it has ended. The first thing holding a restart back becomes the plan's hold reason.
     */
    private void release(LockedPlan plan, List<RestartRow> restarts, Map<String, String> statuses, AlertState alerts,
                         Map<String, RestartPolicy> policyCache, Instant now) {
        int current = plan.currentWave();
        int wave = current;
        boolean earlierOpen = restarts.stream().anyMatch(row -> row.restart().wave() <= current
                && !ExecutionRows.isTerminal(statuses.get(row.restart().restartId())));
        boolean currentHasPlanned = restarts.stream().anyMatch(row -> row.restart().wave() == current
                && PlannedRestart.PLANNED.equals(statuses.get(row.restart().restartId())));
        if (!currentHasPlanned) {
            if (earlierOpen) {
                rows.progress(plan.planId(), wave, null, null, now); // the wave is out: wait for its proof
                return;
            }
            Optional<Integer> next = restarts.stream().map(row -> row.restart().wave()).filter(w -> w > current)
                    .filter(w -> restarts.stream().anyMatch(row -> row.restart().wave() == w
                            && PlannedRestart.PLANNED.equals(statuses.get(row.restart().restartId()))))
                    .min(Integer::compare);
            if (next.isEmpty()) {
                rows.progress(plan.planId(), wave, null, null, now);
                return;
            }
            wave = next.get();
        }
        int releasing = wave;
        List<RestartRow> candidates = restarts.stream().filter(row -> row.restart().wave() == releasing
                && PlannedRestart.PLANNED.equals(statuses.get(row.restart().restartId()))).toList();

        rows.lockReleases();
        FleetLimits fleet = policies.fleetLimits();
        int fleetInProgress = rows.inProgressCount();
        Map<String, int[]> applicationRoom = new HashMap<>();
        Hold hold = null;
        String holdDetail = null;
        for (RestartRow row : candidates) {
            PlannedRestart restart = row.restart();
            RestartPolicy policy = policyOf(restart, policyCache);
            String[] held = holdOf(restart, policy, fleet, alerts, fleetInProgress, applicationRoom, now);
            if (held != null) {
                if (hold == null) {
                    hold = Hold.valueOf(held[0]);
                    holdDetail = held[1];
                }
                continue;
            }
            RestartPolicy.WindowState window = policy.stateAt(now);
            Instant notAfter = window.closesAt() != null ? window.closesAt() : now.plus(policy.restartTimeout());
            Optional<PlannedRestart> released = rows.release(restart, now, notAfter, row.bootId());
            if (released.isPresent()) {
                statuses.put(restart.restartId(), RestartStatus.SCHEDULED.name());
                events.restart(EventTypes.RESTART_SCHEDULED, released.get(), RestartStatus.SCHEDULED, null, null, null);
                metrics.released(restart.restartId());
                fleetInProgress++;
                applicationRoom.get(key(restart))[0]--;
            }
        }
        rows.progress(plan.planId(), wave, hold == null ? null : hold.name(), holdDetail, now);
    }

    /** What holds a restart back now ({reason, detail}), or null when it may be released. */
    private String[] holdOf(PlannedRestart restart, RestartPolicy policy, FleetLimits fleet, AlertState alerts,
                            int fleetInProgress, Map<String, int[]> applicationRoom, Instant now) {
        Optional<Blackout> fleetBlackout = fleet.blackoutAt(now);
        if (fleetBlackout.isPresent()) {
            return new String[] {Hold.BLACKOUT.name(), "fleet-wide blackout until " + fleetBlackout.get().to() + reasonOf(fleetBlackout.get())};
        }
        RestartPolicy.WindowState window = policy.stateAt(now);
        if (window.blackout() != null) {
            return new String[] {Hold.BLACKOUT.name(), applicationOf(restart) + " is in a blackout until " + window.blackout().to()
                    + reasonOf(window.blackout())};
        }
        if (!window.open()) {
            Optional<Instant> opens = policy.nextOpening(now, now.plus(settings.horizon()), fleet.blackouts());
            return new String[] {Hold.WINDOW_CLOSED.name(), applicationOf(restart) + "'s maintenance window is closed; "
                    + opens.map(at -> "it next opens at " + at).orElse("no opening within " + settings.horizon())};
        }
        if (alerts instanceof AlertState.Firing firing) {
            return new String[] {Hold.ALERTS_FIRING.name(), firing.count() + " alert(s) firing: " + String.join(", ", firing.names())};
        }
        if (alerts instanceof AlertState.Unreachable unreachable) {
            return new String[] {Hold.ALERTMANAGER_UNREACHABLE.name(), unreachable.detail()};
        }
        if (fleetInProgress >= fleet.maxConcurrent()) {
            return new String[] {Hold.FLEET_LIMIT.name(), fleetInProgress + " restart(s) in progress fleet-wide, the limit is " + fleet.maxConcurrent()};
        }
        int[] room = applicationRoom.computeIfAbsent(key(restart), k -> {
            int limit = policy.maxUnavailable().limitFor(rows.serverCount(restart.applicationId()));
            return new int[] {limit - rows.inProgressCount(restart.applicationId()), limit};
        });
        if (room[0] <= 0) {
            return new String[] {Hold.APPLICATION_LIMIT.name(), applicationOf(restart) + " has " + room[1]
                    + " restart(s) in progress, its maxUnavailable (" + policy.maxUnavailable() + ")"};
        }
        return null;
    }

    private static String key(PlannedRestart restart) {
        return String.valueOf(restart.applicationId());
    }

    private static String applicationOf(PlannedRestart restart) {
        return restart.applicationId() == null ? "the server" : restart.applicationId();
    }

    private static String reasonOf(Blackout blackout) {
        return blackout.reason() == null || blackout.reason().isBlank() ? "" : " (" + blackout.reason() + ")";
    }

    private RestartPolicy policyOf(PlannedRestart restart, Map<String, RestartPolicy> cache) {
        return cache.computeIfAbsent(restart.applicationId() + "\u0000" + restart.environment(),
                k -> policies.policyFor(restart.applicationId(), restart.environment()));
    }
}
