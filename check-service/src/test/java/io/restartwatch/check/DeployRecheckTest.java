package io.restartwatch.check;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

import jakarta.inject.Inject;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restartwatch.contracts.DeployCompleted;
import io.restartwatch.contracts.EventTypes;
import io.restartwatch.contracts.Topics;
import io.restartwatch.testsupport.KafkaEvents;
import io.restartwatch.testsupport.LocalInfraResource;
import io.restartwatch.testsupport.TestCredentials;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A deploy reaches every kind of server, and the pipeline sees per server what came of it. */
@QuarkusTest
@WithTestResource(value = LocalInfraResource.class, initArgs = @ResourceArg(name = "database", value = "check"))
@WithTestResource(SshTestResource.class)
class DeployRecheckTest {

    @ConfigProperty(name = "restartwatch.probe.local.base-dir")
    Path baseDir;

    @Inject
    MutableClock clock;

    private final KafkaEvents kafka = KafkaEvents.local();

    @AfterEach
    void resetClock() {
        clock.reset();
    }

    @Test
    void aDeployAsksAgentsForAReportAndTheViewNamesEveryServer() {
        String app = "dep-" + UUID.randomUUID().toString().substring(0, 8);
        String local = app + "-local";
        String ssh = app + "-ssh";
        String agent = app + "-agent";
        String silent = app + "-silent";
        FakeServerRoot.under(baseDir, local);
        register(local, app, "\"probeKind\":\"local\"");
        register(ssh, app, "\"probeKind\":\"ssh\",\"address\":{\"host\":\"127.0.0.1\",\"sshPort\":1}");
        register(agent, app, "\"probeKind\":\"agent\"");
        register(silent, app, "\"probeKind\":\"agent\"");
        String token = AgentServers.token(agent);
        AgentServers.token(silent);

        // Before the deploy: nothing due. The answer comes only to the server's own token.
        given().filter(TestCredentials.as(token)).queryParam("serverId", agent)
                .when().get("/api/agent/due")
                .then().log().ifValidationFails().statusCode(204);
        given().filter(TestCredentials.anonymous()).queryParam("serverId", agent)
                .when().get("/api/agent/due")
                .then().statusCode(401).contentType("application/problem+json");
        given().filter(TestCredentials.as("rwa_wrong")).queryParam("serverId", agent)
                .when().get("/api/agent/due")
                .then().statusCode(401).contentType("application/problem+json");
        given().filter(TestCredentials.as(token)).queryParam("serverId", silent)
                .when().get("/api/agent/due")
                .then().statusCode(401).contentType("application/problem+json");
        given().when().get("/api/deploys/{app}/{deploy}/rechecks", app, "d-1")
                .then().statusCode(404).contentType("application/problem+json");

        kafka.publish(Topics.DEPLOYS, app, EventTypes.DEPLOY_COMPLETED, new DeployCompleted(DeployCompleted.SCHEMA_VERSION,
                "d-1", app, "production", List.of(), Instant.now(), "native", null, null));

        Awaitility.await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                given().filter(TestCredentials.as(token)).queryParam("serverId", agent)
                        .when().get("/api/agent/due")
                        .then().log().ifValidationFails().statusCode(200)
                        .body("reportDue", equalTo(true)).body("reason", equalTo("deploy")).body("deployId", equalTo("d-1")));
        Awaitility.await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            Map<String, Map<String, Object>> servers = rechecks(app, "d-1");
            assertThat(servers.get(local)).containsEntry("state", "RECHECKED").containsEntry("outcome", "UP_TO_DATE")
                    .containsEntry("kind", "local").containsKey("checkedAt");
            assertThat(servers.get(ssh)).containsEntry("state", "NOT_RECHECKED").containsEntry("kind", "ssh");
            assertThat((String) servers.get(ssh).get("why")).startsWith("unreachable");
        });
        Map<String, Map<String, Object>> pending = rechecks(app, "d-1");
        assertThat(pending.get(agent)).containsEntry("state", "PENDING").containsEntry("kind", "agent");
        assertThat(pending.get(silent)).containsEntry("state", "PENDING");

        // The agent reports: that is the deploy's recheck, and nothing is due any more.
        given().contentType(ContentType.JSON).filter(TestCredentials.as(token))
                .body("""
                        {"serverId":"%s","rebootRequired":false,"bootId":"b-1","runningKernel":"6.8.0-49-generic"}""".formatted(agent))
                .when().post("/api/agent/reports")
                .then().log().ifValidationFails().statusCode(202);
        given().filter(TestCredentials.as(token)).queryParam("serverId", agent)
                .when().get("/api/agent/due")
                .then().statusCode(204);
        given().when().get("/api/servers/{id}/checks", agent)
                .then().statusCode(200).body("[0].trigger", equalTo("DEPLOY"));

        JsonPath view = view(app, "d-1");
        assertThat(view.getBoolean("complete")).isFalse();
        Map<String, Map<String, Object>> servers = byServer(view);
        assertThat(servers.keySet()).containsExactly(agent, local, silent, ssh);
        assertThat(servers.get(agent)).containsEntry("state", "RECHECKED").containsEntry("outcome", "UP_TO_DATE");
        assertThat(servers.get(silent)).containsEntry("state", "PENDING");

        // 61 s after the deploy the silent agent is named, without waiting a minute.
        clock.advance(Duration.ofSeconds(61));
        view = view(app, "d-1");
        assertThat(view.getBoolean("complete")).isTrue();
        servers = byServer(view);
        assertThat(servers.get(silent)).containsEntry("state", "NOT_RECHECKED")
                .containsEntry("why", "agent has not reported within 60 s of the deploy");
        assertThat(servers.get(agent)).containsEntry("state", "RECHECKED");
        assertThat(servers.get(local)).containsEntry("state", "RECHECKED");
    }

    @Test
    void theViewNeedsCredentials() {
        given().filter(TestCredentials.anonymous()).when().get("/api/deploys/{app}/{deploy}/rechecks", "shop", "d-1")
                .then().statusCode(401);
    }

    @Test
    void aServerCheckedByAProbeHasNoReportDue() {
        String app = "dep-" + UUID.randomUUID().toString().substring(0, 8);
        String id = app + "-moved";
        register(id, app, "\"probeKind\":\"agent\"");
        String token = AgentServers.token(id);
        given().contentType(ContentType.JSON).body("""
                        {"hostname":"%s.example.com","applicationId":"%s","environment":"production",
                         "probeKind":"ssh","address":{"host":"127.0.0.1","sshPort":1}}""".formatted(id, app))
                .when().put("/api/servers/{id}", id).then().statusCode(200);
        given().filter(TestCredentials.as(token)).queryParam("serverId", id)
                .when().get("/api/agent/due")
                .then().statusCode(409).contentType("application/problem+json").body("detail", containsString("ssh probe"));
    }

    private static void register(String id, String app, String probe) {
        given().contentType(ContentType.JSON).body("""
                        {"id":"%s","hostname":"%s.example.com","applicationId":"%s","environment":"production",%s}"""
                        .formatted(id, id, app, probe))
                .when().post("/api/servers")
                .then().log().ifValidationFails().statusCode(201);
    }

    private static JsonPath view(String app, String deploy) {
        return given().when().get("/api/deploys/{app}/{deploy}/rechecks", app, deploy)
                .then().log().ifValidationFails().statusCode(200).extract().jsonPath();
    }

    private static Map<String, Map<String, Object>> rechecks(String app, String deploy) {
        return byServer(view(app, deploy));
    }

    private static Map<String, Map<String, Object>> byServer(JsonPath view) {
        List<Map<String, Object>> servers = view.getList("servers");
        return servers.stream().collect(Collectors.toMap(s -> (String) s.get("serverId"), Function.identity(),
                (a, b) -> a, java.util.LinkedHashMap::new));
    }
}
