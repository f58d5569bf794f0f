package io.restartwatch.deployhook.persistence;

import java.io.Serializable;
import java.time.Instant;
import java.util.Objects;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** A deploy as received: one row per (application, deploy id), which makes the hook idempotent. */
@Entity
@Table(name = "deploy")
@IdClass(DeployEntity.Key.class)
public class DeployEntity extends PanacheEntityBase {

    @Id
    @Column(name = "application_id")
    public String applicationId;
    @Id
    @Column(name = "deploy_id")
    public String deployId;
    public String environment;
    public String status;
    @Column(name = "event_id")
    public String eventId;
    @Column(name = "pipeline_id")
    public String pipelineId;
    public String source;
    @Column(name = "received_at")
    public Instant receivedAt;

    public static DeployEntity find(String applicationId, String deployId) {
        return findById(new Key(applicationId, deployId));
    }

    /** Composite primary key. */
    public static class Key implements Serializable {
        public String applicationId;
        public String deployId;

        public Key() {
        }

        public Key(String applicationId, String deployId) {
            this.applicationId = applicationId;
            this.deployId = deployId;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Key key && Objects.equals(applicationId, key.applicationId) && Objects.equals(deployId, key.deployId);
        }

        @Override
        public int hashCode() {
            return Objects.hash(applicationId, deployId);
        }
    }
}
