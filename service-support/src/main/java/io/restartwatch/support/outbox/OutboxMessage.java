package io.restartwatch.support.outbox;

import java.util.Objects;

/**
 * One event for {@link Outbox#enqueueAll}: the fields of {@link Outbox#enqueue}, collected while a batch is applied
 * and written together.
 *
 * @param key     the record key: the aggregate id, which keeps one aggregate's events in order
 * @param subject the CloudEvent subject (usually the aggregate id too)
 */
public record OutboxMessage(String topic, String key, String type, String subject, Object data) {

    public OutboxMessage {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(data, "data");
    }
}
