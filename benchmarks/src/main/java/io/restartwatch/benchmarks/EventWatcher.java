package io.restartwatch.benchmarks;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import io.restartwatch.contracts.CloudEventHeaders;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads a topic from its current end in a background thread and records, for every (type, key), the
 * {@link System#nanoTime()} it was first seen, and counts per type and key prefix.
 */
final class EventWatcher implements AutoCloseable {

    private final KafkaConsumer<String, byte[]> consumer;
    private final Map<String, Long> firstSeen = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();
    private final Thread thread;
    private volatile boolean running = true;

    EventWatcher(String bootstrap, String topic) {
        Properties config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        consumer = new KafkaConsumer<>(config);
        List<TopicPartition> partitions = new ArrayList<>();
        consumer.partitionsFor(topic, Duration.ofSeconds(30)).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position); // resolve the end now, before anything is published
        thread = new Thread(this::run, "watch-" + topic);
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        while (running) {
            var records = consumer.poll(Duration.ofMillis(100));
            long now = System.nanoTime();
            for (ConsumerRecord<String, byte[]> record : records) {
                Header type = record.headers().lastHeader(CloudEventHeaders.TYPE);
                String t = type == null ? "?" : new String(type.value(), StandardCharsets.UTF_8);
                String key = t + "|" + record.key();
                if (firstSeen.putIfAbsent(key, now) == null) {
                    String prefix = record.key() == null ? "" : record.key().substring(0, Math.max(0, record.key().indexOf('-')));
                    counts.computeIfAbsent(t + "|" + prefix, k -> new AtomicLong()).incrementAndGet();
                }
            }
        }
        consumer.close();
    }

    /** When {@code key} was first seen with CloudEvent type {@code type} (nanoTime), or null. */
    Long seen(String type, String key) {
        return firstSeen.get(type + "|" + key);
    }

    /** Distinct keys seen with {@code type} whose id starts with {@code prefix + "-"}. */
    long count(String type, String prefix) {
        AtomicLong count = counts.get(type + "|" + prefix);
        return count == null ? 0 : count.get();
    }

    /** Waits until {@code key} is seen with {@code type}; returns the nanoTime, or -1 on timeout. */
    long await(String type, String key, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Long at = seen(type, key);
            if (at != null) {
                return at;
            }
            Thread.sleep(1);
        }
        return -1;
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(5_000);
    }
}
