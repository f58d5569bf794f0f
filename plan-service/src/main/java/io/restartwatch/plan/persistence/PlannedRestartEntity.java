package io.restartwatch.plan.persistence;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import io.restartwatch.contracts.Exposure;
import io.restartwatch.contracts.PriorityLevel;
import io.restartwatch.plan.domain.PlannedRestart;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.annotations.Mutability;
import org.hibernate.type.SqlTypes;
import org.hibernate.type.descriptor.java.Immutability;

/** One server's restart in one plan ({@code planned_restart}); its id is the command executors act on at most once. */
@Entity
@Table(name = "planned_restart")
public class PlannedRestartEntity extends PanacheEntityBase {

    @Id
    @Column(name = "restart_id")
    public String restartId;
    @Column(name = "plan_id")
    public String planId;
    @Column(name = "server_id")
    public String serverId;
    public String hostname;
    @Column(name = "application_id")
    public String applicationId;
    public String environment;
    public int wave;
    @Column(name = "planned_at")
    public Instant plannedAt;
    @Enumerated(EnumType.STRING)
    public PriorityLevel level;
    public int score;
    @Enumerated(EnumType.STRING)
    public Exposure exposure;
    /** {@link PlannedRestart#PLANNED} until released, then a {@link io.restartwatch.contracts.RestartStatus} name. */
    public String status;
    @Column(name = "released_at")
    public Instant releasedAt;
    @Column(name = "not_before")
    public Instant notBefore;
    @Column(name = "not_after")
    public Instant notAfter;
    @Column(name = "baseline_boot_id")
    public String baselineBootId;
    @Column(name = "started_at")
    public Instant startedAt;
    public String executor;
    @Column(name = "finished_at")
    public Instant finishedAt;
    @Column(name = "failure_reason")
    public String failureReason;
    @Column(name = "failure_detail")
    public String failureDetail;
    @Column(name = "rank")
    public Integer rank;
    @JdbcTypeCode(SqlTypes.JSON)
    @Mutability(Immutability.class)
    public List<String> why = new ArrayList<>();

    public PlannedRestart toRow() {
        return new PlannedRestart(restartId, planId, serverId, hostname, applicationId, environment, wave, level, score,
                exposure, status, releasedAt, notBefore, notAfter, baselineBootId);
    }

    public static List<PlannedRestartEntity> ofPlan(String planId) {
        return list("planId = ?1 order by wave, rank, serverId", planId);
    }
}
