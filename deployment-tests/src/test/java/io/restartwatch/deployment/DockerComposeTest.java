package io.restartwatch.deployment;

import static io.restartwatch.deployment.Rendered.at;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code docker-compose config} (Compose v1.29, no engine needed) accepts docker-compose.yml, and the rendered
 * stack is the one the README describes: KRaft Kafka, PostgreSQL with one database per service, the four
 * services on their ports, pointed at them, health-checked and started after the infrastructure.
 */
class DockerComposeTest {

    private static final Map<String, Integer> PORTS = Map.of("check-service", 8081, "priority-service", 8082,
            "notification-service", 8083, "deploy-hook-service", 8084);
    private static final Map<String, String> DATABASES = Map.of("check-service", "check", "priority-service", "priority",
            "notification-service", "notification", "deploy-hook-service", "deployhook");

    private static JsonNode services;

    @BeforeAll
    static void render() {
        // Rendered without a .env and with none of its variables set: the defaults must make a working stack.
        JsonNode compose = Rendered.yaml(Rendered.run(Map.of(), "docker-compose", "-f", "docker-compose.yml", "config"));
        services = compose.path("services");
    }

    @Test
    void kafkaIsASingleKRaftNodeAndTopicsAreCreatedWithTheirPartitions() {
        JsonNode kafka = services.path("kafka");
        assertThat(kafka.path("image").asText()).startsWith("apache/kafka:");
        assertThat(at(kafka, "environment.KAFKA_PROCESS_ROLES").asText()).isEqualTo("broker,controller");
        assertThat(at(kafka, "environment.KAFKA_AUTO_CREATE_TOPICS_ENABLE").asText()).isEqualTo("false");
        assertThat(publishedPorts(kafka)).contains(19092);
        assertThat(kafka.path("healthcheck").path("test").toString()).isNotBlank();

        String script = services.path("kafka-topics").path("command").toString();
        assertThat(script).contains("--partitions 6", "cleanup.policy=compact", ".dlq", "--partitions 1", "--if-not-exists");
        for (String topic : List.of("servers", "deploys", "checks", "priorities", "notifications")) {
            assertThat(script).contains(topic);
        }
    }

    @Test
    void postgresCreatesOneDatabasePerServiceThroughTheInitScript() {
        JsonNode postgres = services.path("postgres");
        assertThat(postgres.path("image").asText()).startsWith("postgres:");
        assertThat(publishedPorts(postgres)).contains(15432);
        assertThat(postgres.path("volumes").toString()).contains("init-databases.sh", "/docker-entrypoint-initdb.d/");
        assertThat(postgres.path("healthcheck").isMissingNode()).isFalse();
    }

    @Test
    void everyServiceIsBuiltFromItsDockerfilePointedAtTheComposeInfrastructureAndHealthChecked() {
        PORTS.forEach((name, port) -> {
            JsonNode service = services.path(name);
            assertThat(service.isMissingNode()).as(name).isFalse();
            assertThat(at(service, "build.dockerfile").asText()).isEqualTo("src/main/docker/Dockerfile.jvm");
            assertThat(at(service, "build.context").asText()).endsWith(name);
            assertThat(publishedPorts(service)).as(name + " port").containsExactly(port);

            JsonNode env = service.path("environment");
            assertThat(env.path("KAFKA_BOOTSTRAP_SERVERS").asText()).isEqualTo("kafka:9092");
            assertThat(env.path("QUARKUS_DATASOURCE_JDBC_URL").asText())
                    .isEqualTo("jdbc:postgresql://postgres:5432/" + DATABASES.get(name));
            assertThat(env.path("QUARKUS_DATASOURCE_PASSWORD").asText()).isNotBlank();

            assertThat(service.path("healthcheck").path("test").toString()).contains(port + "/q/health/ready");
            assertThat(at(service, "depends_on.postgres.condition").asText()).isEqualTo("service_healthy");
            assertThat(at(service, "depends_on.kafka-topics.condition").asText()).isEqualTo("service_completed_successfully");
        });
    }

    @Test
    void credentialsAndSecretsComeFromTheEnvironment() {
        JsonNode rendered = Rendered.yaml(Rendered.run(Map.of("POSTGRES_PASSWORD", "s3cret", "RESTARTWATCH_DEPLOY_HOOK_ADMIN_KEY", "admin-k3y"),
                "docker-compose", "-f", "docker-compose.yml", "config")).path("services");
        assertThat(at(rendered, "postgres.environment.POSTGRES_PASSWORD").asText()).isEqualTo("s3cret");
        PORTS.keySet().forEach(name ->
                assertThat(at(rendered, name + ".environment.QUARKUS_DATASOURCE_PASSWORD").asText()).isEqualTo("s3cret"));
        assertThat(at(rendered, "deploy-hook-service.environment.RESTARTWATCH_DEPLOY_HOOK_ADMIN_KEY").asText()).isEqualTo("admin-k3y");
        // Unset, the admin API stays closed.
        assertThat(at(services, "deploy-hook-service.environment.RESTARTWATCH_DEPLOY_HOOK_ADMIN_KEY").asText()).isEmpty();
    }

    private static List<Integer> publishedPorts(JsonNode service) {
        List<Integer> ports = new ArrayList<>();
        for (JsonNode port : service.path("ports")) {
            // Compose v1 renders {published, target}; a short "host:container" string is accepted too.
            ports.add(port.isTextual() ? Integer.parseInt(port.asText().split(":")[0]) : port.path("published").asInt());
        }
        return ports;
    }
}
