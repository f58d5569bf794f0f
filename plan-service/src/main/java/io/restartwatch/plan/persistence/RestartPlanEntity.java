package io.restartwatch.plan.persistence;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.LockModeType;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import io.restartwatch.contracts.PlanStatus;
import io.restartwatch.plan.domain.PlanModel;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.annotations.Mutability;
import org.hibernate.type.SqlTypes;
import org.hibernate.type.descriptor.java.Immutability;

/** A restart plan: its selection, where it stands, who created and approved it. */
@Entity
@Table(name = "restart_plan")
public class RestartPlanEntity extends PanacheEntityBase {

    /** The statuses in which a plan holds its servers: they are not planned twice. */
    public static final List<PlanStatus> ACTIVE = List.of(PlanStatus.DRAFT, PlanStatus.RUNNING, PlanStatus.PAUSED, PlanStatus.HALTED);

    @Id
    @Column(name = "plan_id")
    public String planId;
    @Column(name = "application_id")
    public String applicationId;
    @JdbcTypeCode(SqlTypes.JSON)
    @Mutability(Immutability.class)
    public SelectionDocument selection;
    @Enumerated(EnumType.STRING)
    public PlanStatus status;
    @Column(name = "current_wave")
    public int currentWave;
    public int waves;
    @Column(name = "hold_reason")
    public String holdReason;
    @Column(name = "hold_detail")
    public String holdDetail;
    @Column(name = "status_reason")
    public String statusReason;
    public boolean auto;
    @Column(name = "created_by")
    public String createdBy;
    @Column(name = "created_at")
    public Instant createdAt;
    @Column(name = "approved_by")
    public String approvedBy;
    @Column(name = "approved_at")
    public Instant approvedAt;
    @Column(name = "finished_at")
    public Instant finishedAt;
    @Column(name = "updated_at")
    public Instant updatedAt;
    @JdbcTypeCode(SqlTypes.JSON)
    @Mutability(Immutability.class)
    public List<PlanModel.Unscheduled> unscheduled = new ArrayList<>();
    /** Optimistic locking of this service's own changes; transitions also hold the row (FOR UPDATE) against the runner. */
    @Version
    public long version;

    /** The plan, its row locked until the transaction ends: the runner's tick (FOR UPDATE SKIP LOCKED) passes it by meanwhile. */
    public static Optional<RestartPlanEntity> lock(String planId) {
        return Optional.ofNullable(findById(planId, LockModeType.PESSIMISTIC_WRITE));
    }

    /** What a plan was asked to take, as stored (the request's fields). */
    public record SelectionDocument(String application, String environment, List<String> levels, List<String> exposures,
                                    java.util.Map<String, String> labels, String requiredBefore, List<String> serverIds) {
    }
}
