package io.restartwatch.systemtest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restartwatch.contracts.CheckCompleted;
import io.restartwatch.contracts.EventTypes;
import io.restartwatch.contracts.NotificationEvent;
import io.restartwatch.contracts.NotificationKind;
import io.restartwatch.contracts.ServerFreshness;
import io.restartwatch.contracts.Topics;
import io.restartwatch.localstack.FakeServerRoot;
import io.restartwatch.testsupport.KafkaEvents;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Freshness end to end, the packaged services as separate processes: an SSH server whose host key is rotated and an
 * agent server that stops reporting become unverified after max-silence with nothing else happening (the
 * check-service's job finds them by time), and are verified again by their next good check; each transition is on
 * {@code restartwatch.freshness} exactly once, counted after the final state held for longer than a max-silence (and
 * every transition of a server's history is there once, with its sequence, alternating).
 */
class FreshnessIT {

    private static final Duration INTERVAL = Duration.ofSeconds(2);
    /** Several intervals: a good check delayed by a loaded machine must not make a server unverified. */
    private static final Duration MAX_SILENCE = Duration.ofSeconds(15);
    private static final Duration JOB_INTERVAL = Duration.ofSeconds(1);
    private static final String APP = "fresh-shop";
    private static final String SSH_SERVER = "fresh-ssh-1";
    private static final String AGENT_SERVER = "fresh-agent-1";

    private static SystemUnderTest system;
    private static SshTarget ssh;
    private static KafkaEvents kafka;
    private static final ScheduledExecutorService agent = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "agent-timer");
        thread.setDaemon(true);
        return thread;
    });

    @BeforeAll
    static void startSystem() throws Exception {
        system = new SystemUnderTest();
        Path root = FakeServerRoot.write(system.fleetDir.resolve(SSH_SERVER), -1, List.of());
        ssh = new SshTarget(system.fleetDir.resolveSibling("ssh"), root);
        ssh.trustCurrentHostKey();
        Map<String, String> checkService = new HashMap<>(ssh.checkServiceEnv());
        checkService.put("RESTARTWATCH_CHECKS_INTERVAL", INTERVAL.toString());
        checkService.put("RESTARTWATCH_CHECKS_MAX_SILENCE", MAX_SILENCE.toString());
        checkService.put("RESTARTWATCH_CHECKS_FRESHNESS_INTERVAL", JOB_INTERVAL.toString());
        system.startOneByOne(Map.of("check-service", checkService));
        kafka = new KafkaEvents(system.kafkaBootstrap());
    }

    @AfterAll
    static void stopSystem() throws Exception {
        agent.shutdownNow();
        if (system != null) {
            system.close();
        }
        if (ssh != null) {
            ssh.close();
        }
    }

    @Test
    void aRotatedHostKeyAndASilentAgentMakeServersUnverifiedOnceAndTheNextGoodCheckVerifiesThemOnce() throws Exception {
        register(SSH_SERVER, "\"probeKind\":\"ssh\",\"sshUser\":\"restartwatch\",\"address\":{\"host\":\"127.0.0.1\",\"sshPort\":%d}"
                .formatted(ssh.port()));
        register(AGENT_SERVER, "\"probeKind\":\"agent\"");
        String token = system.asAdmin("check-service").when().post("/api/servers/{id}/agent-token", AGENT_SERVER)
                .then().statusCode(200).extract().path("token");
        report(token);
        awaitState(SSH_SERVER, "VERIFIED");
        awaitState(AGENT_SERVER, "VERIFIED");

        // The SSH server is reinstalled (new host key, refused by strict checking); the agent stops reporting.
        ssh.rotateHostKey();
        Instant quiet = Instant.now();

        JsonPath sshUnverified = awaitState(SSH_SERVER, "UNVERIFIED");
        JsonPath agentUnverified = awaitState(AGENT_SERVER, "UNVERIFIED");
        System.out.printf("Freshness: unverified %d ms after the host key rotation / the agent's last report (max-silence %s)%n",
                Duration.between(quiet, Instant.now()).toMillis(), MAX_SILENCE);
        assertThat(sshUnverified.getString("reason")).isEqualTo("HOST_KEY_CHANGED");
        assertThat(sshUnverified.getString("lastAttemptReason")).isEqualTo("HOST_KEY_CHANGED");
        assertThat(agentUnverified.getString("reason")).isEqualTo("AGENT_SILENT");
        for (JsonPath unverified : List.of(sshUnverified, agentUnverified)) {
            assertThat(unverified.getString("maxSilence")).isEqualTo(MAX_SILENCE.toString());
            assertThat(Duration.between(Instant.parse(unverified.getString("lastVerifiedAt")), Instant.parse(unverified.getString("unverifiedSince"))))
                    .as("unverified only once max-silence passed").isGreaterThanOrEqualTo(MAX_SILENCE);
        }
        assertThat(system.asAdmin("check-service").queryParam("verified", "false").when().get("/api/servers")
                .then().statusCode(200).extract().jsonPath().getList("id", String.class)).containsExactlyInAnyOrder(SSH_SERVER, AGENT_SERVER);
        awaitUnverifiedGauge(2);

        ServerFreshness sshEvent = awaitFreshness(SSH_SERVER, EventTypes.SERVER_UNVERIFIED, quiet);
        assertThat(sshEvent.reason()).isEqualTo("HOST_KEY_CHANGED");
        assertThat(sshEvent.applicationId()).isEqualTo(APP);
        assertThat(awaitFreshness(AGENT_SERVER, EventTypes.SERVER_UNVERIFIED, quiet).reason()).isEqualTo("AGENT_SILENT");
        awaitBlindSpot(SSH_SERVER, "HOST_KEY_CHANGED");
        awaitBlindSpot(AGENT_SERVER, "AGENT_SILENT");

        // The operator pins the new key; the agent's timer reports again, every second from now on.
        ssh.trustCurrentHostKey();
        agent.scheduleWithFixedDelay(() -> report(token), 0, 1, TimeUnit.SECONDS);
        awaitState(SSH_SERVER, "VERIFIED");
        awaitState(AGENT_SERVER, "VERIFIED");
        Instant verifiedBy = Instant.now();
        assertThat(awaitFreshness(SSH_SERVER, EventTypes.SERVER_VERIFIED, quiet).sequence()).isEqualTo(sshEvent.sequence() + 1);
        awaitFreshness(AGENT_SERVER, EventTypes.SERVER_VERIFIED, quiet);

        // Count only after a later marker: a check of each server more than a max-silence (plus two job passes) after
        // both were verified again, so any further transition would have been made and published by then.
        Instant marker = verifiedBy.plus(MAX_SILENCE).plus(JOB_INTERVAL.multipliedBy(2));
        for (String server : List.of(SSH_SERVER, AGENT_SERVER)) {
            kafka.awaitEvents(Topics.CHECKS, Duration.ofSeconds(90),
                    e -> server.equals(e.key()) && e.data(CheckCompleted.class).checkedAt().isAfter(marker), 1);
            List<ServerFreshness> all = freshnessEvents(server);
            assertThat(all.stream().filter(e -> e.occurredAt().isAfter(quiet)))
                    .as("transitions of %s since the rotation / the agent's silence", server).extracting(ServerFreshness::verified)
                    .containsExactly(false, true);
            // Before that a slow first check (a loaded machine, a JVM warming up) may have made a round trip of its own
            // (NEVER_CHECKED, then verified): every transition is still there once, in order, alternating.
            for (int i = 0; i < all.size(); i++) {
                assertThat(all.get(i).sequence()).as("sequence of transition %d of %s", i, server).isEqualTo(all.get(0).sequence() + i);
                assertThat(all.get(i).verified()).isEqualTo(i % 2 == 1);
            }
            if (all.size() > 2) {
                System.out.printf("Freshness: %s had %d transitions before this test's own: %s%n", server, all.size() - 2,
                        all.subList(0, all.size() - 2).stream().map(e -> e.verified() ? "verified" : e.reason()).toList());
            }
            assertThat(state(server).getString("state")).isEqualTo("VERIFIED");
        }
        awaitUnverifiedGauge(0);

        assertNotificationLifecycle(SSH_SERVER, "HOST_KEY_CHANGED", quiet);
        assertNotificationLifecycle(AGENT_SERVER, "AGENT_SILENT", quiet);
    }

    /**
     * notification-service opened an UNVERIFIED notification for {@code serverId} with {@code reason} at
     * {@code server.unverified} and cleared it at {@code server.verified}: exactly one of each on
     * {@code restartwatch.notifications} since {@code since}. Called after the freshness transitions were counted past a
     * later marker, and once the cleared event is there, so a duplicate published later would be among those read.
     */
    private static void assertNotificationLifecycle(String serverId, String reason, Instant since) {
        kafka.awaitEvents(Topics.NOTIFICATIONS, Duration.ofSeconds(30), e -> serverId.equals(e.key())
                && EventTypes.NOTIFICATION_CLEARED.equals(e.type()) && unverifiedSince(e, since), 1);
        List<String> lifecycle = kafka.readAll(Topics.NOTIFICATIONS).stream()
                .filter(e -> serverId.equals(e.key()) && unverifiedSince(e, since))
                .map(e -> e.type() + " " + e.data(NotificationEvent.class).reason()).toList();
        assertThat(lifecycle).as("UNVERIFIED notification transitions of %s", serverId)
                .containsExactly(EventTypes.NOTIFICATION_OPENED + " " + reason, EventTypes.NOTIFICATION_CLEARED + " " + reason);
    }

    private static boolean unverifiedSince(KafkaEvents.ReceivedEvent event, Instant since) {
        NotificationEvent data = event.data(NotificationEvent.class);
        return data.kind() == NotificationKind.UNVERIFIED && data.occurredAt().isAfter(since);
    }

    /** While unverified, notification-service lists the server among the dashboard's blind spots. */
    private static void awaitBlindSpot(String serverId, String reason) {
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
            JsonPath open = system.asAdmin("notification-service").queryParam("kind", "UNVERIFIED")
                    .when().get("/api/servers/{id}/notifications", serverId).then().statusCode(200).extract().jsonPath();
            assertThat(open.getList("status", String.class)).containsExactly("OPEN");
            assertThat(open.getString("[0].reason")).isEqualTo(reason);
        });
    }

    private static void register(String id, String probe) {
        system.asAdmin("check-service").contentType(ContentType.JSON).body("""
                        {"id":"%s","hostname":"%s.example.com","applicationId":"%s","environment":"production",
                         "openPorts":[{"port":22,"protocol":"tcp","sources":["10.0.0.0/8"]}],%s}""".formatted(id, id, APP, probe))
                .when().post("/api/servers").then().statusCode(201);
    }

    private static void report(String token) {
        given().baseUri(system.url("check-service")).contentType(ContentType.JSON).header("Authorization", "Bearer " + token)
                .body("{\"serverId\":\"%s\",\"rebootRequired\":false,\"bootId\":\"b1\"}".formatted(AGENT_SERVER))
                .when().post("/api/agent/reports").then().statusCode(202);
    }

    private static JsonPath awaitState(String server, String state) {
        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).untilAsserted(() ->
                assertThat(state(server).getString("state")).isEqualTo(state));
        return state(server);
    }

    private static JsonPath state(String server) {
        return system.asAdmin("check-service").when().get("/api/servers/{id}", server)
                .then().statusCode(200).extract().jsonPath().setRootPath("freshness");
    }

    /** The first {@code type} transition of {@code server} that happened after {@code since}. */
    private static ServerFreshness awaitFreshness(String server, String type, Instant since) {
        return kafka.awaitEvents(Topics.FRESHNESS, Duration.ofSeconds(30), e -> server.equals(e.key()) && type.equals(e.type())
                        && e.data(ServerFreshness.class).occurredAt().isAfter(since), 1)
                .get(0).data(ServerFreshness.class);
    }

    /** Every transition of {@code server} on the topic, checking each record's type matches its data. */
    private static List<ServerFreshness> freshnessEvents(String server) {
        return kafka.readAll(Topics.FRESHNESS).stream().filter(e -> server.equals(e.key())).map(e -> {
            ServerFreshness data = e.data(ServerFreshness.class);
            assertThat(e.type()).isEqualTo(data.verified() ? EventTypes.SERVER_VERIFIED : EventTypes.SERVER_UNVERIFIED);
            return data;
        }).toList();
    }

    private static void awaitUnverifiedGauge(double expected) {
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            String metrics = given().baseUri(system.url("check-service")).accept("text/plain").when().get("/q/metrics")
                    .then().statusCode(200).extract().asString();
            String line = metrics.lines().filter(l -> l.startsWith("restartwatch_servers_unverified ")).findFirst().orElseThrow();
            assertThat(Double.parseDouble(line.substring(line.indexOf(' ') + 1).trim())).isEqualTo(expected);
        });
    }
}
