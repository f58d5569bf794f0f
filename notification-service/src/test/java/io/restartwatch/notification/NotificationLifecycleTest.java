package io.restartwatch.notification;

import static io.restartwatch.notification.Assessments.done;
import static io.restartwatch.notification.Assessments.pending;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restartwatch.contracts.CloudEventHeaders;
import io.restartwatch.contracts.EventTypes;
import io.restartwatch.contracts.Exposure;
import io.restartwatch.contracts.NotificationEvent;
import io.restartwatch.contracts.NotificationStatus;
import io.restartwatch.contracts.PriorityAssessed;
import io.restartwatch.contracts.PriorityLevel;
import io.restartwatch.contracts.Surface;
import io.restartwatch.contracts.Topics;
import io.restartwatch.testsupport.KafkaEvents.ReceivedEvent;
import io.restartwatch.testsupport.LocalInfraResource;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(value = LocalInfraResource.class, initArgs = @ResourceArg(name = "database", value = "notification"))
class NotificationLifecycleTest {

    private final Assessments assessments = new Assessments();

    @Test
    void publishesExactlyOneEventPerTransitionWhateverIsDuplicatedOrReplayed() {
        String server = Assessments.unique("life");
        String app = Assessments.unique("app");
        PriorityAssessed opened = pending(server, 1, app, PriorityLevel.MEDIUM, 35, Exposure.PUBLIC, Duration.ofDays(2), Surface.DASHBOARD);
        PriorityAssessed escalated = pending(server, 2, app, PriorityLevel.HIGH, 65, Exposure.PUBLIC, Duration.ofDays(2), Surface.DASHBOARD);
        PriorityAssessed rescored = pending(server, 3, app, PriorityLevel.HIGH, 68, Exposure.PUBLIC, Duration.ofDays(2), Surface.DASHBOARD);
        PriorityAssessed cleared = done(server, 4, app);

        String openedId = assessments.publish(opened);
        assessments.publishAgain(opened, openedId);          // redelivery: same ce_id
        assessments.publish(opened);                         // replay: new ce_id, same sequence
        String escalatedId = assessments.publish(escalated);
        assessments.publishAgain(escalated, escalatedId);
        assessments.publish(opened);                         // late: an older sequence must not de-escalate
        assessments.publish(rescored);                       // same level: an update, not a transition
        String clearedId = assessments.publish(cleared);
        assessments.publishAgain(cleared, clearedId);
        assessments.publish(escalated);                      // late after the clear: must not reopen
        // A new restart later: its event comes after every duplicate above (same key, same partition, in order).
        assessments.publish(pending(server, 5, app, PriorityLevel.LOW, 12, Exposure.INTERNAL, Duration.ofHours(1)));

        assessments.awaitNotifications(server, 4);
        List<ReceivedEvent> events = assessments.kafka().readAll(Topics.NOTIFICATIONS).stream()
                .filter(e -> server.equals(e.key())).toList();
        assertThat(events).extracting(ReceivedEvent::type).containsExactly(
                EventTypes.NOTIFICATION_OPENED, EventTypes.NOTIFICATION_ESCALATED, EventTypes.NOTIFICATION_CLEARED,
                EventTypes.NOTIFICATION_OPENED);
        assertThat(events).extracting(ReceivedEvent::id).doesNotHaveDuplicates();

        ReceivedEvent first = events.get(0);
        assertThat(first.headers()).containsEntry(CloudEventHeaders.SPEC_VERSION, "1.0")
                .containsEntry(CloudEventHeaders.SOURCE, "/restartwatch/notification-service")
                .containsEntry(CloudEventHeaders.SUBJECT, server)
                .containsEntry(CloudEventHeaders.CONTENT_TYPE, "application/json");
        NotificationEvent openedEvent = first.data(NotificationEvent.class);
        assertThat(openedEvent.status()).isEqualTo(NotificationStatus.OPEN);
        assertThat(openedEvent.level()).isEqualTo(PriorityLevel.MEDIUM);
        assertThat(openedEvent.surfaces()).containsExactlyInAnyOrder(Surface.SERVER, Surface.DASHBOARD);
        assertThat(openedEvent.message()).isEqualTo(String.join("\n",
                "*** System restart required ***",
                "Server: " + server + " (" + server + ".example.com)",
                "Application: " + app + " (production)",
                "Level: MEDIUM (score 35, public)",
                "Pending since: " + opened.requiredSince(),
                "Packages: linux-image-6.8.0-49-generic, libc6"));

        NotificationEvent escalatedEvent = events.get(1).data(NotificationEvent.class);
        assertThat(escalatedEvent.notificationId()).isEqualTo(openedEvent.notificationId());
        assertThat(escalatedEvent.level()).isEqualTo(PriorityLevel.HIGH);
        NotificationEvent clearedEvent = events.get(2).data(NotificationEvent.class);
        assertThat(clearedEvent.notificationId()).isEqualTo(openedEvent.notificationId());
        assertThat(clearedEvent.status()).isEqualTo(NotificationStatus.CLEARED);
        assertThat(clearedEvent.surfaces()).isEmpty();
        NotificationEvent reopened = events.get(3).data(NotificationEvent.class);
        assertThat(reopened.notificationId()).isNotEqualTo(openedEvent.notificationId());

        given().when().get("/api/servers/{id}/notification", server)
                .then().statusCode(200)
                .body("id", equalTo(reopened.notificationId()))
                .body("level", equalTo("LOW"));
        List<String> kinds = given().when().get("/api/servers/{id}/timeline", server)
                .then().statusCode(200).extract().jsonPath().getList("kind");
        assertThat(kinds).containsExactly("OPENED", "CLEARED", "UPDATED", "ESCALATED", "OPENED");
    }

    @Test
    void anAssessmentThatCanNeverBeProcessedGoesToTheDeadLetterTopic() {
        String server = Assessments.unique("poison");
        assessments.kafka().publishRaw(Topics.PRIORITIES, server, "{not json", Map.of(
                CloudEventHeaders.SPEC_VERSION, CloudEventHeaders.SPEC_VERSION_VALUE,
                CloudEventHeaders.ID, server,
                CloudEventHeaders.TYPE, EventTypes.PRIORITY_ASSESSED,
                CloudEventHeaders.SOURCE, "/restartwatch/tests",
                CloudEventHeaders.CONTENT_TYPE, CloudEventHeaders.JSON));

        ReceivedEvent dead = assessments.kafka().awaitEvents(Topics.deadLetter(Topics.PRIORITIES), Duration.ofSeconds(30),
                e -> server.equals(e.key()), 1).get(0);
        assertThat(dead.value()).isEqualTo("{not json");
        assertThat(dead.headers().get(CloudEventHeaders.DEAD_LETTER_REASON)).contains("PriorityAssessed");

        // The consumer moved on: the next event of the same server is applied.
        assessments.publish(pending(server, 1, "shop", PriorityLevel.LOW, 10, Exposure.INTERNAL, Duration.ofHours(1)));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                given().when().get("/api/servers/{id}/notification", server).then().statusCode(200));
    }
}
