package io.restartwatch.priority.persistence;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import io.restartwatch.priority.domain.Policy;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.annotations.Mutability;
import org.hibernate.type.SqlTypes;
import org.hibernate.type.descriptor.java.Immutability;

/** An application's own policy; applications without one use {@link Policy#defaults()}. */
@Entity
@Table(name = "application_policy")
public class ApplicationPolicyEntity extends PanacheEntityBase {

    @Id
    @Column(name = "application_id")
    public String applicationId;
    /** ISO-8601 duration, e.g. P7D. */
    @Column(name = "stale_after")
    public String staleAfter;
    @Column(name = "critical_after")
    public String criticalAfter;
    public BigDecimal multiplier = BigDecimal.ONE;
    // JSON values are replaced, never changed in place: Immutability spares Hibernate a JSON round trip per
    // attribute to snapshot and dirty-check them (measured: the consumers' largest CPU cost).
    @JdbcTypeCode(SqlTypes.JSON)
    @Mutability(Immutability.class)
    @Column(name = "package_weights")
    public Map<String, Integer> packageWeights = new HashMap<>();
    @Column(name = "updated_at")
    public Instant updatedAt;
    /** True once this version of the policy is in the outbox for {@code restartwatch.policies}. */
    public boolean published;

    public Policy toPolicy() {
        return new Policy(Duration.parse(staleAfter), Duration.parse(criticalAfter), multiplier.doubleValue(), packageWeights);
    }

    public static Policy policyFor(String applicationId) {
        if (applicationId == null) {
            return Policy.defaults();
        }
        ApplicationPolicyEntity entity = findById(applicationId);
        return entity == null ? Policy.defaults() : entity.toPolicy();
    }
}
