package io.restartwatch.localstack;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.restartwatch.contracts.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/** Creates every Restart Watch topic and its dead-letter topic, with the shared partition count. */
final class TopicCreator {

    private TopicCreator() {
    }

    static void createAll(String bootstrapServers) {
        Properties config = new Properties();
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        createAll(config);
    }

    /** @param config the admin client's settings: bootstrap servers and, for a secured broker, its credentials */
    static void createAll(Properties config) {
        try (Admin admin = Admin.create(config)) {
            Set<String> existing = admin.listTopics().names().get(60, TimeUnit.SECONDS);
            List<NewTopic> missing = new ArrayList<>();
            for (String topic : Topics.ALL) {
                if (!existing.contains(topic)) {
                    NewTopic newTopic = new NewTopic(topic, Topics.PARTITIONS, (short) 1);
                    if (Topics.COMPACTED.contains(topic)) {
                        newTopic.configs(Map.of("cleanup.policy", "compact"));
                    }
                    missing.add(newTopic);
                }
                String deadLetter = Topics.deadLetter(topic);
                if (!existing.contains(deadLetter)) {
                    missing.add(new NewTopic(deadLetter, 1, (short) 1));
                }
            }
            if (missing.isEmpty()) {
                return;
            }
            try {
                admin.createTopics(missing).all().get(60, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new IllegalStateException("Cannot create topics", e.getCause());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while creating topics", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Kafka did not answer while creating topics", e);
        }
    }
}
