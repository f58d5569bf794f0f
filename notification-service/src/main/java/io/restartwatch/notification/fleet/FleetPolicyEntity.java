package io.restartwatch.notification.fleet;

import java.time.Instant;
import java.util.Map;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.annotations.Mutability;
import org.hibernate.type.SqlTypes;
import org.hibernate.type.descriptor.java.Immutability;

/** An application's own priority policy, from {@code restartwatch.policies}; removed: the defaults apply. */
@Entity
@Table(name = "fleet_policy")
public class FleetPolicyEntity extends PanacheEntityBase {

    @Id
    @Column(name = "application_id")
    public String applicationId;
    public boolean removed;
    @Column(name = "stale_after_seconds")
    public Long staleAfterSeconds;
    @Column(name = "critical_after_seconds")
    public Long criticalAfterSeconds;
    public double multiplier;
    @JdbcTypeCode(SqlTypes.JSON)
    @Mutability(Immutability.class)
    @Column(name = "package_weights")
    public Map<String, Integer> packageWeights;
    @Column(name = "changed_at")
    public Instant changedAt;
}
