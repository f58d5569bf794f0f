package io.restartwatch.notification;

import static io.restartwatch.notification.Assessments.done;
import static io.restartwatch.notification.Assessments.pending;
import static io.restartwatch.testsupport.TestCredentials.as;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
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
import io.restartwatch.contracts.EventTypes;
import io.restartwatch.contracts.Exposure;
import io.restartwatch.contracts.PriorityLevel;
import io.restartwatch.contracts.Surface;
import io.restartwatch.testsupport.KafkaEvents.ReceivedEvent;
import io.restartwatch.testsupport.LocalInfraResource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(value = LocalInfraResource.class, initArgs = @ResourceArg(name = "database", value = "notification"))
class NotificationViewsTest {

    @Inject
    MutableClock clock;

    private final Assessments assessments = new Assessments();

    @AfterEach
    void resetClock() {
        clock.reset();
    }

    @Test
    void eachViewShowsExactlyTheRightNotificationsInPriorityOrder() {
        String app = Assessments.unique("fleet");
        String other = Assessments.unique("other");
        // public/internal × fresh/stale × levels; surfaces as priority-service decides them
        String publicStaleCritical = app + "-pub-stale-crit";
        String publicFreshHigh = app + "-pub-fresh-high";
        String publicFreshMedium = app + "-pub-fresh-med";
        String internalFreshCritical = app + "-int-fresh-crit";
        String internalStaleHigh = app + "-int-stale-high";
        String internalStalerHigh = app + "-int-staler-high";
        String internalStaleMedium = app + "-int-stale-med";
        String internalFreshLow = app + "-int-fresh-low";
        String cleared = app + "-cleared";
        String otherAppStale = other + "-stale";

        assessments.publish(pending(publicStaleCritical, 1, app, PriorityLevel.CRITICAL, 99, Exposure.PUBLIC, Duration.ofDays(40), Surface.DASHBOARD, Surface.APPLICATION));
        assessments.publish(pending(publicFreshHigh, 1, app, PriorityLevel.HIGH, 70, Exposure.PUBLIC, Duration.ofDays(1), Surface.DASHBOARD));
        assessments.publish(pending(publicFreshMedium, 1, app, PriorityLevel.MEDIUM, 50, Exposure.PUBLIC, Duration.ofDays(2), Surface.DASHBOARD));
        assessments.publish(pending(internalFreshCritical, 1, app, PriorityLevel.CRITICAL, 85, Exposure.INTERNAL, Duration.ofHours(3), Surface.DASHBOARD));
        assessments.publish(pending(internalStaleHigh, 1, app, PriorityLevel.HIGH, 80, Exposure.INTERNAL, Duration.ofDays(9), Surface.DASHBOARD, Surface.APPLICATION));
        assessments.publish(pending(internalStalerHigh, 1, app, PriorityLevel.HIGH, 80, Exposure.INTERNAL, Duration.ofDays(10), Surface.DASHBOARD, Surface.APPLICATION));
        assessments.publish(pending(internalStaleMedium, 1, app, PriorityLevel.MEDIUM, 45, Exposure.INTERNAL, Duration.ofDays(8), Surface.APPLICATION));
        assessments.publish(pending(internalFreshLow, 1, app, PriorityLevel.LOW, 10, Exposure.INTERNAL, Duration.ofDays(1)));
        assessments.publish(pending(cleared, 1, app, PriorityLevel.CRITICAL, 95, Exposure.PUBLIC, Duration.ofDays(30), Surface.DASHBOARD, Surface.APPLICATION));
        assessments.publish(done(cleared, 2, app));
        assessments.publish(pending(otherAppStale, 1, other, PriorityLevel.HIGH, 75, Exposure.PUBLIC, Duration.ofDays(12), Surface.DASHBOARD, Surface.APPLICATION));

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(search(Map.of("applicationId", app, "status", "OPEN")).getInt("total")).isEqualTo(8);
            assertThat(search(Map.of("applicationId", app, "status", "CLEARED")).getInt("total")).isEqualTo(1);
            assertThat(search(Map.of("applicationId", other)).getInt("total")).isEqualTo(1);
        });

        // Server page: every pending restart, whatever its level; nothing once cleared.
        given().when().get("/api/servers/{id}/notification", internalFreshLow)
                .then().statusCode(200)
                .body("level", equalTo("LOW")).body("surfaces", equalTo(List.of("SERVER")))
                .body("message", org.hamcrest.Matchers.startsWith("*** System restart required ***"));
        given().when().get("/api/servers/{id}/notification", cleared)
                .then().statusCode(404).contentType("application/problem+json").body("status", equalTo(404));

        // Dashboard: public first, then score, then the longest pending.
        List<String> dashboard = dashboardServers(app);
        assertThat(dashboard).containsExactly(publicStaleCritical, publicFreshHigh, publicFreshMedium,
                internalFreshCritical, internalStalerHigh, internalStaleHigh);

        // Application page: its stale ones only, in the same order.
        List<String> stale = given().when().get("/api/applications/{app}/notifications", app)
                .then().statusCode(200).extract().jsonPath().getList("serverId");
        assertThat(stale).containsExactly(publicStaleCritical, internalStalerHigh, internalStaleHigh, internalStaleMedium);

        // Search: filters combine, results page.
        assertThat(search(Map.of("applicationId", app, "level", "HIGH")).getList("items.serverId", String.class))
                .containsExactlyInAnyOrder(publicFreshHigh, internalStaleHigh, internalStalerHigh);
        assertThat(search(Map.of("applicationId", app, "status", "CLEARED")).getList("items.serverId", String.class))
                .containsExactly(cleared);
        JsonPath lastPage = search(Map.of("applicationId", app, "size", "4", "page", "2"));
        assertThat(lastPage.getInt("total")).isEqualTo(9);
        assertThat(lastPage.getList("items")).hasSize(1);
        assertThat(search(Map.of("applicationId", app, "since", clock.instant().plusSeconds(60).toString())).getInt("total")).isZero();

        given().queryParam("applicationId", "Not An Id!").when().get("/api/notifications")
                .then().statusCode(400).contentType("application/problem+json").body("errors[0].field", equalTo("applicationId"));
        // Values a parameter's type cannot take: 400 naming it and what it accepts (JAX-RS alone answers a bare 404).
        given().queryParam("status", "BOGUS").when().get("/api/notifications")
                .then().statusCode(400).contentType("application/problem+json").body("errors[0].field", equalTo("status"))
                .body("errors[0].message", equalTo("'BOGUS' is not one of OPEN, CLEARED"));
        given().queryParam("kind", "REBOOT").queryParam("kind", "NOPE").when().get("/api/notifications")
                .then().statusCode(400).body("errors[0].field", equalTo("kind")).body("errors[0].message", containsString("NOPE"));
        given().queryParam("since", "yesterday").when().get("/api/notifications")
                .then().statusCode(400).body("errors[0].field", equalTo("since")).body("errors[0].message", containsString("ISO-8601"));
        given().queryParam("page", "two").when().get("/api/notifications")
                .then().statusCode(400).contentType("application/problem+json").body("errors[0].field", equalTo("page"))
                .body("errors[0].message", equalTo("'two' is not a whole number"));
        // A shortened id that UUID.fromString would take as another id is refused too.
        given().filter(as(TestKeys.issue("carol-params", "operator"))).contentType(ContentType.JSON).body(Map.of("note", "n"))
                .when().post("/api/notifications/{id}/acknowledge", "1-2-3-4-5")
                .then().statusCode(400).contentType("application/problem+json").body("errors[0].field", equalTo("id"))
                .body("errors[0].message", containsString("is not an id"));
    }

    @Test
    void snoozeHidesFromTheDashboardUntilItsTimeOrAnEscalation() {
        String app = Assessments.unique("snooze");
        String server = app + "-1";
        assessments.publish(pending(server, 1, app, PriorityLevel.HIGH, 70, Exposure.PUBLIC, Duration.ofDays(3), Surface.DASHBOARD));
        await().atMost(Duration.ofSeconds(30)).until(() -> dashboardServers(app).contains(server));
        String id = given().when().get("/api/servers/{id}/notification", server).then().statusCode(200).extract().path("id");

        String alice = TestKeys.issue("alice-" + app, "operator");
        String bob = TestKeys.issue("bob-" + app, "operator");
        given().filter(as(alice)).contentType(ContentType.JSON).body(Map.of("note", "rebooting tonight"))
                .when().post("/api/notifications/{id}/acknowledge", id)
                .then().statusCode(200).body("acknowledged.by", equalTo("key:alice-" + app)).body("acknowledged.note", equalTo("rebooting tonight"));
        // Acknowledged is not hidden: someone is on it, but it still needs doing.
        assertThat(dashboardServers(app)).containsExactly(server);

        Instant until = clock.instant().plus(Duration.ofHours(2));
        given().filter(as(alice)).contentType(ContentType.JSON).body(Map.of("until", until.toString()))
                .when().post("/api/notifications/{id}/snooze", id)
                .then().statusCode(200).body("snoozedUntil", equalTo(until.toString()));
        assertThat(dashboardServers(app)).isEmpty();
        given().when().get("/api/servers/{id}/notification", server).then().statusCode(200);

        clock.advance(Duration.ofHours(1));
        assertThat(dashboardServers(app)).isEmpty();
        clock.advance(Duration.ofHours(1).plusSeconds(1));
        assertThat(dashboardServers(app)).containsExactly(server);

        // Snoozed again, then it escalates: back on the dashboard at once.
        given().filter(as(bob)).contentType(ContentType.JSON).body(Map.of("until", clock.instant().plus(Duration.ofDays(1)).toString()))
                .when().post("/api/notifications/{id}/snooze", id).then().statusCode(200);
        assertThat(dashboardServers(app)).isEmpty();
        assessments.publish(pending(server, 2, app, PriorityLevel.CRITICAL, 92, Exposure.PUBLIC, Duration.ofDays(3), Surface.DASHBOARD));
        await().atMost(Duration.ofSeconds(30)).until(() -> dashboardServers(app).contains(server));
        given().when().get("/api/servers/{id}/notification", server).then().statusCode(200)
                .body("level", equalTo("CRITICAL")).body("snoozedUntil", nullValue());

        JsonPath timeline = given().when().get("/api/servers/{id}/timeline", server).then().statusCode(200).extract().jsonPath();
        assertThat(timeline.getList("kind", String.class)).containsExactly("ESCALATED", "SNOOZED", "SNOOZED", "ACKNOWLEDGED", "OPENED");
        assertThat(timeline.getList("actor", String.class)).containsExactly(null, "key:bob-" + app, "key:alice-" + app, "key:alice-" + app, null);
        assertThat(timeline.getList("at", String.class)).allSatisfy(at -> assertThat(Instant.parse(at)).isNotNull());

        // Acknowledging and snoozing are not transitions other systems hear of.
        List<ReceivedEvent> events = assessments.awaitNotifications(server, 2);
        assertThat(events).extracting(ReceivedEvent::type)
                .containsExactly(EventTypes.NOTIFICATION_OPENED, EventTypes.NOTIFICATION_ESCALATED);
    }

    @Test
    void snoozeAndAcknowledgeRejectWhatTheyCannotDo() {
        String app = Assessments.unique("reject");
        String server = app + "-1";
        assessments.publish(pending(server, 1, app, PriorityLevel.HIGH, 70, Exposure.PUBLIC, Duration.ofDays(3), Surface.DASHBOARD));
        String id = await().atMost(Duration.ofSeconds(30)).until(
                () -> given().when().get("/api/servers/{id}/notification", server).then().extract().path("id"),
                java.util.Objects::nonNull);

        given().contentType(ContentType.JSON).body(Map.of("until", clock.instant().plus(Duration.ofDays(31)).toString()))
                .when().post("/api/notifications/{id}/snooze", id)
                .then().statusCode(400).contentType("application/problem+json").body("errors[0].field", equalTo("until"));
        given().contentType(ContentType.JSON).body(Map.of("until", clock.instant().minusSeconds(1).toString()))
                .when().post("/api/notifications/{id}/snooze", id)
                .then().statusCode(400).body("errors[0].field", equalTo("until"));
        // Who acted comes from the credentials; a body that names someone is refused, not believed.
        given().contentType(ContentType.JSON).body(Map.of("by", "mallory", "note", "who?"))
                .when().post("/api/notifications/{id}/acknowledge", id)
                .then().statusCode(400).body("errors[0].field", equalTo("by"));
        given().contentType(ContentType.JSON).body(Map.of("note", "on it"))
                .when().post("/api/notifications/{id}/acknowledge", "00000000-0000-0000-0000-000000000000")
                .then().statusCode(404).contentType("application/problem+json");

        assessments.publish(done(server, 2, app));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                given().when().get("/api/servers/{id}/notification", server).then().statusCode(404));
        given().contentType(ContentType.JSON).body(Map.of("note", "on it"))
                .when().post("/api/notifications/{id}/acknowledge", id)
                .then().statusCode(409).contentType("application/problem+json");
    }

    private static List<String> dashboardServers(String app) {
        return given().queryParam("size", 500).when().get("/api/dashboard/notifications")
                .then().statusCode(200).extract().jsonPath()
                .<Map<String, Object>>getList("items").stream()
                .filter(n -> app.equals(n.get("applicationId")))
                .map(n -> (String) n.get("serverId"))
                .toList();
    }

    private static JsonPath search(Map<String, String> query) {
        Map<String, String> params = new java.util.HashMap<>(query);
        params.putIfAbsent("size", "500");
        return given().queryParams(params)
                .when().get("/api/notifications")
                .then().statusCode(200).extract().jsonPath();
    }
}
