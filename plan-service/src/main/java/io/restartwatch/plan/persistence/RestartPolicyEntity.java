package io.restartwatch.plan.persistence;

import java.io.Serializable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import io.restartwatch.plan.domain.RestartPolicy;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.annotations.Mutability;
import org.hibernate.type.SqlTypes;
import org.hibernate.type.descriptor.java.Immutability;

/** One application's policy for one environment ({@code *}: every environment without its own). */
@Entity
@Table(name = "restart_policy")
@IdClass(RestartPolicyEntity.Key.class)
public class RestartPolicyEntity extends PanacheEntityBase {

    @Id
    @Column(name = "application_id")
    public String applicationId;
    @Id
    public String environment;
    @Column(name = "time_zone")
    public String timeZone;
    // JSON values are replaced, never changed in place: Immutability spares Hibernate a JSON round trip to
    // snapshot and dirty-check them.
    @JdbcTypeCode(SqlTypes.JSON)
    @Mutability(Immutability.class)
    public List<PolicyDocument.WindowDocument> windows = new ArrayList<>();
    @JdbcTypeCode(SqlTypes.JSON)
    @Mutability(Immutability.class)
    public List<PolicyDocument.BlackoutDocument> blackouts = new ArrayList<>();
    @Column(name = "max_unavailable")
    public String maxUnavailable;
    @Column(name = "restart_timeout")
    public String restartTimeout;
    @Column(name = "health_url")
    public String healthUrl;
    @JdbcTypeCode(SqlTypes.JSON)
    @Mutability(Immutability.class)
    @Column(name = "auto_plan")
    public PolicyDocument.AutoPlanDocument autoPlan;
    @Column(name = "updated_by")
    public String updatedBy;
    @Column(name = "updated_at")
    public Instant updatedAt;

    public PolicyDocument document() {
        return new PolicyDocument(timeZone, windows, blackouts, maxUnavailable, restartTimeout, healthUrl, autoPlan);
    }

    /** The stored policy; it was validated when written. */
    public RestartPolicy toPolicy() {
        return document().toPolicy(applicationId, environment);
    }

    public void set(PolicyDocument document) {
        timeZone = document.timeZone();
        windows = document.windows();
        blackouts = document.blackouts();
        maxUnavailable = document.maxUnavailable();
        restartTimeout = document.restartTimeout();
        healthUrl = document.healthUrl();
        autoPlan = document.autoPlan();
    }

    public static RestartPolicyEntity find(String applicationId, String environment) {
        return findById(new Key(applicationId, environment));
    }

    /** The composite primary key (application, environment). */
    public static class Key implements Serializable {

        public String applicationId;
        public String environment;

        public Key() {
        }

        public Key(String applicationId, String environment) {
            this.applicationId = applicationId;
            this.environment = environment;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Key key && Objects.equals(applicationId, key.applicationId)
                    && Objects.equals(environment, key.environment);
        }

        @Override
        public int hashCode() {
            return Objects.hash(applicationId, environment);
        }
    }
}
