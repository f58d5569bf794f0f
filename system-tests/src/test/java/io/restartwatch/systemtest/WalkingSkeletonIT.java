package io.restartwatch.systemtest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import io.restassured.http.ContentType;
import io.restartwatch.contracts.EventTypes;
import io.restartwatch.contracts.NotificationEvent;
import io.restartwatch.contracts.Topics;
import io.restartwatch.testsupport.KafkaEvents;
import io.restartwatch.testsupport.KafkaEvents.ReceivedEvent;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The walking skeleton end to end, every component a separate process over real Kafka and PostgreSQL:
 * register → check → assess → notify; then a signed deploy → immediate recheck → the notification clears.
 */
class WalkingSkeletonIT {

    private static SystemUnderTest system;
    private static KafkaEvents kafka;

    @BeforeAll
    static void startSystem() throws Exception {
        system = new SystemUnderTest().start();
        kafka = new KafkaEvents(system.kafkaBootstrap());
        System.out.printf("System test: Kafka broker process pid=%d at %s, PostgreSQL server process pid=%d on port %d,"
                        + " services %s as separate processes%n", system.launcherPid(), system.kafkaBootstrap(),
                system.postgresPid(), system.postgresPort, system.servicePorts);
    }

    @AfterAll
    static void stopSystem() {
        if (system != null) {
            system.close();
        }
    }

    @Test
    void aPendingRestartIsNotifiedAndADeployClearsItWithinSeconds() throws Exception {
        String server = "skeleton-web-1";
        Path root = fakeRoot(server, Instant.now().minus(Duration.ofDays(2)), "linux-image-6.8.0-49-generic", "libssl3");
        system.asAdmin("check-service").contentType(ContentType.JSON).body("""
                        {"id":"%s","hostname":"%s.example.com","applicationId":"skeleton-shop","environment":"production",
                         "openPorts":[{"port":443,"protocol":"tcp","sources":["0.0.0.0/0"]}],"probeKind":"local"}""".formatted(server, server))
                .when().post("/api/servers").then().statusCode(201);

        awaitNotification(server)
                .body("status", equalTo("OPEN"))
                .body("exposure", equalTo("PUBLIC"))
                .body("message", startsWith("*** System restart required ***"));
        system.asAdmin("notification-service").when().get("/api/dashboard/notifications")
                .then().statusCode(200).body("items.find { it.serverId == '%s' }.level".formatted(server), equalTo("CRITICAL"));

        // The operator reboots the server; the pipeline then reports a deploy, signed with HMAC.
        Files.delete(root.resolve("var/run/reboot-required"));
        Files.writeString(root.resolve("proc/sys/kernel/random/boot_id"), "boot-after-reboot\n");
        var pipeline = system.asAdmin("deploy-hook-service").contentType(ContentType.JSON)
                .body("{\"id\":\"skeleton-ci\",\"name\":\"CI\",\"applicationIds\":[\"skeleton-shop\"]}")
                .when().post("/api/pipelines").then().statusCode(201).extract().jsonPath();
        String body = "{\"applicationId\":\"skeleton-shop\",\"environment\":\"production\",\"deployId\":\"build-7\",\"status\":\"completed\"}";
        String timestamp = String.valueOf(Instant.now().getEpochSecond());
        Instant deployedAt = Instant.now();
        given().baseUri(system.url("deploy-hook-service")).contentType(ContentType.JSON)
                .header("X-RestartWatch-Pipeline", "skeleton-ci")
                .header("X-RestartWatch-Timestamp", timestamp)
                .header("X-RestartWatch-Signature", "sha256=" + hmac(pipeline.getString("hmacSecret"), timestamp + "." + body))
                .body(body)
                .when().post("/api/deploys").then().statusCode(202);

        Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).untilAsserted(() ->
                system.asAdmin("notification-service").when().get("/api/servers/{id}/notification", server)
                        .then().statusCode(404));
        System.out.printf("System test: deploy → recheck → notification cleared in %d ms%n",
                Duration.between(deployedAt, Instant.now()).toMillis());

        List<ReceivedEvent> events = kafka.awaitEvents(Topics.NOTIFICATIONS, Duration.ofSeconds(20),
                e -> server.equals(e.key()) && EventTypes.NOTIFICATION_CLEARED.equals(e.type()), 1);
        assertThat(events).hasSize(1);
        List<String> lifecycle = kafka.readAll(Topics.NOTIFICATIONS).stream().filter(e -> server.equals(e.key()))
                .map(ReceivedEvent::type).toList();
        assertThat(lifecycle).containsExactly(EventTypes.NOTIFICATION_OPENED, EventTypes.NOTIFICATION_CLEARED);
        NotificationEvent cleared = events.get(0).data(NotificationEvent.class);
        assertThat(cleared.applicationId()).isEqualTo("skeleton-shop");
    }

    @Test
    void anAgentReportOpensANotification() {
        String server = "skeleton-agent-1";
        system.asAdmin("check-service").contentType(ContentType.JSON).body("""
                        {"id":"%s","hostname":"%s.example.com","applicationId":"skeleton-intranet","environment":"production",
                         "openPorts":[{"port":22,"protocol":"tcp","sources":["10.0.0.0/8"]}],"probeKind":"agent"}""".formatted(server, server))
                .when().post("/api/servers").then().statusCode(201);
        String token = system.asAdmin("check-service").when().post("/api/servers/{id}/agent-token", server)
                .then().statusCode(200).extract().path("token");

        given().baseUri(system.url("check-service")).contentType(ContentType.JSON).header("Authorization", "Bearer " + token)
                .body("{\"serverId\":\"%s\",\"rebootRequired\":true,\"packages\":[\"libc6\"],\"bootId\":\"b1\"}".formatted(server))
                .when().post("/api/agent/reports").then().statusCode(202);

        awaitNotification(server).body("exposure", equalTo("INTERNAL")).body("packages[0]", equalTo("libc6"));
    }

    private static io.restassured.response.ValidatableResponse awaitNotification(String server) {
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
                system.asAdmin("notification-service").when().get("/api/servers/{id}/notification", server)
                        .then().statusCode(200));
        return system.asAdmin("notification-service").when().get("/api/servers/{id}/notification", server).then();
    }

    private static Path fakeRoot(String server, Instant since, String... packages) throws Exception {
        Path root = system.fleetDir.resolve(server);
        Files.createDirectories(root.resolve("var/run"));
        Files.createDirectories(root.resolve("proc/sys/kernel/random"));
        Files.writeString(root.resolve("proc/sys/kernel/random/boot_id"), "boot-1\n");
        Path sentinel = root.resolve("var/run/reboot-required");
        Files.writeString(sentinel, "*** System restart required ***\n");
        Files.setLastModifiedTime(sentinel, FileTime.from(since));
        Files.write(root.resolve("var/run/reboot-required.pkgs"), List.of(packages));
        return root;
    }

    private static String hmac(String secret, String message) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return HexFormat.of().formatHex(mac.doFinal(message.getBytes(StandardCharsets.UTF_8)));
    }
}
