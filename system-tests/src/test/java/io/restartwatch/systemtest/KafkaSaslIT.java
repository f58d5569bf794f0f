package io.restartwatch.systemtest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.equalTo;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import io.restassured.http.ContentType;
import io.restartwatch.contracts.CloudEventHeaders;
import io.restartwatch.contracts.EventTypes;
import io.restartwatch.contracts.Topics;
import io.restartwatch.localstack.KafkaBroker.SaslPlain;
import io.restartwatch.localstack.LocalStack;
import io.restartwatch.localstack.LoopbackPorts;
import io.restartwatch.localstack.SystemProcesses;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The pipeline against a broker whose only client port requires SASL/PLAIN, each service given its credentials
 * through environment variables alone (KAFKA_SECURITY_PROTOCOL, KAFKA_SASL_MECHANISM, KAFKA_SASL_JAAS_CONFIG):
 * events only flow end to end if the messaging channels and the services' own clients (outbox relay) all log in.
 */
class KafkaSaslIT {

    private static final SaslPlain KAFKA_USER = new SaslPlain("restartwatch", "sasl-it-secret-5d1f");
    private static final List<String> SERVICES = List.of("check-service", "priority-service", "notification-service");
    private static final List<String> JVM_OPTIONS = List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");

    private static SystemProcesses processes;
    private static LocalStack stack;
    private static Path fleetDir;
    private static final Map<String, Integer> ports = new LinkedHashMap<>();

    @BeforeAll
    static void startSystem() throws Exception {
        Path root = Path.of(System.getProperty("restartwatch.root", "..")).toAbsolutePath().normalize();
        Files.createDirectories(root.resolve("system-tests/target"));
        Path workDir = Files.createTempDirectory(root.resolve("system-tests/target"), "sasl-");
        fleetDir = Files.createDirectories(workDir.resolve("fleet"));
        processes = new SystemProcesses(root, workDir);
        // In this JVM, on the ports SystemProcesses points the services at: only the broker differs (SASL).
        stack = new LocalStack(new LocalStack.Settings(workDir.resolve("stack"), LocalStack.Settings.defaultBinariesDir(),
                processes.kafkaPort(), LoopbackPorts.reserve(), processes.postgresPort(), false), KAFKA_USER).start();

        Map<String, String> env = new LinkedHashMap<>();
        env.put("KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT");
        env.put("KAFKA_SASL_MECHANISM", "PLAIN");
        env.put("KAFKA_SASL_JAAS_CONFIG", KAFKA_USER.jaasConfig());
        env.put("RESTARTWATCH_PROBE_LOCAL_BASE_DIR", fleetDir.toString());
        ports.putAll(processes.launchAll(SERVICES, JVM_OPTIONS, env));
    }

    @AfterAll
    static void stopSystem() {
        try {
            if (processes != null) {
                processes.close();
            }
        } finally {
            if (stack != null) {
                stack.close();
            }
        }
    }

    @Test
    void aPendingRestartFlowsFromCheckToNotificationOverSasl() throws Exception {
        String server = "sasl-web-1";
        fakeRoot(server, "openssl");
        given().baseUri(url("check-service")).header("Authorization", "Bearer " + processes.adminKey()).contentType(ContentType.JSON).body("""
                        {"id":"%s","hostname":"%s.example.com","applicationId":"sasl-shop","environment":"production",
                         "openPorts":[{"port":443,"protocol":"tcp","sources":["0.0.0.0/0"]}],"probeKind":"local"}""".formatted(server, server))
                .when().post("/api/servers").then().statusCode(201);

        // check-service's outbox relay published it: its producer logged in with the environment's credentials.
        assertThat(awaitRecord(Topics.SERVERS, server, EventTypes.SERVER_REGISTERED).value()).contains(server + ".example.com");
        // ...and so did every channel down the line: check → priority → notification.
        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
                given().baseUri(url("notification-service")).header("Authorization", "Bearer " + processes.adminKey())
                        .when().get("/api/servers/{id}/notification", server)
                        .then().statusCode(200).body("status", equalTo("OPEN")).body("exposure", equalTo("PUBLIC")));
        assertThat(awaitRecord(Topics.NOTIFICATIONS, server, EventTypes.NOTIFICATION_OPENED).value()).contains("sasl-shop");
    }

    @Test
    void theBrokerRefusesClientsWithoutTheCredentials() {
        Properties anonymous = adminConfig();
        anonymous.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafkaBootstrapServers());
        // A PLAINTEXT client gets its connection closed before any request: it never sees the topics.
        try (Admin admin = Admin.create(anonymous)) {
            assertThatThrownBy(() -> admin.listTopics().names().get(20, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(org.apache.kafka.common.errors.TimeoutException.class);
        }

        Properties wrongPassword = adminConfig();
        wrongPassword.putAll(new SaslPlain(KAFKA_USER.username(), "not-the-password").clientProperties());
        wrongPassword.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafkaBootstrapServers());
        try (Admin admin = Admin.create(wrongPassword)) {
            assertThatThrownBy(() -> admin.listTopics().names().get(20, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(SaslAuthenticationException.class);
        }

        Properties authenticated = adminConfig();
        authenticated.putAll(stack.kafkaClientProperties());
        try (Admin admin = Admin.create(authenticated)) {
            assertThat(Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> admin.listTopics().names().get(),
                    names -> names.containsAll(Topics.ALL))).isNotEmpty();
        }
    }

    private static Properties adminConfig() {
        Properties config = new Properties();
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "5000");
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        return config;
    }

    /** Reads {@code topic} from the start with the broker's credentials until a record of that key and type. */
    private static ConsumerRecord<String, String> awaitRecord(String topic, String key, String type) {
        Properties config = stack.kafkaClientProperties();
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        Predicate<ConsumerRecord<String, String>> match = record -> key.equals(record.key()) && type.equals(header(record, CloudEventHeaders.TYPE));
        try (var consumer = new KafkaConsumer<String, String>(config)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(20)).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            List<ConsumerRecord<String, String>> seen = new ArrayList<>();
            Awaitility.await(type + " for " + key + " on " + topic).atMost(Duration.ofSeconds(60)).pollDelay(Duration.ZERO).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(seen::add);
                return seen.stream().anyMatch(match);
            });
            return seen.stream().filter(match).findFirst().orElseThrow();
        }
    }

    private static String header(ConsumerRecord<String, String> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static String url(String service) {
        return "http://127.0.0.1:" + ports.get(service);
    }

    /** A demo server's root file system with a pending restart, checked by the local probe. */
    private static void fakeRoot(String server, String... packages) throws Exception {
        Path root = fleetDir.resolve(server);
        Files.createDirectories(root.resolve("var/run"));
        Files.createDirectories(root.resolve("proc/sys/kernel/random"));
        Files.writeString(root.resolve("proc/sys/kernel/random/boot_id"), "boot-1\n");
        Files.writeString(root.resolve("var/run/reboot-required"), "*** System restart required ***\n");
        Files.write(root.resolve("var/run/reboot-required.pkgs"), List.of(packages));
    }

}
