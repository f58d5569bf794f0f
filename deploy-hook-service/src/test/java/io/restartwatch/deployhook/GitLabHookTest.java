package io.restartwatch.deployhook;

import static io.restassured.RestAssured.given;
import static io.restartwatch.deployhook.Fixtures.with;
import static io.restartwatch.deployhook.NativeHookTest.problem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import io.restartwatch.contracts.DeployCompleted;
import io.restartwatch.testsupport.LocalInfraResource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /api/hooks/gitlab} with GitLab's deployment event. Test configuration: token
 * {@code test-gitlab-token}; platform/checkout → checkout.
 */
@QuarkusTest
@WithTestResource(value = LocalInfraResource.class, initArgs = @ResourceArg(name = "database", value = "deployhook"))
class GitLabHookTest {

    private static final String TOKEN = "test-gitlab-token";

    @BeforeAll
    static void logFailures() {
        RestAssured.enableLoggingOfRequestAndResponseIfValidationFails();
    }

    @Test
    void aSuccessfulDeploymentPublishesDeployCompleted() {
        long deployment = newDeploymentId();

        send(deployment("platform/checkout", deployment, "success"), TOKEN, UUID.randomUUID().toString())
                .statusCode(202).body("status", equalTo("completed"));

        DeployCompleted event = TestPipelines.awaitCompleted("checkout", "gitlab-" + deployment).get(0);
        assertThat(event.applicationId()).isEqualTo("checkout");
        assertThat(event.environment()).isEqualTo("production");
        assertThat(event.source()).isEqualTo("gitlab");
        assertThat(event.commit()).isEqualTo("3c9e1f27a4b5c6d7e8f90a1b2c3d4e5f6a7b8c9d");
        assertThat(event.url()).isEqualTo("https://gitlab.example.com/platform/checkout/-/jobs/8812");
        assertThat(event.finishedAt()).isEqualTo(Instant.parse("2026-11-20T09:41:07Z"));
    }

    @Test
    void runningPublishesNothingAndRetriesAreRecognised() {
        long deployment = newDeploymentId();
        String retried = UUID.randomUUID().toString();

        send(deployment("platform/checkout", deployment, "running"), TOKEN, retried)
                .statusCode(202).body("status", equalTo("started")).body("eventId", nullValue());
        send(deployment("platform/checkout", deployment, "running"), TOKEN, retried)
                .statusCode(200).body("repeated", equalTo(true));
        String eventId = send(deployment("platform/checkout", deployment, "success"), TOKEN, null)
                .statusCode(202).extract().path("eventId");
        send(deployment("platform/checkout", deployment, "success"), TOKEN, null)
                .statusCode(200).body("eventId", equalTo(eventId));

        long marker = newDeploymentId();
        assertThat(TestPipelines.completedBefore("checkout",
                () -> send(deployment("platform/checkout", marker, "success"), TOKEN, null).statusCode(202), "gitlab-" + marker))
                .filteredOn(d -> d.deployId().equals("gitlab-" + deployment)).hasSize(1);
    }

    @Test
    void aMissingOrWrongTokenIsUnauthorized() {
        ObjectNode payload = deployment("platform/checkout", newDeploymentId(), "success");

        problem(send(payload, "guess", null), 401, "Bad X-Gitlab-Token");
        problem(send(payload, null, null), 401, "X-Gitlab-Token is required");
    }

    @Test
    void anUnmappedProjectIs422AndAnIncompletePayload400() {
        problem(send(deployment("platform/unknown", newDeploymentId(), "success"), TOKEN, null), 422,
                "No application is mapped to gitlab repository 'platform/unknown'");

        ObjectNode incomplete = deployment("platform/checkout", newDeploymentId(), "success");
        incomplete.remove("deployment_id");
        problem(send(incomplete, TOKEN, null), 400, "deployment_id");
    }

    @Test
    void otherEventsAndStatusesAreAcknowledgedWithoutADeploy() {
        ObjectNode push = with(deployment("platform/checkout", newDeploymentId(), "success"), "object_kind", "push");
        given().contentType(ContentType.JSON).header("X-Gitlab-Event", "Push Hook").header("X-Gitlab-Token", TOKEN)
                .body(Fixtures.json(push)).when().post("/api/hooks/gitlab")
                .then().statusCode(202).body("ignored", equalTo("event 'Push Hook': only Deployment Hook is handled"));
        send(deployment("platform/checkout", newDeploymentId(), "created"), TOKEN, null)
                .statusCode(202).body("ignored", equalTo("deployment status 'created'"));
    }

    private static long newDeploymentId() {
        return ThreadLocalRandom.current().nextLong(1_000_000_000L, 9_000_000_000L);
    }

    private static ObjectNode deployment(String project, long deploymentId, String status) {
        ObjectNode payload = Fixtures.load("gitlab-deployment.json");
        with(payload, "project.path_with_namespace", project);
        with(payload, "deployment_id", deploymentId);
        return with(payload, "status", status);
    }

    private static ValidatableResponse send(ObjectNode payload, String token, String idempotencyKey) {
        var request = given().contentType(ContentType.JSON).header("X-Gitlab-Event", "Deployment Hook").body(Fixtures.json(payload));
        if (token != null) {
            request.header("X-Gitlab-Token", token);
        }
        if (idempotencyKey != null) {
            request.header("Idempotency-Key", idempotencyKey);
        }
        return request.when().post("/api/hooks/gitlab").then();
    }
}
