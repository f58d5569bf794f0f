package io.restartwatch.support.messaging;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;

import io.restartwatch.contracts.CheckCompleted;
import io.restartwatch.contracts.CloudEventHeaders;
import io.restartwatch.contracts.EventJson;
import io.restartwatch.contracts.EventTypes;
import io.restartwatch.contracts.Timestamps;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * A CloudEvent read from a Kafka record in binary mode: attributes from {@code ce_*} headers, data from the
 * JSON value.
 */
public record IncomingCloudEvent<T>(String id, String type, String source, Instant time, String subject,
                                    String key, T data) {

    /**
     * @throws PoisonEventException when a required attribute is missing or the data is not a {@code dataType}
     */
    public static <T> IncomingCloudEvent<T> parse(ConsumerRecord<String, String> record, Class<T> dataType) {
        String id = requiredHeader(record, CloudEventHeaders.ID);
        String type = requiredHeader(record, CloudEventHeaders.TYPE);
        String source = header(record, CloudEventHeaders.SOURCE);
        String subject = header(record, CloudEventHeaders.SUBJECT);
        Instant time = parseTime(header(record, CloudEventHeaders.TIME));
        if (record.value() == null || record.value().isBlank()) {
            throw new PoisonEventException("Event " + id + " has no data");
        }
        T data;
        try {
            data = EventJson.read(record.value(), dataType);
        } catch (IllegalArgumentException e) {
            throw new PoisonEventException("Event " + id + " of type " + type + ": " + e.getMessage(), e);
        }
        return new IncomingCloudEvent<>(id, type, source, time, subject, record.key(), data);
    }

    /**
     * A {@code check.completed} every consumer of {@code restartwatch.checks} can rely on: the right type and a check
     * id, server id, time and outcome.
     *
     * @throws PoisonEventException otherwise
     */
    public static IncomingCloudEvent<CheckCompleted> parseCheckCompleted(ConsumerRecord<String, String> record) {
        var event = parse(record, CheckCompleted.class);
        if (!EventTypes.CHECK_COMPLETED.equals(event.type())) {
            throw new PoisonEventException("Unexpected event type " + event.type() + " on " + record.topic());
        }
        CheckCompleted check = event.data();
        if (isBlank(check.checkId()) || isBlank(check.serverId()) || check.checkedAt() == null || check.outcome() == null) {
            throw new PoisonEventException("check.completed " + event.id() + " lacks checkId, serverId, checkedAt or outcome");
        }
        return event;
    }

    private static boolean isBlank(String value) {
        return value == null || value.isBlank();
    }

    private static String requiredHeader(ConsumerRecord<String, String> record, String name) {
        String value = header(record, name);
        if (value == null || value.isBlank()) {
            throw new PoisonEventException("Missing CloudEvent header " + name);
        }
        return value;
    }

    private static String header(ConsumerRecord<String, String> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static Instant parseTime(String value) {
        if (value == null) {
            return null;
        }
        try {
            return Timestamps.parse(value);
        } catch (DateTimeParseException e) {
            throw new PoisonEventException("Bad " + CloudEventHeaders.TIME + " header: " + value, e);
        }
    }
}
