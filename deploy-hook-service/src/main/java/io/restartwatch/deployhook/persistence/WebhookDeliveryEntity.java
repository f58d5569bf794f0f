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
 * A GitHub or GitLab delivery already handled ({@code X-GitHub-Delivery}, GitLab's {@code Idempotency-Key}) and
 * the deploy it recorded: a redelivery answers what the first delivery answered.
 */
@Entity
@Table(name = "webhook_delivery")
@IdClass(WebhookDeliveryEntity.Key.class)
public class WebhookDeliveryEntity extends PanacheEntityBase {

    @Id
    public String source;
    /** The GitHub repository or GitLab project that sent it. */
    @Id
    @Column(name = "credential_id")
    public String credentialId;
    @Id
    @Column(name = "delivery_id")
    public String deliveryId;
    @Column(name = "application_id")
    public String applicationId;
    @Column(name = "deploy_id")
    public String deployId;
    @Column(name = "received_at")
    public Instant receivedAt;

    public static WebhookDeliveryEntity find(String source, String credentialId, String deliveryId) {
        return findById(new Key(source, credentialId, deliveryId));
    }

    /** Composite primary key. */
    public static class Key implements Serializable {
        public String source;
        public String credentialId;
        public String deliveryId;

        public Key() {
        }

        public Key(String source, String credentialId, String deliveryId) {
            this.source = source;
            this.credentialId = credentialId;
            this.deliveryId = deliveryId;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Key key && Objects.equals(source, key.source) && Objects.equals(credentialId, key.credentialId)
                    && Objects.equals(deliveryId, key.deliveryId);
        }

        @Override
        public int hashCode() {
            return Objects.hash(source, credentialId, deliveryId);
        }
    }
}
