package io.restartwatch.notification;

import static io.restartwatch.notification.Assessments.done;
import static io.restartwatch.notification.Assessments.pending;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restartwatch.contracts.EventJson;
import io.restartwatch.contracts.Exposure;
import io.restartwatch.contracts.PriorityLevel;
import io.restartwatch.contracts.Surface;
import io.restartwatch.notification.webhook.WebhookSignature;
import io.restartwatch.testsupport.LocalInfraResource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(value = LocalInfraResource.class, initArgs = @ResourceArg(name = "database", value = "notification"))
class WebhooksTest {

    private static final String SECRET = "s3cret-for-webhook-tests";

    @Inject
    MutableClock clock;

    private final Assessments assessments = new Assessments();

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
}
