package io.restartwatch.notification;

import static io.restartwatch.notification.Assessments.done;
import static io.restartwatch.notification.Assessments.pending;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.inject.Vetoed;
import jakarta.inject.Inject;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusMock;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restartwatch.contracts.EventJson;
import io.restartwatch.contracts.Exposure;
import io.restartwatch.contracts.PriorityAssessed;
import io.restartwatch.contracts.PriorityLevel;
import io.restartwatch.contracts.Surface;
import io.restartwatch.notification.rest.WebhookResource;
import io.restartwatch.notification.webhook.HostResolver;
import io.restartwatch.notification.webhook.WebhookSignature;
import io.restartwatch.support.security.Roles;
import io.restartwatch.testsupport.LocalInfraResource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(value = LocalInfraResource.class, initArgs = @ResourceArg(name = "database", value = "notification"))
class WebhooksTest {

    private static final String SECRET = "s3cret-for-webhook-tests";

    @Inject
    MutableClock clock;

    private final Assessments assessments = new Assessments();
    private final FreshnessEvents freshness = new FreshnessEvents();
    private final FakeDns dns = new FakeDns();

    /** DNS as the SSRF guard sees it: names under .test are the test's; the rest (literals) resolve as usual. */
    @BeforeEach
    void installDns() {
        dns.answer("example.com", "93.184.215.14");
        QuarkusMock.installMockForType(dns, HostResolver.class);
    }

    @AfterEach
    void resetClock() {
        clock.reset();
    }

    @Test
    void aFailingReceiverGetsTheTransitionOnceOnTheFourthAttemptSigned() {
        try (WebhookReceiver receiver = new WebhookReceiver(3)) {
            String webhook = register(Map.of("url", receiver.url(), "secret", SECRET, "minLevel", "HIGH"));
            String app = Assessments.unique("hooked");
            String quiet = app + "-low";
            String loud = app + "-critical";
            try {
                // Below the webhook's minimum level: never sent.
                assessments.publish(pending(quiet, 1, app, PriorityLevel.LOW, 10, Exposure.INTERNAL, Duration.ofDays(1)));
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                        given().when().get("/api/servers/{id}/notification", quiet).then().statusCode(200));

                assessments.publish(pending(loud, 1, app, PriorityLevel.CRITICAL, 95, Exposure.PUBLIC, Duration.ofDays(9), Surface.DASHBOARD));
                await().atMost(Duration.ofSeconds(30)).until(() -> receiver.about(loud).size() >= 4);
                JsonPath delivered = await().atMost(Duration.ofSeconds(10)).until(() -> deliveries(webhook),
                        d -> "DELIVERED".equals(d.getString("items[0].status")));
                // Delivered, so no more attempts: the receiver's count stays put.
                await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> receiver.about(loud).size() == 4);

                List<WebhookReceiver.Received> requests = receiver.about(loud);
                assertThat(requests).extracting(WebhookReceiver.Received::answeredWith).containsExactly(500, 500, 500, 204);
                assertThat(requests).extracting(r -> r.header("X-RestartWatch-Delivery")).containsOnly(delivered.getString("items[0].id"));
                assertThat(requests).extracting(WebhookReceiver.Received::body).containsOnly(requests.get(0).body());
                WebhookReceiver.Received last = requests.get(3);
                assertThat(last.header("X-RestartWatch-Event")).isEqualTo("notification.opened");
                assertThat(last.header("Content-Type")).isEqualTo("application/json");
                assertThat(last.header("X-RestartWatch-Signature")).isEqualTo(WebhookSignature.sign(SECRET, last.body()))
                        .isEqualTo("sha256=" + hmacSha256Hex(SECRET, last.body()));
                Map<?, ?> body = EventJson.read(last.body(), Map.class);
                assertThat(body.get("type")).isEqualTo("io.restartwatch.notification.opened");
                assertThat(body.get("deliveryId")).isEqualTo(delivered.getString("items[0].id"));
                assertThat(((Map<?, ?>) body.get("data")).get("serverId")).isEqualTo(loud);
                assertThat(((Map<?, ?>) body.get("data")).get("message").toString()).startsWith("*** System restart required ***");

                assertThat(delivered.getList("items.serverId", String.class)).containsExactly(loud);
                assertThat(delivered.getInt("items[0].attemptCount")).isEqualTo(4);
                assertThat(delivered.getList("items[0].attempts.statusCode", Integer.class)).containsExactly(500, 500, 500, 204);
                assertThat(delivered.getList("items[0].attempts.error", String.class)).containsExactly("HTTP 500", "HTTP 500", "HTTP 500", null);
                assertThat(delivered.getString("items[0].nextAttemptAt")).isNull();
                // Exponential backoff: each wait at least the configured one (100 ms, 200 ms, 400 ms in tests).
                List<Instant> at = delivered.getList("items[0].attempts.at", String.class).stream().map(Instant::parse).toList();
                assertThat(Duration.between(at.get(0), at.get(1))).isGreaterThanOrEqualTo(Duration.ofMillis(100));
                assertThat(Duration.between(at.get(1), at.get(2))).isGreaterThanOrEqualTo(Duration.ofMillis(200));
                assertThat(Duration.between(at.get(2), at.get(3))).isGreaterThanOrEqualTo(Duration.ofMillis(400));

                // The clear reaches the receiver that heard of the notification.
                assessments.publish(done(loud, 2, app));
                await().atMost(Duration.ofSeconds(30)).until(() -> receiver.about(loud).size() == 5);
                assertThat(receiver.about(loud).get(4).header("X-RestartWatch-Event")).isEqualTo("notification.cleared");
                await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                        assertThat(deliveries(webhook).getList("items.status", String.class)).containsExactly("DELIVERED", "DELIVERED"));
                assertThat(receiver.about(quiet)).isEmpty();
            } finally {
                given().when().delete("/api/webhooks/{id}", webhook).then().statusCode(204);
            }
            given().when().get("/api/webhooks/{id}/deliveries", webhook).then().statusCode(404).contentType("application/problem+json");
        }
    }

    @Test
    void aReceiverThatNeverAnswersIsGivenUpAfterTheRetryPeriod() {
        try (WebhookReceiver receiver = new WebhookReceiver(Integer.MAX_VALUE)) {
            String webhook = register(Map.of("url", receiver.url(), "format", "SLACK", "minLevel", "CRITICAL"));
            String server = Assessments.unique("down");
            try {
                assessments.publish(pending(server, 1, "shop", PriorityLevel.CRITICAL, 97, Exposure.PUBLIC, Duration.ofDays(3), Surface.DASHBOARD));
                await().atMost(Duration.ofSeconds(30)).until(() -> receiver.about(server).size() >= 2);
                given().when().get("/api/webhooks/{id}/deliveries", webhook).then().statusCode(200)
                        .body("items[0].status", equalTo("PENDING")).body("items[0].lastError", equalTo("HTTP 500"));

                clock.advance(Duration.ofHours(25));
                JsonPath failed = await().atMost(Duration.ofSeconds(10)).until(() -> deliveries(webhook),
                        d -> "FAILED".equals(d.getString("items[0].status")));
                assertThat(failed.getString("items[0].nextAttemptAt")).isNull();
                int attempts = failed.getInt("items[0].attemptCount");
                await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> receiver.about(server).size() == attempts);

                // Slack's format: a text message, unsigned (Slack cannot verify it).
                WebhookReceiver.Received slack = receiver.about(server).get(0);
                assertThat(EventJson.read(slack.body(), Map.class).get("text").toString())
                        .startsWith(":warning: *Restart required* on `" + server + "` (CRITICAL)")
                        .contains("*** System restart required ***");
                assertThat(slack.header("X-RestartWatch-Signature")).isNull();
            } finally {
                given().when().delete("/api/webhooks/{id}", webhook).then().statusCode(204);
            }
        }
    }

    @Test
    void registrationRejectsWhatCannotBeDelivered() {
        given().contentType(ContentType.JSON).body(Map.of("url", "ftp://example.com/x", "secret", SECRET))
                .when().post("/api/webhooks")
                .then().statusCode(400).contentType("application/problem+json").body("errors[0].field", equalTo("url"));
        given().contentType(ContentType.JSON).body(Map.of("url", "https://example.com/hook"))
                .when().post("/api/webhooks")
                .then().statusCode(400).body("errors[0].field", equalTo("secret"));
        given().contentType(ContentType.JSON).body(Map.of("url", "https://example.com/hook", "secret", "short"))
                .when().post("/api/webhooks")
                .then().statusCode(400).body("errors[0].field", equalTo("secret"));
        given().contentType(ContentType.JSON).body(Map.of("url", "https://example.com/hook", "secret", SECRET, "minLevel", "URGENT"))
                .when().post("/api/webhooks")
                .then().statusCode(400).body("errors[0].field", equalTo("minLevel"));

        String id = register(Map.of("url", "https://example.com/hook", "secret", SECRET));
        given().when().get("/api/webhooks/{id}", id).then().statusCode(200)
                .body("minLevel", equalTo("LOW")).body("format", equalTo("JSON")).body("signed", equalTo(true))
                .body("secret", nullValue());
        given().when().delete("/api/webhooks/{id}", id).then().statusCode(204);
        given().when().get("/api/webhooks/{id}", id).then().statusCode(404);
    }

    @Test
    void registrationRefusesTargetsInsideTheNetwork() {
        dns.answer("intranet.example.test", "93.184.215.14", "192.168.10.20");
        Map<String, String> refused = Map.of(
                "http://169.254.169.254/latest/meta-data/iam/security-credentials/", "link-local",
                "http://[::ffff:169.254.169.254]/latest/meta-data/", "link-local",
                "http://127.0.0.2:8080/hook", "loopback",
                "http://10.0.0.8/hook", "private",
                "https://[fd00::8]/hook", "private",
                "http://100.64.1.1/hook", "carrier-grade NAT",
                "https://intranet.example.test/hook", "192.168.10.20, a private",
                "https://nowhere.example.test/hook", "does not resolve",
                "gopher://example.com/_x", "http(s)");
        refused.forEach((url, why) -> given().contentType(ContentType.JSON).body(Map.of("url", url, "secret", SECRET))
                .when().post("/api/webhooks")
                .then().statusCode(400).contentType("application/problem+json")
                .body("errors[0].field", equalTo("url")).body("errors[0].message", containsString(why)));
        given().when().get("/api/webhooks").then().statusCode(200)
                .body("url", not(hasItem(containsString("169.254")))).body("url", not(hasItem(containsString("intranet"))));
    }

    @Test
    void aHostWhoseAddressTurnsInternalBeforeDeliveryIsNotSentTo() {
        try (WebhookReceiver receiver = new WebhookReceiver(0)) {
            int port = Integer.parseInt(receiver.url().replaceAll(".*:(\\d+)/hook", "$1"));
            String host = Assessments.unique("rebind") + ".example.test";
            dns.answer(host, "93.184.215.14");
            String webhook = register(Map.of("url", "http://" + host + ":" + port + "/hook", "secret", SECRET, "minLevel", "CRITICAL"));
            String server = Assessments.unique("rebound");
            try {
                // After registration the name also answers with an internal address: every attempt is refused,
                // even the one that could have gone to the (allowed) receiver on 127.0.0.1.
                dns.answer(host, "127.0.0.1", "10.0.0.9");
                assessments.publish(pending(server, 1, "shop", PriorityLevel.CRITICAL, 97, Exposure.PUBLIC, Duration.ofDays(3), Surface.DASHBOARD));
                JsonPath refused = await().atMost(Duration.ofSeconds(30)).until(() -> deliveries(webhook),
                        d -> !d.getList("items").isEmpty() && d.getInt("items[0].attemptCount") >= 2);
                assertThat(refused.getString("items[0].status")).isEqualTo("PENDING");
                assertThat(refused.getList("items[0].attempts.statusCode")).containsOnlyNulls();
                assertThat(refused.getList("items[0].attempts.error", String.class)).allSatisfy(error -> assertThat(error)
                        .startsWith("Refused: host " + host + " resolves to 10.0.0.9, a private address"));
                assertThat(receiver.about(server)).isEmpty();

                // Only the allowed address now: the request goes to the address checked, under the registered name.
                dns.answer(host, "127.0.0.1");
                await().atMost(Duration.ofSeconds(30)).until(() -> receiver.about(server).size() == 1);
                assertThat(receiver.about(server).get(0).header("Host")).isEqualTo(host + ":" + port);
                JsonPath delivered = await().atMost(Duration.ofSeconds(10)).until(() -> deliveries(webhook),
                        d -> "DELIVERED".equals(d.getString("items[0].status")));
                List<Integer> codes = delivered.getList("items[0].attempts.statusCode", Integer.class);
                assertThat(codes.get(codes.size() - 1)).isEqualTo(204);
            } finally {
                given().when().delete("/api/webhooks/{id}", webhook).then().statusCode(204);
            }
        }
    }

    @Test
    void aUrlIsShownInFullOnlyWhenRegistered() {
        String url = "https://hooks.example.test:8443/services/T0001/B0002/Xsecrettoken?token=also-secret";
        dns.answer("hooks.example.test", "93.184.215.14");
        String id = given().contentType(ContentType.JSON).body(Map.of("url", url, "format", "SLACK"))
                .when().post("/api/webhooks")
                .then().statusCode(201).body("url", equalTo(url)).extract().path("id");
        try {
            String one = given().when().get("/api/webhooks/{id}", id).then().statusCode(200)
                    .body("url", equalTo("https://hooks.example.test:8443/…")).extract().asString();
            String all = given().when().get("/api/webhooks").then().statusCode(200).extract().asString();
            assertThat(JsonPath.from(all).getString("find { it.id == '" + id + "' }.url")).isEqualTo("https://hooks.example.test:8443/…");
            assertThat(one + all).doesNotContain("Xsecrettoken").doesNotContain("also-secret").doesNotContain("T0001");
        } finally {
            given().when().delete("/api/webhooks/{id}", id).then().statusCode(204);
        }
    }

    @Test
    void slackMessagesCarryPackageNamesAsTextNotAsMentionsOrLinks() {
        try (WebhookReceiver receiver = new WebhookReceiver(0)) {
            String webhook = register(Map.of("url", receiver.url(), "format", "SLACK", "minLevel", "CRITICAL"));
            String server = Assessments.unique("slacked");
            try {
                PriorityAssessed a = pending(server, 1, "shop", PriorityLevel.CRITICAL, 97, Exposure.PUBLIC, Duration.ofDays(3), Surface.DASHBOARD);
                assessments.publish(new PriorityAssessed(a.schemaVersion(), a.serverId(), a.sequence(), a.applicationId(), a.environment(),
                        a.hostname(), a.pending(), a.level(), a.score(), a.exposure(), a.factors(), a.surfaces(), a.requiredSince(),
                        List.of("<!channel>", "<@U123>", "<http://evil.example|click>", "libfoo&bar"), a.assessedAt(), a.kind(), a.services(), a.livepatch(), a.exposureFacts()));
                await().atMost(Duration.ofSeconds(30)).until(() -> receiver.about(server).size() == 1);

                String text = EventJson.read(receiver.about(server).get(0).body(), Map.class).get("text").toString();
                assertThat(text).contains("Packages: &lt;!channel&gt;, &lt;@U123&gt;, &lt;http://evil.example|click&gt;, libfoo&amp;bar")
                        .doesNotContain("<").doesNotContain(">");
            } finally {
                given().when().delete("/api/webhooks/{id}", webhook).then().statusCode(204);
            }
        }
    }

    @Test
    void unverifiedServersAndServiceRestartsReachJsonAndSlackWebhooksWithTheirOwnWords() {
        try (WebhookReceiver json = new WebhookReceiver(0); WebhookReceiver slack = new WebhookReceiver(0)) {
            String jsonHook = register(Map.of("url", json.url(), "secret", SECRET, "minLevel", "MEDIUM"));
            String slackHook = register(Map.of("url", slack.url(), "format", "SLACK", "minLevel", "MEDIUM"));
            String app = Assessments.unique("kinds");
            String blind = app + "-blind";
            String services = app + "-services";
            try {
                freshness.publish(FreshnessEvents.unverified(blind, 1, app, "HOST_KEY_CHANGED",
                        "known_hosts says <!channel> & friends", Duration.ofHours(4)));
                assessments.publish(Assessments.servicesPending(services, 1, app, PriorityLevel.MEDIUM, 35, Exposure.INTERNAL,
                        Duration.ofHours(1), List.of("nginx.service", "<!here>.service")));
                await().atMost(Duration.ofSeconds(30)).until(() -> json.about(blind).size() == 1 && slack.about(blind).size() == 1
                        && json.about(services).size() == 1 && slack.about(services).size() == 1);

                WebhookReceiver.Received opened = json.about(blind).get(0);
                assertThat(opened.header("X-RestartWatch-Event")).isEqualTo("notification.opened");
                assertThat(opened.header("X-RestartWatch-Signature")).isEqualTo("sha256=" + hmacSha256Hex(SECRET, opened.body()));
                Map<?, ?> data = (Map<?, ?>) EventJson.read(opened.body(), Map.class).get("data");
                assertThat(data.get("kind")).isEqualTo("UNVERIFIED");
                assertThat(data.get("reason")).isEqualTo("HOST_KEY_CHANGED");
                assertThat(data.get("level")).isEqualTo("MEDIUM");
                assertThat(data.get("message").toString()).startsWith("Restart Watch cannot vouch for " + blind + ": HOST_KEY_CHANGED since ");
                Map<?, ?> servicesData = (Map<?, ?>) EventJson.read(json.about(services).get(0).body(), Map.class).get("data");
                assertThat(servicesData.get("kind")).isEqualTo("SERVICE_RESTART");
                assertThat(servicesData.get("services")).isEqualTo(List.of("nginx.service", "<!here>.service"));

                assertThat(slackText(slack.about(blind).get(0)))
                        .startsWith(":grey_question: *Cannot vouch for* `" + blind + "` (MEDIUM): HOST_KEY_CHANGED")
                        .contains("Detail: known_hosts says &lt;!channel&gt; &amp; friends")
                        .doesNotContain("<").doesNotContain(">");
                assertThat(slackText(slack.about(services).get(0)))
                        .startsWith(":arrows_counterclockwise: *Services need a restart* on `" + services + "` (MEDIUM): nginx.service, &lt;!here&gt;.service")
                        .doesNotContain("<").doesNotContain(">");

                // Verified again: the clear reaches both, in each one's words.
                freshness.publish(FreshnessEvents.verified(blind, 2, app));
                await().atMost(Duration.ofSeconds(30)).until(() -> json.about(blind).size() == 2 && slack.about(blind).size() == 2);
                assertThat(json.about(blind).get(1).header("X-RestartWatch-Event")).isEqualTo("notification.cleared");
                assertThat(((Map<?, ?>) EventJson.read(json.about(blind).get(1).body(), Map.class).get("data")).get("kind")).isEqualTo("UNVERIFIED");
                assertThat(slackText(slack.about(blind).get(1))).startsWith(":white_check_mark: *Verified again*: `" + blind + "`");
            } finally {
                given().when().delete("/api/webhooks/{id}", jsonHook).then().statusCode(204);
                given().when().delete("/api/webhooks/{id}", slackHook).then().statusCode(204);
            }
        }
    }

    private static String slackText(WebhookReceiver.Received received) {
        return EventJson.read(received.body(), Map.class).get("text").toString();
    }

    @Test
    void onlyAdminsManageWebhooks() {
        assertThat(WebhookResource.class.getAnnotation(RolesAllowed.class).value()).containsExactly(Roles.ADMIN);
    }

    private static String register(Map<String, String> request) {
        return given().contentType(ContentType.JSON).body(request)
                .when().post("/api/webhooks")
                .then().statusCode(201).extract().path("id");
    }

    private static JsonPath deliveries(String webhook) {
        return given().when().get("/api/webhooks/{id}/deliveries", webhook).then().statusCode(200).extract().jsonPath();
    }

    /** The receiver's side of the signature, written independently of the service's code. */
    private static String hmacSha256Hex(String secret, String body) {
        try {
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new javax.crypto.spec.SecretKeySpec(secret.getBytes(java.nio.charset.StandardCharsets.UTF_8), "HmacSHA256"));
            return java.util.HexFormat.of().formatHex(mac.doFinal(body.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Answers chosen by the test for its own names; anything else (address literals) resolves as usual. */
    @Vetoed
    static final class FakeDns extends HostResolver {

        private final Map<String, List<InetAddress>> answers = new ConcurrentHashMap<>();

        void answer(String host, String... addresses) {
            List<InetAddress> resolved = new java.util.ArrayList<>();
            for (String address : addresses) {
                try {
                    resolved.add(InetAddress.getByName(address));
                } catch (UnknownHostException e) {
                    throw new IllegalArgumentException(address, e);
                }
            }
            answers.put(host.toLowerCase(), List.copyOf(resolved));
        }

        @Override
        public List<InetAddress> resolve(String host) throws UnknownHostException {
            List<InetAddress> answer = answers.get(host.toLowerCase());
            if (answer != null) {
                return answer;
            }
            if (host.toLowerCase().endsWith(".test")) {
                throw new UnknownHostException(host);
            }
            return super.resolve(host);
        }
    }
}
