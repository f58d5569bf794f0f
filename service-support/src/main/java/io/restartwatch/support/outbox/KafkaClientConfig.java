package io.restartwatch.support.outbox;

import java.util.Properties;

import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Client settings shared by every Kafka client a service makes itself: every {@code kafka.*} property
 * (TLS, SASL, client rack…), as the messaging channels get them, so a secured cluster works for the outbox too.
 */
public final class KafkaClientConfig {

    private static final String PREFIX = "kafka.";

    private KafkaClientConfig() {
    }

    public static Properties common(String bootstrapServers) {
        Properties properties = new Properties();
        Config config = ConfigProvider.getConfig();
        for (String name : config.getPropertyNames()) {
            if (name.startsWith(PREFIX) && name.length() > PREFIX.length()) {
                config.getOptionalValue(name, String.class).ifPresent(value -> properties.put(name.substring(PREFIX.length()), value));
            }
        }
        properties.put("bootstrap.servers", bootstrapServers);
        return properties;
    }
}
