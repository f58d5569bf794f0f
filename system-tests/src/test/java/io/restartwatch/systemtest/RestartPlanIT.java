package io.restartwatch.systemtest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restartwatch.contracts.CloudEventHeaders;
import io.restartwatch.contracts.EventJson;
import io.restartwatch.contracts.EventTypes;
import io.restartwatch.contracts.Exposure;
import io.restartwatch.contracts.PriorityLevel;
import io.restartwatch.contracts.RestartEvent;
import io.restartwatch.contracts.RestartStatus;
import io.restartwatch.contracts.Topics;
import io.restartwatch.localstack.FakeServerRoot;
import io.restartwatch.testsupport.KafkaEvents;
import io.restartwatch.testsupport.TestTools;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Restart plans end to end, every component a separate process: agent servers on fake roots whose real agent runs
 * in execute mode in a loop (as its systemd timer would), "rebooting" with a script that writes a new boot id and
 * removes the sentinel; an application with {@code maxUnavailable=2}; a plan created and approved over REST. From the
 * {@code restartwatch.restarts} events: never more than 2 of the application's restarts in progress at once, waves
 * released in priority order and one after the other, every restart verified exactly once; each server rebooted
 * exactly once; the REBOOT notifications cleared. Then the fault scenario: plan-service killed with SIGKILL while a
 * wave is in progress and started again — no server rebooted twice for one planned restart, no wave skipped, the plan
 * completes.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RestartPlanIT {

    private static final String APP = "rp-billing";
    private static final String FAULT_APP = "rp-fault";
    private static final int SERVERS = 12;
    private static final int FAULT_SERVERS = 6;
    private static final int MAX_UNAVAILABLE = 2;
    /** The agent's systemd timer asks every 50 s; a loop stands in for it, every few seconds. */
    private static final int TIMER_SECONDS = 2;
    private static final Duration SETTLE = Duration.ofMinutes(5);

    private static SystemUnderTest system;
    private static KafkaEvents kafka;
    private static Path workDir;
    private static final Map<String, AgentLoop> agents = new LinkedHashMap<>();

    @BeforeAll
    static void start() throws Exception {
        TestTools.ensure("curl"); // the agent script posts its reports with curl
        system = new SystemUnderTest().startOneByOne(Map.of());
        kafka = new KafkaEvents(system.kafkaBootstrap());
        workDir = system.fleetDir.getParent();
    }

    @AfterAll
    static void stop() {
        agents.values().forEach(AgentLoop::stop);
        if (system != null) {
            system.close();
        }
    }

    @Test
    @Order(1)
    void aPlanRebootsTwelveAgentServersInPriorityWavesOfAtMostTwoAndProvesEveryReboot() throws Exception {
        List<String> servers = new ArrayList<>();
        for (int i = 1; i <= SERVERS; i++) {
            String id = "rp-billing-%02d".formatted(i);
            servers.add(id);
            // Four open to the internet (two of them with a kernel update: critical first), the rest internal with
            // packages of decreasing weight, pending for different times.
            boolean internetFacing = i <= 4;
            List<String> packages = i <= 2 ? List.of("linux-image-6.8.0-49-generic", "linux-base")
                    : i <= 6 ? List.of("libssl3", "openssh-server") : i <= 9 ? List.of("systemd") : List.of("dbus");
            registerAgentServer(id, APP, internetFacing, 1 + (i * 3) % 20, packages);
        }
        putPolicy(APP);
        awaitPreviewed(APP, SERVERS);

        String plan = createAndApprove(APP);
        awaitStatus(plan, "COMPLETED", SETTLE);

        List<Received> events = restartEvents(plan);
        assertThat(distinct(events, RestartStatus.SCHEDULED)).as("restarts released").hasSize(SERVERS);
        assertNeverMoreThanInProgress(events, MAX_UNAVAILABLE);
        assertWavesInOrderAndInPriorityOrder(events);
        assertVerifiedExactlyOnce(events, SERVERS);
        for (String server : servers) {
            assertThat(reboots(server)).as("fake reboots of " + server).isEqualTo(1);
        }
        Awaitility.await("REBOOT notifications of " + APP + " cleared").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                .untilAsserted(() -> assertThat(openRebootNotifications(APP)).isZero());
        System.out.printf("Restart plan: %d servers, %d waves, max %d in progress; every restart verified once, every server rebooted once%n",
                SERVERS, waves(events).size(), maxInProgress(events));
    }

    @Test
    @Order(2)
    void planServiceKilledMidWaveRebootsNothingTwiceSkipsNoWaveAndCompletes() throws Exception {
        List<String> servers = new ArrayList<>();
        for (int i = 1; i <= FAULT_SERVERS; i++) {
            String id = "rp-fault-%02d".formatted(i);
            servers.add(id);
            registerAgentServer(id, FAULT_APP, i <= 2, i, List.of(i <= 3 ? "libc6" : "dbus"));
        }
        putPolicy(FAULT_APP);
        awaitPreviewed(FAULT_APP, FAULT_SERVERS);
        // Their first reports are in; paused, the agents leave the first wave released and not executed until we let them.
        servers.forEach(server -> agents.get(server).paused(true));

        String plan = createAndApprove(FAULT_APP);
        Awaitility.await("the first wave released").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .until(() -> distinct(restartEvents(plan), RestartStatus.SCHEDULED).size() == MAX_UNAVAILABLE);
        // Let the agents of the wave act (the wave is now executing), then kill plan-service before it can verify.
        servers.forEach(server -> agents.get(server).paused(false));
        Awaitility.await("an agent started a restart of the wave").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> !distinct(restartEvents(plan), RestartStatus.STARTED).isEmpty());
        system.kill("plan-service");
        List<Received> atKill = restartEvents(plan);
        Set<String> releasedAtKill = distinct(atKill, RestartStatus.SCHEDULED);
        Set<String> verifiedAtKill = distinct(atKill, RestartStatus.VERIFIED);
        boolean midWave = !verifiedAtKill.containsAll(releasedAtKill);
        assertThat(midWave).as("a wave in progress at the kill: released %s, verified %s", releasedAtKill, verifiedAtKill).isTrue();

        system.restart("plan-service");
        awaitStatus(plan, "COMPLETED", SETTLE);

        List<Received> events = restartEvents(plan);
        Map<String, Set<String>> commandsPerServer = events.stream().filter(e -> e.event().status() == RestartStatus.SCHEDULED)
                .collect(Collectors.groupingBy(e -> e.event().serverId(), Collectors.mapping(e -> e.event().restartId(), Collectors.toSet())));
        int duplicatedCommands = commandsPerServer.values().stream().mapToInt(ids -> ids.size() - 1).sum();
        int duplicatedReboots = 0;
        for (String server : servers) {
            duplicatedReboots += Math.max(0, reboots(server) - 1);
        }
        Set<String> verified = distinct(events, RestartStatus.VERIFIED);
        int lost = FAULT_SERVERS - verified.size();
        String summary = "scenario=plan-service-sigkill expected=%d observed=%d lost=%d duplicated=%d mid_stream=%s"
                .formatted(FAULT_SERVERS, verified.size(), lost, duplicatedCommands + duplicatedReboots, midWave);
        System.out.println(summary);
        Files.writeString(system.root.resolve("system-tests/target/restart-plan-scenarios.txt"), summary + "\n", StandardCharsets.UTF_8);

        assertThat(commandsPerServer).as("restart commands per server").hasSize(FAULT_SERVERS);
        assertThat(duplicatedCommands).as(summary).isZero();
        for (String server : servers) {
            assertThat(reboots(server)).as("fake reboots of " + server + "; " + summary).isEqualTo(1);
        }
        assertThat(lost).as(summary).isZero();
        assertVerifiedExactlyOnce(events, FAULT_SERVERS);
        assertNeverMoreThanInProgress(events, MAX_UNAVAILABLE);
        assertWavesInOrderAndInPriorityOrder(events);
    }

    // --- the assertions on the events ----------------------------------------------------------------------------

    /** A restart.* event of the plan, in the order plan-service's clock gives it. */
    record Received(String type, String source, RestartEvent event) {
    }

    /**
     * In progress: released (scheduled) and not yet verified or failed. Walked in time order; at one instant,
     * verifications count before releases (a tick verifies before it releases the next wave).
     */
    private static int maxInProgress(List<Received> events) {
        List<RestartEvent> timeline = events.stream().map(Received::event)
                .filter(e -> e.status() == RestartStatus.SCHEDULED || e.status() == RestartStatus.VERIFIED || e.status() == RestartStatus.FAILED)
                .sorted(Comparator.comparing(RestartEvent::occurredAt).thenComparing(e -> e.status() == RestartStatus.SCHEDULED ? 1 : 0))
                .toList();
        Set<String> inProgress = new java.util.HashSet<>();
        int max = 0;
        for (RestartEvent event : timeline) {
            if (event.status() == RestartStatus.SCHEDULED) {
                inProgress.add(event.restartId());
            } else {
                inProgress.remove(event.restartId());
            }
            max = Math.max(max, inProgress.size());
        }
        return max;
    }

    private static void assertNeverMoreThanInProgress(List<Received> events, int limit) {
        assertThat(maxInProgress(events)).as("restarts of the application in progress at once").isBetween(1, limit);
    }

    /**
     * Waves 1..n, none skipped; each released only after every restart of the one before was verified; and in
     * priority order: nothing in a later wave ranks above anything in an earlier one (exposure, then level).
     */
    private static void assertWavesInOrderAndInPriorityOrder(List<Received> events) {
        Map<Integer, List<RestartEvent>> waves = waves(events);
        assertThat(waves.keySet()).as("waves released").containsExactlyElementsOf(
                java.util.stream.IntStream.rangeClosed(1, waves.size()).boxed().toList());
        Map<String, java.time.Instant> verifiedAt = new HashMap<>();
        events.stream().filter(e -> e.event().status() == RestartStatus.VERIFIED)
                .forEach(e -> verifiedAt.merge(e.event().restartId(), e.event().occurredAt(), (a, b) -> a.isBefore(b) ? a : b));
        for (int wave = 2; wave <= waves.size(); wave++) {
            java.time.Instant previousDone = waves.get(wave - 1).stream().map(r -> verifiedAt.get(r.restartId()))
                    .max(Comparator.naturalOrder()).orElseThrow();
            java.time.Instant released = waves.get(wave).stream().map(RestartEvent::occurredAt).min(Comparator.naturalOrder()).orElseThrow();
            assertThat(released).as("wave %d released after wave %d was verified", wave, wave - 1).isAfterOrEqualTo(previousDone);
            int worstBefore = waves.get(wave - 1).stream().mapToInt(RestartPlanIT::rank).max().orElseThrow();
            int bestNow = waves.get(wave).stream().mapToInt(RestartPlanIT::rank).min().orElseThrow();
            assertThat(bestNow).as("wave %d ranks no higher than wave %d: %s then %s", wave, wave - 1, waves.get(wave - 1), waves.get(wave))
                    .isGreaterThanOrEqualTo(worstBefore);
        }
    }

    /** Lower is more urgent: public first, then CRITICAL, HIGH, MEDIUM, LOW. */
    private static int rank(RestartEvent restart) {
        int exposure = restart.exposure() == Exposure.PUBLIC ? 0 : 1;
        int level = restart.level() == null ? PriorityLevel.values().length : PriorityLevel.values().length - 1 - restart.level().ordinal();
        return exposure * 10 + level;
    }

    /** Each released restart, by wave (the first restart.scheduled of each restart id). */
    private static Map<Integer, List<RestartEvent>> waves(List<Received> events) {
        Map<String, RestartEvent> released = new LinkedHashMap<>();
        events.stream().filter(e -> e.event().status() == RestartStatus.SCHEDULED).forEach(e -> released.putIfAbsent(e.event().restartId(), e.event()));
        return released.values().stream().collect(Collectors.groupingBy(RestartEvent::wave, TreeMap::new, Collectors.toList()));
    }

    private static void assertVerifiedExactlyOnce(List<Received> events, int expected) {
        Map<String, Long> verifications = events.stream().filter(e -> e.event().status() == RestartStatus.VERIFIED)
                .collect(Collectors.groupingBy(e -> e.event().restartId(), Collectors.counting()));
        assertThat(verifications).as("restart.verified per restart").hasSize(expected).allSatisfy((id, count) -> assertThat(count).isEqualTo(1));
        assertThat(events).as("no restart failed").noneMatch(e -> e.event().status() == RestartStatus.FAILED);
    }

    private static Set<String> distinct(List<Received> events, RestartStatus status) {
        return events.stream().filter(e -> e.event().status() == status).map(e -> e.event().restartId()).collect(Collectors.toSet());
    }

    /**
     * The plan's restart.* events, each once: a redelivery of the same event (same ce_id: the outbox relay publishes at
     * least once) is the same event, not a second verification or command.
     */
    private static List<Received> restartEvents(String plan) {
        List<Received> events = new ArrayList<>();
        Set<String> ids = new java.util.HashSet<>();
        for (KafkaEvents.ReceivedEvent record : kafka.readAll(Topics.RESTARTS)) {
            String type = record.type();
            if (type == null || !type.startsWith("io.restartwatch.restart.") || !ids.add(record.headers().get(CloudEventHeaders.ID))) {
                continue;
            }
            RestartEvent event = EventJson.read(record.value(), RestartEvent.class);
            if (plan.equals(event.planId())) {
                events.add(new Received(type, record.headers().get(CloudEventHeaders.SOURCE), event));
            }
        }
        assertThat(events).allSatisfy(e -> assertThat(e.type()).isEqualTo(typeOf(e.event().status())));
        return events;
    }

    private static String typeOf(RestartStatus status) {
        return switch (status) {
            case SCHEDULED -> EventTypes.RESTART_SCHEDULED;
            case STARTED -> EventTypes.RESTART_STARTED;
            case VERIFIED -> EventTypes.RESTART_VERIFIED;
            case FAILED -> EventTypes.RESTART_FAILED;
            case CANCELLED -> EventTypes.RESTART_CANCELLED;
        };
    }

    // --- the system's APIs ----------------------------------------------------------------------------------------

    private static void putPolicy(String application) {
        system.asAdmin("plan-service").contentType(ContentType.JSON).body("""
                        {"timeZone":"UTC","windows":[],"blackouts":[],"maxUnavailable":"%d","restartTimeout":"PT5M"}"""
                        .formatted(MAX_UNAVAILABLE))
                .when().put("/api/restart-policies/{application}", application).then().log().ifValidationFails().statusCode(200);
    }

    /** plan-service's read model knows every server as pending (servers, priorities, checks consumed). */
    private static void awaitPreviewed(String application, int servers) {
        Awaitility.await(application + " previewed with all its servers").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1))
                .untilAsserted(() -> {
                    JsonPath preview = system.asAdmin("plan-service").contentType(ContentType.JSON)
                            .body("{\"application\":\"" + application + "\"}")
                            .when().post("/api/plans/preview").then().statusCode(200).extract().jsonPath();
                    assertThat(preview.getList("waves.restarts.flatten()")).as(preview.prettify()).hasSize(servers);
                });
    }

    private static String createAndApprove(String application) {
        String plan = system.asAdmin("plan-service").contentType(ContentType.JSON).body("{\"application\":\"" + application + "\"}")
                .when().post("/api/plans").then().log().ifValidationFails().statusCode(201).extract().path("planId");
        system.asAdmin("plan-service").when().post("/api/plans/{id}/approve", plan).then().log().ifValidationFails().statusCode(200);
        return plan;
    }

    private static void awaitStatus(String plan, String status, Duration within) {
        Awaitility.await("plan " + plan + " " + status).atMost(within).pollInterval(Duration.ofSeconds(1))
                .untilAsserted(() -> {
                    JsonPath view = system.asAdmin("plan-service").when().get("/api/plans/{id}", plan).then().statusCode(200).extract().jsonPath();
                    assertThat(view.getString("status")).as(view.prettify()).isEqualTo(status);
                });
    }

    private static int openRebootNotifications(String application) {
        return system.asAdmin("notification-service").queryParam("kind", "REBOOT").queryParam("status", "OPEN")
                .queryParam("applicationId", application)
                .when().get("/api/notifications").then().statusCode(200).extract().jsonPath().getList("items").size();
    }

    /**
     * Registers an agent server (open to the internet or internal), writes its fake root with a pending restart, and
     * starts its agent loop in execute mode (its first run reports the pending restart).
     */
    private static void registerAgentServer(String id, String application, boolean internetFacing, int pendingDays, List<String> packages)
            throws IOException {
        String sources = internetFacing ? "\"0.0.0.0/0\",\"::/0\"" : "\"10.0.0.0/8\"";
        int port = internetFacing ? 443 : 9100;
        system.asAdmin("check-service").contentType(ContentType.JSON).body("""
                        {"id":"%s","hostname":"%s.example.com","applicationId":"%s","environment":"production",
                         "openPorts":[{"port":%d,"protocol":"tcp","sources":[%s]}],"probeKind":"agent"}"""
                        .formatted(id, id, application, port, sources))
                .when().post("/api/servers").then().log().ifValidationFails().statusCode(201);
        String token = system.asAdmin("check-service").when().post("/api/servers/{id}/agent-token", id)
                .then().statusCode(200).extract().path("token");
        Path root = FakeServerRoot.write(workDir.resolve("roots/" + id), pendingDays, packages);
        // Only the declared port listens: an undeclared listener would weigh in the exposure of its own.
        FakeServerRoot.listening(root, List.of(port));
        agents.put(id, AgentLoop.start(id, root, token));
    }

    /** How many times the server's fake reboot ran (agent/testing/fake-reboot logs one line per run in its root). */
    private static int reboots(String server) throws IOException {
        Path log = agents.get(server).root.resolve("var/log/fake-reboots");
        return Files.exists(log) ? Files.readAllLines(log).size() : 0;
    }

    /**
     * The real agent script, run with {@code --if-due} in a loop as its systemd timer runs it, in execute mode, against
     * the server's fake root with its own state directory. The reboot command is agent/testing/fake-reboot: what a
     * reboot does to the fake root (a new boot id, no sentinel), logged. A pause file makes the loop skip its turns.
     */
    private static final class AgentLoop {
        final Path root;
        private final Path pauseFile;
        private final Process loop;

        private AgentLoop(Path root, Path pauseFile, Process loop) {
            this.root = root;
            this.pauseFile = pauseFile;
            this.loop = loop;
        }

        static AgentLoop start(String server, Path root, String token) throws IOException {
            Path agentDir = Files.createDirectories(workDir.resolve("agents/" + server));
            Path pauseFile = agentDir.resolve("paused");
            ProcessBuilder builder = new ProcessBuilder("/bin/sh", "-c",
                    "while :; do [ -e \"$1\" ] || /bin/sh \"$0\" --if-due; sleep " + TIMER_SECONDS + "; done",
                    system.root.resolve("agent/restartwatch-agent").toString(), pauseFile.toString())
                    .redirectErrorStream(true).redirectOutput(agentDir.resolve("agent.log").toFile());
            Map<String, String> env = builder.environment();
            env.put("RESTARTWATCH_CONF", "/nonexistent/agent.conf");
            env.put("RESTARTWATCH_URL", system.url("check-service"));
            env.put("RESTARTWATCH_SERVER_ID", server);
            env.put("RESTARTWATCH_TOKEN", token);
            env.put("RESTARTWATCH_ROOT", root.toString());
            env.put("RESTARTWATCH_STATE_DIR", Files.createDirectories(agentDir.resolve("state")).toString());
            env.put("RESTARTWATCH_EXECUTE", "1");
            env.put("RESTARTWATCH_REBOOT_COMMAND", system.root.resolve("agent/testing/fake-reboot").toString());
            return new AgentLoop(root, pauseFile, builder.start());
        }

        void paused(boolean paused) {
            try {
                if (paused) {
                    Files.writeString(pauseFile, "");
                } else {
                    Files.deleteIfExists(pauseFile);
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        void stop() {
            loop.descendants().forEach(ProcessHandle::destroy);
            loop.destroy();
            try {
                loop.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
