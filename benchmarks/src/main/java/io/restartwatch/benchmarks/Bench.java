package io.restartwatch.benchmarks;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.LongFunction;
import java.util.function.LongPredicate;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import io.restartwatch.contracts.CheckCompleted;
import io.restartwatch.contracts.CheckOutcome;
import io.restartwatch.contracts.CheckTrigger;
import io.restartwatch.contracts.CloudEventHeaders;
import io.restartwatch.contracts.EventJson;
import io.restartwatch.contracts.OpenPort;
import io.restartwatch.contracts.ServerSnapshot;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * What every {@link Figure} works with: the options, the running system, the SSH targets, the watcher of
 * restartwatch.notifications and the results; and the small operations they share (HTTP calls, registering a
 * server, publishing CloudEvents, waiting with a deadline).
 */
final class Bench {

    static final String JAVA = ProcessHandle.current().info().command().orElse("java");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final List<OpenPort> INTERNAL = List.of(new OpenPort(22, "tcp", List.of("10.0.0.0/8")));

    final BenchOptions options;
    final BenchStack stack;
    final SshTargets ssh;
    final Results results;
    final EventWatcher notifications;
    /** Kafka's own producer on the same broker (records/s), once {@link RawKafkaReference} ran; NaN before. */
    double rawRecordsPerSecond = Double.NaN;

    Bench(BenchOptions options, BenchStack stack, SshTargets ssh, Results results, EventWatcher notifications) {
        this.options = options;
        this.stack = stack;
        this.ssh = ssh;
        this.results = results;
        this.notifications = notifications;
    }

    // ---------------------------------------------------------------- waiting with a deadline

    /** A count polled by {@link #awaitAtLeast} and {@link #awaitAtMost}. */
    @FunctionalInterface
    interface Count {
        long get() throws Exception;
    }

    /**
     * Polls {@code count} every {@code every} until it reaches {@code expected}. On timeout the wait is recorded for
     * {@code figure} ({@code <figure>_timed_out} and a {@code failures} entry with what was seen) and false returned:
     * the caller decides whether the figure still means something, but the timeout is never passed over.
     */
    boolean awaitAtLeast(String figure, String what, long expected, Duration timeout, Duration every, Count count) throws Exception {
        return await(figure, seen -> what + ": " + seen + " of " + expected, seen -> seen >= expected, timeout, every, count);
    }

    /** Like {@link #awaitAtLeast}, until {@code count} falls to {@code limit} or below. */
    boolean awaitAtMost(String figure, String what, long limit, Duration timeout, Duration every, Count count) throws Exception {
        return await(figure, seen -> what + ": " + seen + ", expected at most " + limit, seen -> seen <= limit, timeout, every, count);
    }

    private boolean await(String figure, LongFunction<String> seenWhat, LongPredicate reached, Duration timeout, Duration every,
                          Count count) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long seen = count.get();
            if (reached.test(seen)) {
                return true;
            }
            if (System.nanoTime() > deadline) {
                results.timedOut(figure, seenWhat.apply(seen), timeout);
                return false;
            }
            Thread.sleep(every.toMillis());
        }
    }

    /** Waits until every consumer group has consumed every partition it reads to the end; a timeout is recorded. */
    boolean awaitDrained(String figure, Duration timeout) throws Exception {
        return awaitSettled(figure, timeout, Duration.ZERO, Duration.ofSeconds(1)) >= 0;
    }

    /**
     * Waits until every consumer group's lag is 0 and has stayed 0 for {@code hold} (a relay's events published late
     * show as lag again), polling every {@code every}. Returns when the lag first reached the 0 that held (nanoTime),
     * or -1 when {@code timeout} ran out (recorded).
     */
    long awaitSettled(String figure, Duration timeout, Duration hold, Duration every) throws Exception {
        long started = System.nanoTime();
        long deadline = started + timeout.toNanos();
        long zeroSince = -1;
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka()))) {
            while (true) {
                long lag = consumerLag(admin);
                long now = System.nanoTime();
                if (lag > 0) {
                    zeroSince = -1;
                } else {
                    zeroSince = zeroSince < 0 ? now : zeroSince;
                    if (now - zeroSince >= hold.toNanos()) {
                        log("Pipeline drained after %.0f s", (zeroSince - started) / 1e9);
                        return zeroSince;
                    }
                }
                if (now > deadline) {
                    results.timedOut(figure, "consumer groups drained: " + lag + " records of lag left", timeout);
                    return -1;
                }
                Thread.sleep(every.toMillis());
            }
        }
    }

    private static long consumerLag(Admin admin) throws Exception {
        long lag = 0;
        for (var group : admin.listConsumerGroups().all().get(30, TimeUnit.SECONDS)) {
            var committed = admin.listConsumerGroupOffsets(group.groupId()).partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
            var request = new HashMap<TopicPartition, OffsetSpec>();
            committed.keySet().forEach(tp -> request.put(tp, OffsetSpec.latest()));
            var ends = admin.listOffsets(request).all().get(30, TimeUnit.SECONDS);
            for (var entry : committed.entrySet()) {
                if (entry.getValue() != null) {
                    lag += Math.max(0, ends.get(entry.getKey()).offset() - entry.getValue().offset());
                }
            }
        }
        return lag;
    }

    // ---------------------------------------------------------------- databases

    Connection database(String name) throws SQLException {
        return DriverManager.getConnection(stack.jdbcUrl(name), "postgres", "postgres");
    }

    /**
     * PostgreSQL's table statistics once they have settled: a backend reports its counts about a second after a commit
     * when busy and within 10 s when idle (PGSTAT_IDLE_INTERVAL), so once a read has not changed for 11 s every commit
     * before that quiet stretch is in it. Read every 2 s for at most a minute; null when it never settled.
     */
    static <T> T settledStatistics(String what, java.util.concurrent.Callable<T> read) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        T last = read.call();
        long quietSince = System.nanoTime();
        while (System.nanoTime() < deadline) {
            Thread.sleep(2_000);
            T now = read.call();
            if (!now.equals(last)) {
                last = now;
                quietSince = System.nanoTime();
            } else if (System.nanoTime() - quietSince >= Duration.ofSeconds(11).toNanos()) {
                return now;
            }
        }
        log("  table statistics (%s) still changing after a minute", what);
        return null;
    }

    static long queryLong(Connection db, String sql) throws SQLException {
        try (Statement statement = db.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        }
    }

    // ---------------------------------------------------------------- HTTP

    /** Registers a server with check-service; an SSH server's account is {@code sshUser} on the SSH targets. */
    void register(String id, String application, String probeKind, String sshUser) throws IOException, InterruptedException {
        String address = "ssh".equals(probeKind) ? ",\"address\":{\"host\":\"127.0.0.1\",\"sshPort\":" + ssh.port() + "}" : "";
        String user = sshUser == null ? "" : ",\"sshUser\":\"" + sshUser + "\"";
        String body = "{\"id\":\"" + id + "\",\"hostname\":\"" + id + ".bench.internal\"" + address + ",\"applicationId\":\"" + application
                + "\",\"environment\":\"production\",\"labels\":{\"bench\":\"true\"},"
                + "\"openPorts\":[{\"port\":22,\"protocol\":\"tcp\",\"sources\":[\"10.0.0.0/8\"]}],\"probeKind\":\"" + probeKind + "\"" + user + "}";
        expect(send("POST", stack.url("check-service") + "/api/servers", body, admin()), 201);
    }

    /** Issues the agent token of a registered agent server. */
    String agentToken(String id) throws IOException, InterruptedException {
        HttpResponse<String> issued = send("POST", stack.url("check-service") + "/api/servers/" + id + "/agent-token", null, admin());
        expect(issued, 200);
        return (String) EventJson.read(issued.body(), Map.class).get("token");
    }

    Map<String, String> admin() {
        return Map.of("Authorization", stack.adminAuthorization());
    }

    static HttpResponse<String> send(String method, String url, String body, Map<String, String> headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        headers.forEach(request::header);
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    static void expect(HttpResponse<String> response, int status) {
        if (response.statusCode() != status) {
            throw new IllegalStateException(response.request().method() + " " + response.request().uri() + " answered "
                    + response.statusCode() + ": " + response.body());
        }
    }

    static String hmac(String secret, String message) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return HexFormat.of().formatHex(mac.doFinal(message.getBytes(StandardCharsets.UTF_8)));
    }

    // ---------------------------------------------------------------- Kafka

    KafkaProducer<String, String> producer(String lingerMs) {
        Properties config = new Properties();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka());
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.LINGER_MS_CONFIG, lingerMs);
        config.put(ProducerConfig.BATCH_SIZE_CONFIG, "262144");
        return new KafkaProducer<>(config);
    }

    static ProducerRecord<String, String> cloudEvent(String topic, String key, String type, Object data) {
        var record = new ProducerRecord<>(topic, key, EventJson.write(data));
        record.headers().add(CloudEventHeaders.SPEC_VERSION, CloudEventHeaders.SPEC_VERSION_VALUE.getBytes(StandardCharsets.UTF_8));
        record.headers().add(CloudEventHeaders.ID, UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8));
        record.headers().add(CloudEventHeaders.TYPE, type.getBytes(StandardCharsets.UTF_8));
        record.headers().add(CloudEventHeaders.SOURCE, "/restartwatch/benchmarks".getBytes(StandardCharsets.UTF_8));
        record.headers().add(CloudEventHeaders.TIME, Instant.now().toString().getBytes(StandardCharsets.UTF_8));
        record.headers().add(CloudEventHeaders.SUBJECT, key.getBytes(StandardCharsets.UTF_8));
        record.headers().add(CloudEventHeaders.CONTENT_TYPE, CloudEventHeaders.JSON.getBytes(StandardCharsets.UTF_8));
        return record;
    }

    /**
     * A {@code check.completed} that finds a restart required, of a server whose state holds still between checks as
     * a real one's does until it reboots: the same snapshot (revision 1, changed at {@code since}), the same boot id,
     * the same packages and reboot-required time. Only the check's id and time are new.
     */
    static CheckCompleted rebootRequiredSince(String serverId, String applicationId, Instant since) {
        ServerSnapshot server = new ServerSnapshot(ServerSnapshot.SCHEMA_VERSION, serverId, 1, false, serverId + ".bench.internal",
                applicationId, "production", Map.of("bench", "true"), INTERNAL, "ssh", since);
        return new CheckCompleted(CheckCompleted.SCHEMA_VERSION, UUID.randomUUID().toString(), serverId, Instant.now(),
                CheckTrigger.SCHEDULED, CheckOutcome.REBOOT_REQUIRED, null, List.of("libssl3", "openssh-server"), since,
                UUID.nameUUIDFromBytes(serverId.getBytes(StandardCharsets.UTF_8)).toString(), "6.8.0-45-generic", "6.8.0-45-generic",
                server, null, null, null, null);
    }

    /** A {@code check.completed} that finds a restart required (internal ports only, the server snapshot inside). */
    static CheckCompleted rebootRequired(String serverId, String applicationId) {
        Instant now = Instant.now();
        ServerSnapshot server = new ServerSnapshot(ServerSnapshot.SCHEMA_VERSION, serverId, now.toEpochMilli(), false,
                serverId + ".bench.internal", applicationId, "production", Map.of("bench", "true"), INTERNAL, "ssh", now);
        return new CheckCompleted(CheckCompleted.SCHEMA_VERSION, UUID.randomUUID().toString(), serverId, now, CheckTrigger.SCHEDULED,
                CheckOutcome.REBOOT_REQUIRED, null, List.of("libssl3", "openssh-server"), now.minus(Duration.ofDays(2)),
                UUID.randomUUID().toString(), "6.8.0-45-generic", "6.8.0-45-generic", server, null, null, null, null);
    }

    // ---------------------------------------------------------------- formatting

    static double round1(double value) {
        return Math.round(value * 10) / 10.0;
    }

    static double round2(double value) {
        return Math.round(value * 100) / 100.0;
    }

    static void log(String format, Object... args) {
        System.err.printf("[bench] " + format + "%n", args);
    }
}
