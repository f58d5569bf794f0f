package io.restartwatch.support.outbox;

import java.time.Instant;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import io.restartwatch.contracts.EventJson;
import io.restartwatch.support.tx.AfterCommit;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Records events in the service's own database, in the caller's transaction: the event exists exactly
 * when the change that caused it does. {@link OutboxRelay} publishes it to Kafka after the commit.
 *
 * <p>Every service has an {@code outbox_event} table (see its Flyway migrations).
 */
@ApplicationScoped
public class Outbox {

    private final EntityManager entityManager;
    private final AfterCommit afterCommit;
    private final OutboxRelay relay;
    private final String source;

    public Outbox(EntityManager entityManager, AfterCommit afterCommit, OutboxRelay relay,
                  @ConfigProperty(name = "quarkus.application.name") String applicationName) {
        this.entityManager = entityManager;
        this.afterCommit = afterCommit;
        this.relay = relay;
        this.source = "/restartwatch/" + applicationName;
    }

    /**
     * Queues a CloudEvent for {@code topic}.
     *
     * @param key     the record key: the aggregate id, which keeps one aggregate's events in order
     * @param subject the CloudEvent subject (usually the aggregate id too)
     * @return the event id ({@code ce_id})
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public String enqueue(String topic, String key, String type, String subject, Object data) {
        String eventId = UUID.randomUUID().toString();
        entityManager.createNativeQuery("""
                        insert into outbox_event (event_id, topic, event_key, event_type, event_source, subject, occurred_at, payload)
                        values (:eventId, :topic, :key, :type, :source, :subject, :occurredAt, :payload)""")
                .setParameter("eventId", eventId)
                .setParameter("topic", topic)
                .setParameter("key", key)
                .setParameter("type", type)
                .setParameter("source", source)
                .setParameter("subject", subject)
                .setParameter("occurredAt", Instant.now())
                .setParameter("payload", EventJson.write(data))
                .executeUpdate();
        wakeRelayAfterCommit();
        return eventId;
    }

    /** Publishing right after the commit keeps latency low; the relay's periodic sweep is the safety net. */
    private void wakeRelayAfterCommit() {
        afterCommit.once("outbox-relay", relay::wakeUp);
    }
}
