package io.restartwatch.plan.domain;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.core.Response;

import io.restartwatch.contracts.EventTypes;
import io.restartwatch.contracts.PlanStatus;
import io.restartwatch.contracts.RestartStatus;
import io.restartwatch.plan.config.PlanSettings;
import io.restartwatch.plan.persistence.FleetReadModel;
import io.restartwatch.plan.persistence.PlannedRestartEntity;
import io.restartwatch.plan.persistence.RestartPlanEntity;
import io.restartwatch.plan.persistence.RestartPolicies;
import io.restartwatch.support.rest.ProblemException;

/**
 * A plan's life as operators drive it: created as a DRAFT from a preview, approved (RUNNING: the runner releases its
 * waves), paused, resumed, cancelled. Each transition holds the plan's row (SELECT … FOR UPDATE), so a runner tick
 * cannot interleave, and queues its events in the same transaction.
 *
 * <pre>
 * approve  DRAFT → RUNNING                     plan.approved
 * pause    RUNNING → PAUSED                    plan.paused
 * resume   PAUSED | HALTED → RUNNING           plan.resumed
 * cancel   DRAFT | RUNNING | PAUSED | HALTED → CANCELLED: SCHEDULED restarts → CANCELLED with restart.cancelled
 *          (PLAN_CANCELLED), PLANNED ones → CANCELLED without an event (never announced)   plan.cancelled
 * </pre>
 * Anything else is a conflict (409).
 */
@ApplicationScoped
public class PlanLifecycle {

    /** The actor of plans created and approved by a policy's auto-plan. */
    public static final String AUTO_PLAN = "auto-plan";
    public static final String PLAN_CANCELLED = "PLAN_CANCELLED";
    /** Serialises plan creation, so two plans created at once cannot take the same server. */
    private static final long CREATION_LOCK = 0x706c616e5f617069L;

    private final FleetReadModel fleet;
    private final RestartPolicies policies;
    private final PlanEvents events;
    private final PlanSettings settings;
    private final EntityManager entityManager;
    private final Clock clock;

    public PlanLifecycle(FleetReadModel fleet, RestartPolicies policies, PlanEvents events, PlanSettings settings,
                         EntityManager entityManager, Clock clock) {
        this.fleet = fleet;
        this.policies = policies;
        this.events = events;
        this.settings = settings;
        this.entityManager = entityManager;
        this.clock = clock;
    }

    /** How a plan of this selection would go now; changes nothing. */
    @Transactional
    public PlanModel.Preview preview(Selection selection) {
        RestartPolicies.Snapshot snapshot = policies.snapshot();
        return PlanModel.plan(fleet.servers(selection.applicationId(), !selection.labels().isEmpty()), selection,
                snapshot::policyFor, snapshot.fleetLimits(), clock.instant(), settings.waveEstimate(), settings.horizon());
    }

    /** A new plan. */
    public record Created(String planId, PlanModel.Preview preview) {
    }

    /**
     * Creates a DRAFT plan of what the preview schedules now (422 when it schedules nothing).
     *
     * @param auto whether a policy's auto-plan creates it
     */
    @Transactional
    public Created create(Selection selection, RestartPlanEntity.SelectionDocument document, String actor, boolean auto) {
        entityManager.createNativeQuery("select pg_advisory_xact_lock(:key)").setParameter("key", CREATION_LOCK).getSingleResult();
        PlanModel.Preview preview = preview(selection);
        if (preview.waves().isEmpty()) {
            throw new ProblemException(422, "Unprocessable Content", "No restart of the selection can be planned: "
                    + (preview.unscheduled().isEmpty() ? "no pending reboot matches it"
                    : preview.unscheduled().size() + " unscheduled (" + preview.unscheduled().get(0).reason() + ": "
                    + preview.unscheduled().get(0).detail() + ")"), List.of());
        }
        Instant now = preview.computedAt();
        RestartPlanEntity plan = new RestartPlanEntity();
        plan.planId = UUID.randomUUID().toString();
        plan.applicationId = selection.applicationId();
        plan.selection = document;
        plan.status = PlanStatus.DRAFT;
        plan.currentWave = 0;
        plan.waves = preview.waves().size();
        plan.auto = auto;
        plan.createdBy = actor;
        plan.createdAt = now;
        plan.updatedAt = now;
        plan.unscheduled = preview.unscheduled();
        plan.persist();
        for (PlanModel.Wave wave : preview.waves()) {
            for (PlanModel.Planned planned : wave.restarts()) {
                PlannedRestartEntity restart = new PlannedRestartEntity();
                restart.restartId = UUID.randomUUID().toString();
                restart.planId = plan.planId;
                restart.serverId = planned.serverId();
                restart.hostname = planned.hostname();
                restart.applicationId = planned.applicationId();
                restart.environment = planned.environment();
                restart.wave = wave.number();
                restart.plannedAt = wave.plannedAt();
                restart.level = planned.level();
                restart.score = planned.score();
                restart.exposure = planned.exposure();
                restart.status = PlannedRestart.PLANNED;
                restart.rank = planned.rank();
                restart.why = planned.why();
                restart.persist();
            }
        }
        return new Created(plan.planId, preview);
    }

    @Transactional
    public void approve(String planId, String actor, String note) {
        RestartPlanEntity plan = locked(planId);
        require(plan, "approved", PlanStatus.DRAFT);
        Instant now = clock.instant();
        plan.status = PlanStatus.RUNNING;
        plan.approvedBy = actor;
        plan.approvedAt = now;
        plan.statusReason = note;
        plan.updatedAt = now;
        events.plan(EventTypes.PLAN_APPROVED, planId, PlanStatus.RUNNING, note, actor, null);
    }

    @Transactional
    public void pause(String planId, String actor, String note) {
        RestartPlanEntity plan = locked(planId);
        require(plan, "paused", PlanStatus.RUNNING);
        plan.status = PlanStatus.PAUSED;
        plan.statusReason = note;
        plan.updatedAt = clock.instant();
        events.plan(EventTypes.PLAN_PAUSED, planId, PlanStatus.PAUSED, note, actor, null);
    }

    @Transactional
    public void resume(String planId, String actor, String note) {
        RestartPlanEntity plan = locked(planId);
        require(plan, "resumed", PlanStatus.PAUSED, PlanStatus.HALTED);
        plan.status = PlanStatus.RUNNING;
        plan.statusReason = note;
        plan.updatedAt = clock.instant();
        events.plan(EventTypes.PLAN_RESUMED, planId, PlanStatus.RUNNING, note, actor, null);
    }

    @Transactional
    public void cancel(String planId, String actor, String note) {
        RestartPlanEntity plan = locked(planId);
        require(plan, "cancelled", PlanStatus.DRAFT, PlanStatus.RUNNING, PlanStatus.PAUSED, PlanStatus.HALTED);
        Instant now = clock.instant();
        for (PlannedRestartEntity restart : PlannedRestartEntity.ofPlan(planId)) {
            if (RestartStatus.SCHEDULED.name().equals(restart.status)) {
                restart.status = RestartStatus.CANCELLED.name();
                restart.finishedAt = now;
                restart.failureReason = PLAN_CANCELLED;
                restart.failureDetail = note;
                events.restart(EventTypes.RESTART_CANCELLED, restart.toRow(), RestartStatus.CANCELLED, PLAN_CANCELLED, note, null);
            } else if (PlannedRestart.PLANNED.equals(restart.status)) {
                restart.status = RestartStatus.CANCELLED.name();
                restart.finishedAt = now;
                restart.failureReason = PLAN_CANCELLED;
            }
        }
        plan.status = PlanStatus.CANCELLED;
        plan.statusReason = note;
        plan.holdReason = null;
        plan.holdDetail = null;
        plan.finishedAt = now;
        plan.updatedAt = now;
        events.plan(EventTypes.PLAN_CANCELLED, planId, PlanStatus.CANCELLED, note, actor, null);
    }

    private static RestartPlanEntity locked(String planId) {
        return RestartPlanEntity.lock(planId).orElseThrow(() -> ProblemException.notFound("No plan '" + planId + "'"));
    }

    private static void require(RestartPlanEntity plan, String verb, PlanStatus... allowed) {
        for (PlanStatus status : allowed) {
            if (plan.status == status) {
                return;
            }
        }
        throw new ProblemException(Response.Status.CONFLICT, "Plan " + plan.planId + " is " + plan.status + ": only a plan that is "
                + String.join(" or ", java.util.Arrays.stream(allowed).map(Enum::name).toList()) + " can be " + verb);
    }
}
