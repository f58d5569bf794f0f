package io.restartwatch.testsupport;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import io.restartwatch.contracts.CloudEventHeaders;
import io.restartwatch.contracts.EventJson;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;

/**
 * What a consumer's poll hands a batch consumer, built in the test: a test of a set-based consumer calls its
 * {@code @Incoming} method with exactly the batch it wants (redeliveries, late events, a poison record inside).
 */
public final class PolledRecords {

    /** Offsets only need to be distinct: dead-letter records name the offset of the record they carry. */
    private static final AtomicLong OFFSETS = new AtomicLong(1_000_000);

    private PolledRecords() {
    }

    /** A CloudEvent in binary mode (JSON data, {@code ce_*} headers) as a record of partition 0 of {@code topic}. */
    public static ConsumerRecord<String, String> cloudEvent(String topic, String key, String type, String eventId, Object data) {
        var record = new ConsumerRecord<>(topic, 0, OFFSETS.incrementAndGet(), key, EventJson.write(data));
        record.headers().add(CloudEventHeaders.SPEC_VERSION, bytes(CloudEventHeaders.SPEC_VERSION_VALUE))
                .add(CloudEventHeaders.ID, bytes(eventId))
                .add(CloudEventHeaders.TYPE, bytes(type))
                .add(CloudEventHeaders.SOURCE, bytes("/restartwatch/tests"))
                .add(CloudEventHeaders.SUBJECT, bytes(key))
                .add(CloudEventHeaders.CONTENT_TYPE, bytes(CloudEventHeaders.JSON));
        return record;
    }

    /** One poll of partition 0 of {@code topic} holding {@code records}, in their order. */
    public static ConsumerRecords<String, String> poll(String topic, List<ConsumerRecord<String, String>> records) {
        return new ConsumerRecords<>(Map.of(new TopicPartition(topic, 0), records), Map.of());
    }

    private static byte[] bytes(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }
}
