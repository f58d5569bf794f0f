package io.restartwatch.support.security;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.restartwatch.contracts.ApiKeyUsed;
import io.restartwatch.contracts.CloudEventHeaders;
import io.restartwatch.contracts.EventJson;
import io.restartwatch.contracts.EventTypes;
import io.restartwatch.contracts.Topics;
import io.restartwatch.support.outbox.KafkaClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Remembers when each API key last authenticated a request here and reports it on {@link Topics#API_KEY_USAGE}
 * once per interval, so the key list shows a last-used time without a write per request.
 */
@ApplicationScoped
public class ApiKeyUsage {

    private static final Logger LOG = Logger.getLogger(ApiKeyUsage.class);

    private final Map<String, Instant> unreported = new ConcurrentHashMap<>();
    private final String bootstrapServers;
    private final SecuritySettings settings;
    private final Clock clock;
    private final String service;
    private ScheduledExecutorService reporter;
    private KafkaProducer<String, String> producer;

    public ApiKeyUsage(@ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers, SecuritySettings settings,
                       Clock clock, @ConfigProperty(name = "quarkus.application.name") String service) {
        this.bootstrapServers = bootstrapServers;
        this.settings = settings;
        this.clock = clock;
        this.service = service;
    }

    void start(@Observes StartupEvent event) {
        reporter = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "api-key-usage");
            thread.setDaemon(true);
            return thread;
        });
        long interval = settings.usageReportInterval().toMillis();
        reporter.scheduleWithFixedDelay(this::report, interval, interval, TimeUnit.MILLISECONDS);
    }

    void stop(@Observes ShutdownEvent event) {
        if (reporter != null) {
            reporter.shutdownNow();
        }
        report();
        if (producer != null) {
            producer.close(java.time.Duration.ofSeconds(2));
        }
    }

    public void used(String keyId) {
        unreported.put(keyId, clock.instant());
    }

    private synchronized void report() {
        if (unreported.isEmpty()) {
            return;
        }
        try {
            if (producer == null) {
                Properties config = KafkaClientConfig.common(bootstrapServers);
                config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
                config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
                config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "5000");
                producer = new KafkaProducer<>(config);
            }
            for (String keyId : unreported.keySet()) {
                Instant lastUsed = unreported.remove(keyId);
                if (lastUsed == null) {
                    continue;
                }
                var record = new ProducerRecord<>(Topics.API_KEY_USAGE, keyId,
                        EventJson.write(new ApiKeyUsed(ApiKeyUsed.SCHEMA_VERSION, keyId, lastUsed, service)));
                header(record, CloudEventHeaders.SPEC_VERSION, CloudEventHeaders.SPEC_VERSION_VALUE);
                header(record, CloudEventHeaders.ID, java.util.UUID.randomUUID().toString());
                header(record, CloudEventHeaders.TYPE, EventTypes.API_KEY_USED);
                header(record, CloudEventHeaders.SOURCE, "/restartwatch/" + service);
                header(record, CloudEventHeaders.TIME, lastUsed.toString());
                header(record, CloudEventHeaders.SUBJECT, keyId);
                header(record, CloudEventHeaders.CONTENT_TYPE, CloudEventHeaders.JSON);
                producer.send(record);
            }
            producer.flush();
        } catch (RuntimeException e) {
            LOG.warnf("API key usage could not be reported (%s); the last-used times will be reported later", e.toString());
        }
    }

    private static void header(ProducerRecord<String, String> record, String name, String value) {
        record.headers().add(name, value.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}
