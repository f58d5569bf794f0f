package io.restartwatch.support.outbox;

import java.util.Map;
import java.util.Properties;

import jakarta.enterprise.util.TypeLiteral;

import io.quarkus.arc.Arc;
import io.smallrye.common.annotation.Identifier;

/**
 * Client settings shared by every Kafka client a service makes itself (outbox relay, dead letters): exactly the
 * map the messaging channels get, Quarkus' {@code default-kafka-broker} bean. It holds every {@code kafka.*}
 * property and every {@code KAFKA_*} environment variable ({@code KAFKA_SASL_JAAS_CONFIG} → {@code sasl.jaas.config}),
 * so TLS and SASL set either way reach the outbox too.
 */
public final class KafkaClientConfig {

    /** The bean SmallRye Reactive Messaging Kafka merges under every channel's configuration. */
    public static final String DEFAULT_KAFKA_BROKER = "default-kafka-broker";
    private static final TypeLiteral<Map<String, Object>> CONFIG_MAP = new TypeLiteral<>() {
    };

    private KafkaClientConfig() {
    }

    public static Properties common(String bootstrapServers) {
        Properties properties = new Properties();
        properties.putAll(Arc.container().select(CONFIG_MAP, Identifier.Literal.of(DEFAULT_KAFKA_BROKER)).get());
        // Quarkus adds the application name as group.id for the channels; these clients join no group.
        properties.remove("group.id");
        properties.put("bootstrap.servers", bootstrapServers);
        return properties;
    }
}
