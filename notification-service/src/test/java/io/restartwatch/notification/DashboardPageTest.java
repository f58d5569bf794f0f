package io.restartwatch.notification;

import static io.restartwatch.notification.Assessments.pending;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.hasItem;

import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restartwatch.contracts.EventTypes;
import io.restartwatch.contracts.Exposure;
import io.restartwatch.contracts.PlanEvent;
import io.restartwatch.contracts.PlanStatus;
import io.restartwatch.contracts.PriorityLevel;
import io.restartwatch.contracts.Surface;
import io.restartwatch.contracts.Topics;
import io.restartwatch.testsupport.HeadlessChromium;
import io.restartwatch.testsupport.KafkaEvents;
import io.restartwatch.testsupport.LocalInfraResource;
import org.junit.jupiter.api.Test;

/** The dashboard page in a real (headless) browser: it lists what the API lists and follows the live stream. */
@QuarkusTest
@WithTestResource(value = LocalInfraResource.class, initArgs = @ResourceArg(name = "database", value = "notification"))
class DashboardPageTest {

    /** Until the page has loaded there is no element to style: asking before that must not fail the wait. */
    private static final String SIGN_IN_SHOWN =
            "(p => p !== null && getComputedStyle(p).display !== 'none')(document.getElementById('signin-panel'))";


    @TestHTTPResource("/")
    URL dashboard;

    private final Assessments assessments = new Assessments();
    private final FreshnessEvents freshness = new FreshnessEvents();

    @Test
    void listsTheSeededNotificationAndShowsALiveTransitionWithoutReload() throws Exception {
        String app = Assessments.unique("page");
        String seeded = app + "-web-1";
        String arriving = app + "-db-1";
        assessments.publish(pending(seeded, 1, app, PriorityLevel.CRITICAL, 96, Exposure.PUBLIC, Duration.ofDays(12),
                Surface.DASHBOARD, Surface.APPLICATION));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                given().when().get("/api/servers/{id}/notification", seeded).then().statusCode(200));

        String operatorKey = TestKeys.issue(app, "operator");

        try (HeadlessChromium chromium = HeadlessChromium.start(Path.of("target", "chromium"), 1440, 900)) {
            chromium.navigate(dashboard.toString());
            // Signed out, the page shows only the sign-in form: the data needs a key.
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() ->
                    chromium.evaluate(SIGN_IN_SHOWN).asBoolean());
            assertThat(chromium.evaluate("getComputedStyle(document.getElementById('main')).display").asText()).as("the data, signed out").isEqualTo("none");
            chromium.evaluate("document.getElementById('key').value = 'rwk_notAKeyAnyoneIssued0000000000000000';"
                    + "document.getElementById('signin').requestSubmit()");
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() ->
                    chromium.evaluate("document.getElementById('signin-error').textContent").asText().contains("not valid"));
            chromium.evaluate("document.getElementById('key').value = '" + operatorKey + "';"
                    + "document.getElementById('signin').requestSubmit()");
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() ->
                    chromium.evaluate(rowExists(seeded)).asBoolean()
                            && chromium.evaluate("document.getElementById('live').classList.contains('on')").asBoolean());
            String row = chromium.evaluate(rowText(seeded)).asText();
            assertThat(row).contains("CRITICAL", "PUBLIC", "12 d", "linux-image-6.8.0-49-generic", app, "Acknowledge", "Snooze");
            // A marker that a reload would wipe out.
            chromium.evaluate("window.__loadedOnce = true");

            assessments.publish(pending(arriving, 1, app, PriorityLevel.HIGH, 74, Exposure.INTERNAL, Duration.ofDays(1),
                    Surface.DASHBOARD));

            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() ->
                    chromium.evaluate(rowExists(arriving)).asBoolean()
                            && chromium.evaluate("!!document.querySelector('#transitions li[data-server-id=\"" + arriving + "\"]')").asBoolean());
            assertThat(chromium.evaluate("window.__loadedOnce === true").asBoolean()).as("no reload").isTrue();
            assertThat(chromium.evaluate("document.getElementById('who').textContent").asText()).contains("key:" + app, "operator");
            assertThat(chromium.evaluate("document.querySelector('#transitions li').textContent").asText())
                    .contains("opened", arriving, "HIGH");
            assertThat(chromium.evaluate(rowText(arriving)).asText()).contains("HIGH", "INTERNAL", "1 d");

            Path screenshot = Path.of("target", "dashboard.png");
            chromium.screenshot(screenshot);
            assertThat(Files.size(screenshot)).isGreaterThan(10_000);
        }
    }

    @Test
    void blindSpotsListEveryServerThatCannotBeVouchedForAndFollowTheStream() throws Exception {
        String app = Assessments.unique("blindpage");
        String silent = app + "-db-1";
        String goingSilent = app + "-db-2";
        String services = app + "-web-1";
        freshness.publish(FreshnessEvents.unverified(silent, 1, app, "HOST_KEY_CHANGED",
                "<img src=x onerror=alert(1)> host key differs", Duration.ofHours(30)));
        assessments.publish(Assessments.servicesPending(services, 1, app, PriorityLevel.LOW, 14, Exposure.INTERNAL,
                Duration.ofHours(3), List.of("nginx.service", "ssh.service"), Surface.DASHBOARD));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            given().when().get("/api/servers/{id}/notifications", silent).then().statusCode(200).body("kind", hasItem("UNVERIFIED"));
            given().when().get("/api/servers/{id}/notifications", services).then().statusCode(200).body("kind", hasItem("SERVICE_RESTART"));
        });
        String viewerKey = TestKeys.issue(app, "viewer");

        try (HeadlessChromium chromium = HeadlessChromium.start(Path.of("target", "chromium-blind"), 1440, 900)) {
            chromium.navigate(dashboard.toString());
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() ->
                    chromium.evaluate(SIGN_IN_SHOWN).asBoolean());
            chromium.evaluate("document.getElementById('key').value = '" + viewerKey + "';"
                    + "document.getElementById('signin').requestSubmit()");
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() ->
                    chromium.evaluate(exists("#blind-rows", silent)).asBoolean()
                            && chromium.evaluate(exists("#rows", services)).asBoolean()
                            && chromium.evaluate("document.getElementById('live').classList.contains('on')").asBoolean());

            // Server, application, reason, since, last verified: from the dashboard alone.
            assertThat(chromium.evaluate(text("#blind-rows", silent)).asText())
                    .contains(silent, app, "HOST_KEY_CHANGED", "host key differs", "MEDIUM", "UNVERIFIED", "1 d ago");
            assertThat(chromium.evaluate("document.querySelectorAll('#blind-rows img').length").asInt()).as("detail is text").isZero();
            int blindCount = Integer.parseInt(chromium.evaluate("document.getElementById('blind-count').textContent").asText());
            int openUnverified = given().queryParam("status", "OPEN").queryParam("kind", "UNVERIFIED").when().get("/api/notifications")
                    .then().statusCode(200).extract().path("total");
            assertThat(blindCount).as("every open UNVERIFIED notification is counted").isEqualTo(openUnverified).isPositive();
            assertThat(chromium.evaluate("document.querySelectorAll('#blind-rows tr').length").asInt()).isEqualTo(openUnverified);
            // Blind spots are not restarts: not in the restarts' table; the services' notification is, with its badge.
            assertThat(chromium.evaluate(exists("#rows", silent)).asBoolean()).isFalse();
            assertThat(chromium.evaluate(text("#rows", services)).asText())
                    .contains("SERVICES", "Services: nginx.service, ssh.service", "LOW", "INTERNAL");
            assertThat(chromium.evaluate("document.getElementById('summary').textContent").asText()).contains("unverified");
            chromium.evaluate("window.__loadedOnce = true");

            // A server goes silent and another is verified again: the section follows without a reload.
            freshness.publish(FreshnessEvents.unverified(goingSilent, 1, app, "AGENT_SILENT", null, Duration.ofHours(7)));
            freshness.publish(FreshnessEvents.verified(silent, 2, app));
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() ->
                    chromium.evaluate(exists("#blind-rows", goingSilent)).asBoolean()
                            && !chromium.evaluate(exists("#blind-rows", silent)).asBoolean()
                            && chromium.evaluate("!!document.querySelector('#transitions li[data-server-id=\"" + goingSilent
                            + "\"][data-notification-kind=\"UNVERIFIED\"]')").asBoolean());
            assertThat(chromium.evaluate("window.__loadedOnce === true").asBoolean()).as("no reload").isTrue();
            assertThat(chromium.evaluate(text("#blind-rows", goingSilent)).asText()).contains("AGENT_SILENT", "7 h ago");

            Path screenshot = Path.of("target", "dashboard-blind-spots.png");
            chromium.screenshot(screenshot);
            assertThat(Files.size(screenshot)).isGreaterThan(10_000);
        }
    }

    @Test
    void haltedPlansAreListedWithALinkToTheirPlanUntilThePlanGoesOn() throws Exception {
        String app = Assessments.unique("haltpage");
        String server = app + "-web-1";
        String plan = "plan-" + app;
        KafkaEvents kafka = KafkaEvents.local();
        kafka.publish(Topics.RESTARTS, plan, EventTypes.PLAN_HALTED, new PlanEvent(PlanEvent.SCHEMA_VERSION, plan, app,
                PlanStatus.HALTED, 1, 2, 4, 1, 1, "NOT_BACK", "plan-service", server, server + ".example.com", "restart-1",
                Instant.now().minus(Duration.ofMinutes(20))));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                given().when().get("/api/servers/{id}/notifications", server).then().statusCode(200).body("kind", hasItem("PLAN_HALTED")));
        String viewerKey = TestKeys.issue(app, "viewer");

        try (HeadlessChromium chromium = HeadlessChromium.start(Path.of("target", "chromium-halted"), 1440, 900)) {
            chromium.navigate(dashboard.toString());
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() ->
                    chromium.evaluate(SIGN_IN_SHOWN).asBoolean());
            chromium.evaluate("document.getElementById('key').value = '" + viewerKey + "';"
                    + "document.getElementById('signin').requestSubmit()");
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() ->
                    chromium.evaluate(exists("#halted-rows", server)).asBoolean()
                            && chromium.evaluate("document.getElementById('live').classList.contains('on')").asBoolean());

            assertThat(chromium.evaluate(text("#halted-rows", server)).asText())
                    .contains(server, app, "NOT_BACK", "HIGH", "PLAN HALTED", "20 min ago", plan);
            assertThat(chromium.evaluate("document.querySelector('#halted-rows tr[data-server-id=\"" + server + "\"] a.plan-link').href").asText())
                    .isEqualTo("http://127.0.0.1:8085/plan.html?id=" + plan);
            assertThat(chromium.evaluate("document.querySelector('nav a.plans-link').href").asText())
                    .isEqualTo("http://127.0.0.1:8085/plans.html");
            assertThat(chromium.evaluate(exists("#rows", server)).asBoolean()).as("not a pending restart").isFalse();
            Path screenshot = Path.of("target", "dashboard-halted-plans.png");
            chromium.screenshot(screenshot);

            kafka.publish(Topics.RESTARTS, plan, EventTypes.PLAN_RESUMED, new PlanEvent(PlanEvent.SCHEMA_VERSION, plan, app,
                    PlanStatus.RUNNING, 1, 2, 4, 1, 1, null, "alice", null, null, null, Instant.now()));
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() ->
                    !chromium.evaluate(exists("#halted-rows", server)).asBoolean()
                            && chromium.evaluate("!!document.querySelector('#transitions li[data-server-id=\"" + server
                            + "\"][data-notification-kind=\"PLAN_HALTED\"]')").asBoolean());
        }
    }

    private static String exists(String table, String serverId) {
        return "!!document.querySelector('" + table + " tr[data-server-id=\"" + serverId + "\"]')";
    }

    private static String text(String table, String serverId) {
        return "document.querySelector('" + table + " tr[data-server-id=\"" + serverId + "\"]').innerText";
    }

    private static String rowExists(String serverId) {
        return "!!document.querySelector('#rows tr[data-server-id=\"" + serverId + "\"]')";
    }

    private static String rowText(String serverId) {
        return "document.querySelector('#rows tr[data-server-id=\"" + serverId + "\"]').innerText";
    }
}
