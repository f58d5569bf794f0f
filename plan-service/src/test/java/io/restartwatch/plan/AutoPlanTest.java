package io.restartwatch.plan;

import static io.restartwatch.plan.Fleet.uniqueId;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import jakarta.inject.Inject;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restartwatch.contracts.EventTypes;
import io.restartwatch.contracts.Exposure;
import io.restartwatch.contracts.PlanEvent;
import io.restartwatch.contracts.PriorityLevel;
import io.restartwatch.contracts.Topics;
import io.restartwatch.plan.scheduling.AutoPlanJob;
import io.restartwatch.testsupport.KafkaEvents;
import io.restartwatch.testsupport.LocalInfraResource;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Auto-plans: critical restarts pending longer than the policy's pendingFor are planned and approved by
 * {@code auto-plan} on the tick, once; time passes by the clock, nobody sleeps for days.
 */
@QuarkusTest
@WithTestResource(value = LocalInfraResource.class, initArgs = @ResourceArg(name = "database", value = "plan"))
class AutoPlanTest {

    private static final Duration PATIENCE = Duration.ofSeconds(30);

    @Inject
    Fleet fleet;

    @Inject
    MutableClock clock;

    @Inject
    AutoPlanJob job;

    @AfterEach
    void resetClock() {
        clock.reset();
    }

    @Test
    void criticalRestartsPendingLongerThanPendingForArePlannedAndApprovedOnce() {
        String app = uniqueId("payments");
        Instant twoDaysAgo = Instant.now().minus(Duration.ofDays(2));
        fleet.pending(app + "-1", app, "prod", Exposure.PUBLIC, PriorityLevel.CRITICAL, 90, twoDaysAgo);
        fleet.pending(app + "-2", app, "prod", Exposure.INTERNAL, PriorityLevel.CRITICAL, 80, twoDaysAgo.plus(Duration.ofHours(2)));
        fleet.pending(app + "-3", app, "prod", Exposure.INTERNAL, PriorityLevel.HIGH, 60, twoDaysAgo.minus(Duration.ofDays(5)));
        given().contentType(ContentType.JSON)
                .body("{\"maxUnavailable\":\"1\",\"restartTimeout\":\"P2D\",\"autoPlan\":{\"minLevel\":\"CRITICAL\",\"pendingFor\":\"P3D\"}}")
                .when().put("/api/restart-policies/{app}", app).then().statusCode(200);

        job.runOnce();
        assertThat(plansOf(app)).as("pending 2 days < 3 days: nothing yet").isEmpty();

        // A day and an hour later, payments-1 has been pending for 3 days; payments-2 (2 hours younger) not yet.
        clock.advance(Duration.ofDays(1).plusHours(1));
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(200)).until(() -> plansOf(app).size() == 1);
        String planId = plansOf(app).get(0);
        JsonPath plan = given().when().get("/api/plans/{id}", planId).then().statusCode(200).extract().jsonPath();
        assertThat(plan.getString("status")).isEqualTo("RUNNING");
        assertThat(plan.getBoolean("auto")).isTrue();
        assertThat(plan.getString("createdBy")).isEqualTo("auto-plan");
        assertThat(plan.getString("approvedBy")).isEqualTo("auto-plan");
        assertThat(plan.getList("waves.restarts.flatten().serverId")).containsExactly(app + "-1");

        // Planned once: the next passes find it in an active plan.
        assertThat(job.runOnce()).isEmpty();
        assertThat(plansOf(app)).hasSize(1);

        // Two more hours: payments-2 is due too and gets a plan of its own; the HIGH one never does.
        clock.advance(Duration.ofHours(2));
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(200)).until(() -> plansOf(app).size() == 2);
        List<String> planned = plansOf(app).stream()
                .flatMap(id -> given().when().get("/api/plans/{id}", id).then().extract().jsonPath()
                        .<String>getList("waves.restarts.flatten().serverId").stream()).toList();
        assertThat(planned).containsExactlyInAnyOrder(app + "-1", app + "-2");

        PlanEvent approved = KafkaEvents.local().awaitEvents(Topics.RESTARTS, PATIENCE,
                e -> planId.equals(e.key()) && EventTypes.PLAN_APPROVED.equals(e.type()), 1).get(0).data(PlanEvent.class);
        assertThat(approved.actor()).isEqualTo("auto-plan");
    }

    private static List<String> plansOf(String app) {
        return given().when().get("/api/plans?size=500").then().statusCode(200).extract().jsonPath()
                .<String>getList("items.findAll { it.applicationId == '" + app + "' }.planId");
    }
}
