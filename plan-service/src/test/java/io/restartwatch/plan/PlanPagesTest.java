package io.restartwatch.plan;

import static io.restartwatch.plan.Fleet.uniqueId;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import jakarta.inject.Inject;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restartwatch.contracts.Exposure;
import io.restartwatch.contracts.PriorityLevel;
import io.restartwatch.plan.rest.TestKeys;
import io.restartwatch.testsupport.HeadlessChromium;
import io.restartwatch.testsupport.LocalInfraResource;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

/**
 * The plan pages in a real (headless) browser: sign in, preview a plan, create and approve it, and watch a restart's
 * status change live over the stream. The screenshot goes to {@code target/screenshots/} (the README's comes from there).
 */
@QuarkusTest
@WithTestResource(value = LocalInfraResource.class, initArgs = @ResourceArg(name = "database", value = "plan"))
class PlanPagesTest {

    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final Path SCREENSHOTS = Path.of("target", "screenshots");

    @TestHTTPResource("/")
    URL root;

    @Inject
    Fleet fleet;

    @Test
    void anOperatorPreviewsCreatesApprovesAndWatchesAPlanLive() throws Exception {
        String app = uniqueId("storefront");
        Instant since = Instant.now().minus(Duration.ofDays(9));
        fleet.pending(app + "-web-1", app, "production", Exposure.PUBLIC, PriorityLevel.CRITICAL, 96, since);
        fleet.pending(app + "-web-2", app, "production", Exposure.PUBLIC, PriorityLevel.HIGH, 64, since);
        fleet.pending(app + "-db-1", app, "production", Exposure.INTERNAL, PriorityLevel.HIGH, 55, since);
        fleet.pending(app + "-worker-1", app, "production", Exposure.INTERNAL, PriorityLevel.MEDIUM, 38, since);
        given().contentType(ContentType.JSON).body("{\"maxUnavailable\":\"2\",\"restartTimeout\":\"PT20M\"}")
                .when().put("/api/restart-policies/{app}", app).then().statusCode(200);
        String key = TestKeys.issue("page-operator", "operator");

        try (HeadlessChromium chromium = HeadlessChromium.start(Path.of("target", "chromium"), 1440, 1300)) {
            // Signed out, the page asks for a key and shows no data.
            chromium.navigate(url("plans.html"));
            await().atMost(PATIENCE).pollInterval(Duration.ofMillis(200)).until(() ->
                    chromium.evaluate("!!document.getElementById('signin-panel')"
                            + " && getComputedStyle(document.getElementById('signin-panel')).display !== 'none'").asBoolean());
            assertThat(chromium.evaluate("getComputedStyle(document.getElementById('main')).display").asText()).isEqualTo("none");
            chromium.evaluate("document.getElementById('key').value = '" + key + "'; document.getElementById('signin').requestSubmit()");
            awaitLoaded(chromium);
            assertThat(chromium.evaluate("document.getElementById('who').textContent").asText()).contains("key:page-operator", "operator");
            await().atMost(PATIENCE).until(() -> chromium.evaluate("document.getElementById('dashboard-link').href").asText()
                    .equals("http://127.0.0.1:8083/"));

            // Preview: two waves of two (maxUnavailable 2), public and critical first; nothing created yet.
            chromium.evaluate("document.getElementById('application').value = '" + app + "';"
                    + "document.getElementById('selection').requestSubmit()");
            await().atMost(PATIENCE).pollInterval(Duration.ofMillis(200)).until(() ->
                    chromium.evaluate("document.getElementById('preview-result').dataset.previewed === 'true'").asBoolean());
            assertThat(chromium.evaluate("document.querySelectorAll('#preview-result .wave').length").asInt()).isEqualTo(2);
            assertThat(text(chromium, "#preview-result .wave[data-wave=\"1\"]")).contains(app + "-web-1", app + "-web-2", "CRITICAL", "PUBLIC")
                    .doesNotContain(app + "-db-1");
            assertThat(text(chromium, "#preview-result")).contains("4 restart(s) in 2 wave(s)", "rank 1 of 4: PUBLIC, CRITICAL, score 96");
            assertThat(chromium.evaluate("document.getElementById('create').disabled").asBoolean()).isFalse();

            // Create: the plan's page, a DRAFT.
            chromium.evaluate("window.__leaving = true; document.getElementById('create').click()");
            awaitLoaded(chromium);
            assertThat(chromium.evaluate("location.pathname").asText()).endsWith("/plan.html");
            awaitStatus(chromium, "DRAFT");
            assertThat(text(chromium, "#plan-heading")).contains("Wave", "0 of 2", "key:page-operator", "not yet");
            assertThat(restartStatus(chromium, app + "-web-1")).isEqualTo("PLANNED");
            await().atMost(PATIENCE).until(() -> "live".equals(chromium.evaluate("document.getElementById('live').textContent").asText()));

            // Approve from the page.
            chromium.evaluate("document.querySelector('#plan-heading button[data-action=\"approve\"]').click()");
            awaitStatus(chromium, "RUNNING");
            assertThat(text(chromium, "#plan-heading")).contains("Approved", "key:page-operator");
            assertThat(chromium.evaluate("!!document.querySelector('#plan-heading button[data-action=\"pause\"]')").asBoolean()).isTrue();

            // The runner releases wave 1 and a check proves one restart: the page follows without a reload.
            String planId = chromium.evaluate("new URLSearchParams(location.search).get('id')").asText();
            chromium.evaluate("window.__sameDocument = true");
            fleet.awaitReleased(planId, 1);
            await().atMost(PATIENCE).pollInterval(Duration.ofMillis(200)).until(() -> "SCHEDULED".equals(restartStatus(chromium, app + "-web-1")));
            fleet.verify(app + "-web-1");
            await().atMost(PATIENCE).pollInterval(Duration.ofMillis(200)).until(() -> "VERIFIED".equals(restartStatus(chromium, app + "-web-1")));
            assertThat(restartStatus(chromium, app + "-web-2")).isEqualTo("SCHEDULED");
            assertThat(restartStatus(chromium, app + "-db-1")).isEqualTo("PLANNED");
            assertThat(chromium.evaluate("window.__sameDocument === true").asBoolean()).as("live, not reloaded").isTrue();
            screenshot(chromium, "restart-plan.png");

            // The list shows the plan with its status.
            chromium.evaluate("window.__leaving = true");
            chromium.navigate(url("plans.html"));
            awaitLoaded(chromium);
            await().atMost(PATIENCE).until(() -> text(chromium, "#plan-list").contains(planId.substring(0, 8)));
            assertThat(text(chromium, "#plan-list")).contains("RUNNING", app);
        }
    }

    private String url(String path) {
        return root.toString().replaceAll("/$", "") + "/" + path;
    }

    private static void awaitLoaded(HeadlessChromium chromium) {
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(200)).until(() -> chromium.evaluate(
                "!window.__leaving && document.readyState === 'complete' && !!document.getElementById('main')"
                        + " && document.getElementById('main').dataset.loaded === 'true'").asBoolean());
    }

    private static void awaitStatus(HeadlessChromium chromium, String status) {
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(200)).until(() -> status.equals(chromium.evaluate(
                "document.getElementById('plan-status') ? document.getElementById('plan-status').dataset.status : ''").asText()));
    }

    private static String restartStatus(HeadlessChromium chromium, String serverId) {
        return chromium.evaluate("(document.querySelector('.restart-status[data-server-id=\"" + serverId + "\"]') || {}).textContent || ''").asText();
    }

    private static String text(HeadlessChromium chromium, String selector) {
        return chromium.evaluate("(document.querySelector('" + selector.replace("'", "\\'") + "') || {}).innerText || ''").asText();
    }

    private static void screenshot(HeadlessChromium chromium, String name) throws Exception {
        Path file = SCREENSHOTS.resolve(name);
        chromium.screenshot(file);
        assertThat(Files.size(file)).isGreaterThan(10_000);
    }
}
