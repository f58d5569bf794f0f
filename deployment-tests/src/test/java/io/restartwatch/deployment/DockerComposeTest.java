package io.restartwatch.deployment;

import static io.restartwatch.deployment.Rendered.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code docker-compose config} (Compose v1.29, no engine needed) accepts docker-compose.yml, and the rendered
 * stack is the one the README describes: KRaft Kafka, PostgreSQL with one database per service, the five
 * services on their ports, pointed at them, health-checked and started after the infrastructure. Every port is
 * published on loopback only, and the secrets have no defaults: without them the stack does not start.
 */
class DockerComposeTest {

    private static final Map<String, Integer> PORTS = Map.of("check-service", 8081, "priority-service", 8082,
            "notification-service", 8083, "deploy-hook-service", 8084, "plan-service", 8085);
    private static final Map<String, String> DATABASES = Map.of("check-service", "check", "priority-service", "priority",
            "notification-service", "notification", "deploy-hook-service", "deployhook", "plan-service", "plan");

    /** The variables docker-compose.yml requires, with what a .env would hold. */
    private static final Map<String, String> REQUIRED = Map.of(
            "POSTGRES_PASSWORD", "s3cret",
            "RESTARTWATCH_SECURITY_BOOTSTRAP_ADMIN_KEY_SHA256", "0772663d55c5f6750efdba0b51ca1c3272a2a84dba24b62d861ae0c6ff6995f9",
            "RESTARTWATCH_DEPLOY_HOOK_SECRET_ENCRYPTION_KEY", "X20A5dDRvWqzzqLbnxieNFhkDkkr9j2euAglOSl0PAY=");

    private static JsonNode services;

    @BeforeAll
    static void render() {
        // Rendered without a .env and with only the required variables set: the defaults of the rest make a working stack.
        services = compose(REQUIRED).path("services");
    }

    private static JsonNode compose(Map<String, String> env) {
        return Rendered.yaml(Rendered.run(env, "docker-compose", "-f", "docker-compose.yml", "config"));
    }

    @Test
    void kafkaIsASingleKRaftNodeAndTopicsAreCreatedWithTheirPartitions() {
        JsonNode kafka = services.path("kafka");
        assertThat(kafka.path("image").asText()).startsWith("apache/kafka:");
        assertThat(at(kafka, "environment.KAFKA_PROCESS_ROLES").asText()).isEqualTo("broker,controller");
        assertThat(at(kafka, "environment.KAFKA_AUTO_CREATE_TOPICS_ENABLE").asText()).isEqualTo("false");
        assertThat(publishedPorts(kafka)).contains(19092);
        assertThat(kafka.path("healthcheck").path("test").toString()).isNotBlank();

        StringBuilder script = new StringBuilder();
        services.path("kafka-topics").path("command").forEach(line -> script.append(line.asText()).append('\n'));
        assertThat(script).contains("--partitions 6", "cleanup.policy=compact", ".dlq", "--partitions 1", "--if-not-exists");
        assertThat(script).contains("for topic in servers deploys checks priorities notifications freshness policies restarts apikeys apikeys.usage;")
                .contains("servers|policies|apikeys|apikeys.usage) config=\"--config cleanup.policy=compact\"");
    }

    @Test
    void postgresCreatesOneDatabasePerServiceThroughTheInitScript() {
        JsonNode postgres = services.path("postgres");
        assertThat(postgres.path("image").asText()).startsWith("postgres:");
        assertThat(publishedPorts(postgres)).contains(15432);
        assertThat(postgres.path("volumes").toString()).contains("init-databases.sh", "/docker-entrypoint-initdb.d/");
        // The script's default list holds every service's database.
        String script;
        try {
            script = Files.readString(Rendered.ROOT.resolve("docker/postgres/init-databases.sh"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Matcher defaults = Pattern.compile("\\$\\{RESTARTWATCH_DATABASES:-([a-z ]+)}").matcher(script);
        assertThat(defaults.find()).as("default database list in init-databases.sh").isTrue();
        assertThat(List.of(defaults.group(1).trim().split(" +"))).containsExactlyInAnyOrderElementsOf(DATABASES.values());
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
            assertThat(env(service).path("RESTARTWATCH_SECURITY_BOOTSTRAP_ADMIN_KEY_SHA256").asText()).as(name)
                    .isEqualTo(REQUIRED.get("RESTARTWATCH_SECURITY_BOOTSTRAP_ADMIN_KEY_SHA256"));

            JsonNode env = env(service);
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
        Map<String, String> env = new HashMap<>(REQUIRED);
        env.put("POSTGRES_PASSWORD", "an0ther");
        env.put("RESTARTWATCH_DEPLOY_HOOK_GITHUB_SECRET", "gh-s3cret");
        JsonNode rendered = compose(env).path("services");
        assertThat(at(rendered, "postgres.environment.POSTGRES_PASSWORD").asText()).isEqualTo("an0ther");
        PORTS.keySet().forEach(name ->
                assertThat(at(rendered, name + ".environment.QUARKUS_DATASOURCE_PASSWORD").asText()).as(name).isEqualTo("an0ther"));
        JsonNode hooks = env(rendered.path("deploy-hook-service"));
        assertThat(hooks.path("RESTARTWATCH_DEPLOY_HOOK_SECRET_ENCRYPTION_KEY").asText())
                .isEqualTo(REQUIRED.get("RESTARTWATCH_DEPLOY_HOOK_SECRET_ENCRYPTION_KEY"));
        assertThat(hooks.path("RESTARTWATCH_DEPLOY_HOOK_GITHUB_SECRET").asText()).isEqualTo("gh-s3cret");
        // Unset, that webhook source stays closed.
        assertThat(at(services, "deploy-hook-service.environment.RESTARTWATCH_DEPLOY_HOOK_GITHUB_SECRET").asText()).isEmpty();
        // The X-Admin-Key mechanism is gone: pipelines are administered with an admin API key.
        services.fields().forEachRemaining(service ->
                assertThat(env(service.getValue()).has("RESTARTWATCH_DEPLOY_HOOK_ADMIN_KEY")).as(service.getKey()).isFalse());
    }

    @ParameterizedTest
    @ValueSource(strings = {"POSTGRES_PASSWORD", "RESTARTWATCH_SECURITY_BOOTSTRAP_ADMIN_KEY_SHA256",
            "RESTARTWATCH_DEPLOY_HOOK_SECRET_ENCRYPTION_KEY"})
    void aMissingSecretStopsTheStackInsteadOfFallingBackToADefault(String variable) {
        Map<String, String> env = new HashMap<>(REQUIRED);
        // Empty counts as unset for ${VAR:?}, and overrides whatever the test's own environment holds.
        env.put(variable, "");

        assertThatThrownBy(() -> compose(env)).isInstanceOf(AssertionError.class).hasMessageContaining("set " + variable);
        // And no use of it falls back to a default while another use is required.
        Matcher uses = Pattern.compile("\\$\\{" + variable + "(\\W{0,2})").matcher(composeFile());
        List<String> forms = new ArrayList<>();
        while (uses.find()) {
            forms.add(uses.group(1));
        }
        assertThat(forms).as(variable + " uses").isNotEmpty().allMatch(":?"::equals);
    }

    private static String composeFile() {
        try {
            return Files.readString(Rendered.ROOT.resolve("docker-compose.yml"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void everyPortIsPublishedOnLoopbackOnly() {
        List<String> published = new ArrayList<>();
        services.fields().forEachRemaining(service -> {
            for (PublishedPort port : ports(service.getValue())) {
                assertThat(port.hostIp()).as(service.getKey() + " " + port).isEqualTo("127.0.0.1");
                published.add(service.getKey() + ":" + port.published());
            }
        });
        assertThat(published).containsExactlyInAnyOrder("kafka:19092", "postgres:15432", "check-service:8081",
                "priority-service:8082", "notification-service:8083", "deploy-hook-service:8084", "plan-service:8085");
    }

    private static JsonNode env(JsonNode service) {
        return service.path("environment");
    }

    private static List<Integer> publishedPorts(JsonNode service) {
        return ports(service).stream().map(PublishedPort::published).toList();
    }

    /** Compose v1 renders "host_ip:published:target/protocol"; Compose v2 {host_ip, published, target}. */
    private static List<PublishedPort> ports(JsonNode service) {
        List<PublishedPort> ports = new ArrayList<>();
        for (JsonNode port : service.path("ports")) {
            if (port.isTextual()) {
                String[] parts = port.asText().split("/")[0].split(":");
                // Without a host IP ("published:target") Docker binds every interface.
                String hostIp = parts.length == 3 ? parts[0] : "0.0.0.0";
                ports.add(new PublishedPort(hostIp, Integer.parseInt(parts[parts.length - 2])));
            } else {
                String hostIp = port.path("host_ip").asText("");
                ports.add(new PublishedPort(hostIp.isEmpty() ? "0.0.0.0" : hostIp, port.path("published").asInt()));
            }
        }
        return ports;
    }

    /** One published port: the host address it is bound to and the host port. */
    private record PublishedPort(String hostIp, int published) {
    }
}
