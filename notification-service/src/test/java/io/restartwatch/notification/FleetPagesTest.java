package io.restartwatch.notification;

import static io.restartwatch.notification.fleet.FleetEvents.HTTPS_TO_ANYWHERE;
import static io.restartwatch.notification.fleet.FleetEvents.now;
import static io.restartwatch.testsupport.TestCredentials.as;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restartwatch.contracts.CheckTrigger;
import io.restartwatch.contracts.Exposure;
import io.restartwatch.contracts.OpenPort;
import io.restartwatch.contracts.PriorityLevel;
import io.restartwatch.contracts.ServerSnapshot;
import io.restartwatch.contracts.Surface;
import io.restartwatch.notification.fleet.FleetEvents;
import io.restartwatch.testsupport.HeadlessChromium;
import io.restartwatch.testsupport.LocalInfraResource;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

/**
 * The fleet, server and application pages in a real (headless) browser over a realistic fleet: what they show,
 * that they link to each other and from the dashboard, and that untrusted text stays text. Screenshots go to
 * {@code target/screenshots/} (the README's come from there).
 */
@QuarkusTest
@WithTestResource(value = LocalInfraResource.class, initArgs = @ResourceArg(name = "database", value = "notification"))
class FleetPagesTest {

    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final Path SCREENSHOTS = Path.of("target", "screenshots");
    private static final String APP = "storefront";

    @TestHTTPResource("/")
    URL root;

    private final FleetEvents events = new FleetEvents();

    @Test
    void theFleetServerAndApplicationPagesShowTheFleetAndLinkToEachOther() throws Exception {
        publishFleet();
        String key = issueViewerKey();

        try (HeadlessChromium chromium = HeadlessChromium.start(Path.of("target", "chromium"), 1440, 1400)) {
            // Signed out, the page asks for a key and shows no data.
            chromium.navigate(url("fleet.html"));
            await().atMost(PATIENCE).pollInterval(Duration.ofMillis(200)).until(() ->
                    chromium.evaluate("!!document.getElementById('signin-panel')"
                            + " && getComputedStyle(document.getElementById('signin-panel')).display !== 'none'").asBoolean());
            assertThat(chromium.evaluate("getComputedStyle(document.getElementById('main')).display").asText()).isEqualTo("none");
            chromium.evaluate("document.getElementById('key').value = '" + key + "'; document.getElementById('signin').requestSubmit()");
            awaitLoaded(chromium);

            // The fleet list, searched: pending restarts first, then the server nobody can vouch for.
            open(chromium, "fleet.html?q=" + APP);
            assertThat(rowIds(chromium)).containsExactly("storefront-web-1", "storefront-web-2", "storefront-db-1", "storefront-worker-1");
            assertThat(rowText(chromium, "storefront-web-1")).contains("CRITICAL", "96", "PUBLIC", "stale", "verified", "team=web-shop");
            assertThat(rowText(chromium, "storefront-db-1")).contains("unverified: AGENT_SILENT", "UNREACHABLE");
            assertThat(chromium.evaluate("document.getElementById('q').value").asText()).isEqualTo(APP);
            assertThat(chromium.evaluate("document.getElementById('summary').textContent").asText()).contains("4 servers");
            assertThat(href(chromium, "#results tr[data-server-id=\"storefront-web-1\"] a.server")).endsWith("server.html?id=storefront-web-1");
            assertThat(href(chromium, "#results tr[data-server-id=\"storefront-web-1\"] td:nth-child(2) a")).endsWith("application.html?id=storefront");
            screenshot(chromium, "fleet-page.png");

            // The filters: the form submits to the page itself, the API filters.
            chromium.evaluate("document.getElementById('level').value = 'CRITICAL'; window.__leaving = true;"
                    + "document.getElementById('filters').requestSubmit()");
            awaitLoaded(chromium);
            assertThat(rowIds(chromium)).containsExactly("storefront-web-1");
            assertThat(chromium.evaluate("document.getElementById('q').value").asText()).as("the search stays").isEqualTo(APP);
            chromium.evaluate("document.getElementById('level').value = ''; document.getElementById('unverified').checked = true;"
                    + "window.__leaving = true; document.getElementById('filters').requestSubmit()");
            awaitLoaded(chromium);
            assertThat(rowIds(chromium)).containsExactly("storefront-db-1");
            assertThat(chromium.evaluate("location.search").asText()).contains("unverified=on", "q=" + APP);
            open(chromium, "fleet.html?label=role%3Dweb&environment=production&exposure=PUBLIC");
            assertThat(rowIds(chromium)).containsExactly("storefront-web-1", "storefront-web-2");
            assertThat(chromium.evaluate("document.getElementById('label').value").asText()).isEqualTo("role=web");

            // The server page: its restart explained, exposure facts with their sources, freshness, notification, history.
            open(chromium, "server.html?id=storefront-web-1");
            String restart = text(chromium, "#restart");
            assertThat(restart).contains("CRITICAL", "score 96", "reboot", "stale", "linux-image-6.8.0-49-generic", "nginx.service",
                    "canonical-livepatch: applied", "Why it scored 96", "declared: port 443/tcp open to 0.0.0.0/0", "total");
            assertThat(chromium.evaluate("document.querySelector('.explanation tfoot').innerText").asText()).contains("96");
            String exposure = text(chromium, "#exposure");
            assertThat(exposure).contains("PUBLIC", "declared", "firewall", "Listening", "Firewall (nftables, inbound filtered)", "⚠ undeclared", "declared, nothing listens",
                    "tcp 0.0.0.0:8080", "nftables");
            assertThat(chromium.evaluate("document.querySelectorAll('.exposure-facts .flag.undeclared').length").asInt()).isEqualTo(1);
            assertThat(text(chromium, "#freshness")).contains("Verified");
            assertThat(text(chromium, "#notification")).contains("CRITICAL", "*** System restart required ***", "opened", "escalated");
            assertThat(chromium.evaluate("document.querySelectorAll('#checks tbody tr').length").asInt()).isEqualTo(4);
            assertThat(text(chromium, "#checks")).contains("REBOOT_REQUIRED", "DEPLOY", "UP_TO_DATE", "6.8.0-45-generic → 6.8.0-49-generic",
                    "detected by sentinel, needrestart");
            assertThat(chromium.evaluate("document.title").asText()).contains("storefront-web-1");
            assertThat(href(chromium, ".heading a")).endsWith("application.html?id=storefront");
            screenshot(chromium, "server-page.png");

            // An unverified server says so, loudly, with the reason; a label that looks like markup stays text.
            open(chromium, "server.html?id=storefront-db-1");
            assertThat(text(chromium, "#freshness")).contains("Unverified", "AGENT_SILENT", "no report from the agent for 4 h");
            open(chromium, "server.html?id=billing-api-1");
            assertThat(text(chromium, "#freshness")).contains("Unverified", "HOST_KEY_CHANGED", "no longer matches known_hosts");
            assertThat(chromium.evaluate("document.querySelectorAll('.heading img, .heading b').length").asInt()).as("no markup from data").isZero();
            assertThat(text(chromium, ".heading")).contains("note=<img src=x onerror=alert(1)><b>api</b>");

            // The application page: its servers, pending, stale and unverified restarts, its policy.
            open(chromium, "application.html?id=" + APP);
            String heading = text(chromium, ".heading");
            assertThat(heading).contains("4 servers", "2 pending", "1 stale", "1 unverified", "production, staging");
            assertThat(sectionIds(chromium, "stale")).containsExactly("storefront-web-1");
            assertThat(sectionIds(chromium, "unverified")).containsExactly("storefront-db-1");
            assertThat(sectionIds(chromium, "pending")).containsExactly("storefront-web-1", "storefront-web-2");
            assertThat(sectionIds(chromium, "servers")).hasSize(4);
            assertThat(text(chromium, "#policy")).contains("Stale after", "5 d", "Critical after", "21 d", "× 1.5", "linux-image");
            assertThat(href(chromium, "#servers tr[data-server-id=\"storefront-db-1\"] a.server")).endsWith("server.html?id=storefront-db-1");
            assertThat(href(chromium, ".heading .summary a")).endsWith("fleet.html?application=storefront");
            screenshot(chromium, "application-page.png");

            open(chromium, "application.html?id=billing");
            assertThat(text(chromium, "#policy")).contains("defaults");

            // The dashboard links to the fleet pages.
            chromium.evaluate("window.__leaving = true");
            chromium.navigate(url(""));
            await().atMost(PATIENCE).pollInterval(Duration.ofMillis(200)).until(() ->
                    chromium.evaluate("!window.__leaving && !!document.querySelector('nav a[href=\"fleet.html\"]')").asBoolean());
            assertThat(chromium.evaluate("[...document.querySelectorAll('nav a')].map(a => a.getAttribute('href')).join(' ')").asText())
                    .contains("fleet.html", "fleet.html?unverified=on");
        }
    }

    private void publishFleet() {
        Instant now = now();
        ServerSnapshot web1 = FleetEvents.server("storefront-web-1", 1, APP, "production", Map.of("team", "web-shop", "role", "web"), HTTPS_TO_ANYWHERE, "ssh");
        ServerSnapshot web2 = FleetEvents.server("storefront-web-2", 1, APP, "production", Map.of("team", "web-shop", "role", "web"),
                List.of(new OpenPort(443, "tcp", List.of("0.0.0.0/0"))), "ssh");
        ServerSnapshot db1 = FleetEvents.server("storefront-db-1", 1, APP, "production", Map.of("team", "web-shop", "role", "db"), List.of(), "agent");
        ServerSnapshot worker = FleetEvents.server("storefront-worker-1", 1, APP, "staging", Map.of("team", "web-shop", "role", "worker"), List.of(), "local");
        ServerSnapshot api1 = FleetEvents.server("billing-api-1", 1, "billing", "production",
                Map.of("team", "payments", "note", "<img src=x onerror=alert(1)><b>api</b>"), List.of(), "ssh");
        ServerSnapshot api2 = FleetEvents.server("billing-api-2", 1, "billing", "production", Map.of("team", "payments"), List.of(), "ssh");
        List.of(web1, web2, db1, worker, api1, api2).forEach(events::publish);

        events.publish(FleetEvents.upToDate(web1, now.minus(Duration.ofDays(14))));
        events.publish(FleetEvents.rebootRequired(web1, now.minus(Duration.ofDays(12)), CheckTrigger.SCHEDULED, Duration.ofMinutes(20)));
        events.publish(FleetEvents.rebootRequired(web1, now.minus(Duration.ofDays(3)), CheckTrigger.DEPLOY, Duration.ofDays(9)));
        events.publish(FleetEvents.rebootRequired(web1, now.minus(Duration.ofMinutes(25)), CheckTrigger.SCHEDULED, Duration.ofDays(12)));
        events.publish(FleetEvents.pending(web1, 1, PriorityLevel.HIGH, 74, Exposure.PUBLIC, Duration.ofDays(12), Surface.DASHBOARD));
        events.publish(FleetEvents.pending(web1, 2, PriorityLevel.CRITICAL, 96, Exposure.PUBLIC, Duration.ofDays(12), Surface.DASHBOARD, Surface.APPLICATION));
        events.publish(FleetEvents.verified(web1, 1));
        events.publish(FleetEvents.rebootRequired(web2, now.minus(Duration.ofHours(2)), CheckTrigger.AGENT, Duration.ofDays(2)));
        events.publish(FleetEvents.pending(web2, 1, PriorityLevel.HIGH, 71, Exposure.PUBLIC, Duration.ofDays(2), Surface.DASHBOARD));
        events.publish(FleetEvents.unreachable(db1, now.minus(Duration.ofHours(1)), "AGENT_SILENT"));
        events.publish(FleetEvents.unverified(db1, 1, "AGENT_SILENT", "no report from the agent for 4 h (max silence 3 h)", Duration.ofHours(4)));
        events.publish(FleetEvents.upToDate(worker, now.minus(Duration.ofMinutes(40))));
        events.publish(FleetEvents.verified(worker, 1));
        events.publish(FleetEvents.unreachable(api1, now.minus(Duration.ofHours(7)), "HOST_KEY_CHANGED"));
        events.publish(FleetEvents.unverified(api1, 1, "HOST_KEY_CHANGED", "the SSH host key no longer matches known_hosts", Duration.ofHours(8)));
        events.publish(FleetEvents.pending(api2, 1, PriorityLevel.LOW, 18, Exposure.INTERNAL, Duration.ofHours(6)));
        events.publish(FleetEvents.policy(APP, Duration.ofDays(5), Duration.ofDays(21), 1.5, now));

        // Five topics and two consumer groups on a busy machine: more patience than for one event.
        await().atMost(PATIENCE.multipliedBy(3)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            assertThat(given().get("/api/fleet/applications/{id}", APP).then().statusCode(200).extract().jsonPath().getString("policy.source"))
                    .as("the policy").isEqualTo("application");
            assertThat(given().get("/api/fleet/servers?q=" + APP).then().extract().jsonPath().getInt("total")).as("servers").isEqualTo(4);
            var web1Detail = given().get("/api/fleet/servers/{id}", "storefront-web-1").then().extract().jsonPath();
            assertThat(web1Detail.getList("checks")).as("web-1's checks").hasSize(4);
            assertThat(web1Detail.getString("restart.level")).isEqualTo("CRITICAL");
            assertThat(web1Detail.getList("timeline")).as("web-1's timeline").hasSize(2);
            assertThat(web1Detail.getString("freshness.verified")).as("web-1 verified").isEqualTo("true");
            assertThat(given().get("/api/fleet/servers?verified=false").then().extract().jsonPath().getList("items.serverId"))
                    .contains("storefront-db-1", "billing-api-1");
            assertThat(given().get("/api/fleet/servers/{id}", "billing-api-2").then().extract().jsonPath().getString("restart.level")).isEqualTo("LOW");
            assertThat(given().get("/api/fleet/servers/{id}", "storefront-worker-1").then().extract().jsonPath().getList("checks")).hasSize(1);
        });
    }

    private static String issueViewerKey() {
        String key = given().contentType(ContentType.JSON).body(Map.of("name", "alice", "roles", List.of("viewer")))
                .when().post("/api/keys").then().statusCode(201).extract().path("key");
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(100)).until(() ->
                given().filter(as(key)).when().get("/api/session").statusCode() == 200);
        return key;
    }

    private String url(String path) {
        return root.toString() + path;
    }

    /** Navigates and waits for the new document's data; the old document is marked so it cannot pass for the new one. */
    private void open(HeadlessChromium chromium, String path) {
        chromium.evaluate("window.__leaving = true");
        chromium.navigate(url(path));
        awaitLoaded(chromium);
    }

    private static void awaitLoaded(HeadlessChromium chromium) {
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(200)).until(() -> chromium.evaluate(
                "!window.__leaving && document.readyState === 'complete' && !!document.getElementById('main')"
                        + " && document.getElementById('main').dataset.loaded === 'true'").asBoolean());
    }

    private static List<String> rowIds(HeadlessChromium chromium) {
        return sectionIds(chromium, "results");
    }

    private static List<String> sectionIds(HeadlessChromium chromium, String sectionId) {
        String ids = chromium.evaluate("[...document.querySelectorAll('#" + sectionId + " tbody tr')].map(r => r.dataset.serverId).join(' ')").asText();
        return ids.isEmpty() ? List.of() : List.of(ids.split(" "));
    }

    private static String rowText(HeadlessChromium chromium, String serverId) {
        return chromium.evaluate("document.querySelector('#results tr[data-server-id=\"" + serverId + "\"]').textContent").asText();
    }

    private static String text(HeadlessChromium chromium, String selector) {
        return chromium.evaluate("document.querySelector('" + selector + "').textContent").asText();
    }

    private static String href(HeadlessChromium chromium, String selector) {
        return chromium.evaluate("document.querySelector('" + selector.replace("'", "\\'") + "').href").asText();
    }

    private static void screenshot(HeadlessChromium chromium, String name) throws Exception {
        Path file = SCREENSHOTS.resolve(name);
        chromium.screenshot(file);
        assertThat(Files.size(file)).isGreaterThan(10_000);
    }
}
