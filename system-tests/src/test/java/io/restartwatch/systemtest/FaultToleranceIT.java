package io.restartwatch.systemtest;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
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
import org.apache.kafka.common.utils.Utils;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The fault suite: all five services as separate processes (the broker in a process of its own, child of the
 * launcher), a 10k-server fleet split into one slice per scenario, and a scripted stream of check results per slice
 * (every server opens, every third escalates, every fourth clears) whose final state is known. Mid-stream, each
 * scenario breaks something: kill -9 a service (one of them while its outbox relay is mid-pass), restart or SIGKILL
 * Kafka, PostgreSQL or the launcher, move partitions twice, inject poison records.
 *
 * <p>At injection the test measures that the fault lands mid-stream — records still unacknowledged by Kafka (or still
 * in an outbox) and notification-service's database not yet in the final state — and fails otherwise. Afterwards:
 * the notification state equals the expected state; then a marker check per partition passes every stage, and only
 * then is {@code restartwatch.notifications} read, to the end: exactly one event per real transition. Each scenario
 * prints {@code scenario=<name> expected=N observed=N lost=N duplicated=N mid_stream=true|false}, also into
 * {@code system-tests/target/fault-scenarios.txt}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultToleranceIT {

    private static final int FLEET = 10_000;
    private static final int SCENARIOS = 12;
    private static final int SLICE = FLEET / SCENARIOS;
    /** Records per second of a paced stream: long enough (~11 s) for a fault to land inside it. */
    private static final int RATE = 120;
    /**
     * While the rebalance scenario's second instances start, its stream trickles on at this rate: the remaining records
     * then last ~6 min, longer than two JVMs take to start on a loaded 2-core machine (up to ~165 s seen).
     */
    private static final int TRICKLE_RATE = 3;
    /** Extra instances may take that long to be ready when the machine is loaded. */
    private static final Duration INSTANCE_READY_WITHIN = Duration.ofMinutes(5);
    private static final Duration SETTLE = Duration.ofMinutes(4);
    private static final List<OpenPort> INTERNAL = List.of(new OpenPort(22, "tcp", List.of("10.0.0.0/8")));
    /** OutboxRelay's advisory lock (0x5245_4C41_59) as pg_locks shows a bigint key: classid = high half, objid = low half. */
    private static final String RELAY_LOCK_HELD = """
            select exists (select 1 from pg_locks where locktype = 'advisory' and granted and classid = 82 and objid = 1162625369
              and objsubid = 1 and database = (select oid from pg_database where datname = current_database()))""";

    private static SystemUnderTest system;
    private static KafkaEvents kafka;
    private static final Map<String, String> summaries = new LinkedHashMap<>();

    @BeforeAll
    static void start() throws Exception {
        system = new SystemUnderTest().withKafkaInOwnProcess().start();
        kafka = new KafkaEvents(system.kafkaBootstrap());
        Files.deleteIfExists(scenarioFile());
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
        runScenario(0, "kill-priority-service", RATE, run -> {
            run.gate(1.0 / 3);
            run.atFault();
            killAndRestart("priority-service");
        });
    }

    @Test
    @Order(2)
    void killNotificationServiceMidStream() throws Exception {
        runScenario(1, "kill-notification-service", RATE, run -> {
            run.gate(1.0 / 3);
            run.atFault();
            killAndRestart("notification-service");
        });
    }

    @Test
    @Order(3)
    void killCheckServiceMidStream() throws Exception {
        runScenario(2, "kill-check-service", RATE, run -> {
            run.gate(1.0 / 3);
            run.atFault();
            killAndRestart("check-service");
        });
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
        AtomicInteger answered = new AtomicInteger();
        AtomicInteger metTheOutage = new AtomicInteger();
        CompletableFuture<Void> deploys = CompletableFuture.runAsync(() -> {
            long[] due = {System.nanoTime()};
            for (String id : deployIds) {
                due[0] = pace(due[0], 6); // ~10 s of deploys, as a busy CI would send them
                if (postDeployUntilAnswered(app, id, token)) {
                    metTheOutage.incrementAndGet();
                }
                answered.incrementAndGet();
            }
        });
        runScenario(3, "kill-deploy-hook-service", RATE, run -> {
            run.gate(1.0 / 3, () -> answered.get() >= deployIds.size() / 3);
            int answeredAtFault = answered.get();
            run.atFault(answeredAtFault < deployIds.size() && run.acknowledged.getAsLong() < run.total, "deploys_answered_at_fault=%d/%d".formatted(answeredAtFault, deployIds.size()));
            killAndRestart("deploy-hook-service");
        });
        deploys.get();

        // Duplicates are counted once a later deploy of the same application (same key, same partition) is on the topic.
        postDeployUntilAnswered(app, "deploy-marker", token);
        kafka.awaitEvents(Topics.DEPLOYS, SETTLE, e -> app.equals(e.key()) && "deploy-marker".equals(deployId(e)), 1);
        Map<String, Long> published = kafka.readAll(Topics.DEPLOYS).stream()
                .filter(e -> app.equals(e.key()) && !"deploy-marker".equals(deployId(e)))
                .collect(Collectors.groupingBy(FaultToleranceIT::deployId, Collectors.counting()));
        long lost = deployIds.stream().filter(id -> !published.containsKey(id)).count();
        long duplicated = published.values().stream().mapToLong(n -> n - 1).sum();
        record("kill-deploy-hook-service/deploys", "scenario=kill-deploy-hook-service/deploys expected=%d observed=%d lost=%d duplicated=%d met_outage=%d"
                .formatted(deployIds.size(), published.values().stream().mapToLong(Long::longValue).sum(), lost, duplicated, metTheOutage.get()));
        assertThat(metTheOutage.get()).as("deploy requests that met the outage (connection refused or 5xx)").isPositive();
        assertThat(lost).isZero();
        assertThat(duplicated).isZero();
    }

    /**
     * A burst fills priority-service's outbox; the kill lands while its relay holds the relay lock (a pass between
     * reading its batch and committing) with rows still in the outbox. The restarted relay finds what the dead pass
     * already sent past its stored positions and drops those rows instead of sending them again.
     */
    @Test
    @Order(5)
    void killPriorityServiceWhileItsRelayIsMidPass() throws Exception {
        runScenario(4, "kill-priority-service-mid-relay-pass", 0, run -> {
            try (Connection priority = DriverManager.getConnection(system.jdbcUrl("priority"), "postgres", "postgres");
                 var outbox = priority.prepareStatement("select count(*) from outbox_event");
                 var relayLock = priority.prepareStatement(RELAY_LOCK_HELD)) {
                long[] pending = {0};
                Awaitility.await("priority-service's outbox holding a batch while its relay is mid-pass")
                        .atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(5)).until(() -> {
                            pending[0] = single(outbox);
                            return pending[0] >= 100 && single(relayLock) == 1;
                        });
                system.kill("priority-service");
                run.atFault(pending[0] > 0, "outbox_rows_at_kill=%d relay_pass_held=true".formatted(pending[0]));
            }
            system.restart("priority-service");
            long skipped = Files.readAllLines(system.log("priority-service"), StandardCharsets.ISO_8859_1).stream()
                    .filter(line -> line.contains("from an unfinished pass"))
                    .mapToLong(line -> Long.parseLong(line.replaceAll(".*Outbox relay: (\\d+) events.*", "$1"))).sum();
            run.note("unfinished_pass_rows_dropped=" + skipped);
        });
    }

    @Test
    @Order(6)
    void restartKafkaMidStream() throws Exception {
        runScenario(5, "restart-kafka", RATE, run -> {
            run.gate(1.0 / 3);
            run.atFault();
            system.restartKafka();
        });
    }

    @Test
    @Order(7)
    void sigkillKafkaMidStream() throws Exception {
        runScenario(6, "kafka-sigkill", RATE, run -> {
            run.gate(1.0 / 3);
            run.atFault();
            system.sigkillKafka();
        });
    }

    @Test
    @Order(8)
    void restartPostgresMidStream() throws Exception {
        runScenario(7, "restart-postgres", RATE, run -> {
            run.gate(1.0 / 3);
            run.atFault();
            system.restartPostgres();
        });
    }

    @Test
    @Order(9)
    void sigkillPostgresMidStream() throws Exception {
        runScenario(8, "postgres-sigkill", RATE, run -> {
            run.gate(1.0 / 3);
            run.atFault();
            try (OperatorReads reads = new OperatorReads()) {
                AtomicReference<Instant> deadAt = new AtomicReference<>();
                Instant restartedAt = system.sigkillPostgres(() -> {
                    deadAt.set(Instant.now());
                    reads.readOnceMore(); // one read surely started while the database was dead, whatever the loop's timing
                });
                reads.awaitAnswered200StartedAfterAndStop(restartedAt);
                String summary = reads.summary(deadAt.get(), restartedAt);
                run.note(summary);
                assertThat(reads.count("other")).as("every read answered 200 or 503 with Retry-After: " + summary).isZero();
                assertThat(reads.metOutage(deadAt.get(), restartedAt)).as("reads met the outage: " + summary).isPositive();
            }
        });
    }

    @Test
    @Order(10)
    void sigkillLauncherMidStream() throws Exception {
        runScenario(9, "launcher-sigkill", RATE, run -> {
            run.gate(1.0 / 3);
            run.atFault();
            system.sigkillLauncher();
        });
    }

    /**
     * A second instance of each service of the stream's path (priority-service, notification-service) joins its
     * consumer groups mid-stream (the stream trickles on while they start), then the first instances are killed and the
     * rest of the stream comes at full rate: partitions move twice with records flowing. The second instances stay for
     * the rest of the suite.
     */
    @Test
    @Order(11)
    void partitionsMoveTwiceUnderLoad() throws Exception {
        runScenario(10, "rebalance", RATE, run -> {
            run.gate(0.2);
            run.rate.set(TRICKLE_RATE);
            run.atFault();
            system.startInstances(Map.of("priority-service-2", "priority-service", "notification-service-2", "notification-service"),
                    INSTANCE_READY_WITHIN);
            run.atFault();
            system.killForGood("priority-service");
            system.killForGood("notification-service");
            run.rate.set(RATE);
        });
    }

    @Test
    @Order(12)
    void poisonRecordsGoToTheirDeadLetterTopics() throws Exception {
        Map<String, String> poisonKeys = new LinkedHashMap<>();
        runScenario(11, "poison-events", RATE, run -> {
            run.gate(1.0 / 3);
            run.atFault();
            try (var publisher = kafka.publisher()) {
                for (String topic : List.of(Topics.DEPLOYS, Topics.SERVERS, Topics.CHECKS, Topics.PRIORITIES, Topics.RESTARTS)) {
                    String key = "poison-" + UUID.randomUUID().toString().substring(0, 8);
                    poisonKeys.put(topic, key);
                    publisher.sendRaw(topic, key, "{not json", Map.of(CloudEventHeaders.ID, key, CloudEventHeaders.TYPE, "io.restartwatch.garbage"));
                }
            }
        });
        // Each consuming group dead-letters what it cannot read, once: restartwatch.servers and .checks are also read by
        // notification-service's fleet read model (the pages), in a group of its own, and by plan-service;
        // restartwatch.priorities by notification-service (its lifecycle, which also keeps the fleet view's priorities:
        // one group) and plan-service; restartwatch.restarts by check-service (the agent's commands),
        // notification-service and plan-service.
        Map<String, Integer> consumingGroups = Map.of(Topics.DEPLOYS, 1, Topics.SERVERS, 3, Topics.CHECKS, 3, Topics.PRIORITIES, 2,
                Topics.RESTARTS, 3);
        for (var poison : poisonKeys.entrySet()) {
            int groups = consumingGroups.get(poison.getKey());
            List<ReceivedEvent> dead = kafka.awaitEvents(Topics.deadLetter(poison.getKey()), Duration.ofSeconds(60),
                    e -> poison.getValue().equals(e.key()), groups);
            assertThat(dead).as("dead letters of %s", poison.getKey()).hasSize(groups);
            assertThat(dead).allSatisfy(d -> assertThat(d.headers()).containsKey("dead-letter-reason"));
        }
        record("poison-events/dlq", "scenario=poison-events/dlq expected=%d observed=%d lost=0 duplicated=0"
                .formatted(poisonKeys.size(), poisonKeys.size()));
    }

    // ---------------------------------------------------------------------------------------------------

    private interface Fault {
        void inject(Run run) throws Exception;
    }

    /** One scenario's stream as the fault sees it: how far it got, and the mid-stream measurements taken at injection. */
    private static final class Run {

        final List<String> servers;
        final int total;
        final CompletableFuture<Void> stream;
        final java.util.function.LongSupplier acknowledged;
        /** Records per second of the stream from now on (0: no limit). */
        final AtomicInteger rate;
        final List<Boolean> midStream = new ArrayList<>();
        final List<String> notes = new ArrayList<>();

        Run(List<String> servers, int total, CompletableFuture<Void> stream, java.util.function.LongSupplier acknowledged, AtomicInteger rate) {
            this.rate = rate;
            this.servers = servers;
            this.total = total;
            this.stream = stream;
            this.acknowledged = acknowledged;
        }

        /** Waits until {@code fraction} of the stream is acknowledged (by Kafka, or 202 for agent reports). */
        void gate(double fraction) {
            gate(fraction, () -> true);
        }

        void gate(double fraction, BooleanSupplier andAlso) {
            Awaitility.await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(20))
                    .failFast("the stream ended before the gate", stream::isDone)
                    .until(() -> acknowledged.getAsLong() >= total * fraction && andAlso.getAsBoolean());
        }

        /** Measures, just before a fault: records still unacknowledged and the final state not reached. */
        void atFault() throws Exception {
            atFault(acknowledged.getAsLong() < total, "");
        }

        /** As {@link #atFault()}, with what the scenario counts as still in flight, and fields to print. */
        void atFault(boolean inFlight, String fields) throws Exception {
            long acked = acknowledged.getAsLong();
            int settled = settled();
            midStream.add(inFlight && settled < servers.size());
            notes.add("at_fault_%d=acked:%d/%d,settled:%d/%d%s".formatted(midStream.size(), acked, total, settled, servers.size(),
                    fields.isEmpty() ? "" : "," + fields.replace(' ', ',')));
        }

        void note(String note) {
            notes.add(note);
        }

        /** How many of the slice's servers already have their final notification state. */
        int settled() throws Exception {
            return settledServers(servers);
        }
    }

    private static void runScenario(int slice, String name, int rate, Fault fault) throws Exception {
        List<String> servers = new ArrayList<>();
        for (int i = 0; i < SLICE; i++) {
            servers.add("ft-" + slice + "-" + i);
        }
        boolean viaAgents = name.equals("kill-check-service");
        Map<String, String> tokens = viaAgents ? registerAgents(servers) : Map.of();
        int total = servers.size() + expectedEscalations(servers) + expectedClears(servers);
        KafkaEvents.Publisher publisher = kafka.publisher();
        AtomicLong accepted = new AtomicLong();
        AtomicInteger currentRate = new AtomicInteger(rate);
        CompletableFuture<Void> stream = CompletableFuture.runAsync(() -> {
            try (publisher) {
                streamChecks(servers, tokens, publisher, accepted, currentRate);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Run run = new Run(servers, total, stream, viaAgents ? accepted::get : publisher::acknowledged, currentRate);
        fault.inject(run);
        stream.get();
        system.awaitAllReady();
        // The timeout message names how many servers reached their final state.
        Awaitility.await(name + ": servers of the slice in their final notification state").atMost(SETTLE).pollInterval(Duration.ofSeconds(2))
                .until(() -> settledServers(servers), settled -> settled == servers.size());

        // Only once a marker per partition has passed every stage is the topic read: a repeat the relay publishes late
        // comes before the marker of its partition.
        awaitMarkers(slice, viaAgents);
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
        boolean midStream = !run.midStream.isEmpty() && run.midStream.stream().allMatch(Boolean::booleanValue);
        String summary = "scenario=%s expected=%d observed=%d lost=%d duplicated=%d mid_stream=%s %s"
                .formatted(name, expected, seen, lost, duplicated, midStream, String.join(" ", run.notes));
        record(name, summary);
        assertThat(midStream).as("the fault landed mid-stream: " + summary).isTrue();
        assertThat(lost).as(summary).isZero();
        assertThat(duplicated).as(summary).isZero();
    }

    private static void record(String name, String summary) throws java.io.IOException {
        summaries.put(name, summary);
        System.out.println(summary);
        Files.writeString(scenarioFile(), summary + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    private static Path scenarioFile() {
        return system.root.resolve("system-tests/target/fault-scenarios.txt");
    }

    /**
     * Sends one marker check per partition of {@code restartwatch.checks} (and so of the notifications, keyed alike)
     * through the slice's path, and waits until each marker's notification is open and on the topic.
     */
    private static void awaitMarkers(int slice, boolean viaAgents) throws Exception {
        int partitions = Topics.PARTITIONS;
        List<String> markers = new ArrayList<>();
        java.util.Set<Integer> covered = new java.util.HashSet<>();
        for (int k = 0; covered.size() < partitions; k++) {
            String key = "ftm-" + slice + "-" + k;
            if (covered.add(Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions)) {
                markers.add(key);
            }
        }
        Instant now = Instant.now();
        if (viaAgents) {
            Map<String, String> tokens = registerAgents(markers);
            markers.forEach(marker -> reportUntilAccepted(marker, tokens.get(marker), true, List.of(), now));
        } else {
            try (var publisher = kafka.publisher()) {
                markers.forEach(marker -> publisher.send(Topics.CHECKS, marker, EventTypes.CHECK_COMPLETED, check(marker, now, true, List.of(), now)));
            }
        }
        Awaitility.await().atMost(SETTLE).pollInterval(Duration.ofSeconds(1)).until(() -> openNotifications(markers) == markers.size());
        kafka.awaitEvents(Topics.NOTIFICATIONS, SETTLE, e -> markers.contains(e.key()) && EventTypes.NOTIFICATION_OPENED.equals(e.type()),
                markers.size());
    }

    private static long single(java.sql.PreparedStatement query) throws java.sql.SQLException {
        try (ResultSet row = query.executeQuery()) {
            row.next();
            return row.getObject(1) instanceof Boolean held ? (held ? 1 : 0) : row.getLong(1);
        }
    }

    private static String deployId(ReceivedEvent event) {
        return event.value().replaceAll(".*\"deployId\":\"([^\"]+)\".*", "$1");
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

    /**
     * The slice's stream: through {@code publisher} (its acknowledged records count), or as agent reports when
     * {@code tokens} are given ({@code accepted} counts the 202s). {@code rate}: records per second, 0 for a burst; the
     * scenario may change it while the stream runs.
     */
    private static void streamChecks(List<String> servers, Map<String, String> tokens, KafkaEvents.Publisher publisher, AtomicLong accepted,
                                     AtomicInteger rate) {
        Instant base = Instant.now();
        long due = System.nanoTime();
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
                    due = pace(due, rate.get());
                    publisher.send(Topics.CHECKS, servers.get(i), EventTypes.CHECK_COMPLETED,
                            check(servers.get(i), base.plusMillis(phase * 1000L), required, packages, base));
                } else {
                    reportUntilAccepted(servers.get(i), tokens.get(servers.get(i)), required, packages, base);
                    accepted.incrementAndGet();
                }
            }
        }
        if (tokens.isEmpty()) {
            publisher.flush();
        }
    }

    /**
     * Holds a stream to {@code perSecond} (a client's send rate, not a wait for a condition; 0: no limit): waits until
     * {@code dueNanos}, when the next record may go, and returns when the one after it may.
     */
    private static long pace(long dueNanos, int perSecond) {
        if (perSecond <= 0) {
            return System.nanoTime();
        }
        long waitMillis = (dueNanos - System.nanoTime()) / 1_000_000;
        if (waitMillis > 0) {
            pause(Duration.ofMillis(waitMillis));
        }
        return Math.max(dueNanos, System.nanoTime() - 1_000_000_000L / perSecond) + 1_000_000_000L / perSecond;
    }

    private static CheckCompleted check(String server, Instant at, boolean required, List<String> packages, Instant since) {
        return new CheckCompleted(CheckCompleted.SCHEMA_VERSION, UUID.randomUUID().toString(), server, at, CheckTrigger.SCHEDULED,
                required ? CheckOutcome.REBOOT_REQUIRED : CheckOutcome.UP_TO_DATE, null, required ? packages : List.of(),
                required ? since : null, "boot-1", null, null,
                new ServerSnapshot(ServerSnapshot.SCHEMA_VERSION, server, 1, false, server + ".example.com", "ft-app",
                        "production", Map.of(), INTERNAL, "agent", since), null, null, null, null);
    }

    /** How many of {@code servers} are in their final state in notification-service's database. */
    private static int settledServers(List<String> servers) throws Exception {
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
        int settled = 0;
        for (int i = 0; i < servers.size(); i++) {
            String level = open.get(servers.get(i));
            boolean inFinalState = i % 4 == 0 ? level == null : (i % 3 == 0 ? "MEDIUM" : "LOW").equals(level);
            settled += inFinalState ? 1 : 0;
        }
        return settled;
    }

    private static int openNotifications(List<String> servers) throws Exception {
        try (Connection connection = DriverManager.getConnection(system.jdbcUrl("notification"), "postgres", "postgres");
             var statement = connection.prepareStatement("select count(*) from notification where status = 'OPEN' and server_id = any(?)")) {
            statement.setArray(1, connection.createArrayOf("text", servers.toArray()));
            try (ResultSet row = statement.executeQuery()) {
                row.next();
                return row.getInt(1);
            }
        }
    }

    private static void killAndRestart(String service) throws Exception {
        system.kill(service);
        system.restart(service);
    }

    /**
     * An operator reading the API while PostgreSQL is away: check-service's server list, one read at a time, 100 ms
     * apart. Each answer must be 200 (the pool waited the outage out: it retries a connection for up to its
     * acquisition timeout, 5 s) or 503 problem+json with Retry-After (come back shortly); a 500, another status or no
     * answer within 15 s counts as "other". A read met the outage when it started while the database was dead and was
     * answered 503, or 200 only once the database was back: it had to wait for it. (Times are the wall clock's, as the
     * launcher's supervisor logs its restart in another process.)
     */
    private static final class OperatorReads implements AutoCloseable {

        private record Read(Instant startedAt, Instant answeredAt, String answer) {
        }

        private final HttpRequest read = asAdmin(HttpRequest.newBuilder(URI.create(system.url("check-service") + "/api/servers?applicationId=ft-outage-reads"))
                .timeout(Duration.ofSeconds(15))).GET().build();
        private final AtomicBoolean stop = new AtomicBoolean();
        private final List<Read> reads = java.util.Collections.synchronizedList(new ArrayList<>());
        private volatile String firstOther = "";
        private final CompletableFuture<Void> loop = CompletableFuture.runAsync(this::readUntilStopped);
        private volatile CompletableFuture<Void> oneMore = CompletableFuture.completedFuture(null);

        private void readUntilStopped() {
            while (!stop.get() && readOnce()) {
                pause(Duration.ofMillis(100)); // an operator's refresh cadence, not a wait for a condition
            }
        }

        /** Starts one read now beside the loop's. */
        void readOnceMore() {
            oneMore = CompletableFuture.runAsync(this::readOnce);
        }

        /** @return false when interrupted */
        private boolean readOnce() {
            Instant startedAt = Instant.now();
            String answer;
            try {
                HttpResponse<String> response = HTTP.send(read, HttpResponse.BodyHandlers.ofString());
                boolean unavailable = response.statusCode() == 503 && response.headers().firstValue("Retry-After").isPresent()
                        && response.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json");
                answer = response.statusCode() == 200 ? "200" : unavailable ? "503" : "other";
                if (answer.equals("other") && firstOther.isEmpty()) {
                    firstOther = response.statusCode() + " " + response.body().substring(0, Math.min(200, response.body().length()));
                }
            } catch (java.io.IOException e) {
                answer = "other";
                if (firstOther.isEmpty()) {
                    firstOther = e.toString();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            reads.add(new Read(startedAt, Instant.now(), answer));
            return true;
        }

        /** Waits until a read that started after {@code since} answered 200, then stops reading. */
        void awaitAnswered200StartedAfterAndStop(Instant since) {
            Awaitility.await("a read answered 200 once PostgreSQL was back").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(100))
                    .failFast("the reader stopped", loop::isDone)
                    .until(() -> snapshot().stream().anyMatch(r -> !r.startedAt().isBefore(since) && r.answer().equals("200")));
            close();
        }

        private List<Read> snapshot() {
            synchronized (reads) {
                return List.copyOf(reads);
            }
        }

        long count(String answer) {
            return snapshot().stream().filter(r -> r.answer().equals(answer)).count();
        }

        private java.util.stream.Stream<Read> startedWhileDead(Instant deadAt, Instant restartedAt) {
            return snapshot().stream().filter(r -> !r.startedAt().isBefore(deadAt) && r.startedAt().isBefore(restartedAt));
        }

        /** Reads started while the database was dead, answered 503 or only once it was back. */
        long metOutage(Instant deadAt, Instant restartedAt) {
            return startedWhileDead(deadAt, restartedAt)
                    .filter(r -> r.answer().equals("503") || !r.answeredAt().isBefore(restartedAt))
                    .count();
        }

        String summary(Instant deadAt, Instant restartedAt) {
            long startedWhileDead = startedWhileDead(deadAt, restartedAt).count();
            long longest = snapshot().stream().mapToLong(r -> Duration.between(r.startedAt(), r.answeredAt()).toMillis()).max().orElse(0);
            return "api_reads=outage_ms:%d,started_while_dead:%d,met_outage:%d,200:%d,503:%d,other:%d,longest_ms:%d%s".formatted(
                    Duration.between(deadAt, restartedAt).toMillis(), startedWhileDead, metOutage(deadAt, restartedAt), count("200"),
                    count("503"), count("other"), longest, firstOther.isEmpty() ? "" : ",first_other:" + firstOther.replaceAll("\\s", "_"));
        }

        @Override
        public void close() {
            stop.set(true);
            loop.join();
            oneMore.join();
        }
    }

    // --- HTTP clients that behave like agents and pipelines: retry until answered ---------------------

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private static HttpResponse<String> sendUntilAnswered(HttpRequest request) {
        return sendUntilAnswered(request, new AtomicBoolean());
    }

    /** @param metOutage set when an attempt was refused or answered 5xx: the request met the service's outage */
    private static HttpResponse<String> sendUntilAnswered(HttpRequest request, AtomicBoolean metOutage) {
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
                metOutage.set(true);
            } catch (java.io.IOException e) {
                // the service is down: an agent tries again
                metOutage.set(true);
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

    /** Posts a deploy until it is answered; true if an attempt met the outage (refused or 5xx). */
    private static boolean postDeployUntilAnswered(String app, String deployId, String token) {
        String body = "{\"applicationId\":\"" + app + "\",\"deployId\":\"" + deployId + "\",\"status\":\"completed\"}";
        AtomicBoolean metOutage = new AtomicBoolean();
        HttpResponse<String> response = sendUntilAnswered(request("deploy-hook-service", "/api/deploys")
                .header("Authorization", "Bearer " + token).POST(HttpRequest.BodyPublishers.ofString(body)).build(), metOutage);
        assertThat(response.statusCode()).as(response.body()).isIn(200, 202);
        return metOutage.get();
    }
}
