package io.restartwatch.notification;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

import io.quarkus.narayana.jta.QuarkusTransaction;
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
import io.restartwatch.contracts.PlanEvent;
import io.restartwatch.contracts.PlanStatus;
import io.restartwatch.contracts.PriorityLevel;
import io.restartwatch.contracts.RestartEvent;
import io.restartwatch.contracts.RestartStatus;
import io.restartwatch.contracts.Topics;
import io.restartwatch.notification.domain.Notifications;
import io.restartwatch.notification.persistence.NotificationEntity;
import io.restartwatch.testsupport.KafkaEvents;
import io.restartwatch.testsupport.KafkaEvents.ReceivedEvent;
import io.restartwatch.testsupport.LocalInfraResource;
import org.junit.jupiter.api.Test;

/** PLAN_HALTED notifications from restartwatch.restarts: opened by plan.halted, cleared when the plan goes on. */
@QuarkusTest
@WithTestResource(value = LocalInfraResource.class, initArgs = @ResourceArg(name = "database", value = "notification"))
class PlanHaltedTest {

    private static final Duration EVENTS = Duration.ofSeconds(30);

    private final KafkaEvents kafka = KafkaEvents.local();

    @Inject
    Notifications notifications;
    @Inject
    EntityManager entityManager;

    @Test
    void aHaltedPlanOpensOneNotificationAndItsResumeClearsItOnce() {
        String app = Assessments.unique("halt");
        String plan = "plan-" + app;
        String server = app + "-web-1";
        String next = app + "-web-2";
        Instant haltedAt = Instant.parse("2026-11-30T02:00:00Z");
        PlanEvent halted = planEvent(plan, app, PlanStatus.HALTED, "NOT_BACK", server, haltedAt);
        String haltedId = kafka.publish(Topics.RESTARTS, plan, EventTypes.PLAN_HALTED, halted);
        publishAgain(plan, EventTypes.PLAN_HALTED, halted, haltedId);                    // a redelivery
        kafka.publish(Topics.RESTARTS, plan, EventTypes.PLAN_APPROVED, planEvent(plan, app, PlanStatus.RUNNING, null, null, haltedAt));

        JsonPath open = await().atMost(EVENTS).until(() -> openNotifications(server), n -> n.getList("$").size() == 1);
        assertThat(open.getString("[0].kind")).isEqualTo("PLAN_HALTED");
        assertThat(open.getString("[0].level")).isEqualTo("HIGH");
        assertThat(open.getString("[0].reason")).isEqualTo("NOT_BACK");
        assertThat(open.getString("[0].planId")).isEqualTo(plan);
        assertThat(open.getString("[0].restartId")).isEqualTo("restart-" + server);
        assertThat(open.getString("[0].pendingSince")).isEqualTo(haltedAt.toString());
        assertThat(open.getString("[0].message")).startsWith("Restart plan " + plan + " halted: " + server + ".example.com not back (NOT_BACK)");
        // On the dashboard's halted plans list.
        assertThat(given().queryParam("status", "OPEN").queryParam("kind", "PLAN_HALTED").queryParam("applicationId", app)
                .when().get("/api/notifications").then().statusCode(200).extract().jsonPath().getList("items.serverId", String.class))
                .containsExactly(server);

        kafka.publish(Topics.RESTARTS, plan, EventTypes.PLAN_RESUMED, planEvent(plan, app, PlanStatus.RUNNING, null, null, Instant.now()));
        kafka.publish(Topics.RESTARTS, plan, EventTypes.PLAN_RESUMED, planEvent(plan, app, PlanStatus.RUNNING, null, null, Instant.now()));
        // Later on the plan's partition: once it is open, everything before it was applied.
        kafka.publish(Topics.RESTARTS, plan, EventTypes.PLAN_HALTED, planEvent(plan, app, PlanStatus.HALTED, "HEALTH_CHECK_FAILED", next, Instant.now()));
        kafka.awaitEvents(Topics.NOTIFICATIONS, EVENTS, e -> next.equals(e.key()), 1);

        List<ReceivedEvent> received = kafka.awaitEvents(Topics.NOTIFICATIONS, EVENTS, e -> server.equals(e.key()), 2);
        assertThat(received).extracting(ReceivedEvent::type).containsExactly(EventTypes.NOTIFICATION_OPENED, EventTypes.NOTIFICATION_CLEARED);
        NotificationEvent opened = received.get(0).data(NotificationEvent.class);
        assertThat(opened.kind()).isEqualTo(NotificationKind.PLAN_HALTED);
        assertThat(opened.level()).isEqualTo(PriorityLevel.HIGH);
        assertThat(opened.reason()).isEqualTo("NOT_BACK");
        assertThat(opened.applicationId()).isEqualTo(app);
        NotificationEvent cleared = received.get(1).data(NotificationEvent.class);
        assertThat(cleared.notificationId()).isEqualTo(opened.notificationId());
        assertThat(cleared.status()).isEqualTo(NotificationStatus.CLEARED);
        assertThat(cleared.message()).isEqualTo("Restart plan " + plan + " resumed: " + server + ".example.com no longer holds it up.");
        assertThat(openNotifications(server).getList("$")).isEmpty();

        // The other server's restart verified after all: its halt is over too.
        kafka.publish(Topics.RESTARTS, next, EventTypes.RESTART_VERIFIED, verified(plan, app, next));
        List<ReceivedEvent> nextEvents = kafka.awaitEvents(Topics.NOTIFICATIONS, EVENTS, e -> next.equals(e.key()), 2);
        assertThat(nextEvents).extracting(ReceivedEvent::type).containsExactly(EventTypes.NOTIFICATION_OPENED, EventTypes.NOTIFICATION_CLEARED);
        assertThat(nextEvents.get(0).data(NotificationEvent.class).message())
                .startsWith("Restart plan " + plan + " halted: " + next + ".example.com back, but its health check failed (HEALTH_CHECK_FAILED)");
    }

    @Test
    void aCancelledOrCompletedPlanClearsItsHaltsAndAMalformedHaltIsDeadLettered() {
        String app = Assessments.unique("halt");
        String plan = "plan-" + app;
        String server = app + "-db-1";
        kafka.publish(Topics.RESTARTS, plan, EventTypes.PLAN_HALTED, planEvent(plan, app, PlanStatus.HALTED, "EXECUTOR_FAILED", server, Instant.now()));
        String poison = EventJson.write(planEvent(plan, app, PlanStatus.HALTED, "NOT_BACK", null, Instant.now()));
        kafka.publishRaw(Topics.RESTARTS, plan, poison, headers(UUID.randomUUID().toString(), EventTypes.PLAN_HALTED, plan));
        kafka.publish(Topics.RESTARTS, plan, EventTypes.PLAN_CANCELLED, planEvent(plan, app, PlanStatus.CANCELLED, "not today", null, Instant.now()));

        List<ReceivedEvent> received = kafka.awaitEvents(Topics.NOTIFICATIONS, EVENTS, e -> server.equals(e.key()), 2);
        assertThat(received).extracting(ReceivedEvent::type).containsExactly(EventTypes.NOTIFICATION_OPENED, EventTypes.NOTIFICATION_CLEARED);
        assertThat(received.get(1).data(NotificationEvent.class).message()).contains(" cancelled: ");
        List<ReceivedEvent> dead = kafka.awaitEvents(Topics.deadLetter(Topics.RESTARTS), EVENTS, e -> plan.equals(e.key()), 1);
        assertThat(dead).extracting(ReceivedEvent::value).contains(poison);
    }

    /**
     * A plan resumes while its halt on a second server has been written but not committed (another instance still
     * applying it): the resume waits for the halt (the plan's lock) and clears both. Without that wait it read the
     * plan's halts before the second one committed and left it open for good.
     */
    @Test
    void aPlanThatGoesOnWhileAHaltOfItCommitsClearsThatHaltToo() throws Exception {
        String app = Assessments.unique("halt");
        String plan = "plan-" + app;
        String first = app + "-web-1";
        String second = app + "-web-2";
        notifications.onPlanHalted(UUID.randomUUID().toString(), planEvent(plan, app, PlanStatus.HALTED, "NOT_BACK", first, Instant.now()));

        HeldTransactions.whileOneHasNotCommitted(entityManager,
                () -> notifications.onPlanHalted(UUID.randomUUID().toString(),
                        planEvent(plan, app, PlanStatus.HALTED, "HEALTH_CHECK_FAILED", second, Instant.now())),
                () -> notifications.onPlanGoesOn(UUID.randomUUID().toString(),
                        planEvent(plan, app, PlanStatus.RUNNING, null, null, Instant.now()), "resumed"));

        List<NotificationEntity> halts = QuarkusTransaction.requiringNew().call(() -> NotificationEntity.<NotificationEntity>list(
                "planId = ?1 and kind = ?2", plan, NotificationKind.PLAN_HALTED));
        assertThat(halts).extracting(n -> n.serverId, n -> n.status).containsExactlyInAnyOrder(
                tuple(first, NotificationStatus.CLEARED),
                tuple(second, NotificationStatus.CLEARED));
    }

    private JsonPath openNotifications(String serverId) {
        return given().when().get("/api/servers/{id}/notifications", serverId).then().statusCode(200).extract().jsonPath();
    }

    private void publishAgain(String key, String type, Object data, String eventId) {
        kafka.publishRaw(Topics.RESTARTS, key, EventJson.write(data), headers(eventId, type, key));
    }

    private static Map<String, String> headers(String id, String type, String subject) {
        return Map.of(CloudEventHeaders.SPEC_VERSION, CloudEventHeaders.SPEC_VERSION_VALUE,
                CloudEventHeaders.ID, id,
                CloudEventHeaders.TYPE, type,
                CloudEventHeaders.SOURCE, "/restartwatch/tests",
                CloudEventHeaders.SUBJECT, subject,
                CloudEventHeaders.CONTENT_TYPE, CloudEventHeaders.JSON);
    }

    private static PlanEvent planEvent(String plan, String app, PlanStatus status, String reason, String serverId, Instant at) {
        return new PlanEvent(PlanEvent.SCHEMA_VERSION, plan, app, status, 2, 3, 6, 2, serverId == null ? 0 : 1, reason,
                serverId == null ? "alice" : "plan-service", serverId, serverId == null ? null : serverId + ".example.com",
                serverId == null ? null : "restart-" + serverId, at);
    }

    private static RestartEvent verified(String plan, String app, String serverId) {
        return new RestartEvent(RestartEvent.SCHEMA_VERSION, "restart-" + serverId, plan, serverId, serverId + ".example.com", app,
                "production", 2, RestartStatus.VERIFIED, PriorityLevel.HIGH, Exposure.PUBLIC, Instant.now(), Instant.now().plusSeconds(600),
                "boot-1", null, null, null, Instant.now());
    }
}
