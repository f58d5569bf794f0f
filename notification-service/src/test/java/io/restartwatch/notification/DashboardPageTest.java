package io.restartwatch.notification;

import static io.restartwatch.notification.Assessments.pending;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restartwatch.contracts.Exposure;
import io.restartwatch.contracts.PriorityLevel;
import io.restartwatch.contracts.Surface;
import io.restartwatch.testsupport.LocalInfraResource;
import org.junit.jupiter.api.Test;

/** The dashboard page in a real (headless) browser: it lists what the API lists and follows the live stream. */
@QuarkusTest
@WithTestResource(value = LocalInfraResource.class, initArgs = @ResourceArg(name = "database", value = "notification"))
class DashboardPageTest {

    @TestHTTPResource("/")
    URL dashboard;

    private final Assessments assessments = new Assessments();

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
                    chromium.evaluate("getComputedStyle(document.getElementById('signin-panel')).display !== 'none'").asBoolean());
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

    private static String rowExists(String serverId) {
        return "!!document.querySelector('#rows tr[data-server-id=\"" + serverId + "\"]')";
    }

    private static String rowText(String serverId) {
        return "document.querySelector('#rows tr[data-server-id=\"" + serverId + "\"]').innerText";
    }
}
