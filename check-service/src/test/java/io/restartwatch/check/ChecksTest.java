package io.restartwatch.check;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restartwatch.contracts.CheckCompleted;
import io.restartwatch.contracts.CheckOutcome;
import io.restartwatch.contracts.CheckTrigger;
import io.restartwatch.contracts.CloudEventHeaders;
import io.restartwatch.contracts.DeployCompleted;
import io.restartwatch.contracts.EventTypes;
import io.restartwatch.contracts.ServerSnapshot;
import io.restartwatch.contracts.Topics;
import io.restartwatch.testsupport.KafkaEvents;
import io.restartwatch.testsupport.LocalInfraResource;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(value = LocalInfraResource.class, initArgs = @ResourceArg(name = "database", value = "check"))
@WithTestResource(SshTestResource.class)
class ChecksTest {

    @ConfigProperty(name = "restartwatch.probe.local.base-dir")
    Path baseDir;

    private final KafkaEvents kafka = KafkaEvents.local();

    @Test
    void registeringPublishesASnapshotAndChecksAtOnce() {
        String id = "web-" + UUID.randomUUID().toString().substring(0, 8);
        Instant since = Instant.now().minus(2, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
        FakeServerRoot.under(baseDir, id).requireRestart(since, "linux-image-6.8.0-49-generic", "libc6", "libc6");

        register(id, "shop", "local");

        ServerSnapshot snapshot = kafka.awaitEvents(Topics.SERVERS, Duration.ofSeconds(20), e -> id.equals(e.key()), 1)
                .get(0).data(ServerSnapshot.class);
        assertThat(snapshot.applicationId()).isEqualTo("shop");
        assertThat(snapshot.openPorts()).singleElement().satisfies(p -> assertThat(p.openToAnywhere()).isTrue());

        CheckCompleted check = awaitCheck(id, c -> true);
        assertThat(check.outcome()).isEqualTo(CheckOutcome.REBOOT_REQUIRED);
        assertThat(check.packages()).containsExactly("linux-image-6.8.0-49-generic", "libc6");
        assertThat(check.requiredSince()).isEqualTo(since);
        assertThat(check.bootId()).isEqualTo("boot-" + id + "-1");

        given().when().get("/api/servers/{id}/checks", id)
                .then().statusCode(200).body("$", hasSize(1)).body("[0].outcome", equalTo("REBOOT_REQUIRED"));
    }

    @Test
    void aCompletedDeployRechecksTheApplicationsServersOnce() {
        String app = "app-" + UUID.randomUUID().toString().substring(0, 8);
        String id = app + "-1";
        FakeServerRoot root = registerWithRestartPending(id, app);

        root.reboot("boot-after-restart");
        var deploy = new DeployCompleted(DeployCompleted.SCHEMA_VERSION, "d-1", app, "production", List.of(),
                Instant.now(), "native", null, null);
        kafka.publish(Topics.DEPLOYS, app, EventTypes.DEPLOY_COMPLETED, deploy);
        kafka.publish(Topics.DEPLOYS, app, EventTypes.DEPLOY_COMPLETED, deploy); // a repeat of the same deploy id

        CheckCompleted recheck = awaitCheck(id, c -> c.trigger() == CheckTrigger.DEPLOY);
        assertThat(recheck.outcome()).isEqualTo(CheckOutcome.UP_TO_DATE);
        assertThat(recheck.bootId()).isEqualTo("boot-after-restart");

        // "Once" is judged after a later deploy's recheck (the marker, with a boot id of its own) is on the topic:
        // the deploys share a key and the checks share one, so a second recheck of d-1 would have come before it.
        root.reboot("boot-marker");
        kafka.publish(Topics.DEPLOYS, app, EventTypes.DEPLOY_COMPLETED, new DeployCompleted(DeployCompleted.SCHEMA_VERSION, "d-2", app,
                "production", List.of(), Instant.now(), "native", null, null));
        awaitCheck(id, c -> c.trigger() == CheckTrigger.DEPLOY && "boot-marker".equals(c.bootId()));
        List<String> deployChecks = kafka.readAll(Topics.CHECKS).stream()
                .filter(e -> id.equals(e.key()) && e.data(CheckCompleted.class).trigger() == CheckTrigger.DEPLOY)
                .map(e -> e.data(CheckCompleted.class).bootId()).toList();
        assertThat(deployChecks).containsExactly("boot-after-restart", "boot-marker");
    }

    /**
     * A deploy event that cannot be read goes to the dead-letter topic with why and where it came from (the channels'
     * failure strategy, {@code DeadLetterStrategy}), once, and the deploys after it are still applied.
     */
    @Test
    void anUnreadableDeployIsDeadLetteredWithItsReasonAndTheNextOneStillRechecks() {
        String app = "app-" + UUID.randomUUID().toString().substring(0, 8);
        String id = app + "-1";
        FakeServerRoot root = registerWithRestartPending(id, app);

        String poisonId = UUID.randomUUID().toString();
        String unreadable = "{\"applicationId\": [not json";
        kafka.publishRaw(Topics.DEPLOYS, app, unreadable, Map.of(
                CloudEventHeaders.SPEC_VERSION, CloudEventHeaders.SPEC_VERSION_VALUE, CloudEventHeaders.ID, poisonId,
                CloudEventHeaders.TYPE, EventTypes.DEPLOY_COMPLETED, CloudEventHeaders.SOURCE, "/restartwatch/tests",
                CloudEventHeaders.CONTENT_TYPE, CloudEventHeaders.JSON));
        root.reboot("boot-after-poison");
        kafka.publish(Topics.DEPLOYS, app, EventTypes.DEPLOY_COMPLETED, new DeployCompleted(DeployCompleted.SCHEMA_VERSION, "d-1", app,
                "production", List.of(), Instant.now(), "native", null, null));

        awaitCheck(id, c -> c.trigger() == CheckTrigger.DEPLOY && "boot-after-poison".equals(c.bootId()));
        var dead = kafka.awaitEvents(Topics.deadLetter(Topics.DEPLOYS), Duration.ofSeconds(30), e -> app.equals(e.key()), 1);
        assertThat(dead).singleElement().satisfies(letter -> {
            assertThat(letter.value()).isEqualTo(unreadable);
            assertThat(letter.id()).isEqualTo(poisonId);
            assertThat(letter.headers().get(CloudEventHeaders.DEAD_LETTER_REASON)).isNotBlank();
            assertThat(letter.headers()).containsEntry("dead-letter-topic", Topics.DEPLOYS)
                    .containsKeys("dead-letter-partition", "dead-letter-offset", "dead-letter-exception-class-name");
        });
    }

    /** A server with the local probe whose first check found a reboot required: its fake root, to reboot it by. */
    private FakeServerRoot registerWithRestartPending(String id, String app) {
        FakeServerRoot root = FakeServerRoot.under(baseDir, id).requireRestart(Instant.now(), "openssl");
        register(id, app, "local");
        awaitCheck(id, c -> c.outcome() == CheckOutcome.REBOOT_REQUIRED);
        return root;
    }

    @Test
    void agentReportsNeedTheServersToken() {
        String id = "agent-" + UUID.randomUUID().toString().substring(0, 8);
        register(id, "shop", "agent");
        String token = AgentServers.token(id);
        String report = """
                {"serverId":"%s","rebootRequired":true,"packages":["openssh-server"],"bootId":"b-1"}""".formatted(id);

        given().contentType(ContentType.JSON).body(report).when().post("/api/agent/reports")
                .then().statusCode(401).contentType("application/problem+json");
        given().contentType(ContentType.JSON).header("Authorization", "Bearer rwa_wrong").body(report)
                .when().post("/api/agent/reports")
                .then().statusCode(401).contentType("application/problem+json");
        given().contentType(ContentType.JSON).header("Authorization", "Bearer " + token).body(report)
                .when().post("/api/agent/reports")
                .then().statusCode(202).body("outcome", equalTo("REBOOT_REQUIRED"));

        CheckCompleted check = awaitCheck(id, c -> c.trigger() == CheckTrigger.AGENT);
        assertThat(check.packages()).containsExactly("openssh-server");
    }

    /** Reports arriving together share commits (group commit); each is still answered with its own check. */
    @Test
    void concurrentAgentReportsAreEachRecordedOnce() throws Exception {
        String app = "burst-" + UUID.randomUUID().toString().substring(0, 8);
        int servers = 40;
        Map<String, String> tokens = new ConcurrentHashMap<>();
        for (int i = 0; i < servers; i++) {
            String id = app + "-" + i;
            register(id, app, "agent");
            tokens.put(id, AgentServers.token(id));
        }
        ExecutorService pool = Executors.newFixedThreadPool(servers);
        try {
            List<Future<String>> answers = new ArrayList<>();
            for (var server : tokens.entrySet()) {
                answers.add(pool.submit(() -> given().contentType(ContentType.JSON).header("Authorization", "Bearer " + server.getValue())
                        .body("""
                                {"serverId":"%s","rebootRequired":true,"packages":["libc6"],"bootId":"b-1"}""".formatted(server.getKey()))
                        .when().post("/api/agent/reports")
                        .then().statusCode(202).extract().<String>path("checkId")));
            }
            Set<String> checkIds = new HashSet<>();
            for (Future<String> answer : answers) {
                checkIds.add(answer.get(60, TimeUnit.SECONDS));
            }
            assertThat(checkIds).hasSize(servers);

            // "Once" is judged after a later report of every server (the marker: bootId b-2) is on the topic: a server's
            // checks share its key, so a repeat of its first check would have come before its marker.
            for (var server : tokens.entrySet()) {
                given().contentType(ContentType.JSON).header("Authorization", "Bearer " + server.getValue())
                        .body("""
                                {"serverId":"%s","rebootRequired":true,"packages":["libc6"],"bootId":"b-2"}""".formatted(server.getKey()))
                        .when().post("/api/agent/reports").then().statusCode(202);
            }
            java.util.function.Predicate<CheckCompleted> ours = c -> c.serverId().startsWith(app + "-") && c.trigger() == CheckTrigger.AGENT;
            kafka.awaitEvents(Topics.CHECKS, Duration.ofSeconds(30), e -> e.key() != null && e.key().startsWith(app + "-")
                    && ours.test(e.data(CheckCompleted.class)) && "b-2".equals(e.data(CheckCompleted.class).bootId()), servers);
            List<CheckCompleted> published = kafka.readAll(Topics.CHECKS).stream()
                    .filter(e -> e.key() != null && e.key().startsWith(app + "-")).map(e -> e.data(CheckCompleted.class))
                    .filter(c -> ours.test(c) && "b-1".equals(c.bootId())).toList();
            assertThat(published).extracting(CheckCompleted::checkId).containsExactlyInAnyOrderElementsOf(checkIds);
            for (String id : tokens.keySet()) {
                given().when().get("/api/servers/{id}/checks", id).then().statusCode(200).body("$", hasSize(2));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private CheckCompleted awaitCheck(String serverId, java.util.function.Predicate<CheckCompleted> match) {
        return kafka.awaitEvents(Topics.CHECKS, Duration.ofSeconds(20),
                e -> serverId.equals(e.key()) && match.test(e.data(CheckCompleted.class)), 1).get(0).data(CheckCompleted.class);
    }

    static void register(String id, String app, String probeKind) {
        given().contentType(ContentType.JSON).body("""
                        {"id":"%s","hostname":"%s.example.com","applicationId":"%s","environment":"production",
                         "openPorts":[{"port":443,"protocol":"tcp","sources":["0.0.0.0/0"]}],"probeKind":"%s"}"""
                        .formatted(id, id, app, probeKind))
                .when().post("/api/servers")
                .then().statusCode(201);
    }
}
