package io.restartwatch.plan.runner;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.util.List;

import jakarta.inject.Inject;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restartwatch.contracts.CheckOutcome;
import io.restartwatch.contracts.EventTypes;
import io.restartwatch.contracts.PlanEvent;
import io.restartwatch.contracts.RestartEvent;
import io.restartwatch.contracts.RestartStatus;
import io.restartwatch.testsupport.LocalInfraResource;
import io.restartwatch.testsupport.TestCredentials;
import org.junit.jupiter.api.Test;

/** Executors without a topic of their own report through REST: the same effect as the events, published in their name. */
@QuarkusTest
@WithTestResource(value = LocalInfraResource.class, initArgs = @ResourceArg(name = "database", value = "plan"))
class ExecutorReportApiTest {

    @Inject
    RunnerFixtures fixtures;

    @Test
    void startedThenFailedHaltsThePlanRepeatsAreHarmlessAndEndedOrUnknownRestartsAreRefused() {
        String app = RunnerFixtures.uniqueId("rest-exec");
        String s1 = app + "-a", s2 = app + "-b";
        for (String server : List.of(s1, s2)) {
            fixtures.server(server, app, 1);
            fixtures.checkNow(server, CheckOutcome.REBOOT_REQUIRED, "boot-old");
        }
        fixtures.awaitTrue(() -> fixtures.serverColumn(s1, "boot_id") != null && fixtures.serverColumn(s2, "boot_id") != null);
        String plan = fixtures.plan(app, "RUNNING", List.of(List.of(s1), List.of(s2)));
        fixtures.awaitTrue(() -> "SCHEDULED".equals(fixtures.restartOf(plan, s1).status()));
        String restartId = fixtures.restartOf(plan, s1).restartId();
        String waiting = fixtures.restartOf(plan, s2).restartId();

        given().filter(TestCredentials.anonymous()).when().post("/api/restarts/{id}/started", restartId).then().statusCode(401);
        given().when().post("/api/restarts/{id}/started", "no-such-restart").then().statusCode(404)
                .contentType("application/problem+json");
        given().when().post("/api/restarts/{id}/started", waiting).then().statusCode(409)
                .body("detail", containsString("not released"));

        for (int i = 0; i < 2; i++) {
            given().when().post("/api/restarts/{id}/started", restartId)
                    .then().statusCode(200).body("status", equalTo("STARTED")).body("restartId", equalTo(restartId));
        }
        RestartEvent started = fixtures.awaitEvents(EventTypes.RESTART_STARTED, s1, 1).get(0).data(RestartEvent.class);
        assertThat(started.status()).isEqualTo(RestartStatus.STARTED);
        assertThat(started.executor()).startsWith("key:");
        assertThat(started.restartId()).isEqualTo(restartId);

        given().contentType(ContentType.JSON).body("{\"reason\":\"pre hook\",\"detail\":\"x\"}")
                .when().post("/api/restarts/{id}/failed", restartId).then().statusCode(400);
        given().contentType(ContentType.JSON).body("{\"reason\":\"PRE_HOOK_FAILED\",\"unknown\":1}")
                .when().post("/api/restarts/{id}/failed", restartId).then().statusCode(400);
        for (int i = 0; i < 2; i++) {
            given().contentType(ContentType.JSON).body("{\"reason\":\"PRE_HOOK_FAILED\",\"detail\":\"load balancer drain timed out\"}")
                    .when().post("/api/restarts/{id}/failed", restartId).then().statusCode(200).body("status", equalTo("FAILED"));
        }
        assertThat(fixtures.planStatus(plan)).isEqualTo("HALTED");
        RestartEvent failed = fixtures.awaitEvents(EventTypes.RESTART_FAILED, s1, 1).get(0).data(RestartEvent.class);
        assertThat(failed.reason()).isEqualTo("PRE_HOOK_FAILED");
        assertThat(failed.detail()).isEqualTo("load balancer drain timed out");
        PlanEvent halted = fixtures.awaitEvents(EventTypes.PLAN_HALTED, plan, 1).get(0).data(PlanEvent.class);
        assertThat(halted.serverId()).isEqualTo(s1);

        given().when().post("/api/restarts/{id}/started", restartId).then().statusCode(409)
                .contentType("application/problem+json").body("detail", containsString("FAILED"));
        assertThat(fixtures.events(EventTypes.RESTART_FAILED, s1)).hasSize(1);
        assertThat(fixtures.events(EventTypes.RESTART_STARTED, s1)).hasSize(1);
        assertThat(fixtures.events(EventTypes.PLAN_HALTED, plan)).hasSize(1);
    }
}
