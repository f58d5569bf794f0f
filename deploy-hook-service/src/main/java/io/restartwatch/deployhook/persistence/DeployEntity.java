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

/**
 * A deploy as received: one row per (source, credential, application, deploy id), which makes the hook idempotent
 * for each sender without letting one sender's deploy id shadow another's.
 */
@Entity
@Table(name = "deploy")
@IdClass(DeployEntity.Key.class)
public class DeployEntity extends PanacheEntityBase {

    @Id
    public String source;
    /** Who sent it: the pipeline id (native hook), the GitHub repository or the GitLab project. */
    @Id
    @Column(name = "credential_id")
    public String credentialId;
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
    @Column(name = "received_at")
    public Instant receivedAt;

    public static DeployEntity find(String source, String credentialId, String applicationId, String deployId) {
        return findById(new Key(source, credentialId, applicationId, deployId));
    }

    /** Composite primary key. */
    public static class Key implements Serializable {
        public String source;
        public String credentialId;
        public String applicationId;
        public String deployId;

        public Key() {
        }

        public Key(String source, String credentialId, String applicationId, String deployId) {
            this.source = source;
            this.credentialId = credentialId;
            this.applicationId = applicationId;
            this.deployId = deployId;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Key key && Objects.equals(source, key.source) && Objects.equals(credentialId, key.credentialId)
                    && Objects.equals(applicationId, key.applicationId) && Objects.equals(deployId, key.deployId);
        }

        @Override
        public int hashCode() {
            return Objects.hash(source, credentialId, applicationId, deployId);
        }
    }
}
