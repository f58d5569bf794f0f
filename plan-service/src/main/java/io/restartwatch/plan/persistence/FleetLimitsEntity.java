package io.restartwatch.plan.persistence;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import io.restartwatch.plan.domain.FleetLimits;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.annotations.Mutability;
import org.hibernate.type.SqlTypes;
import org.hibernate.type.descriptor.java.Immutability;

/** The fleet's limits: a single row (id 1), absent until an admin sets them. */
@Entity
@Table(name = "fleet_limits")
public class FleetLimitsEntity extends PanacheEntityBase {

    public static final int ONLY_ROW = 1;

    @Id
    public Integer id = ONLY_ROW;
    @Column(name = "max_concurrent")
    public int maxConcurrent;
    @JdbcTypeCode(SqlTypes.JSON)
    @Mutability(Immutability.class)
    public List<PolicyDocument.BlackoutDocument> blackouts = new ArrayList<>();
    @Column(name = "updated_by")
    public String updatedBy;
    @Column(name = "updated_at")
    public Instant updatedAt;

    public FleetLimits toLimits() {
        return new FleetLimits(maxConcurrent, PolicyDocument.blackouts("blackouts", blackouts));
    }
}
