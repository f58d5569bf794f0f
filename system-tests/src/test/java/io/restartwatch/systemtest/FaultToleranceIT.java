package io.restartwatch.systemtest;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import io.restartwatch.contracts.CheckCompleted;
import io.restartwatch.contracts.CheckOutcome;
import io.restartwatch.contracts.CheckTrigger;
import io.restartwatch.contracts.CloudEventHeaders;
import io.restartwatch.contracts.EventTypes;
import io.restartwatch.contracts.OpenPort;
import io.restartwatch.contracts.ServerSnapshot;
import io.restartwatch.contracts.Topics;
import io.restartwatch.testsupport.KafkaEvents;
import io.restartwatch.testsupport.KafkaEvents.ReceivedEvent;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The fault suite: all five services as separate processes, a 10k-server fleet split into one slice per
 * scenario, and a scripted stream of check results per slice (every server opens, every third escalates,
 * every fourth clears) whose final state is known. Mid-stream, each scenario breaks something: kill -9 a
 * service, restart Kafka, restart PostgreSQL, inject poison records. Then: the notification state equals the
 * expected state, {@code restartwatch.notifications} holds exactly one event per real transition, poison is
 * in the DLQs, and every service is ready again.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultToleranceIT {

    private static final int FLEET = 10_000;
    private static final int SCENARIOS = 7;
    private static final int SLICE = FLEET / SCENARIOS;
    private static final Duration SETTLE = Duration.ofMinutes(4);
    private static final List<OpenPort> INTERNAL = List.of(new OpenPort(22, "tcp", List.of("10.0.0.0/8")));

    private static SystemUnderTest system;
    private static KafkaEvents kafka;
    private static final Map<String, String> summaries = new LinkedHashMap<>();

    @BeforeAll
    static void start() throws Exception {
        system = new SystemUnderTest().start();
        kafka = new KafkaEvents(system.kafkaBootstrap());
    }

    @AfterAll
    static void stop() {
        summaries.values().forEach(System.out::println);
        if (system != null) {
            system.close();
        }
    }

    @Test
    @Order(1)
    void killPriorityServiceMidStream() throws Exception {
        runScenario(0, "kill-priority-service", () -> killAndRestart("priority-service"));
    }

    @Test
    @Order(2)
    void killNotificationServiceMidStream() throws Exception {
        runScenario(1, "kill-notification-service", () -> killAndRestart("notification-service"));
    }

    @Test
    @Order(3)
    void killCheckServiceMidStream() throws Exception {
        runScenario(2, "kill-check-service", () -> killAndRestart("check-service"));
    }

    @Test
    @Order(4)
    void killDeployHookServiceMidStream() throws Exception {
        // The deploy hook's own stream: pipelines retry until answered; each deploy is published once.
        String app = "ft-deploys";
        String token = createPipeline(app);
        List<String> deployIds = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            deployIds.add("deploy-" + i);
        }
        CompletableFuture<Void> deploys = CompletableFuture.runAsync(() -> deployIds.forEach(id -> postDeployUntilAnswered(app, id, token)));
        runScenario(3, "kill-deploy-hook-service", () -> killAndRestart("deploy-hook-service"));
        deploys.get();
        Map<String, Long> published = kafka.awaitEvents(Topics.DEPLOYS, SETTLE, e -> app.equals(e.key()), deployIds.size()).stream()
                .collect(Collectors.groupingBy(e -> e.value().replaceAll(".*\"deployId\":\"([^\"]+)\".*", "$1"), Collectors.counting()));
        long lost = deployIds.stream().filter(id -> !published.containsKey(id)).count();
        long duplicated = published.values().stream().mapToLong(n -> n - 1).sum();
        summaries.put("deploys", "scenario=kill-deploy-hook-service/deploys expected=%d observed=%d lost=%d duplicated=%d"
                .formatted(deployIds.size(), published.values().stream().mapToLong(Long::longValue).sum(), lost, duplicated));
        assertThat(lost).isZero();
        assertThat(duplicated).isZero();
    }

    @Test
    @Order(5)
    void restartKafkaMidStream() throws Exception {
        runScenario(4, "restart-kafka", system::restartKafka);
    }

    @Test
    @Order(6)
    void restartPostgresMidStream() throws Exception {
        runScenario(5, "restart-postgres", system::restartPostgres);
    }

    @Test
    @Order(7)
    void poisonRecordsGoToTheirDeadLetterTopics() throws Exception {
        Map<String, String> poisonKeys = new LinkedHashMap<>();
        runScenario(6, "poison-events", () -> {
            try (var publisher = kafka.publisher()) {
                for (String topic : List.of(Topics.DEPLOYS, Topics.SERVERS, Topics.CHECKS, Topics.PRIORITIES, Topics.RESTARTS)) {
                    String key = "poison-" + UUID.randomUUID().toString().substring(0, 8);
                    poisonKeys.put(topic, key);
                    publisher.sendRaw(topic, key, "{not json", Map.of(CloudEventHeaders.ID, key, CloudEventHeaders.TYPE, "io.restartwatch.garbage"));
                }
            }
        });
        // Each consuming group dead-letters what it cannot read, once: restartwatch.servers, .checks and .priorities are
        // also read by notification-service's fleet read model (the pages), in a group of its own, and by plan-service;
        // restartwatch.restarts by check-service (the agent's commands), notification-service and plan-service.
        Map<String, Integer> consumingGroups = Map.of(Topics.DEPLOYS, 1, Topics.SERVERS, 3, Topics.CHECKS, 3, Topics.PRIORITIES, 3,
                Topics.RESTARTS, 3);
        for (var poison : poisonKeys.entrySet()) {
            int groups = consumingGroups.get(poison.getKey());
            List<ReceivedEvent> dead = kafka.awaitEvents(Topics.deadLetter(poison.getKey()), Duration.ofSeconds(60),
                    e -> poison.getValue().equals(e.key()), groups);
            assertThat(dead).as("dead letters of %s", poison.getKey()).hasSize(groups);
            assertThat(dead).allSatisfy(d -> assertThat(d.headers()).containsKey("dead-letter-reason"));
        }
        summaries.put("poison", "scenario=poison-events/dlq expected=%d observed=%d lost=0 duplicated=0"
                .formatted(poisonKeys.size(), poisonKeys.size()));
    }

    // ---------------------------------------------------------------------------------------------------

    private interface Fault {
        void inject() throws Exception;
    }

    private static void runScenario(int slice, String name, Fault fault) throws Exception {
        List<String> servers = new ArrayList<>();
        for (int i = 0; i < SLICE; i++) {
            servers.add("ft-" + slice + "-" + i);
        }
        boolean viaAgents = name.equals("kill-check-service");
        Map<String, String> tokens = viaAgents ? registerAgents(servers) : Map.of();
        AtomicInteger sent = new AtomicInteger();
        CompletableFuture<Void> stream = CompletableFuture.runAsync(() -> {
            try {
                streamChecks(servers, tokens, sent);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        int total = servers.size() + expectedEscalations(servers) + expectedClears(servers);
        Awaitility.await().atMost(Duration.ofMinutes(3)).until(() -> sent.get() >= total / 3 || stream.isDone());
        fault.inject();
        stream.get();
        system.awaitAllReady();

        Awaitility.await().atMost(SETTLE).pollInterval(Duration.ofSeconds(2)).until(() -> notificationStateMatches(servers));
        Map<String, List<String>> observed = kafka.readAll(Topics.NOTIFICATIONS).stream()
                .filter(e -> e.key() != null && e.key().startsWith("ft-" + slice + "-"))
                .collect(Collectors.groupingBy(ReceivedEvent::key, Collectors.mapping(ReceivedEvent::type, Collectors.toList())));
        int expected = 0;
        int seen = 0;
        int lost = 0;
        int duplicated = 0;
        for (int i = 0; i < servers.size(); i++) {
            List<String> wanted = expectedTransitions(i);
            List<String> got = observed.getOrDefault(servers.get(i), List.of());
            expected += wanted.size();
            seen += got.size();
            for (String type : List.of(EventTypes.NOTIFICATION_OPENED, EventTypes.NOTIFICATION_ESCALATED, EventTypes.NOTIFICATION_CLEARED)) {
                long want = wanted.stream().filter(type::equals).count();
                long have = got.stream().filter(type::equals).count();
                lost += (int) Math.max(0, want - have);
                duplicated += (int) Math.max(0, have - want);
            }
        }
        String summary = "scenario=%s expected=%d observed=%d lost=%d duplicated=%d".formatted(name, expected, seen, lost, duplicated);
        summaries.put(name, summary);
        System.out.println(summary);
        assertThat(lost).as(summary).isZero();
        assertThat(duplicated).as(summary).isZero();
    }

    /** Every server opens; every third escalates (packages raise LOW to MEDIUM); every fourth clears. */
    private static List<String> expectedTransitions(int i) {
        List<String> transitions = new ArrayList<>(List.of(EventTypes.NOTIFICATION_OPENED));
        if (i % 3 == 0) {
            transitions.add(EventTypes.NOTIFICATION_ESCALATED);
        }
        if (i % 4 == 0) {
            transitions.add(EventTypes.NOTIFICATION_CLEARED);
        }
        return transitions;
    }

    private static int expectedEscalations(List<String> servers) {
        return (servers.size() + 2) / 3;
    }

    private static int expectedClears(List<String> servers) {
        return (servers.size() + 3) / 4;
    }

    private static void streamChecks(List<String> servers, Map<String, String> tokens, AtomicInteger sent) throws Exception {
        Instant base = Instant.now();
        try (var publisher = kafka.publisher()) {
            for (int phase = 0; phase < 3; phase++) {
                for (int i = 0; i < servers.size(); i++) {
                    boolean escalate = phase == 1 && i % 3 == 0;
                    boolean clear = phase == 2 && i % 4 == 0;
                    if (phase > 0 && !escalate && !clear) {
                        continue;
                    }
                    List<String> packages = phase == 0 ? List.of() : List.of("linux-image-6.8.0-99-generic", "libc6");
                    boolean required = !clear;
                    if (tokens.isEmpty()) {
                        publisher.send(Topics.CHECKS, servers.get(i), EventTypes.CHECK_COMPLETED,
                                check(servers.get(i), base.plusMillis(phase * 1000L), required, packages, base));
                    } else {
                        reportUntilAccepted(servers.get(i), tokens.get(servers.get(i)), required, packages, base);
                    }
                    sent.incrementAndGet();
                }
            }
        }
    }

    private static CheckCompleted check(String server, Instant at, boolean required, List<String> packages, Instant since) {
        return new CheckCompleted(CheckCompleted.SCHEMA_VERSION, UUID.randomUUID().toString(), server, at, CheckTrigger.SCHEDULED,
                required ? CheckOutcome.REBOOT_REQUIRED : CheckOutcome.UP_TO_DATE, null, required ? packages : List.of(),
                required ? since : null, "boot-1", null, null,
                new ServerSnapshot(ServerSnapshot.SCHEMA_VERSION, server, 1, false, server + ".example.com", "ft-app",
                        "production", Map.of(), INTERNAL, "agent", since), null, null, null, null);
    }

    private static boolean notificationStateMatches(List<String> servers) throws Exception {
        Map<String, String> open = new HashMap<>();
        try (Connection connection = DriverManager.getConnection(system.jdbcUrl("notification"), "postgres", "postgres");
             var statement = connection.prepareStatement("select server_id, level from notification where status = 'OPEN' and server_id like ?")) {
            statement.setString(1, servers.get(0).replaceAll("-\\d+$", "-") + "%");
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    open.put(rows.getString(1), rows.getString(2));
                }
            }
        }
        for (int i = 0; i < servers.size(); i++) {
            String level = open.get(servers.get(i));
            if (i % 4 == 0) {
                if (level != null) {
                    return false;
                }
            } else if (!(i % 3 == 0 ? "MEDIUM" : "LOW").equals(level)) {
                return false;
            }
        }
        return true;
    }

    private static void killAndRestart(String service) throws Exception {
        system.kill(service);
        system.restart(service);
    }

    // --- HTTP clients that behave like agents and pipelines: retry until answered ---------------------

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private static HttpResponse<String> sendUntilAnswered(HttpRequest request) {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(3));
        while (true) {
            try {
                HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 429) {
                    // rate limited: wait as told, as a well-behaved pipeline does
                    pause(Duration.ofSeconds(Long.parseLong(response.headers().firstValue("Retry-After").orElse("1"))));
                    continue;
                }
                if (response.statusCode() < 500) {
                    return response;
                }
            } catch (java.io.IOException e) {
                // the service is down: an agent tries again
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("No answer from " + request.uri());
            }
            pause(Duration.ofMillis(200)); // an agent's retry delay, not a wait for a condition
        }
    }

    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static HttpRequest.Builder request(String service, String path) {
        return HttpRequest.newBuilder(URI.create(system.url(service) + path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json");
    }

    /** Operator calls carry the run's admin key; agents and pipelines use their own credentials. */
    private static HttpRequest.Builder asAdmin(HttpRequest.Builder request) {
        return request.header("Authorization", system.adminAuthorization());
    }

    private static Map<String, String> registerAgents(List<String> servers) {
        Map<String, String> tokens = new HashMap<>();
        for (String server : servers) {
            String body = "{\"id\":\"" + server + "\",\"hostname\":\"" + server + ".example.com\",\"applicationId\":\"ft-app\","
                    + "\"environment\":\"production\",\"probeKind\":\"agent\",\"openPorts\":[{\"port\":22,\"protocol\":\"tcp\",\"sources\":[\"10.0.0.0/8\"]}]}";
            assertThat(sendUntilAnswered(asAdmin(request("check-service", "/api/servers")).POST(HttpRequest.BodyPublishers.ofString(body)).build())
                    .statusCode()).isEqualTo(201);
            String answer = sendUntilAnswered(asAdmin(request("check-service", "/api/servers/" + server + "/agent-token"))
                    .POST(HttpRequest.BodyPublishers.noBody()).build()).body();
            tokens.put(server, answer.replaceAll(".*\"token\":\"([^\"]+)\".*", "$1"));
        }
        return tokens;
    }

    private static void reportUntilAccepted(String server, String token, boolean required, List<String> packages, Instant since) {
        String body = "{\"serverId\":\"" + server + "\",\"rebootRequired\":" + required + ",\"requiredSince\":\"" + since
                + "\",\"packages\":[" + packages.stream().map(p -> "\"" + p + "\"").collect(Collectors.joining(",")) + "],\"bootId\":\"boot-1\"}";
        HttpResponse<String> response = sendUntilAnswered(request("check-service", "/api/agent/reports")
                .header("Authorization", "Bearer " + token).POST(HttpRequest.BodyPublishers.ofString(body)).build());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
    }

    private static String createPipeline(String app) {
        String answer = sendUntilAnswered(asAdmin(request("deploy-hook-service", "/api/pipelines"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"id\":\"ft-ci\",\"name\":\"CI\",\"applicationIds\":[\"" + app + "\"]}")).build()).body();
        return answer.replaceAll(".*\"token\":\"([^\"]+)\".*", "$1");
    }

    private static void postDeployUntilAnswered(String app, String deployId, String token) {
        String body = "{\"applicationId\":\"" + app + "\",\"deployId\":\"" + deployId + "\",\"status\":\"completed\"}";
        HttpResponse<String> response = sendUntilAnswered(request("deploy-hook-service", "/api/deploys")
                .header("Authorization", "Bearer " + token).POST(HttpRequest.BodyPublishers.ofString(body)).build());
        assertThat(response.statusCode()).as(response.body()).isIn(200, 202);
    }
}
