package io.restartwatch.check;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restartwatch.contracts.CloudEventHeaders;
import io.restartwatch.contracts.EventJson;
import io.restartwatch.contracts.EventTypes;
import io.restartwatch.contracts.Exposure;
import io.restartwatch.contracts.PriorityLevel;
import io.restartwatch.contracts.RestartEvent;
import io.restartwatch.contracts.RestartStatus;
import io.restartwatch.contracts.Topics;
import io.restartwatch.testsupport.KafkaEvents;
import io.restartwatch.testsupport.LocalInfraResource;
import io.restartwatch.testsupport.TestCredentials;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The agent as an executor: restart.scheduled / restart.cancelled for agent servers reach the due call, and the
 * agent's started / failed reports become restart.started / restart.failed on restartwatch.restarts, once each.
 */
@QuarkusTest
@WithTestResource(value = LocalInfraResource.class, initArgs = @ResourceArg(name = "database", value = "check"))
@WithTestResource(SshTestResource.class)
class AgentRestartsTest {

    private static final Duration EVENTS = Duration.ofSeconds(30);

    private final KafkaEvents kafka = KafkaEvents.local();

    @Test
    void aScheduledRestartIsDueThenStartedOnceThenFailedOnce() {
        String id = "exec-" + UUID.randomUUID().toString().substring(0, 8);
        String token = agentServer(id);
        given().filter(TestCredentials.as(token)).queryParam("serverId", id).when().get("/api/agent/due").then().statusCode(204);
        // Whole milliseconds: PostgreSQL keeps microseconds, and the answer names what was kept.
        Instant notBefore = Instant.now().minus(1, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.MILLIS);
        Instant notAfter = Instant.now().plus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.MILLIS);
        RestartEvent scheduled = scheduled(id, "r-" + id, notBefore, notAfter);
        kafka.publish(Topics.RESTARTS, id, EventTypes.RESTART_SCHEDULED, scheduled);

        Awaitility.await().atMost(EVENTS).untilAsserted(() ->
                given().filter(TestCredentials.as(token)).queryParam("serverId", id).when().get("/api/agent/due")
                        .then().statusCode(200)
                        .body("reportDue", equalTo(false))
                        .body("reason", equalTo("restart"))
                        .body("deployId", nullValue())
                        .body("restart.restartId", equalTo("r-" + id))
                        .body("restart.notBefore", equalTo(notBefore.toString()))
                        .body("restart.notAfter", equalTo(notAfter.toString())));
        // Compact, every field present, the restart last: the agent script reads it with sed.
        String body = given().filter(TestCredentials.as(token)).queryParam("serverId", id).when().get("/api/agent/due").asString();
        assertThat(body).isEqualTo("{\"reportDue\":false,\"reason\":\"restart\",\"deployId\":null,\"restart\":{\"restartId\":\"r-%s\",\"notBefore\":\"%s\",\"notAfter\":\"%s\"}}"
                .formatted(id, notBefore, notAfter));
        // A redelivered command changes nothing.
        kafka.publish(Topics.RESTARTS, id, EventTypes.RESTART_SCHEDULED, scheduled);

        // Another server's token is refused.
        String otherToken = agentServer(id + "-other");
        given().filter(TestCredentials.as(otherToken)).when().post("/api/agent/restarts/{r}/started", "r-" + id)
                .then().statusCode(401).contentType("application/problem+json");
        for (int i = 0; i < 2; i++) {
            given().filter(TestCredentials.as(token)).when().post("/api/agent/restarts/{r}/started", "r-" + id)
                    .then().log().ifValidationFails().statusCode(200).body("status", equalTo("STARTED"));
        }
        given().filter(TestCredentials.as(token)).queryParam("serverId", id).when().get("/api/agent/due").then().statusCode(204);

        given().filter(TestCredentials.as(token)).contentType(ContentType.JSON).body("{\"reason\":\"REBOOTED_ANYWAY\"}")
                .when().post("/api/agent/restarts/{r}/failed", "r-" + id)
                .then().statusCode(400).contentType("application/problem+json").body("detail", containsString("PRE_HOOK_FAILED"));
        for (int i = 0; i < 2; i++) {
            given().filter(TestCredentials.as(token)).contentType(ContentType.JSON)
                    .body("{\"reason\":\"EXECUTOR_FAILED\",\"detail\":\"exit status 1\"}")
                    .when().post("/api/agent/restarts/{r}/failed", "r-" + id)
                    .then().log().ifValidationFails().statusCode(200).body("status", equalTo("FAILED"));
        }
        // Failed after started; a start after a failure is refused.
        given().filter(TestCredentials.as(token)).when().post("/api/agent/restarts/{r}/started", "r-" + id)
                .then().statusCode(409).contentType("application/problem+json");

        // The failure follows the start on the server's partition: once it is there, every start published is too.
        var failed = kafka.awaitEvents(Topics.RESTARTS, EVENTS, e -> id.equals(e.key()) && EventTypes.RESTART_FAILED.equals(e.type()), 1);
        var ours = kafka.readAll(Topics.RESTARTS).stream().filter(e -> id.equals(e.key())).toList();
        assertThat(ours).extracting(KafkaEvents.ReceivedEvent::type)
                .containsExactly(EventTypes.RESTART_SCHEDULED, EventTypes.RESTART_SCHEDULED, EventTypes.RESTART_STARTED, EventTypes.RESTART_FAILED);
        RestartEvent started = ours.get(2).data(RestartEvent.class);
        assertThat(ours.get(2).headers().get(CloudEventHeaders.SOURCE)).isEqualTo("/restartwatch/check-service");
        assertThat(started.status()).isEqualTo(RestartStatus.STARTED);
        assertThat(started.executor()).isEqualTo("agent");
        assertThat(started.restartId()).isEqualTo("r-" + id);
        assertThat(started.planId()).isEqualTo(scheduled.planId());
        assertThat(started.wave()).isEqualTo(2);
        assertThat(started.hostname()).isEqualTo(id + ".example.com");
        assertThat(started.level()).isEqualTo(PriorityLevel.HIGH);
        assertThat(started.baselineBootId()).isEqualTo("boot-1");
        assertThat(started.notBefore()).isEqualTo(notBefore);
        assertThat(started.reason()).isNull();
        RestartEvent failure = failed.get(0).data(RestartEvent.class);
        assertThat(failure.status()).isEqualTo(RestartStatus.FAILED);
        assertThat(failure.reason()).isEqualTo("EXECUTOR_FAILED");
        assertThat(failure.detail()).isEqualTo("exit status 1");
        assertThat(failure.executor()).isEqualTo("agent");
    }

    @Test
    void aCancelledRestartIsNotDueAndCannotBeStarted() {
        String id = "exec-" + UUID.randomUUID().toString().substring(0, 8);
        String token = agentServer(id);
        RestartEvent scheduled = scheduled(id, "c-" + id, Instant.now(), Instant.now().plus(1, ChronoUnit.HOURS));
        kafka.publish(Topics.RESTARTS, id, EventTypes.RESTART_SCHEDULED, scheduled);
        Awaitility.await().atMost(EVENTS).untilAsserted(() ->
                given().filter(TestCredentials.as(token)).queryParam("serverId", id).when().get("/api/agent/due")
                        .then().statusCode(200).body("restart.restartId", equalTo("c-" + id)));

        kafka.publish(Topics.RESTARTS, id, EventTypes.RESTART_CANCELLED, withStatus(scheduled, RestartStatus.CANCELLED, "PLAN_CANCELLED"));
        Awaitility.await().atMost(EVENTS).untilAsserted(() ->
                given().filter(TestCredentials.as(token)).queryParam("serverId", id).when().get("/api/agent/due").then().statusCode(204));
        given().filter(TestCredentials.as(token)).when().post("/api/agent/restarts/{r}/started", "c-" + id)
                .then().statusCode(409).contentType("application/problem+json").body("detail", containsString("cancelled"));
        given().filter(TestCredentials.as(token)).when().post("/api/agent/restarts/{r}/started", "unknown-" + id)
                .then().statusCode(404).contentType("application/problem+json");
        given().filter(TestCredentials.anonymous()).when().post("/api/agent/restarts/{r}/started", "c-" + id)
                .then().statusCode(401).contentType("application/problem+json");
    }

    /** Only restart.scheduled / cancelled for this inventory's agent servers are kept; malformed ones are dead-lettered. */
    @Test
    void otherServersOtherTypesAndOwnEventsArePassedOverAndMalformedOnesDeadLettered() {
        String id = "exec-" + UUID.randomUUID().toString().substring(0, 8);
        String token = agentServer(id);
        String ssh = id + "-ssh";
        given().contentType(ContentType.JSON).body("""
                        {"id":"%s","hostname":"%s.example.com","applicationId":"shop","environment":"production",
                         "probeKind":"ssh","address":{"host":"127.0.0.1","sshPort":1}}""".formatted(ssh, ssh))
                .when().post("/api/servers").then().log().ifValidationFails().statusCode(201);
        Instant from = Instant.now().minus(1, ChronoUnit.MINUTES);
        Instant to = Instant.now().plus(1, ChronoUnit.HOURS);
        kafka.publish(Topics.RESTARTS, ssh, EventTypes.RESTART_SCHEDULED, scheduled(ssh, "ssh-" + id, from, to));
        kafka.publish(Topics.RESTARTS, "nobody-" + id, EventTypes.RESTART_SCHEDULED, scheduled("nobody-" + id, "nobody-" + id, from, to));
        kafka.publish(Topics.RESTARTS, id, EventTypes.RESTART_VERIFIED, withStatus(scheduled(id, "verified-" + id, from, to), RestartStatus.VERIFIED, null));
        // As if check-service itself had published it: its own events are never commands.
        kafka.publishRaw(Topics.RESTARTS, id, EventJson.write(scheduled(id, "own-" + id, from, to)),
                headers(EventTypes.RESTART_SCHEDULED, "/restartwatch/check-service", id));
        String poison = "{\"schemaVersion\":1,\"serverId\":\"" + id + "\",\"wave\":1,\"notBefore\":\"" + from + "\",\"notAfter\":\"" + to + "\"}";
        kafka.publishRaw(Topics.RESTARTS, id, poison, headers(EventTypes.RESTART_SCHEDULED, "/restartwatch/tests", id));
        // The last one on the server's partition: once it is due, everything before it was applied or passed over.
        kafka.publish(Topics.RESTARTS, id, EventTypes.RESTART_SCHEDULED, scheduled(id, "last-" + id, from, to));

        Awaitility.await().atMost(EVENTS).untilAsserted(() ->
                given().filter(TestCredentials.as(token)).queryParam("serverId", id).when().get("/api/agent/due")
                        .then().statusCode(200).body("restart.restartId", equalTo("last-" + id)));
        for (String passedOver : List.of("ssh-" + id, "nobody-" + id, "verified-" + id, "own-" + id)) {
            given().filter(TestCredentials.as(token)).when().post("/api/agent/restarts/{r}/started", passedOver)
                    .then().statusCode(404);
        }
        var dead = kafka.awaitEvents(Topics.deadLetter(Topics.RESTARTS), EVENTS, e -> id.equals(e.key()), 1);
        assertThat(dead).hasSize(1);
        assertThat(dead.get(0).value()).isEqualTo(poison);
    }

    private static String agentServer(String id) {
        return AgentServers.register(id, id + ".example.com", "shop");
    }

    static RestartEvent scheduled(String serverId, String restartId, Instant notBefore, Instant notAfter) {
        return new RestartEvent(RestartEvent.SCHEMA_VERSION, restartId, "plan-" + serverId, serverId, serverId + ".example.com",
                "shop", "production", 2, RestartStatus.SCHEDULED, PriorityLevel.HIGH, Exposure.PUBLIC, notBefore, notAfter,
                "boot-1", null, null, null, Instant.now());
    }

    private static RestartEvent withStatus(RestartEvent e, RestartStatus status, String reason) {
        return new RestartEvent(e.schemaVersion(), e.restartId(), e.planId(), e.serverId(), e.hostname(), e.applicationId(),
                e.environment(), e.wave(), status, e.level(), e.exposure(), e.notBefore(), e.notAfter(), e.baselineBootId(),
                reason, null, null, Instant.now());
    }

    private static Map<String, String> headers(String type, String source, String subject) {
        return Map.of(CloudEventHeaders.SPEC_VERSION, CloudEventHeaders.SPEC_VERSION_VALUE,
                CloudEventHeaders.ID, UUID.randomUUID().toString(),
                CloudEventHeaders.TYPE, type,
                CloudEventHeaders.SOURCE, source,
                CloudEventHeaders.TIME, Instant.now().toString(),
                CloudEventHeaders.SUBJECT, subject,
                CloudEventHeaders.CONTENT_TYPE, CloudEventHeaders.JSON);
    }
}
