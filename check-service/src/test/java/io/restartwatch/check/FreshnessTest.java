package io.restartwatch.check;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;

import jakarta.inject.Inject;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restartwatch.check.scheduling.FreshnessJob;
import io.restartwatch.contracts.CheckCompleted;
import io.restartwatch.contracts.CheckOutcome;
import io.restartwatch.contracts.CheckTrigger;
import io.restartwatch.contracts.EventTypes;
import io.restartwatch.contracts.ServerFreshness;
import io.restartwatch.contracts.Topics;
import io.restartwatch.testsupport.KafkaEvents;
import io.restartwatch.testsupport.KafkaEvents.ReceivedEvent;
import io.restartwatch.testsupport.LocalInfraResource;
import io.restartwatch.testsupport.TestCredentials;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Freshness: a server with no successful check for its max-silence becomes unverified by time alone (the clock moves,
 * no check arrives), once; its next good check verifies it again, once. Max-silence per application.
 * {@code %test} settings: interval 1 h (max-silence 3 h), {@code fresh-quick} max-silence 10 min, {@code fresh-often}
 * interval 5 min (max-silence 15 min), the job every 0.5 s.
 */
@QuarkusTest
@WithTestResource(value = LocalInfraResource.class, initArgs = @ResourceArg(name = "database", value = "check"))
@WithTestResource(SshTestResource.class)
class FreshnessTest {

    @ConfigProperty(name = "restartwatch.probe.local.base-dir")
    Path baseDir;

    @Inject
    MutableClock clock;

    @Inject
    FreshnessJob job;

    private final KafkaEvents kafka = KafkaEvents.local();

    @AfterEach
    void resetClock() {
        clock.reset();
    }

    @Test
    void aSilentAgentServerBecomesUnverifiedWithNoCheckArrivingOnceAndItsNextReportVerifiesItOnce() {
        String app = newId("fresh-app");
        String id = app + "-agent";
        register(id, app, "\"probeKind\":\"agent\"");
        assertThat(freshness(id).getString("state")).isEqualTo("AWAITING_FIRST_CHECK");
        String token = AgentServers.token(id);
        report(id, token);
        JsonPath verified = freshness(id);
        assertThat(verified.getString("state")).isEqualTo("VERIFIED");
        assertThat(verified.getBoolean("verified")).isTrue();
        assertThat(verified.getString("maxSilence")).isEqualTo("PT3H");
        Instant reportedAt = Instant.parse(verified.getString("lastVerifiedAt"));
        assertThat(Instant.parse(verified.getString("unverifiedAfter"))).isEqualTo(reportedAt.plus(Duration.ofHours(3)));

        // Within max-silence nothing happens...
        clock.advance(Duration.ofHours(2).plusMinutes(50));
        awaitPasses(2);
        assertThat(freshness(id).getString("state")).isEqualTo("VERIFIED");

        // ...past it, the job alone marks the server: no report, no check.
        clock.advance(Duration.ofMinutes(11));
        Awaitility.await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(freshness(id).getString("state")).isEqualTo("UNVERIFIED"));
        JsonPath unverified = freshness(id);
        assertThat(unverified.getBoolean("verified")).isFalse();
        assertThat(unverified.getString("reason")).isEqualTo("AGENT_SILENT");
        assertThat(unverified.getString("detail")).contains("agent's last report was at");
        assertThat(unverified.getString("unverifiedSince")).isNotNull();
        assertThat(unverified.getString("unverifiedAfter")).isNull();
        given().queryParam("applicationId", app).queryParam("verified", "false").when().get("/api/servers")
                .then().statusCode(200).body("id", equalTo(List.of(id)));
        given().queryParam("applicationId", app).queryParam("verified", "true").when().get("/api/servers")
                .then().statusCode(200).body("id", equalTo(List.of()));
        assertThat(given().when().get("/api/servers/{id}/checks", id).then().extract().jsonPath().getList("$")).hasSize(1);

        ServerFreshness event = awaitFreshness(id, EventTypes.SERVER_UNVERIFIED).data(ServerFreshness.class);
        assertThat(event.verified()).isFalse();
        assertThat(event.sequence()).as("numbered from the registration time, as the revision")
                .isGreaterThan(Instant.parse("2020-01-01T00:00:00Z").toEpochMilli());
        assertThat(event.reason()).isEqualTo("AGENT_SILENT");
        assertThat(event.applicationId()).isEqualTo(app);
        assertThat(event.lastVerifiedAt()).isEqualTo(reportedAt);
        assertThat(event.maxSilence()).isEqualTo(Duration.ofHours(3));
        awaitUnverifiedGaugeAtLeast(1);

        // Later passes find it already unverified: no second event (counted below, after a later marker).
        awaitPasses(3);
        report(id, token);
        ServerFreshness cleared = awaitFreshness(id, EventTypes.SERVER_VERIFIED).data(ServerFreshness.class);
        assertThat(cleared.verified()).isTrue();
        assertThat(cleared.sequence()).isEqualTo(event.sequence() + 1);
        assertThat(cleared.reason()).isNull();
        assertThat(freshness(id).getString("state")).isEqualTo("VERIFIED");
        assertThat(freshness(id).getString("reason")).isNull();

        // A later marker: one more report, after more passes; its check event comes after anything enqueued before it.
        awaitPasses(3);
        report(id, token);
        kafka.awaitEvents(Topics.CHECKS, Duration.ofSeconds(60), e -> id.equals(e.key()), 3);
        assertThat(freshnessEvents(id)).extracting(ReceivedEvent::type)
                .containsExactly(EventTypes.SERVER_UNVERIFIED, EventTypes.SERVER_VERIFIED);
    }

    @Test
    void removingAnUnverifiedServerEndsItsBlindSpotAndARegistrationUnderTheSameIdNumbersAboveIt() {
        String app = newId("fresh-gone");
        String id = app + "-agent";
        register(id, app, "\"probeKind\":\"agent\"");
        report(id, AgentServers.token(id));
        clock.advance(Duration.ofHours(3).plusMinutes(1));
        ServerFreshness silent = awaitFreshness(id, EventTypes.SERVER_UNVERIFIED).data(ServerFreshness.class);

        given().when().delete("/api/servers/{id}", id).then().statusCode(204);
        ServerFreshness ended = awaitFreshness(id, EventTypes.SERVER_VERIFIED).data(ServerFreshness.class);
        assertThat(ended.verified()).isTrue();
        assertThat(ended.reason()).isEqualTo("REMOVED");
        assertThat(ended.sequence()).isEqualTo(silent.sequence() + 1);

        // Registered again and silent again: its transitions number above everything of its first life.
        clock.advance(Duration.ofMinutes(1));
        register(id, app, "\"probeKind\":\"agent\"");
        report(id, AgentServers.token(id));
        clock.advance(Duration.ofHours(3).plusMinutes(1));
        Awaitility.await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(freshnessEvents(id)).hasSize(3));
        ServerFreshness again = freshnessEvents(id).get(2).data(ServerFreshness.class);
        assertThat(again.verified()).isFalse();
        assertThat(again.sequence()).isGreaterThan(ended.sequence());
    }

    @Test
    void maxSilenceIsPerApplicationAndFollowsTheApplicationsInterval() {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String quick = "quick-" + suffix;      // application-max-silence.fresh-quick=PT10M
        String often = "often-" + suffix;      // application-interval.fresh-often=PT5M → 15 min
        String plain = "plain-" + suffix;      // the default: 3 × 1 h
        register(quick, "fresh-quick", "\"probeKind\":\"agent\"");
        register(often, "fresh-often", "\"probeKind\":\"agent\"");
        register(plain, "plain-app-" + suffix, "\"probeKind\":\"agent\"");
        for (String id : List.of(quick, often, plain)) {
            report(id, AgentServers.token(id));
        }
        assertThat(freshness(quick).getString("maxSilence")).isEqualTo("PT10M");
        assertThat(freshness(often).getString("maxSilence")).isEqualTo("PT15M");
        assertThat(freshness(plain).getString("maxSilence")).isEqualTo("PT3H");

        clock.advance(Duration.ofMinutes(11));
        Awaitility.await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(freshness(quick).getString("state")).isEqualTo("UNVERIFIED"));
        awaitPasses(2);
        assertThat(freshness(often).getString("state")).isEqualTo("VERIFIED");
        assertThat(freshness(plain).getString("state")).isEqualTo("VERIFIED");

        clock.advance(Duration.ofMinutes(5));
        Awaitility.await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(freshness(often).getString("state")).isEqualTo("UNVERIFIED"));
        awaitPasses(2);
        assertThat(freshness(plain).getString("state")).isEqualTo("VERIFIED");
        assertThat(awaitFreshness(often, EventTypes.SERVER_UNVERIFIED).data(ServerFreshness.class).maxSilence())
                .isEqualTo(Duration.ofMinutes(15));
    }

    @Test
    void anSshServerWhoseHostKeyChangedIsUnverifiedForThatReasonAndTheNextGoodCheckClearsIt() throws Exception {
        String app = newId("fresh-ssh");
        String id = app + "-1";
        TestSshServer ssh = TestSshServer.serving(FakeServerRoot.under(baseDir, id)).trusted();
        try {
            registerSsh(id, app, ssh.port());
            assertThat(awaitCheck(id, c -> true).outcome()).isEqualTo(CheckOutcome.UP_TO_DATE);

            // The server is reinstalled with a new host key; its next scheduled check (1 h + jitter) is refused.
            ssh = ssh.withRotatedHostKey();
            clock.advance(Duration.ofMinutes(67));
            CheckCompleted refused = awaitCheck(id, c -> c.outcome() == CheckOutcome.UNREACHABLE);
            assertThat(refused.reason()).isEqualTo("HOST_KEY_CHANGED");
            JsonPath stillVerified = freshness(id);
            assertThat(stillVerified.getString("state")).isEqualTo("VERIFIED");
            assertThat(stillVerified.getString("lastAttemptReason")).isEqualTo("HOST_KEY_CHANGED");
            assertThat(stillVerified.getString("lastAttemptOutcome")).isEqualTo("UNREACHABLE");

            clock.advance(Duration.ofHours(2));
            Awaitility.await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                    assertThat(freshness(id).getString("state")).isEqualTo("UNVERIFIED"));
            assertThat(freshness(id).getString("reason")).isEqualTo("HOST_KEY_CHANGED");
            ServerFreshness event = awaitFreshness(id, EventTypes.SERVER_UNVERIFIED).data(ServerFreshness.class);
            assertThat(event.reason()).isEqualTo("HOST_KEY_CHANGED");
            assertThat(event.detail()).contains("HOST_KEY_CHANGED").contains("max-silence of PT3H");

            // The operator pins the new key and rechecks: verified again.
            awaitPasses(3);
            ssh.trusted();
            given().when().post("/api/servers/{id}/checks", id).then().statusCode(202);
            ServerFreshness cleared = awaitFreshness(id, EventTypes.SERVER_VERIFIED).data(ServerFreshness.class);
            assertThat(cleared.sequence()).isEqualTo(event.sequence() + 1);
            assertThat(freshness(id).getString("state")).isEqualTo("VERIFIED");
            assertThat(freshness(id).getString("lastAttemptReason")).isNull();

            awaitPasses(3);
            given().when().post("/api/servers/{id}/checks", id).then().statusCode(202);
            kafka.awaitEvents(Topics.CHECKS, Duration.ofSeconds(60),
                    e -> id.equals(e.key()) && e.data(CheckCompleted.class).trigger() == CheckTrigger.MANUAL, 2);
            assertThat(freshnessEvents(id)).extracting(ReceivedEvent::type)
                    .containsExactly(EventTypes.SERVER_UNVERIFIED, EventTypes.SERVER_VERIFIED);
        } finally {
            ssh.close();
        }
    }

    @Test
    void theVerifiedFilterTakesOnlyTrueOrFalse() {
        given().queryParam("verified", "maybe").when().get("/api/servers")
                .then().statusCode(400).contentType("application/problem+json");
    }

    @Test
    void theFreshnessViewNeedsCredentials() {
        given().filter(TestCredentials.anonymous()).queryParam("verified", "false").when().get("/api/servers")
                .then().statusCode(401);
    }

    private void awaitPasses(int passes) {
        long target = job.passes() + passes;
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> job.passes() >= target);
    }

    private static void awaitUnverifiedGaugeAtLeast(double count) {
        Awaitility.await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            String metrics = given().accept("text/plain").when().get("/q/metrics").then().statusCode(200).extract().asString();
            String line = metrics.lines().filter(l -> l.startsWith("restartwatch_servers_unverified ")).findFirst().orElseThrow();
            assertThat(Double.parseDouble(line.substring(line.indexOf(' ') + 1).trim())).isGreaterThanOrEqualTo(count);
            assertThat(metrics).contains("# HELP restartwatch_servers_unverified Servers Restart Watch cannot currently vouch for");
        });
    }

    private ReceivedEvent awaitFreshness(String id, String type) {
        return kafka.awaitEvents(Topics.FRESHNESS, Duration.ofSeconds(60), e -> id.equals(e.key()) && type.equals(e.type()), 1).get(0);
    }

    private List<ReceivedEvent> freshnessEvents(String id) {
        return kafka.readAll(Topics.FRESHNESS).stream().filter(e -> id.equals(e.key())).toList();
    }

    private CheckCompleted awaitCheck(String serverId, Predicate<CheckCompleted> match) {
        return kafka.awaitEvents(Topics.CHECKS, Duration.ofSeconds(60),
                e -> serverId.equals(e.key()) && match.test(e.data(CheckCompleted.class)), 1).get(0).data(CheckCompleted.class);
    }

    private static JsonPath freshness(String id) {
        return given().when().get("/api/servers/{id}", id).then().log().ifValidationFails().statusCode(200)
                .extract().jsonPath().setRootPath("freshness");
    }

    private static void report(String id, String token) {
        given().contentType(ContentType.JSON).filter(TestCredentials.as(token))
                .body("""
                        {"serverId":"%s","rebootRequired":false,"bootId":"b-1","runningKernel":"6.8.0-49-generic"}""".formatted(id))
                .when().post("/api/agent/reports")
                .then().log().ifValidationFails().statusCode(202);
    }

    private static void register(String id, String app, String probe) {
        given().contentType(ContentType.JSON).body("""
                        {"id":"%s","hostname":"%s.example.com","applicationId":"%s","environment":"production",%s}"""
                        .formatted(id, id, app, probe))
                .when().post("/api/servers")
                .then().log().ifValidationFails().statusCode(201);
    }

    private static void registerSsh(String id, String app, int port) {
        register(id, app, """
                "probeKind":"ssh","sshUser":"restartwatch","address":{"host":"127.0.0.1","sshPort":%d}""".formatted(port));
    }

    private static String newId(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
