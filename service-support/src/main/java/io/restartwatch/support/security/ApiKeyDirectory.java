package io.restartwatch.support.security;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.restartwatch.contracts.ApiKeyChanged;
import io.restartwatch.contracts.EventJson;
import io.restartwatch.contracts.Topics;
import io.restartwatch.support.outbox.KafkaClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Every API key this service accepts, in memory, read from the compacted {@link Topics#API_KEYS} topic: each
 * instance reads the whole topic (no consumer group, every partition) and then follows it, so a request is
 * authenticated without a call to another service or the database, and a revocation reaches every instance
 * within the time a record takes to cross Kafka. The bootstrap admin key comes from configuration until the
 * topic says it was revoked.
 */
@ApplicationScoped
public class ApiKeyDirectory {

    private static final Logger LOG = Logger.getLogger(ApiKeyDirectory.class);
    private static final String BOOTSTRAP_NAME = "bootstrap-admin";

    private final String bootstrapServers;
    private final Optional<String> bootstrapHash;
    private final Map<String, ApiKeyChanged> byHash = new ConcurrentHashMap<>();
    private volatile boolean caughtUp;
    private volatile boolean running;
    private KafkaConsumer<String, String> consumer;
    private Thread follower;

    public ApiKeyDirectory(@ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers, SecuritySettings settings) {
        this.bootstrapServers = bootstrapServers;
        this.bootstrapHash = settings.bootstrapAdminKeySha256().map(String::trim).map(hash -> hash.toLowerCase(java.util.Locale.ROOT));
    }

    void start(@Observes StartupEvent event) {
        running = true;
        follower = new Thread(this::follow, "api-key-directory");
        follower.setDaemon(true);
        follower.start();
    }

    void stop(@Observes ShutdownEvent event) throws InterruptedException {
        running = false;
        KafkaConsumer<String, String> current = consumer;
        if (current != null) {
            current.wakeup();
        }
        if (follower != null) {
            follower.join(Duration.ofSeconds(5).toMillis());
        }
    }

    /** The key's current record if {@code key} authenticates at {@code now}. */
    public Optional<ApiKeyChanged> authenticate(String key, Instant now) {
        String hash = ApiKeys.sha256(key);
        ApiKeyChanged known = byHash.get(hash);
        if (known != null) {
            return known.validAt(now) ? Optional.of(known) : Optional.empty();
        }
        if (bootstrapHash.filter(hash::equals).isPresent()) {
            return Optional.of(bootstrapRecord(hash));
        }
        return Optional.empty();
    }

    /** The bootstrap key as a record, for the service that lists and revokes keys. */
    public Optional<ApiKeyChanged> bootstrapKey() {
        return bootstrapHash.map(ApiKeyDirectory::bootstrapRecord);
    }

    /** Whether the topic has been read up to where it ended when this instance started. */
    public boolean caughtUp() {
        return caughtUp;
    }

    public int size() {
        return byHash.size();
    }

    private static ApiKeyChanged bootstrapRecord(String hash) {
        return new ApiKeyChanged(ApiKeyChanged.SCHEMA_VERSION, ApiKeys.keyId(hash), BOOTSTRAP_NAME, hash,
                List.of(Roles.ADMIN), Instant.EPOCH, "configuration", null, null);
    }

    private void follow() {
        while (running) {
            try (KafkaConsumer<String, String> kafka = new KafkaConsumer<>(consumerConfig())) {
                consumer = kafka;
                List<TopicPartition> partitions = awaitPartitions(kafka);
                kafka.assign(partitions);
                kafka.seekToBeginning(partitions);
                Map<TopicPartition, Long> end = new HashMap<>(kafka.endOffsets(partitions));
                while (running) {
                    for (ConsumerRecord<String, String> record : kafka.poll(Duration.ofSeconds(1))) {
                        apply(record);
                    }
                    if (!caughtUp) {
                        end.entrySet().removeIf(e -> kafka.position(e.getKey()) >= e.getValue());
                        if (end.isEmpty()) {
                            caughtUp = true;
                            LOG.infof("API keys: %d known", byHash.size());
                        }
                    }
                }
            } catch (WakeupException e) {
                return;
            } catch (RuntimeException e) {
                if (!running) {
                    return;
                }
                LOG.warnf("API keys: following %s failed (%s); retrying", Topics.API_KEYS, e.toString());
                sleepQuietly(Duration.ofSeconds(2));
            }
        }
    }

    private List<TopicPartition> awaitPartitions(KafkaConsumer<String, String> kafka) {
        while (running) {
            List<PartitionInfo> infos = kafka.partitionsFor(Topics.API_KEYS, Duration.ofSeconds(10));
            if (infos != null && !infos.isEmpty()) {
                return infos.stream().map(info -> new TopicPartition(info.topic(), info.partition())).toList();
            }
            sleepQuietly(Duration.ofSeconds(1));
        }
        throw new WakeupException();
    }

    /** Applies one record; an unreadable one is skipped, never allowed to stop authentication. */
    private void apply(ConsumerRecord<String, String> record) {
        if (record.value() == null) {
            byHash.values().removeIf(key -> key.keyId().equals(record.key()));
            return;
        }
        try {
            ApiKeyChanged key = EventJson.read(record.value(), ApiKeyChanged.class);
            if (key.sha256() == null || !key.sha256().matches("[0-9a-f]{64}")) {
                throw new IllegalArgumentException("sha256 is not a hex SHA-256");
            }
            byHash.put(key.sha256(), key);
        } catch (RuntimeException e) {
            LOG.errorf("API keys: skipped an unreadable record at %s-%d@%d: %s", record.topic(), record.partition(), record.offset(), e.getMessage());
        }
    }

    private Properties consumerConfig() {
        Properties config = KafkaClientConfig.common(bootstrapServers);
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "api-key-directory-" + ProcessHandle.current().pid());
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        return config;
    }

    private static void sleepQuietly(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
