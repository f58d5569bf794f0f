package io.restartwatch.plan.rest;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import io.restartwatch.contracts.Exposure;
import io.restartwatch.contracts.PlanStatus;
import io.restartwatch.contracts.PriorityLevel;
import io.restartwatch.plan.domain.PlanModel;
import io.restartwatch.plan.persistence.PlannedRestartEntity;
import io.restartwatch.plan.persistence.RestartPlanEntity;

/** A plan as the API and the pages show it: its state, its waves and every restart in them. */
@ApplicationScoped
public class PlanViews {

    @Transactional
    public Optional<PlanView> view(String planId) {
        RestartPlanEntity plan = RestartPlanEntity.findById(planId);
        return plan == null ? Optional.empty() : Optional.of(PlanView.of(plan, PlannedRestartEntity.ofPlan(planId)));
    }

    /**
     * @param waveCount   how many waves the plan has
     * @param currentWave the wave in progress (0 before the first release)
     * @param holdReason  why the runner holds the next release (WINDOW_CLOSED, BLACKOUT, ALERTS_FIRING,
     *                    ALERTMANAGER_UNREACHABLE, FLEET_LIMIT), or null
     * @param counts      restarts per status
     */
    public record PlanView(String planId, String applicationId, RestartPlanEntity.SelectionDocument selection, PlanStatus status,
                           int currentWave, int waveCount, String holdReason, String holdDetail, String statusReason,
                           boolean auto, String createdBy, Instant createdAt, String approvedBy, Instant approvedAt,
                           Instant finishedAt, Instant updatedAt, Map<String, Integer> counts, List<WaveView> waves,
                           List<PlanModel.Unscheduled> unscheduled) {

        static PlanView of(RestartPlanEntity plan, List<PlannedRestartEntity> restarts) {
            Map<Integer, List<RestartView>> byWave = new TreeMap<>();
            Map<String, Integer> counts = new LinkedHashMap<>();
            for (PlannedRestartEntity restart : restarts) {
                byWave.computeIfAbsent(restart.wave, w -> new ArrayList<>()).add(RestartView.of(restart));
                counts.merge(restart.status, 1, Integer::sum);
            }
            List<WaveView> waves = new ArrayList<>();
            byWave.forEach((number, list) -> waves.add(new WaveView(number, list.get(0).plannedAt(), list)));
            return new PlanView(plan.planId, plan.applicationId, plan.selection, plan.status, plan.currentWave, plan.waves,
                    plan.holdReason, plan.holdDetail, plan.statusReason, plan.auto, plan.createdBy, plan.createdAt,
                    plan.approvedBy, plan.approvedAt, plan.finishedAt, plan.updatedAt, counts, waves,
                    plan.unscheduled == null ? List.of() : plan.unscheduled);
        }
    }

    public record WaveView(int number, Instant plannedAt, List<RestartView> restarts) {
    }

    /**
     * One restart and where it stands.
     *
     * @param status     PLANNED (its wave not released yet), SCHEDULED, STARTED, VERIFIED, FAILED or CANCELLED
     * @param verifiedAt when a check proved it, or null
     */
    public record RestartView(String restartId, String serverId, String hostname, String applicationId, String environment,
                              Integer rank, PriorityLevel level, int score, Exposure exposure, String status,
                              Instant plannedAt, Instant releasedAt, Instant notBefore, Instant notAfter,
                              Instant startedAt, String executor, Instant verifiedAt, Instant finishedAt,
                              String failureReason, String failureDetail, List<String> why) {

        static RestartView of(PlannedRestartEntity r) {
            return new RestartView(r.restartId, r.serverId, r.hostname, r.applicationId, r.environment, r.rank, r.level,
                    r.score, r.exposure, r.status, r.plannedAt, r.releasedAt, r.notBefore, r.notAfter, r.startedAt,
                    r.executor, "VERIFIED".equals(r.status) ? r.finishedAt : null, r.finishedAt, r.failureReason,
                    r.failureDetail, r.why == null ? List.of() : r.why);
        }
    }
}
