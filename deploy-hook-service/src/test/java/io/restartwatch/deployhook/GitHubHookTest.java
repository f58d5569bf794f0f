package io.restartwatch.deployhook;

import static io.restassured.RestAssured.given;
import static io.restartwatch.deployhook.Fixtures.with;
import static io.restartwatch.deployhook.NativeHookTest.problem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import java.nio.charset.StandardCharsets;
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
import io.restartwatch.deployhook.domain.Secrets;
import io.restartwatch.testsupport.LocalInfraResource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /api/hooks/github} with GitHub's {@code deployment_status} payload. Test configuration: shared
 * secret {@code test-github-secret}; octo-org/shop-web → shop-web; octo-org/payments → payments with its own
 * secret; octo-org/monorepo → monorepo, its billing environment → billing.
 */
@QuarkusTest
@WithTestResource(value = LocalInfraResource.class, initArgs = @ResourceArg(name = "database", value = "deployhook"))
class GitHubHookTest {

    private static final String SECRET = "test-github-secret";

    @BeforeAll
    static void logFailures() {
        RestAssured.enableLoggingOfRequestAndResponseIfValidationFails();
    }

    @Test
    void aSuccessfulDeploymentStatusPublishesDeployCompleted() {
        long deployment = newDeploymentId();
        ObjectNode payload = deploymentStatus("octo-org/shop-web", deployment, "success");

        String eventId = send(payload, SECRET, delivery()).statusCode(202)
                .body("status", equalTo("completed")).body("eventId", notNullValue()).extract().path("eventId");

        DeployCompleted event = TestPipelines.awaitCompleted("shop-web", "github-" + deployment).get(0);
        assertThat(event.applicationId()).isEqualTo("shop-web");
        assertThat(event.environment()).isEqualTo("production");
        assertThat(event.source()).isEqualTo("github");
        assertThat(event.commit()).isEqualTo("8d1f3b0c5e2a4f6b9c7d0e1f2a3b4c5d6e7f8a9b");
        assertThat(event.url()).isEqualTo("https://github.com/octo-org/shop-web/actions/runs/9876543210/job/27182818");
        assertThat(event.finishedAt()).isEqualTo(Instant.parse("2026-11-20T09:41:07Z"));
        // Exactly once, judged after a later deploy of the same application (same key, so any repeat came before it).
        long marker = newDeploymentId();
        assertThat(TestPipelines.eventsBefore("shop-web",
                () -> send(deploymentStatus("octo-org/shop-web", marker, "success"), SECRET, delivery()).statusCode(202),
                "github-" + marker))
                .filteredOn(e -> event.deployId().equals(e.data(DeployCompleted.class).deployId()))
                .singleElement().satisfies(e -> assertThat(e.id()).isEqualTo(eventId));
    }

    @Test
    void aRedeliveryAnswersTheOriginalEventAndPublishesNothingMore() {
        long deployment = newDeploymentId();
        ObjectNode payload = deploymentStatus("octo-org/shop-web", deployment, "success");
        String delivery = delivery();

        String eventId = send(payload, SECRET, delivery).statusCode(202).extract().path("eventId");
        send(payload, SECRET, delivery).statusCode(200).body("eventId", equalTo(eventId)).body("repeated", equalTo(true));
        // A second success status of the same deployment (another delivery) is the same deploy.
        send(payload, SECRET, delivery()).statusCode(200).body("eventId", equalTo(eventId));

        long marker = newDeploymentId();
        assertThat(TestPipelines.completedBefore("shop-web",
                () -> send(deploymentStatus("octo-org/shop-web", marker, "success"), SECRET, delivery()).statusCode(202),
                "github-" + marker))
                .filteredOn(d -> d.deployId().equals("github-" + deployment)).hasSize(1);
    }

    @Test
    void inProgressThenFailureThenSuccessPublishesOnlyTheSuccess() {
        long deployment = newDeploymentId();

        send(deploymentStatus("octo-org/shop-web", deployment, "in_progress"), SECRET, delivery())
                .statusCode(202).body("status", equalTo("started")).body("eventId", nullValue());
        send(deploymentStatus("octo-org/shop-web", deployment, "error"), SECRET, delivery())
                .statusCode(202).body("status", equalTo("failed")).body("eventId", nullValue());
        send(deploymentStatus("octo-org/shop-web", deployment, "inactive"), SECRET, delivery())
                .statusCode(202).body("ignored", equalTo("deployment state 'inactive'"));
        send(deploymentStatus("octo-org/shop-web", deployment, "success"), SECRET, delivery())
                .statusCode(202).body("status", equalTo("completed"));

        long marker = newDeploymentId();
        assertThat(TestPipelines.completedBefore("shop-web",
                () -> send(deploymentStatus("octo-org/shop-web", marker, "success"), SECRET, delivery()).statusCode(202),
                "github-" + marker))
                .filteredOn(d -> d.deployId().equals("github-" + deployment)).hasSize(1);
    }

    @Test
    void aRepositoryWithItsOwnSecretNeedsThatSecret() {
        long deployment = newDeploymentId();
        ObjectNode payload = deploymentStatus("octo-org/payments", deployment, "success");

        problem(send(payload, SECRET, delivery()), 401, "Bad X-Hub-Signature-256");
        send(payload, "payments-own-secret", delivery()).statusCode(202);
        TestPipelines.awaitCompleted("payments", "github-" + deployment);
        long marker = newDeploymentId();
        assertThat(TestPipelines.completedBefore("payments",
                () -> send(deploymentStatus("octo-org/payments", marker, "success"), "payments-own-secret", delivery()).statusCode(202),
                "github-" + marker))
                .filteredOn(d -> d.deployId().equals("github-" + deployment)).singleElement()
                .satisfies(e -> assertThat(e.applicationId()).isEqualTo("payments"));
    }

    @Test
    void anEnvironmentCanMapToItsOwnApplication() {
        long billing = newDeploymentId();
        long other = newDeploymentId();
        ObjectNode toBilling = with(with(deploymentStatus("octo-org/monorepo", billing, "success"),
                "deployment_status.environment", "billing"), "deployment.environment", "billing");
        ObjectNode toStaging = with(with(deploymentStatus("octo-org/monorepo", other, "success"),
                "deployment_status.environment", "Staging EU"), "deployment.environment", "Staging EU");

        send(toBilling, SECRET, delivery()).statusCode(202);
        send(toStaging, SECRET, delivery()).statusCode(202);

        assertThat(TestPipelines.awaitCompleted("billing", "github-" + billing)).singleElement()
                .satisfies(e -> assertThat(e.environment()).isEqualTo("billing"));
        assertThat(TestPipelines.awaitCompleted("monorepo", "github-" + other)).singleElement()
                .satisfies(e -> assertThat(e.environment()).isEqualTo("staging-eu"));
    }

    @Test
    void badOrMissingSignaturesAreUnauthorized() {
        ObjectNode payload = deploymentStatus("octo-org/shop-web", newDeploymentId(), "success");
        String body = Fixtures.json(payload);

        problem(send(payload, "not-the-secret", delivery()), 401, "Bad X-Hub-Signature-256");
        problem(given().contentType(ContentType.JSON).header("X-GitHub-Event", "deployment_status")
                .header("X-GitHub-Delivery", delivery()).body(body).when().post("/api/hooks/github").then(), 401, "X-Hub-Signature-256 is required");
        // Signed, then tampered with: the repository named in the body is not what was signed.
        problem(given().contentType(ContentType.JSON).header("X-GitHub-Event", "deployment_status")
                .header("X-GitHub-Delivery", delivery()).header("X-Hub-Signature-256", sign(SECRET, body))
                .body(body.replace("\"success\"", "\"failure\"")).when().post("/api/hooks/github").then(), 401, "Bad X-Hub-Signature-256");
    }

    @Test
    void anUnmappedRepositoryIs422() {
        ObjectNode payload = deploymentStatus("octo-org/unknown-repo", newDeploymentId(), "success");

        problem(send(payload, SECRET, delivery()), 422, "No application is mapped to github repository 'octo-org/unknown-repo'");
    }

    @Test
    void aPayloadWithoutADeploymentIs400AndAMissingDeliveryIdToo() {
        ObjectNode payload = deploymentStatus("octo-org/shop-web", newDeploymentId(), "success");
        payload.remove("deployment");
        problem(send(payload, SECRET, delivery()), 400, "deployment.id");

        ObjectNode complete = deploymentStatus("octo-org/shop-web", newDeploymentId(), "success");
        problem(send(complete, SECRET, null), 400, "X-GitHub-Delivery");
        problem(given().contentType(ContentType.JSON).header("X-GitHub-Event", "deployment_status")
                .body("{\"deployment\": ").when().post("/api/hooks/github").then(), 400, "Malformed JSON");
    }

    @Test
    void pingAndOtherEventsAreAcknowledgedWithoutADeploy() {
        ObjectNode ping = Fixtures.load("github-ping.json");
        String body = Fixtures.json(ping);
        given().contentType(ContentType.JSON).header("X-GitHub-Event", "ping").header("X-GitHub-Delivery", delivery())
                .header("X-Hub-Signature-256", sign(SECRET, body)).body(body)
                .when().post("/api/hooks/github").then().statusCode(200).body("ignored", equalTo("ping"));
        given().contentType(ContentType.JSON).header("X-GitHub-Event", "push").header("X-GitHub-Delivery", delivery())
                .header("X-Hub-Signature-256", sign(SECRET, body)).body(body)
                .when().post("/api/hooks/github").then().statusCode(202).body("ignored", equalTo("event 'push': only deployment_status is handled"));
        problem(given().contentType(ContentType.JSON).header("X-GitHub-Event", "ping").header("X-Hub-Signature-256", sign("wrong", body))
                .body(body).when().post("/api/hooks/github").then(), 401, "Bad X-Hub-Signature-256");
    }

    private static long newDeploymentId() {
        return ThreadLocalRandom.current().nextLong(1_000_000_000L, 9_000_000_000L);
    }

    private static String delivery() {
        return UUID.randomUUID().toString();
    }

    static ObjectNode deploymentStatus(String repository, long deploymentId, String state) {
        ObjectNode payload = Fixtures.load("github-deployment_status.json");
        with(payload, "repository.full_name", repository);
        with(payload, "deployment.id", deploymentId);
        return with(payload, "deployment_status.state", state);
    }

    static String sign(String secret, String body) {
        return "sha256=" + Secrets.hmacSha256Hex(secret, body.getBytes(StandardCharsets.UTF_8));
    }

    private static ValidatableResponse send(ObjectNode payload, String secret, String delivery) {
        String body = Fixtures.json(payload);
        var request = given().contentType(ContentType.JSON)
                .header("X-GitHub-Event", "deployment_status")
                .header("X-Hub-Signature-256", sign(secret, body))
                .body(body);
        if (delivery != null) {
            request.header("X-GitHub-Delivery", delivery);
        }
        return request.when().post("/api/hooks/github").then();
    }
}
