package io.restartwatch.plan.runner;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import java.time.Instant;
import java.util.List;

import jakarta.inject.Inject;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restartwatch.contracts.CheckOutcome;
import io.restartwatch.contracts.EventTypes;
import io.restartwatch.contracts.PriorityLevel;
import io.restartwatch.contracts.RestartKind;
import io.restartwatch.plan.scheduling.PlanRunner;
import io.restartwatch.testsupport.LocalInfraResource;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * A plan from end to end through the REST API, as an operator runs it: the fleet arrives on the topics, the plan is
 * created and approved, the runner releases its waves two servers at a time, pausing holds the next wave, resuming
 * releases it, and checks proving each reboot complete the plan.
 */
@QuarkusTest
@WithTestResource(value = LocalInfraResource.class, initArgs = @ResourceArg(name = "database", value = "plan"))
class PlanThroughApiTest {

    @Inject
    RunnerFixtures fixtures;

    @Inject
    PlanRunner runner;

    @Test
    void anApprovedPlanRunsWaveAfterWavePausesAndResumesAndCompletes() {
        String app = RunnerFixtures.uniqueId("api-plan");
        List<String> servers = List.of(app + "-1", app + "-2", app + "-3", app + "-4");
        given().contentType(ContentType.JSON).body("{\"maxUnavailable\":\"2\"}")
                .when().put("/api/restart-policies/{app}", app).then().statusCode(200);
        for (int i = 0; i < servers.size(); i++) {
            String server = servers.get(i);
            fixtures.server(server, server + ".example.net", app, "prod", 1, false);
            fixtures.priority(server, app, 1, true, i < 2 ? PriorityLevel.CRITICAL : PriorityLevel.MEDIUM, RestartKind.REBOOT,
                    Instant.parse("2026-11-01T00:00:00Z"));
            fixtures.checkNow(server, CheckOutcome.REBOOT_REQUIRED, "boot-old");
        }
        fixtures.awaitTrue(() -> servers.stream().allMatch(s -> fixtures.serverColumn(s, "boot_id") != null
                && Boolean.TRUE.equals(fixtures.serverColumn(s, "pending")) && fixtures.serverColumn(s, "hostname") != null));

        String plan = given().contentType(ContentType.JSON).body("{\"application\":\"" + app + "\"}")
                .when().post("/api/plans").then().statusCode(201)
                .body("status", equalTo("DRAFT")).body("waves", hasSize(2))
                .extract().path("planId");
        awaitPasses(2);
        assertThat(fixtures.restarts(plan)).extracting(RunnerFixtures.Restart::status).as("a draft releases nothing").containsOnly("PLANNED");

        given().when().post("/api/plans/{id}/approve", plan).then().statusCode(200).body("status", equalTo("RUNNING"));
        fixtures.awaitTrue(() -> fixtures.restarts(plan).stream().filter(r -> r.wave() == 1).allMatch(r -> "SCHEDULED".equals(r.status())));
        List<String> first = fixtures.restarts(plan).stream().filter(r -> r.wave() == 1).map(RunnerFixtures.Restart::serverId).toList();
        assertThat(first).containsExactlyInAnyOrder(servers.get(0), servers.get(1));
        assertThat(fixtures.restarts(plan).stream().filter(r -> r.wave() == 2)).allMatch(r -> "PLANNED".equals(r.status()));

        // Paused: the released restarts go on and are verified, the next wave waits.
        given().when().post("/api/plans/{id}/pause", plan).then().statusCode(200).body("status", equalTo("PAUSED"));
        first.forEach(server -> fixtures.checkNow(server, CheckOutcome.UP_TO_DATE, "boot-new"));
        fixtures.awaitTrue(() -> fixtures.restarts(plan).stream().filter(r -> r.wave() == 1).allMatch(r -> "VERIFIED".equals(r.status())));
        awaitPasses(3);
        assertThat(fixtures.restarts(plan).stream().filter(r -> r.wave() == 2)).allMatch(r -> "PLANNED".equals(r.status()));

        given().when().post("/api/plans/{id}/resume", plan).then().statusCode(200).body("status", equalTo("RUNNING"));
        fixtures.awaitTrue(() -> fixtures.restarts(plan).stream().filter(r -> r.wave() == 2).allMatch(r -> "SCHEDULED".equals(r.status())));
        servers.subList(2, 4).forEach(server -> fixtures.checkNow(server, CheckOutcome.UP_TO_DATE, "boot-new"));
        fixtures.awaitTrue(() -> "COMPLETED".equals(fixtures.planStatus(plan)));

        JsonPath view = given().when().get("/api/plans/{id}", plan).then().statusCode(200).extract().jsonPath();
        assertThat(view.getString("status")).isEqualTo("COMPLETED");
        assertThat(view.getList("waves.restarts.status").toString()).doesNotContain("PLANNED").doesNotContain("FAILED");
        assertThat(fixtures.events(EventTypes.PLAN_COMPLETED, plan)).hasSize(1);
        for (String server : servers) {
            assertThat(fixtures.events(EventTypes.RESTART_SCHEDULED, server)).as(server).hasSize(1);
            assertThat(fixtures.events(EventTypes.RESTART_VERIFIED, server)).as(server).hasSize(1);
        }
    }

    private void awaitPasses(int passes) {
        long target = runner.passes() + passes;
        Awaitility.await().atMost(RunnerFixtures.WAIT).until(() -> runner.passes() >= target);
    }
}
