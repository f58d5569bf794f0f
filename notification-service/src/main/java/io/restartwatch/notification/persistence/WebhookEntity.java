package io.restartwatch.notification.persistence;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import io.restartwatch.contracts.PriorityLevel;

/** A registered receiver of transitions. */
@Entity
@Table(name = "webhook")
public class WebhookEntity extends PanacheEntityBase {

    /** How a delivery's body is shaped. */
    public enum Format {
        /** {@code {"type": …, "data": NotificationEvent}}, signed. */
        JSON,
        /** A Slack incoming-webhook message: {@code {"text": …}}. */
        SLACK
    }

    @Id
    public UUID id;
    public String url;
    public String secret;
    @Enumerated(EnumType.STRING)
    @Column(name = "min_level")
    public PriorityLevel minLevel;
    @Enumerated(EnumType.STRING)
    public Format format;
    public boolean active;
    @Column(name = "created_at")
    public Instant createdAt;

    public static List<WebhookEntity> listActive() {
        return list("active = true order by createdAt, id");
    }
}
