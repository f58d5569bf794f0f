package io.restartwatch.plan.rest;

import static io.restartwatch.plan.Fleet.uniqueId;
import static io.restartwatch.testsupport.TestCredentials.anonymous;
import static io.restartwatch.testsupport.TestCredentials.as;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restartwatch.contracts.EventTypes;
import io.restartwatch.contracts.Exposure;
import io.restartwatch.contracts.PlanEvent;
import io.restartwatch.contracts.PlanStatus;
import io.restartwatch.contracts.PriorityLevel;
import io.restartwatch.contracts.RestartEvent;
import io.restartwatch.contracts.RestartStatus;
import io.restartwatch.contracts.Topics;
import io.restartwatch.plan.Fleet;
import io.restartwatch.testsupport.KafkaEvents;
import io.restartwatch.testsupport.LocalInfraResource;
import io.restartwatch.testsupport.TestCredentials;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

/** Plans over REST: preview changes nothing, create a DRAFT, the lifecycle with its events, conflicts, the stream. */
@QuarkusTest
@WithTestResource(value = LocalInfraResource.class, initArgs = @ResourceArg(name = "database", value = "plan"))
class PlansApiTest {

    static final Duration EVENTS = Duration.ofSeconds(60);
    static final Instant SINCE = Instant.parse("2026-11-01T00:00:00Z");

    @Inject
    Fleet fleet;

    @TestHTTPResource("/")
    URI base;

    /** Five pending servers of a new application, ranked shop-1 (public) first, and maxUnavailable 2. */
    String application() {
        String app = uniqueId("shop");
        fleet.pending(app + "-1", app, "prod", Exposure.PUBLIC, PriorityLevel.LOW, 20, SINCE);
        fleet.pending(app + "-2", app, "prod", Exposure.INTERNAL, PriorityLevel.CRITICAL, 80, SINCE);
        fleet.pending(app + "-3", app, "prod", Exposure.INTERNAL, PriorityLevel.HIGH, 60, SINCE);
        fleet.pending(app + "-4", app, "prod", Exposure.INTERNAL, PriorityLevel.HIGH, 55, SINCE);
        fleet.pending(app + "-5", app, "staging", Exposure.INTERNAL, PriorityLevel.LOW, 12, SINCE);
        given().contentType(ContentType.JSON).body("{\"maxUnavailable\":\"2\"}")
                .when().put("/api/restart-policies/{app}", app).then().statusCode(200);
        return app;
    }

    static String create(String app) {
        return given().contentType(ContentType.JSON).body("{\"application\":\"" + app + "\"}")
                .when().post("/api/plans")
                .then().statusCode(201).extract().path("planId");
    }

    @Test
    void aPreviewShowsWavesInPriorityOrderAndChangesNothing() {
        String app = application();
        long plans = fleet.plans();

        given().contentType(ContentType.JSON).body("{\"application\":\"" + app + "\"}")
                .when().post("/api/plans/preview")
                .then().statusCode(200)
                .body("waves", hasSize(3))
                .body("waves[0].restarts.serverId", contains(app + "-1", app + "-2"))
                .body("waves[1].restarts.serverId", contains(app + "-3", app + "-4"))
                .body("waves[2].restarts.serverId", contains(app + "-5"))
                .body("waves[0].restarts[0].why[0]", containsString("rank 1 of 5: PUBLIC"))
                .body("unscheduled", hasSize(0));
        given().contentType(ContentType.JSON).body("{\"application\":\"" + app + "\",\"environment\":\"staging\"}")
                .when().post("/api/plans/preview")
                .then().statusCode(200).body("waves", hasSize(1)).body("waves[0].restarts.serverId", contains(app + "-5"));
        given().contentType(ContentType.JSON).body("{\"application\":\"" + app + "\",\"levels\":[\"HIGH\",\"CRITICAL\"],\"labels\":{\"tier\":\"web\"}}")
                .when().post("/api/plans/preview")
                .then().statusCode(200).body("waves[0].restarts.serverId", contains(app + "-2", app + "-3"));

        assertThat(fleet.plans()).isEqualTo(plans);
    }

    @Test
    void aPlanIsCreatedAsADraftAndItsServersAreNotPlannedTwice() {
        String app = application();
        String planId = given().contentType(ContentType.JSON).body("{\"application\":\"" + app + "\"}")
                .when().post("/api/plans")
                .then().statusCode(201)
                .header("Location", containsString("/api/plans/"))
                .body("status", equalTo("DRAFT"))
                .body("createdBy", equalTo("key:bootstrap-admin"))
                .body("waveCount", equalTo(3))
                .body("waves[0].restarts.serverId", contains(app + "-1", app + "-2"))
                .body("waves[0].restarts.status", everyItem(equalTo("PLANNED")))
                .body("waves[0].restarts[0].restartId", notNullValue())
                .extract().path("planId");

        given().when().get("/api/plans/{id}", planId).then().statusCode(200)
                .body("applicationId", equalTo(app)).body("selection.application", equalTo(app)).body("counts.PLANNED", equalTo(5));
        given().contentType(ContentType.JSON).body("{\"application\":\"" + app + "\"}")
                .when().post("/api/plans/preview")
                .then().statusCode(200).body("waves", hasSize(0))
                .body("unscheduled", hasSize(5))
                .body("unscheduled.reason", everyItem(equalTo("IN_PLAN")))
                .body("unscheduled[0].detail", equalTo("already in plan " + planId));
        given().contentType(ContentType.JSON).body("{\"application\":\"" + app + "\"}")
                .when().post("/api/plans")
                .then().statusCode(422).contentType("application/problem+json").body("detail", containsString("IN_PLAN"));
        given().when().get("/api/plans?status=DRAFT&size=500").then().statusCode(200).body("items.planId", hasItem(planId));
    }

    @Test
    void approvePauseResumeCancelWithTheirEventsAndConflicts() {
        String app = application();
        String planId = create(app);

        given().contentType(ContentType.JSON).body("{\"note\":\"change CHG-1\"}")
                .when().post("/api/plans/{id}/approve", planId)
                .then().statusCode(200).body("status", equalTo("RUNNING"))
                .body("approvedBy", equalTo("key:bootstrap-admin")).body("approvedAt", notNullValue());
        given().when().post("/api/plans/{id}/approve", planId)
                .then().statusCode(409).contentType("application/problem+json")
                .body("detail", equalTo("Plan " + planId + " is RUNNING: only a plan that is DRAFT can be approved"));
        given().when().post("/api/plans/{id}/pause", planId).then().statusCode(200).body("status", equalTo("PAUSED"));
        given().when().post("/api/plans/{id}/pause", planId).then().statusCode(409);
        given().when().post("/api/plans/{id}/resume", planId).then().statusCode(200).body("status", equalTo("RUNNING"));

        // The runner releases wave 1 (and, wave 1 unproven, nothing more); then the operator cancels.
        fleet.awaitReleased(planId, 1);
        given().when().get("/api/plans/{id}", planId).then().statusCode(200)
                .body("waves[0].restarts.status", everyItem(equalTo("SCHEDULED")))
                .body("waves[1].restarts.status", everyItem(equalTo("PLANNED")));
        given().contentType(ContentType.JSON).body("{\"note\":\"rollback\"}")
                .when().post("/api/plans/{id}/cancel", planId)
                .then().statusCode(200).body("status", equalTo("CANCELLED"))
                .body("statusReason", equalTo("rollback"))
                .body("waves.restarts.flatten().status", everyItem(equalTo("CANCELLED")))
                .body("waves[0].restarts[0].failureReason", equalTo("PLAN_CANCELLED"));
        given().when().post("/api/plans/{id}/approve", planId)
                .then().statusCode(409).contentType("application/problem+json").body("detail", containsString("is CANCELLED"));
        given().when().post("/api/plans/{id}/resume", planId).then().statusCode(409);
        given().when().post("/api/plans/{id}/cancel", planId).then().statusCode(409);

        KafkaEvents kafka = KafkaEvents.local();
        List<KafkaEvents.ReceivedEvent> planEvents = kafka.awaitEvents(Topics.RESTARTS, EVENTS,
                e -> planId.equals(e.key()) && e.type().startsWith("io.restartwatch.plan."), 4);
        assertThat(planEvents).extracting(KafkaEvents.ReceivedEvent::type).containsExactly(
                EventTypes.PLAN_APPROVED, EventTypes.PLAN_PAUSED, EventTypes.PLAN_RESUMED, EventTypes.PLAN_CANCELLED);
        PlanEvent approved = planEvents.get(0).data(PlanEvent.class);
        assertThat(approved.actor()).isEqualTo("key:bootstrap-admin");
        assertThat(approved.reason()).isEqualTo("change CHG-1");
        assertThat(approved.restarts()).isEqualTo(5);
        assertThat(planEvents.get(3).data(PlanEvent.class).status()).isEqualTo(PlanStatus.CANCELLED);
        assertThat(planEvents.get(0).headers().get("ce_source")).isEqualTo("/restartwatch/plan-service");

        List<KafkaEvents.ReceivedEvent> cancelled = kafka.awaitEvents(Topics.RESTARTS, EVENTS,
                e -> EventTypes.RESTART_CANCELLED.equals(e.type()) && planId.equals(e.data(RestartEvent.class).planId()), 2);
        assertThat(cancelled).extracting(e -> e.data(RestartEvent.class).serverId()).containsExactlyInAnyOrder(app + "-1", app + "-2");
        assertThat(cancelled).allSatisfy(e -> {
            RestartEvent event = e.data(RestartEvent.class);
            assertThat(event.status()).isEqualTo(RestartStatus.CANCELLED);
            assertThat(event.reason()).isEqualTo("PLAN_CANCELLED");
            assertThat(e.key()).isEqualTo(event.serverId());
        });
        // The PLANNED ones were never announced, so nothing is cancelled for them on the topic.
        assertThat(kafka.readAll(Topics.RESTARTS)).filteredOn(e -> EventTypes.RESTART_CANCELLED.equals(e.type())
                && planId.equals(e.data(RestartEvent.class).planId())).hasSize(2);

        given().when().get("/api/plans?status=CANCELLED&size=500").then().statusCode(200).body("items.planId", hasItem(planId));
    }

    @Test
    void rolesUnknownPlansAndBadSelections() {
        String app = application();
        String viewer = TestKeys.issue("plan-viewer", "viewer");
        String operator = TestKeys.issue("plan-operator", "operator");
        given().filter(as(viewer)).contentType(ContentType.JSON).body("{\"application\":\"" + app + "\"}")
                .when().post("/api/plans/preview").then().statusCode(200);
        given().filter(as(viewer)).contentType(ContentType.JSON).body("{\"application\":\"" + app + "\"}")
                .when().post("/api/plans").then().statusCode(403).contentType("application/problem+json");
        String planId = given().filter(as(operator)).contentType(ContentType.JSON).body("{\"application\":\"" + app + "\"}")
                .when().post("/api/plans").then().statusCode(201).body("createdBy", equalTo("key:plan-operator")).extract().path("planId");
        given().filter(as(viewer)).when().post("/api/plans/{id}/approve", planId).then().statusCode(403);
        given().filter(as(operator)).when().post("/api/plans/{id}/approve", planId).then().statusCode(200)
                .body("approvedBy", equalTo("key:plan-operator"));
        given().filter(anonymous()).when().get("/api/plans").then().statusCode(401);

        given().when().get("/api/plans/{id}", "no-such-plan").then().statusCode(404).contentType("application/problem+json");
        given().when().post("/api/plans/{id}/cancel", "no-such-plan").then().statusCode(404);
        given().contentType(ContentType.JSON).body("{\"levels\":[\"URGENT\"]}")
                .when().post("/api/plans/preview").then().statusCode(400).contentType("application/problem+json")
                .body("errors[0].field", equalTo("levels[0]"));
        given().contentType(ContentType.JSON).body("{\"application\":\"Not An Id\"}")
                .when().post("/api/plans/preview").then().statusCode(400).body("errors[0].field", equalTo("application"));
        given().contentType(ContentType.JSON).body("{\"application\":\"nothing-pending-here\"}")
                .when().post("/api/plans").then().statusCode(422).body("detail", containsString("no pending reboot"));
        given().when().get("/api/plans?status=SLEEPING").then().statusCode(400).contentType("application/problem+json")
                .body("errors[0].field", equalTo("status")).body("errors[0].message", containsString("is not one of DRAFT"));
    }

    @Test
    void theStreamSendsThePlanAtOnceAndOnEveryChange() throws Exception {
        String app = application();
        String planId = create(app);
        HttpClient client = HttpClient.newHttpClient();
        HttpRequest request = HttpRequest.newBuilder(base.resolve("/api/plans/" + planId + "/stream"))
                .header("Authorization", TestCredentials.bearer(TestCredentials.ADMIN_KEY))
                .header("Accept", "text/event-stream").build();
        HttpResponse<InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/event-stream"));
        LinkedBlockingQueue<String> data = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                    if (line.startsWith("data:")) {
                        data.add(line.substring(5));
                    }
                }
            } catch (Exception e) {
                // the stream is closed when the test ends
            }
        });
        reader.setDaemon(true);
        reader.start();
        try {
            assertThat(data.poll(30, TimeUnit.SECONDS)).contains("\"status\":\"DRAFT\"").contains(app + "-1");
            given().when().post("/api/plans/{id}/approve", planId).then().statusCode(200);
            // The runner releases wave 1 right after the approval, often within the same second: the view that first
            // shows the plan running may already show the release, so one view is awaited for both.
            awaitData(data, "\"status\":\"RUNNING\"", "\"status\":\"SCHEDULED\"");
            fleet.verify(app + "-1");
            awaitData(data, "\"status\":\"VERIFIED\"");
        } finally {
            response.body().close();
        }
        given().when().get("/api/plans/{id}/stream", "no-such-plan").then().statusCode(404);
    }

    /** The next plan view that contains {@code text} (each event is a complete view; earlier ones are passed over). */
    private static String awaitData(LinkedBlockingQueue<String> data, String... texts) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            String next = data.poll(1, TimeUnit.SECONDS);
            if (next != null && Arrays.stream(texts).allMatch(next::contains)) {
                return next;
            }
        }
        throw new AssertionError("No plan view with " + String.join(" and ", texts) + " within 30 s");
    }
}
