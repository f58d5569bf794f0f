package io.restartwatch.notification;

import static io.restartwatch.notification.Assessments.done;
import static io.restartwatch.notification.Assessments.pending;
import static io.restartwatch.notification.Assessments.servicesPending;
import static io.restartwatch.notification.FreshnessEvents.unverified;
import static io.restartwatch.notification.FreshnessEvents.verified;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restartwatch.contracts.CloudEventHeaders;
import io.restartwatch.contracts.EventJson;
import io.restartwatch.contracts.EventTypes;
import io.restartwatch.contracts.Exposure;
import io.restartwatch.contracts.NotificationEvent;
import io.restartwatch.contracts.NotificationKind;
import io.restartwatch.contracts.NotificationStatus;
import io.restartwatch.contracts.PriorityLevel;
import io.restartwatch.contracts.ServerFreshness;
import io.restartwatch.contracts.Surface;
import io.restartwatch.contracts.Topics;
import io.restartwatch.testsupport.KafkaEvents.ReceivedEvent;
import io.restartwatch.testsupport.LocalInfraResource;
import org.junit.jupiter.api.Test;

/** Notification kinds: services to restart, and servers Restart Watch cannot vouch for (from restartwatch.freshness). */
@QuarkusTest
@WithTestResource(value = LocalInfraResource.class, initArgs = @ResourceArg(name = "database", value = "notification"))
class NotificationKindsTest {

    private final Assessments assessments = new Assessments();
    private final FreshnessEvents freshness = new FreshnessEvents();

    @Test
    void aServicesOnlyAssessmentOpensOneServiceRestartNotificationAndAPendingRebootReplacesIt() {
        String app = Assessments.unique("svc");
        String server = app + "-web-1";
        var services = servicesPending(server, 1, app, PriorityLevel.LOW, 15, Exposure.INTERNAL, Duration.ofHours(2),
                List.of("nginx.service", "ssh.service"), Surface.DASHBOARD);
        String servicesId = assessments.publish(services);
        assessments.publishAgain(services, servicesId);   // redelivery
        assessments.publish(services);                    // replay, same sequence

        JsonPath open = await().atMost(Duration.ofSeconds(30)).until(() -> serverNotifications(server), n -> n.getList("$").size() == 1);
        assertThat(open.getString("[0].kind")).isEqualTo("SERVICE_RESTART");
        assertThat(open.getList("[0].services", String.class)).containsExactly("nginx.service", "ssh.service");
        // GET .../notification answers the pending reboot only: there is none.
        given().when().get("/api/servers/{id}/notification", server).then().statusCode(404).contentType("application/problem+json");

        assessments.publish(servicesPending(server, 2, app, PriorityLevel.LOW, 17, Exposure.INTERNAL, Duration.ofHours(2),
                List.of("nginx.service"), Surface.DASHBOARD));     // same level: an update
        assessments.publish(servicesPending(server, 3, app, PriorityLevel.MEDIUM, 41, Exposure.INTERNAL, Duration.ofHours(2),
                List.of("nginx.service"), Surface.DASHBOARD));     // escalated
        assessments.publish(services);                              // late: changes nothing
        assessments.publish(done(server, 4, app));                  // cleared
        assessments.publish(servicesPending(server, 5, app, PriorityLevel.LOW, 15, Exposure.INTERNAL, Duration.ofMinutes(5),
                List.of("cron.service"), Surface.DASHBOARD));       // opened again
        assessments.publish(pending(server, 6, app, PriorityLevel.HIGH, 70, Exposure.INTERNAL, Duration.ofMinutes(1),
                Surface.DASHBOARD));                                // a reboot: opened, and replaces the services' one
        assessments.publish(done(server, 7, app));                  // the reboot is done

        List<ReceivedEvent> received = assessments.awaitNotifications(server, 7);
        List<NotificationEvent> events = received.stream().map(e -> e.data(NotificationEvent.class)).toList();
        assertThat(received).extracting(ReceivedEvent::type).containsExactly(
                EventTypes.NOTIFICATION_OPENED, EventTypes.NOTIFICATION_ESCALATED, EventTypes.NOTIFICATION_CLEARED,
                EventTypes.NOTIFICATION_OPENED, EventTypes.NOTIFICATION_OPENED, EventTypes.NOTIFICATION_CLEARED,
                EventTypes.NOTIFICATION_CLEARED);
        assertThat(events).extracting(NotificationEvent::kind).containsExactly(
                NotificationKind.SERVICE_RESTART, NotificationKind.SERVICE_RESTART, NotificationKind.SERVICE_RESTART,
                NotificationKind.SERVICE_RESTART, NotificationKind.REBOOT, NotificationKind.SERVICE_RESTART,
                NotificationKind.REBOOT);
        NotificationEvent opened = events.get(0);
        assertThat(opened.schemaVersion()).isEqualTo(NotificationEvent.SCHEMA_VERSION);
        assertThat(opened.level()).isEqualTo(PriorityLevel.LOW);
        assertThat(opened.services()).containsExactly("nginx.service", "ssh.service");
        assertThat(opened.reason()).isNull();
        assertThat(opened.message()).isEqualTo(String.join("\n",
                "Services need a restart: nginx.service, ssh.service",
                "Server: " + server + " (" + server + ".example.com)",
                "Application: " + app + " (production)",
                "Level: LOW (score 15, internal)",
                "Pending since: " + services.requiredSince(),
                "Packages: libssl3"));
        assertThat(events.get(1).level()).isEqualTo(PriorityLevel.MEDIUM);
        assertThat(events.get(1).services()).containsExactly("nginx.service");
        assertThat(events.get(2).notificationId()).isEqualTo(opened.notificationId());
        assertThat(events.get(2).message()).startsWith("Services restarted: " + server);
        assertThat(events.get(5).notificationId()).isEqualTo(events.get(3).notificationId());
        assertThat(events.get(5).message()).startsWith("Covered by a reboot: " + server).contains("cron.service");
        assertThat(events.get(6).notificationId()).isEqualTo(events.get(4).notificationId());

        await().atMost(Duration.ofSeconds(30)).until(() -> serverNotifications(server).getList("$").isEmpty());
        assertThat(search(Map.of("applicationId", app, "kind", "SERVICE_RESTART")).getList("items.status", String.class))
                .containsExactly("CLEARED", "CLEARED");
        assertThat(search(Map.of("applicationId", app, "kind", "REBOOT")).getInt("total")).isEqualTo(1);
        List<String> timelineKinds = given().when().get("/api/servers/{id}/timeline", server).then().statusCode(200)
                .extract().jsonPath().getList("notificationKind");
        assertThat(timelineKinds).contains("REBOOT", "SERVICE_RESTART").doesNotContain("UNVERIFIED");
    }

    @Test
    void anUnverifiedServerIsOpenedOnceAndClearedOnceWhateverIsDuplicatedOrLate() {
        String app = Assessments.unique("fresh");
        String server = app + "-db-1";
        ServerFreshness silent = unverified(server, 1, app, "HOST_KEY_CHANGED",
                "host key for 127.0.0.1:2222 differs from known_hosts", Duration.ofHours(4));
        String silentId = freshness.publish(silent);
        freshness.publishAgain(silent, silentId);                                 // redelivery
        freshness.publish(silent);                                                // replay, same sequence
        freshness.publish(unverified(server, 2, app, "TIMEOUT", "no answer in 10 s", Duration.ofHours(5)));  // still unverified
        freshness.publish(silent);                                                // late
        ServerFreshness back = verified(server, 3, app);
        String backId = freshness.publish(back);
        freshness.publishAgain(back, backId);
        freshness.publish(unverified(server, 2, app, "TIMEOUT", "late", Duration.ofHours(5)));  // late: must not reopen
        freshness.publish(unverified(server, 4, app, "AGENT_SILENT", null, Duration.ofHours(6)));  // silent again

        List<ReceivedEvent> received = assessments.awaitNotifications(server, 3);
        assertThat(received).extracting(ReceivedEvent::type).containsExactly(
                EventTypes.NOTIFICATION_OPENED, EventTypes.NOTIFICATION_CLEARED, EventTypes.NOTIFICATION_OPENED);
        assertThat(received).extracting(ReceivedEvent::id).doesNotHaveDuplicates();
        NotificationEvent opened = received.get(0).data(NotificationEvent.class);
        assertThat(opened.kind()).isEqualTo(NotificationKind.UNVERIFIED);
        assertThat(opened.reason()).isEqualTo("HOST_KEY_CHANGED");
        // Nothing known pending and never assessed public: on the dashboard, at MEDIUM.
        assertThat(opened.level()).isEqualTo(PriorityLevel.MEDIUM);
        assertThat(opened.surfaces()).containsExactlyInAnyOrder(Surface.SERVER, Surface.DASHBOARD, Surface.APPLICATION);
        assertThat(opened.pendingSince()).isEqualTo(silent.occurredAt());
        assertThat(opened.message()).isEqualTo(String.join("\n",
                "Restart Watch cannot vouch for " + server + ": HOST_KEY_CHANGED since " + silent.occurredAt(),
                "Server: " + server + " (" + server + ".example.com)",
                "Application: " + app + " (production)",
                "Level: MEDIUM (no pending restart known)",
                "Detail: host key for 127.0.0.1:2222 differs from known_hosts",
                "Last verified: " + silent.lastVerifiedAt(),
                "Last attempt: " + silent.lastAttemptAt()));
        NotificationEvent cleared = received.get(1).data(NotificationEvent.class);
        assertThat(cleared.notificationId()).isEqualTo(opened.notificationId());
        assertThat(cleared.kind()).isEqualTo(NotificationKind.UNVERIFIED);
        assertThat(cleared.status()).isEqualTo(NotificationStatus.CLEARED);
        assertThat(cleared.message()).startsWith("Verified again: " + server);
        NotificationEvent reopened = received.get(2).data(NotificationEvent.class);
        assertThat(reopened.notificationId()).isNotEqualTo(opened.notificationId());
        assertThat(reopened.reason()).isEqualTo("AGENT_SILENT");

        JsonPath now = await().atMost(Duration.ofSeconds(30)).until(() -> serverNotifications(server),
                n -> "AGENT_SILENT".equals(n.getString("[0].reason")));
        assertThat(now.getList("kind", String.class)).containsExactly("UNVERIFIED");
        assertThat(now.getString("[0].lastVerifiedAt")).isNotNull();
        given().when().get("/api/servers/{id}/notification", server).then().statusCode(404);
        // The kind filters: the dashboard, the application's page and the search.
        assertThat(dashboard(app, "UNVERIFIED")).containsExactly(server);
        assertThat(dashboard(app, "REBOOT")).isEmpty();
        given().queryParam("kind", "UNVERIFIED").when().get("/api/applications/{app}/notifications", app)
                .then().statusCode(200).body("serverId", equalTo(List.of(server)));
        JsonPath history = search(Map.of("applicationId", app, "kind", "UNVERIFIED"));
        assertThat(history.getList("items.status", String.class)).containsExactly("OPEN", "CLEARED");
        // The timeline shows the update for a newer reason, and which kind each entry is about.
        JsonPath timeline = given().when().get("/api/servers/{id}/timeline", server).then().statusCode(200).extract().jsonPath();
        assertThat(timeline.getList("kind", String.class)).containsExactly("OPENED", "CLEARED", "UPDATED", "OPENED");
        assertThat(timeline.getList("notificationKind", String.class)).containsOnly("UNVERIFIED");
        assertThat(timeline.getList("note", String.class)).containsExactly("AGENT_SILENT", null, "TIMEOUT", "HOST_KEY_CHANGED");

        given().queryParam("kind", "SOMETIMES").when().get("/api/notifications")
                .then().statusCode(400).contentType("application/problem+json").body("errors[0].field", equalTo("kind"));
    }

    @Test
    void anUnverifiedServerWithAPendingRestartIsHigh() {
        String app = Assessments.unique("blind");
        String pendingFirst = app + "-pending";
        String silentFirst = app + "-silent";
        assessments.publish(pending(pendingFirst, 1, app, PriorityLevel.CRITICAL, 92, Exposure.PUBLIC, Duration.ofDays(9), Surface.DASHBOARD));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                given().when().get("/api/servers/{id}/notification", pendingFirst).then().statusCode(200));
        freshness.publish(unverified(pendingFirst, 1, app, "AUTH_FAILED", "Permission denied (publickey)", Duration.ofHours(4)));

        // Unverified with nothing known pending, then a restart turns out pending: its blindness matters more.
        freshness.publish(unverified(silentFirst, 1, app, "TIMEOUT", null, Duration.ofHours(4)));
        await().atMost(Duration.ofSeconds(30)).until(() -> serverNotifications(silentFirst).getList("$").size() == 1);
        assessments.publish(pending(silentFirst, 1, app, PriorityLevel.LOW, 12, Exposure.INTERNAL, Duration.ofHours(1), Surface.DASHBOARD));

        List<NotificationEvent> pendingEvents = events(pendingFirst, 2);
        assertThat(pendingEvents).extracting(NotificationEvent::kind).containsExactly(NotificationKind.REBOOT, NotificationKind.UNVERIFIED);
        assertThat(pendingEvents.get(1).level()).isEqualTo(PriorityLevel.HIGH);
        assertThat(pendingEvents.get(1).exposure()).isEqualTo(Exposure.PUBLIC);
        assertThat(pendingEvents.get(1).message()).contains("Level: HIGH (a reboot is pending (CRITICAL), public)");
        JsonPath both = serverNotifications(pendingFirst);
        assertThat(both.getList("kind", String.class)).containsExactly("REBOOT", "UNVERIFIED");
        given().when().get("/api/servers/{id}/notification", pendingFirst).then().statusCode(200).body("kind", equalTo("REBOOT"));

        List<ReceivedEvent> silentEvents = assessments.awaitNotifications(silentFirst, 3);
        assertThat(silentEvents).extracting(ReceivedEvent::type).containsExactly(
                EventTypes.NOTIFICATION_OPENED, EventTypes.NOTIFICATION_OPENED, EventTypes.NOTIFICATION_ESCALATED);
        assertThat(silentEvents.stream().map(e -> e.data(NotificationEvent.class)))
                .extracting(NotificationEvent::kind, NotificationEvent::level)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(NotificationKind.UNVERIFIED, PriorityLevel.MEDIUM),
                        org.assertj.core.groups.Tuple.tuple(NotificationKind.REBOOT, PriorityLevel.LOW),
                        org.assertj.core.groups.Tuple.tuple(NotificationKind.UNVERIFIED, PriorityLevel.HIGH));
    }

    @Test
    void aFreshnessEventThatCanNeverBeProcessedGoesToTheDeadLetterTopic() {
        String app = Assessments.unique("poisonfresh");
        String garbage = app + "-garbage";
        String contradiction = app + "-contradiction";
        freshness.publishRaw(garbage, "{not json", garbage, EventTypes.SERVER_UNVERIFIED);
        // The type says verified, the data says not: neither is believed.
        freshness.publishRaw(contradiction, EventJson.write(unverified(contradiction, 1, app, "TIMEOUT", null, Duration.ofHours(4))),
                contradiction, EventTypes.SERVER_VERIFIED);

        // Two consumers read restartwatch.freshness here (the notifications' and the pages' read model), and each
        // dead-letters what it cannot read: wait until both poison events are there, whoever sent them.
        await().atMost(Duration.ofSeconds(30)).until(() -> deadLetters(app).stream().map(ReceivedEvent::key)
                .collect(Collectors.toSet()).containsAll(Set.of(garbage, contradiction)));
        List<ReceivedEvent> dead = deadLetters(app);
        assertThat(dead).extracting(ReceivedEvent::key).containsOnly(garbage, contradiction);
        ReceivedEvent deadGarbage = dead.stream().filter(e -> garbage.equals(e.key())).findFirst().orElseThrow();
        assertThat(deadGarbage.value()).isEqualTo("{not json");
        assertThat(deadGarbage.headers().get(CloudEventHeaders.DEAD_LETTER_REASON)).contains("ServerFreshness");
        assertThat(dead.stream().filter(e -> contradiction.equals(e.key())).findFirst().orElseThrow()
                .headers().get(CloudEventHeaders.DEAD_LETTER_REASON)).contains("verified=false");

        // The consumer moved on: the next event of the same server is applied.
        freshness.publish(unverified(garbage, 1, app, "NEVER_CHECKED", null, Duration.ofHours(4)));
        await().atMost(Duration.ofSeconds(30)).until(() -> serverNotifications(garbage).getList("$").size() == 1);
        assertThat(serverNotifications(contradiction).getList("$")).isEmpty();
    }

    private List<ReceivedEvent> deadLetters(String app) {
        return freshness.kafka().readAll(Topics.deadLetter(Topics.FRESHNESS)).stream()
                .filter(e -> e.key() != null && e.key().startsWith(app)).toList();
    }

    private List<NotificationEvent> events(String serverId, int atLeast) {
        return assessments.awaitNotifications(serverId, atLeast).stream().map(e -> e.data(NotificationEvent.class)).toList();
    }

    private static JsonPath serverNotifications(String serverId) {
        return given().when().get("/api/servers/{id}/notifications", serverId).then().statusCode(200).extract().jsonPath();
    }

    private static List<String> dashboard(String app, String kind) {
        return given().queryParam("size", 500).queryParam("kind", kind).when().get("/api/dashboard/notifications")
                .then().statusCode(200).extract().jsonPath()
                .<Map<String, Object>>getList("items").stream()
                .filter(n -> app.equals(n.get("applicationId")))
                .map(n -> (String) n.get("serverId"))
                .toList();
    }

    private static JsonPath search(Map<String, String> query) {
        return given().queryParams(query).queryParam("size", 500).when().get("/api/notifications")
                .then().statusCode(200).extract().jsonPath();
    }
}
