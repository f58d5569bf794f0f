package io.restartwatch.deployhook;

import static io.restassured.RestAssured.given;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.restassured.http.ContentType;
import io.restartwatch.contracts.DeployCompleted;
import io.restartwatch.contracts.Topics;
import io.restartwatch.deployhook.domain.Secrets;
import io.restartwatch.testsupport.KafkaEvents;
import io.restartwatch.testsupport.KafkaEvents.ReceivedEvent;

/**
 * Test helpers: pipeline credentials through the admin API (RestAssured sends test-support's admin API key),
 * signed requests, and deploy events on Kafka.
 */
final class TestPipelines {

    static final KafkaEvents KAFKA = KafkaEvents.local();

    private TestPipelines() {
    }

    static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** A new pipeline allowed to report {@code applicationIds}. */
    static Credentials create(String... applicationIds) {
        String id = unique("ci");
        var issued = given().contentType(ContentType.JSON)
                .body(Map.of("id", id, "name", "CI of " + String.join(", ", applicationIds), "applicationIds", List.of(applicationIds)))
                .when().post("/api/pipelines")
                .then().statusCode(201).extract().jsonPath();
        return new Credentials(id, issued.getString("token"), issued.getString("hmacSecret"));
    }

    static String deploy(String applicationId, String deployId, String status) {
        return """
                {"applicationId":"%s","environment":"production","deployId":"%s","status":"%s","commit":"4f2a9c1"}"""
                .formatted(applicationId, deployId, status);
    }

    static String signature(String secret, String timestamp, String body) {
        return "sha256=" + Secrets.hmacSha256Hex(secret, (timestamp + "." + body).getBytes(StandardCharsets.UTF_8));
    }

    static String now() {
        return Long.toString(Instant.now().getEpochSecond());
    }

    /** Waits for the {@code deploy.completed} of ({@code applicationId}, {@code deployId}); returns every one seen. */
    static List<DeployCompleted> awaitCompleted(String applicationId, String deployId) {
        return KAFKA.awaitEvents(Topics.DEPLOYS, Duration.ofSeconds(20),
                        e -> applicationId.equals(e.key()) && deployId.equals(e.data(DeployCompleted.class).deployId()), 1)
                .stream().map(e -> e.data(DeployCompleted.class)).toList();
    }

    /**
     * Every {@code deploy.completed} of {@code applicationId} so far, once a later marker deploy of the same
     * application has arrived: one key keeps its order on Kafka, so nothing sent before the marker is still coming.
     */
    static List<DeployCompleted> completedBefore(String applicationId, Runnable sendMarker, String markerDeployId) {
        return eventsBefore(applicationId, sendMarker, markerDeployId).stream().map(e -> e.data(DeployCompleted.class)).toList();
    }

    /** As {@link #completedBefore}, the records themselves (with their CloudEvent headers). */
    static List<ReceivedEvent> eventsBefore(String applicationId, Runnable sendMarker, String markerDeployId) {
        sendMarker.run();
        awaitCompleted(applicationId, markerDeployId);
        return KAFKA.readAll(Topics.DEPLOYS).stream()
                .filter(e -> applicationId.equals(e.key()))
                .filter(e -> !markerDeployId.equals(e.data(DeployCompleted.class).deployId()))
                .toList();
    }

    /** A pipeline's credentials, in clear as issued. */
    record Credentials(String id, String token, String secret) {
    }
}
