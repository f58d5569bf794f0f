package io.restartwatch.plan.persistence;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import io.restartwatch.contracts.Exposure;
import io.restartwatch.contracts.PlanStatus;
import io.restartwatch.contracts.PriorityLevel;
import io.restartwatch.plan.domain.PlannedRestart;

/**
 * The rows the runner reads and moves: plans under lock, their restarts with what the last check of each server
 * saw, and the status changes of restarts. Every change of a restart's status is conditional on the status it
 * moves from, so two deciders (the tick, a check arriving, an executor's report) can never both apply one.
 */
@ApplicationScoped
public class ExecutionRows {

    /** Statuses in which a restart has been released and not yet ended. */
    public static final List<String> IN_PROGRESS = List.of("SCHEDULED", "STARTED");
    /** Plans whose released restarts are still watched (verified, timed out). */
    static final List<String> WATCHED_PLANS = List.of(PlanStatus.RUNNING.name(), PlanStatus.PAUSED.name(), PlanStatus.HALTED.name());

    private static final String RESTART_COLUMNS = """
            r.restart_id, r.plan_id, r.server_id, r.hostname, r.application_id, r.environment, r.wave, r.level, r.score,
            r.exposure, r.status, r.released_at, r.not_before, r.not_after, r.baseline_boot_id,
            s.boot_id, s.sentinel, s.last_checked_at""";
    /** The order restarts of a wave are released in: public first, then level, score, age, server. */
    private static final String RELEASE_ORDER = """
            r.wave, r.planned_at nulls last, case when r.exposure = 'PUBLIC' then 0 else 1 end,
            case r.level when 'CRITICAL' then 0 when 'HIGH' then 1 when 'MEDIUM' then 2 when 'LOW' then 3 else 4 end,
            r.score desc, r.server_id""";

    private final EntityManager entityManager;

    public ExecutionRows(EntityManager entityManager) {
        this.entityManager = entityManager;
    }

    /** A plan as the runner holds it, locked for the transaction. */
    public record LockedPlan(String planId, PlanStatus status, int currentWave, int waves) {
    }

    /**
     * A restart and what the newest successful check of its server saw.
     *
     * @param sentinel whether the newest successful check found the reboot-required sentinel; null when none was seen
     */
    public record RestartRow(PlannedRestart restart, String bootId, Boolean sentinel, Instant lastCheckedAt) {

        public String status() {
            return restart.status();
        }

        public boolean inProgress() {
            return IN_PROGRESS.contains(restart.status());
        }

        public boolean terminal() {
            return isTerminal(restart.status());
        }
    }

    /** VERIFIED, FAILED or CANCELLED: nothing more happens to it. */
    public static boolean isTerminal(String status) {
        return status != null && !IN_PROGRESS.contains(status) && !PlannedRestart.PLANNED.equals(status);
    }

    /** Ids and statuses of the plans whose restarts are watched, oldest first. */
    @Transactional
    public List<Object[]> watchedPlans() {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = entityManager.createNativeQuery("""
                        select plan_id, status from restart_plan where status in (:statuses) order by created_at, plan_id""")
                .setParameter("statuses", WATCHED_PLANS)
                .getResultList();
        return rows;
    }

    /**
     * Locks a watched plan for this transaction, or answers empty when another instance (or an operator's
     * transition) holds it: this tick passes it over, the next one comes back.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public Optional<LockedPlan> lockPlan(String planId) {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = entityManager.createNativeQuery("""
                        select plan_id, status, current_wave, waves from restart_plan
                        where plan_id = :planId and status in (:statuses)
                        for update skip locked""")
                .setParameter("planId", planId)
                .setParameter("statuses", WATCHED_PLANS)
                .getResultList();
        return rows.stream().findFirst().map(row -> new LockedPlan((String) row[0], PlanStatus.valueOf((String) row[1]),
                ((Number) row[2]).intValue(), ((Number) row[3]).intValue()));
    }

    /** Waits for the plan's lock (an executor's report must not be passed over); empty when there is no such plan. */
    @Transactional(Transactional.TxType.MANDATORY)
    public Optional<PlanStatus> lockPlanWaiting(String planId) {
        @SuppressWarnings("unchecked")
        List<String> rows = entityManager.createNativeQuery("select status from restart_plan where plan_id = :planId for update")
                .setParameter("planId", planId)
                .getResultList();
        return rows.stream().findFirst().map(PlanStatus::valueOf);
    }

    /** Every restart of a plan, in release order. */
    @Transactional(Transactional.TxType.MANDATORY)
    public List<RestartRow> restartsOf(String planId) {
        return query("select " + RESTART_COLUMNS + " from planned_restart r left join plan_server s on s.server_id = r.server_id"
                + " where r.plan_id = :planId order by " + RELEASE_ORDER, "planId", planId);
    }

    /** The server's released restarts not yet ended (normally at most one). */
    @Transactional(Transactional.TxType.MANDATORY)
    public List<RestartRow> inProgressOf(Collection<String> serverIds) {
        if (serverIds.isEmpty()) {
            return List.of();
        }
        return query("select " + RESTART_COLUMNS + " from planned_restart r left join plan_server s on s.server_id = r.server_id"
                + " where r.server_id in (:serverIds) and r.status in ('SCHEDULED', 'STARTED') order by r.server_id, r.restart_id",
                "serverIds", serverIds);
    }

    /** Released restarts of watched plans not yet ended, with their servers' last checks. */
    @Transactional
    public List<RestartRow> inProgressOfPlan(String planId) {
        return query("select " + RESTART_COLUMNS + " from planned_restart r left join plan_server s on s.server_id = r.server_id"
                + " where r.plan_id = :planId and r.status in ('SCHEDULED', 'STARTED') order by r.server_id", "planId", planId);
    }

    @Transactional
    public Optional<RestartRow> find(String restartId) {
        return query("select " + RESTART_COLUMNS + " from planned_restart r left join plan_server s on s.server_id = r.server_id"
                + " where r.restart_id = :restartId", "restartId", restartId).stream().findFirst();
    }

    /** @param value one value, or a collection for an {@code in (:name)} list */
    private List<RestartRow> query(String sql, String name, Object value) {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = entityManager.createNativeQuery(sql).setParameter(name, value).getResultList();
        return rows.stream().map(ExecutionRows::restartRow).toList();
    }

    private static RestartRow restartRow(Object[] row) {
        PlannedRestart restart = new PlannedRestart((String) row[0], (String) row[1], (String) row[2], (String) row[3],
                (String) row[4], (String) row[5], ((Number) row[6]).intValue(),
                row[7] == null ? null : PriorityLevel.valueOf((String) row[7]), ((Number) row[8]).intValue(),
                row[9] == null ? null : Exposure.valueOf((String) row[9]), (String) row[10],
                instant(row[11]), instant(row[12]), instant(row[13]), (String) row[14]);
        return new RestartRow(restart, (String) row[15], (Boolean) row[16], instant(row[17]));
    }

    static Instant instant(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof Instant instant) {
            return instant;
        }
        if (value instanceof OffsetDateTime offset) {
            return offset.toInstant();
        }
        if (value instanceof Timestamp timestamp) {
            return timestamp.toInstant();
        }
        throw new IllegalStateException("Not a timestamp: " + value.getClass());
    }

    /** PLANNED → SCHEDULED: the release, exactly once. */
    @Transactional(Transactional.TxType.MANDATORY)
    public Optional<PlannedRestart> release(PlannedRestart restart, Instant now, Instant notAfter, String baselineBootId) {
        int updated = entityManager.createNativeQuery("""
                        update planned_restart set status = 'SCHEDULED', released_at = :now, not_before = :now,
                               not_after = :notAfter, baseline_boot_id = :baseline
                        where restart_id = :restartId and status = 'PLANNED'""")
                .setParameter("now", now)
                .setParameter("notAfter", notAfter)
                .setParameter("baseline", baselineBootId)
                .setParameter("restartId", restart.restartId())
                .executeUpdate();
        return updated == 1 ? Optional.of(new PlannedRestart(restart.restartId(), restart.planId(), restart.serverId(),
                restart.hostname(), restart.applicationId(), restart.environment(), restart.wave(), restart.level(),
                restart.score(), restart.exposure(), "SCHEDULED", now, now, notAfter, baselineBootId)) : Optional.empty();
    }

    /** SCHEDULED / STARTED → VERIFIED. */
    @Transactional(Transactional.TxType.MANDATORY)
    public boolean markVerified(String restartId, Instant now) {
        return entityManager.createNativeQuery("""
                        update planned_restart set status = 'VERIFIED', finished_at = :now
                        where restart_id = :restartId and status in ('SCHEDULED', 'STARTED')""")
                .setParameter("now", now)
                .setParameter("restartId", restartId)
                .executeUpdate() == 1;
    }

    /** SCHEDULED / STARTED → FAILED. */
    @Transactional(Transactional.TxType.MANDATORY)
    public boolean markFailed(String restartId, String reason, String detail, String executor, Instant now) {
        return entityManager.createNativeQuery("""
                        update planned_restart set status = 'FAILED', finished_at = :now, failure_reason = :reason,
                               failure_detail = :detail, executor = coalesce(:executor, executor)
                        where restart_id = :restartId and status in ('SCHEDULED', 'STARTED')""")
                .setParameter("now", now)
                .setParameter("reason", reason)
                .setParameter("detail", detail)
                .setParameter("executor", executor)
                .setParameter("restartId", restartId)
                .executeUpdate() == 1;
    }

    /** SCHEDULED → STARTED: an executor began. */
    @Transactional(Transactional.TxType.MANDATORY)
    public boolean markStarted(String restartId, String executor, Instant now) {
        return entityManager.createNativeQuery("""
                        update planned_restart set status = 'STARTED', started_at = :now, executor = :executor
                        where restart_id = :restartId and status = 'SCHEDULED'""")
                .setParameter("now", now)
                .setParameter("executor", executor)
                .setParameter("restartId", restartId)
                .executeUpdate() == 1;
    }

    /** The wave in progress and why the rest of it waits (null when nothing waits). */
    @Transactional(Transactional.TxType.MANDATORY)
    public void progress(String planId, int currentWave, String holdReason, String holdDetail, Instant now) {
        entityManager.createNativeQuery("""
                        update restart_plan set current_wave = :wave, hold_reason = :reason, hold_detail = :detail,
                               updated_at = :now, version = version + 1
                        where plan_id = :planId
                          and (current_wave <> :wave or hold_reason is distinct from :reason or hold_detail is distinct from :detail)""")
                .setParameter("wave", currentWave)
                .setParameter("reason", holdReason)
                .setParameter("detail", holdDetail)
                .setParameter("now", now)
                .setParameter("planId", planId)
                .executeUpdate();
    }

    /** RUNNING / PAUSED → HALTED. */
    @Transactional(Transactional.TxType.MANDATORY)
    public boolean halt(String planId, String reason, Instant now) {
        return entityManager.createNativeQuery("""
                        update restart_plan set status = 'HALTED', status_reason = :reason, hold_reason = null,
                               hold_detail = null, updated_at = :now, version = version + 1
                        where plan_id = :planId and status in ('RUNNING', 'PAUSED')""")
                .setParameter("reason", reason)
                .setParameter("now", now)
                .setParameter("planId", planId)
                .executeUpdate() == 1;
    }

    /** RUNNING → COMPLETED. */
    @Transactional(Transactional.TxType.MANDATORY)
    public boolean complete(String planId, Instant now) {
        return entityManager.createNativeQuery("""
                        update restart_plan set status = 'COMPLETED', hold_reason = null, hold_detail = null,
                               finished_at = :now, updated_at = :now, version = version + 1
                        where plan_id = :planId and status = 'RUNNING'""")
                .setParameter("now", now)
                .setParameter("planId", planId)
                .executeUpdate() == 1;
    }

    /**
     * Serialises releases across plans and instances for the rest of the transaction, so the in-progress counts a
     * release decides on cannot be raced past the limits by another plan's release.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void lockReleases() {
        entityManager.createNativeQuery("select pg_advisory_xact_lock(8085016)").getSingleResult();
    }

    /** Restarts in progress fleet-wide. */
    @Transactional
    public int inProgressCount() {
        return count("select count(*) from planned_restart where status in ('SCHEDULED', 'STARTED')", null);
    }

    /** Restarts of the application in progress, in any plan. */
    @Transactional(Transactional.TxType.MANDATORY)
    public int inProgressCount(String applicationId) {
        return count("select count(*) from planned_restart where status in ('SCHEDULED', 'STARTED') and application_id = :app", applicationId);
    }

    /** The application's servers in the read model: what a percentage maxUnavailable is of. */
    @Transactional(Transactional.TxType.MANDATORY)
    public int serverCount(String applicationId) {
        return count("select count(*) from plan_server where application_id = :app and not removed", applicationId);
    }

    @Transactional
    public int runningPlanCount() {
        return count("select count(*) from restart_plan where status = 'RUNNING'", null);
    }

    private int count(String sql, String applicationId) {
        var query = entityManager.createNativeQuery(sql);
        if (applicationId != null) {
            query.setParameter("app", applicationId);
        }
        return ((Number) query.getSingleResult()).intValue();
    }
}
