package io.restartwatch.notification.fleet;

import static io.restartwatch.notification.fleet.FleetEvents.HTTPS_TO_ANYWHERE;
import static io.restartwatch.notification.fleet.FleetEvents.now;
import static io.restartwatch.testsupport.TestCredentials.anonymous;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restartwatch.contracts.CheckCompleted;
import io.restartwatch.contracts.CheckTrigger;
import io.restartwatch.contracts.CloudEventHeaders;
import io.restartwatch.contracts.EventTypes;
import io.restartwatch.contracts.Exposure;
import io.restartwatch.contracts.PolicyChanged;
import io.restartwatch.contracts.PriorityLevel;
import io.restartwatch.contracts.ServerSnapshot;
import io.restartwatch.contracts.Surface;
import io.restartwatch.contracts.Topics;
import io.restartwatch.testsupport.LocalInfraResource;
import io.restassured.path.json.JsonPath;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/** The fleet read model over real Kafka and PostgreSQL: events in on five topics, the fleet endpoints out. */
@QuarkusTest
@WithTestResource(value = LocalInfraResource.class, initArgs = @ResourceArg(name = "database", value = "notification"))
class FleetReadModelTest {

    private static final Duration PATIENCE = Duration.ofSeconds(30);

    private final FleetEvents events = new FleetEvents();

    /** Every fleet channel consumes in this group. */
    @ConfigProperty(name = "mp.messaging.incoming.fleet-servers.group.id")
    String fleetGroup;
    /** The priorities reach the fleet view with the lifecycle's batches, in its group (the application's name, the connector's default). */
    @ConfigProperty(name = "quarkus.application.name")
    String lifecycleGroup;

    @Test
    void theFleetListFiltersBySearchApplicationEnvironmentLevelExposureLabelAndFreshness() {
        String app = FleetEvents.unique("shop");
        ServerSnapshot web1 = FleetEvents.server(app + "-web-1", 1, app, "production", Map.of("team", "payments", "tier", "web"), HTTPS_TO_ANYWHERE, "ssh");
        ServerSnapshot web2 = FleetEvents.server(app + "-web-2", 1, app, "production", Map.of("team", "payments", "tier", "web"), List.of(), "agent");
        ServerSnapshot db1 = FleetEvents.server(app + "-db-1", 1, app, "staging", Map.of("team", "data"), List.of(), "local");
        List.of(web1, web2, db1).forEach(events::publish);
        events.publish(FleetEvents.pending(web1, 1, PriorityLevel.CRITICAL, 96, Exposure.PUBLIC, Duration.ofDays(12), Surface.DASHBOARD, Surface.APPLICATION));
        events.publish(FleetEvents.pending(web2, 1, PriorityLevel.LOW, 20, Exposure.INTERNAL, Duration.ofDays(1)));
        events.publish(FleetEvents.unverified(db1, 1, "HOST_KEY_CHANGED", "the host key of db-1 no longer matches known_hosts", Duration.ofHours(5)));

        await().atMost(PATIENCE).untilAsserted(() -> {
            JsonPath all = list("application=" + app);
            assertThat(all.getList("items.serverId")).as("pending first by score, then unverified")
                    .containsExactly(web1.serverId(), web2.serverId(), db1.serverId());
            assertThat(all.getInt("total")).isEqualTo(3);
            assertThat(all.getString("items[2].freshness.reason")).isEqualTo("HOST_KEY_CHANGED");
        });
        assertThat(ids("application=" + app + "&environment=staging")).containsExactly(db1.serverId());
        assertThat(ids("application=" + app + "&level=CRITICAL")).containsExactly(web1.serverId());
        assertThat(ids("application=" + app + "&level=low")).as("any case").containsExactly(web2.serverId());
        assertThat(ids("application=" + app + "&exposure=PUBLIC")).containsExactly(web1.serverId());
        assertThat(ids("application=" + app + "&label=team=payments")).containsExactly(web1.serverId(), web2.serverId());
        assertThat(ids("application=" + app + "&label=team=payments&label=tier=db")).isEmpty();
        assertThat(ids("application=" + app + "&verified=false")).containsExactly(db1.serverId());
        assertThat(ids("application=" + app + "&verified=true")).containsExactly(web1.serverId(), web2.serverId());
        assertThat(ids("q=" + app.toUpperCase() + "-WEB")).as("search on the id, any case").containsExactly(web1.serverId(), web2.serverId());
        assertThat(ids("q=" + app + "-db-1.example")).as("search on the hostname").containsExactly(db1.serverId());
        assertThat(ids("q=" + app + "%25")).as("a % is a character, not a wildcard").isEmpty();
        JsonPath page = list("application=" + app + "&size=2&page=1");
        assertThat(page.getList("items.serverId")).containsExactly(db1.serverId());
        assertThat(page.getInt("total")).isEqualTo(3);
        assertThat(page.getString("items[0].lastCheck")).isNull();
        JsonPath first = list("application=" + app + "&level=CRITICAL");
        assertThat(first.getString("items[0].restart.level")).isEqualTo("CRITICAL");
        assertThat(first.getBoolean("items[0].restart.stale")).isTrue();
        assertThat(first.getString("items[0].exposure")).isEqualTo("PUBLIC");
        assertThat(first.getMap("items[0].labels")).containsEntry("team", "payments");
    }

    @Test
    void anOlderRevisionIsIgnoredAndARemovedServerDisappears() {
        String app = FleetEvents.unique("inv");
        ServerSnapshot v2 = FleetEvents.server(app + "-1", 2, app, "production", Map.of("owner", "new"), List.of(), "ssh");
        events.publish(v2);
        await().atMost(PATIENCE).untilAsserted(() ->
                given().get("/api/fleet/servers/{id}", v2.serverId()).then().statusCode(200).body("server.labels.owner", org.hamcrest.Matchers.equalTo("new")));

        ServerSnapshot v1 = FleetEvents.server(app + "-1", 1, app, "staging", Map.of("owner", "old"), List.of(), "ssh");
        events.publish(v1);
        awaitConsumed(Topics.SERVERS);
        events.publish(FleetEvents.upToDate(v1, now()));
        awaitConsumed(Topics.CHECKS);
        JsonPath server = given().get("/api/fleet/servers/{id}", v2.serverId()).then().statusCode(200).extract().jsonPath();
        assertThat(server.getString("server.labels.owner")).as("revision 1 and the check's older snapshot are ignored").isEqualTo("new");
        assertThat(server.getString("server.environment")).isEqualTo("production");
        assertThat(server.getLong("revision")).isEqualTo(2);

        events.publish(FleetEvents.removed(v2, 3));
        await().atMost(PATIENCE).untilAsserted(() -> given().get("/api/fleet/servers/{id}", v2.serverId()).then().statusCode(404)
                .contentType("application/problem+json"));
        assertThat(ids("application=" + app)).isEmpty();
        // An older snapshot arriving after the removal does not bring the server back; a newer registration does.
        events.publish(v2);
        awaitConsumed(Topics.SERVERS);
        assertThat(ids("application=" + app)).isEmpty();
        ServerSnapshot again = FleetEvents.server(app + "-1", 4, app, "production", Map.of("owner", "again"), List.of(), "agent");
        events.publish(again);
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(ids("application=" + app)).containsExactly(again.serverId()));
        assertThat(given().get("/api/fleet/servers/{id}", again.serverId()).then().extract().jsonPath().getString("server.labels.owner"))
                .isEqualTo("again");
    }

    @Test
    void theCheckHistoryKeepsTheNewestTwentyWithTheirSchemaTwoFacts() {
        String app = FleetEvents.unique("hist");
        ServerSnapshot server = FleetEvents.server(app + "-1", 1, app, "production", Map.of(), HTTPS_TO_ANYWHERE, "ssh");
        Instant start = now().minus(Duration.ofDays(2));
        // 25 checks, published newest first: the bound must hold by check time, not by arrival.
        for (int i = 24; i >= 0; i--) {
            Instant at = start.plus(Duration.ofMinutes(30L * i));
            CheckCompleted check = i == 24 ? FleetEvents.rebootRequired(server, at, CheckTrigger.DEPLOY, Duration.ofDays(3))
                    : i == 23 ? FleetEvents.unreachable(server, at, "TIMEOUT") : FleetEvents.upToDate(server, at);
            events.publish(check);
        }
        await().atMost(PATIENCE).untilAsserted(() -> {
            JsonPath detail = given().get("/api/fleet/servers/{id}", server.serverId()).then().statusCode(200).extract().jsonPath();
            assertThat(detail.getList("checks")).hasSize(20);
            assertThat(detail.getString("checks[19].checkedAt")).isEqualTo(start.plus(Duration.ofMinutes(30L * 5)).toString());
        });
        JsonPath detail = given().get("/api/fleet/servers/{id}", server.serverId()).then().extract().jsonPath();
        assertThat(detail.getString("checks[0].outcome")).isEqualTo("REBOOT_REQUIRED");
        assertThat(detail.getString("checks[0].trigger")).isEqualTo("DEPLOY");
        assertThat(detail.getList("checks[0].services")).containsExactly("nginx.service", "php8.3-fpm.service");
        assertThat(detail.getString("checks[0].livepatch.state")).isEqualTo("applied");
        assertThat(detail.getList("checks[0].discovered.listening.port")).containsExactly(443, 8080, 5432);
        assertThat(detail.getString("checks[0].runningKernel")).isEqualTo("6.8.0-45-generic");
        assertThat(detail.getString("checks[1].reason")).isEqualTo("TIMEOUT");
        assertThat(detail.getString("server.lastCheck.outcome")).isEqualTo("REBOOT_REQUIRED");
        // No freshness transition was ever published for it: its last check succeeded, so it is verified, as of then.
        assertThat(detail.getBoolean("freshness.verified")).isTrue();
        assertThat(detail.getString("freshness.lastVerifiedAt")).isEqualTo(start.plus(Duration.ofMinutes(30L * 24)).toString());
        assertThat(detail.getBoolean("server.freshness.verified")).isTrue();
        assertThat(detail.getString("discovered.firewall.source")).isEqualTo("nftables");
        assertThat(detail.getString("exposureFactsFrom")).as("no assessment yet: the declared ports").isEqualTo("declared");
        assertThat(detail.getList("exposureFacts.port")).containsExactly(443, 22);
        // A late check older than all twenty is not kept either.
        events.publish(FleetEvents.upToDate(server, start.minus(Duration.ofDays(1))));
        events.publish(FleetEvents.upToDate(server, start.plus(Duration.ofMinutes(30L * 25))));
        await().atMost(PATIENCE).untilAsserted(() -> {
            JsonPath after = given().get("/api/fleet/servers/{id}", server.serverId()).then().extract().jsonPath();
            assertThat(after.getString("checks[0].checkedAt")).isEqualTo(start.plus(Duration.ofMinutes(30L * 25)).toString());
            assertThat(after.getList("checks")).hasSize(20);
            assertThat(after.getString("checks[19].checkedAt")).isEqualTo(start.plus(Duration.ofMinutes(30L * 6)).toString());
        });
    }

    @Test
    void aServerShowsItsPendingRestartExplainedItsExposureFactsFreshnessAndNotificationTimeline() {
        String app = FleetEvents.unique("detail");
        ServerSnapshot server = FleetEvents.server(app + "-web-1", 1, app, "production", Map.of("team", "payments"), HTTPS_TO_ANYWHERE, "ssh");
        events.publish(server);
        events.publish(FleetEvents.rebootRequired(server, now(), CheckTrigger.SCHEDULED, Duration.ofDays(9)));
        events.publish(FleetEvents.pending(server, 1, PriorityLevel.HIGH, 74, Exposure.PUBLIC, Duration.ofDays(9), Surface.DASHBOARD));
        events.publish(FleetEvents.pending(server, 2, PriorityLevel.CRITICAL, 96, Exposure.PUBLIC, Duration.ofDays(9), Surface.DASHBOARD, Surface.APPLICATION));
        events.publish(FleetEvents.unverified(server, 1, "AGENT_SILENT", "no report for 3h", Duration.ofHours(4)));

        await().atMost(PATIENCE).untilAsserted(() -> {
            JsonPath detail = given().get("/api/fleet/servers/{id}", server.serverId()).then().statusCode(200).extract().jsonPath();
            assertThat(detail.getString("restart.level")).isEqualTo("CRITICAL");
            assertThat(detail.getString("freshness.reason")).isEqualTo("AGENT_SILENT");
            assertThat(detail.getList("timeline.kind")).contains("OPENED", "ESCALATED");
        });
        events.publish(FleetEvents.pending(server, 3, PriorityLevel.CRITICAL, 97, Exposure.PUBLIC, Duration.ofDays(9), Surface.DASHBOARD, Surface.APPLICATION));
        await().atMost(PATIENCE).untilAsserted(() ->
                given().get("/api/fleet/servers/{id}", server.serverId()).then().body("restart.score", org.hamcrest.Matchers.equalTo(97)));
        // Older assessment and freshness events arriving late change nothing.
        events.publish(FleetEvents.pending(server, 1, PriorityLevel.LOW, 10, Exposure.INTERNAL, Duration.ofDays(1)));
        awaitConsumed(Topics.PRIORITIES);
        events.publish(FleetEvents.verified(server, 0));
        awaitConsumed(Topics.FRESHNESS);

        JsonPath detail = given().get("/api/fleet/servers/{id}", server.serverId()).then().extract().jsonPath();
        assertThat(detail.getString("restart.kind")).isEqualTo("REBOOT");
        assertThat(detail.getList("restart.services")).containsExactly("nginx.service");
        assertThat(detail.getList("explanation.name")).containsExactly("exposure", "undeclared", "age", "packages");
        assertThat(detail.getList("explanation.contribution", Integer.class).stream().mapToInt(Integer::intValue).sum()).isEqualTo(97);
        assertThat(detail.getString("exposureFactsFrom")).isEqualTo("assessment");
        assertThat(detail.getList("exposureFacts.origin")).containsExactly("declared", "firewall", "declared");
        assertThat(detail.getList("exposureFacts.status")).containsExactly("open", "undeclared", "not-listening");
        assertThat(detail.getBoolean("freshness.verified")).isFalse();
        assertThat(detail.getString("freshness.maxSilence")).isEqualTo("PT3H");
        assertThat(detail.getString("notifications[0].level")).isEqualTo("CRITICAL");
        assertThat(detail.getList("declaredOpenPorts.port")).containsExactly(443, 22);

        // Cleared: no pending restart, the exposure stays known, the server verified again.
        events.publish(FleetEvents.cleared(server, 4, Exposure.PUBLIC));
        events.publish(FleetEvents.verified(server, 2));
        await().atMost(PATIENCE).untilAsserted(() -> {
            JsonPath after = given().get("/api/fleet/servers/{id}", server.serverId()).then().extract().jsonPath();
            assertThat(after.getString("restart")).isNull();
            assertThat(after.getBoolean("freshness.verified")).isTrue();
            assertThat(after.getString("exposure")).isEqualTo("PUBLIC");
            assertThat(after.getList("timeline.kind")).contains("CLEARED");
        });
    }

    @Test
    void anApplicationShowsItsServersPendingStaleUnverifiedAndItsPolicy() {
        String app = FleetEvents.unique("app");
        ServerSnapshot stale = FleetEvents.server(app + "-web-1", 1, app, "production", Map.of(), HTTPS_TO_ANYWHERE, "ssh");
        ServerSnapshot fresh = FleetEvents.server(app + "-web-2", 1, app, "production", Map.of(), List.of(), "ssh");
        ServerSnapshot silent = FleetEvents.server(app + "-db-1", 1, app, "staging", Map.of(), List.of(), "agent");
        ServerSnapshot patched = FleetEvents.server(app + "-db-2", 1, app, "staging", Map.of(), List.of(), "local");
        List.of(stale, fresh, silent, patched).forEach(events::publish);
        events.publish(FleetEvents.pending(stale, 1, PriorityLevel.CRITICAL, 96, Exposure.PUBLIC, Duration.ofDays(12), Surface.DASHBOARD, Surface.APPLICATION));
        events.publish(FleetEvents.pending(fresh, 1, PriorityLevel.MEDIUM, 45, Exposure.INTERNAL, Duration.ofDays(2), Surface.DASHBOARD));
        events.publish(FleetEvents.unverified(silent, 1, "AGENT_SILENT", "no report for 3h", Duration.ofHours(4)));

        await().atMost(PATIENCE).untilAsserted(() -> {
            JsonPath detail = given().get("/api/fleet/applications/{id}", app).then().statusCode(200).extract().jsonPath();
            assertThat(detail.getInt("serverCount")).isEqualTo(4);
            assertThat(detail.getList("pending.serverId")).containsExactly(stale.serverId(), fresh.serverId());
            assertThat(detail.getList("stale.serverId")).containsExactly(stale.serverId());
            assertThat(detail.getList("unverified.serverId")).containsExactly(silent.serverId());
        });
        JsonPath detail = given().get("/api/fleet/applications/{id}", app).then().extract().jsonPath();
        assertThat(detail.getList("environments")).containsExactly("production", "staging");
        assertThat(detail.getString("policy.source")).as("no policy of its own").isEqualTo("defaults");

        Instant changed = now();
        events.publish(FleetEvents.policy(app, Duration.ofDays(3), Duration.ofDays(14), 1.5, changed));
        await().atMost(PATIENCE).untilAsserted(() ->
                given().get("/api/fleet/applications/{id}", app).then().body("policy.source", org.hamcrest.Matchers.equalTo("application")));
        // An older policy arriving late is ignored.
        events.publish(FleetEvents.policy(app, Duration.ofDays(30), Duration.ofDays(90), 0.5, changed.minusSeconds(60)));
        awaitConsumed(Topics.POLICIES);
        JsonPath withPolicy = given().get("/api/fleet/applications/{id}", app).then().extract().jsonPath();
        assertThat(withPolicy.getString("policy.staleAfter")).isEqualTo("PT72H");
        assertThat(withPolicy.getString("policy.criticalAfter")).isEqualTo("PT336H");
        assertThat(withPolicy.getDouble("policy.multiplier")).isEqualTo(1.5);
        assertThat(withPolicy.getMap("policy.packageWeights")).containsEntry("linux-image", 30);

        // Deleted: priority-service publishes the defaults it applies again.
        events.publish(new PolicyChanged(PolicyChanged.SCHEMA_VERSION, app, true, Duration.ofDays(7), Duration.ofDays(30), 1.0,
                Map.of("linux-image", 20), changed.plusSeconds(60)));
        await().atMost(PATIENCE).untilAsserted(() ->
                given().get("/api/fleet/applications/{id}", app).then().body("policy.source", org.hamcrest.Matchers.equalTo("defaults"))
                        .body("policy.staleAfter", org.hamcrest.Matchers.equalTo("PT168H")));
    }

    @Test
    void withoutCredentialsTheFleetAnswers401AndBadInput400ProblemJson() {
        given().filter(anonymous()).when().get("/api/fleet/servers").then().statusCode(401).contentType("application/problem+json");
        given().filter(anonymous()).when().get("/api/fleet/servers/{id}", "any-1").then().statusCode(401);
        given().filter(anonymous()).when().get("/api/fleet/applications/{id}", "any").then().statusCode(401);
        given().when().get("/api/fleet/servers?level=URGENT").then().statusCode(400).contentType("application/problem+json")
                .body("detail", containsString("level"));
        given().when().get("/api/fleet/servers?label=team").then().statusCode(400).body("detail", containsString("key=value"));
        given().when().get("/api/fleet/servers?verified=maybe").then().statusCode(400);
        given().when().get("/api/fleet/servers?size=501").then().statusCode(400);
        given().when().get("/api/fleet/servers/{id}", "No Such Server").then().statusCode(400);
        given().when().get("/api/fleet/servers/{id}", "no-such-server").then().statusCode(404).contentType("application/problem+json");
        given().when().get("/api/fleet/applications/{id}", "no-such-app").then().statusCode(404);
    }

    @Test
    void aPoisonFreshnessEventGoesToTheDeadLetterTopic() {
        String serverId = FleetEvents.unique("poison");
        events.kafka().publishRaw(Topics.FRESHNESS, serverId, "{not json", Map.of(
                CloudEventHeaders.SPEC_VERSION, CloudEventHeaders.SPEC_VERSION_VALUE,
                CloudEventHeaders.ID, serverId,
                CloudEventHeaders.TYPE, EventTypes.SERVER_UNVERIFIED,
                CloudEventHeaders.SOURCE, "/restartwatch/tests",
                CloudEventHeaders.CONTENT_TYPE, CloudEventHeaders.JSON));
        var dead = events.kafka().awaitEvents(Topics.deadLetter(Topics.FRESHNESS), PATIENCE, e -> serverId.equals(e.key()), 1);
        assertThat(dead.get(0).headers().get(CloudEventHeaders.DEAD_LETTER_REASON)).contains("ServerFreshness");
        assertThat(new String(dead.get(0).value().getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8)).isEqualTo("{not json");
    }

    /**
     * Waits until the fleet view's consumers have consumed the events just published to {@code topic} (applied, or
     * skipped as older: the read model keeps no log of consumed ids, so only the group's committed offsets tell).
     */
    private void awaitConsumed(String topic) {
        events.kafka().awaitCommitted(topic.equals(Topics.PRIORITIES) ? lifecycleGroup : fleetGroup, topic, PATIENCE);
    }

    private static JsonPath list(String query) {
        return given().get("/api/fleet/servers?" + query).then().statusCode(200).extract().jsonPath();
    }

    private static List<String> ids(String query) {
        return list(query).getList("items.serverId");
    }
}
