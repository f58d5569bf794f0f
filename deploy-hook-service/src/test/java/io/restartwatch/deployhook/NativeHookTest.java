package io.restartwatch.deployhook;

import static io.restassured.RestAssured.given;
import static io.restartwatch.deployhook.TestPipelines.deploy;
import static io.restartwatch.deployhook.TestPipelines.now;
import static io.restartwatch.deployhook.TestPipelines.signature;
import static io.restartwatch.deployhook.TestPipelines.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import java.time.Instant;
import java.util.List;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import io.restartwatch.contracts.DeployCompleted;
import io.restartwatch.deployhook.TestPipelines.Credentials;
import io.restartwatch.support.rest.Problem;
import io.restartwatch.testsupport.LocalInfraResource;
import io.restartwatch.testsupport.TestCredentials;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code POST /api/deploys}: both authentication paths, every way they refuse, and idempotency. */
@QuarkusTest
@WithTestResource(value = LocalInfraResource.class, initArgs = @ResourceArg(name = "database", value = "deployhook"))
class NativeHookTest {

    @BeforeAll
    static void logFailures() {
        RestAssured.enableLoggingOfRequestAndResponseIfValidationFails();
    }

    @Test
    void aBearerTokenReportsACompletedDeploy() {
        String app = unique("shop");
        Credentials ci = TestPipelines.create(app);

        String eventId = bearer(ci.token(), deploy(app, "d-1", "completed"))
                .statusCode(202).body("status", equalTo("completed")).body("repeated", equalTo(false))
                .body("rechecks", equalTo("/api/deploys/" + app + "/d-1/rechecks"))
                .extract().path("eventId");

        DeployCompleted event = TestPipelines.awaitCompleted(app, "d-1").get(0);
        assertThat(event).satisfies(e -> {
            assertThat(e.applicationId()).isEqualTo(app);
            assertThat(e.environment()).isEqualTo("production");
            assertThat(e.source()).isEqualTo("native");
            assertThat(e.commit()).isEqualTo("4f2a9c1");
            assertThat(e.serverIds()).isEmpty();
        });
        assertThat(TestPipelines.KAFKA.readAll(io.restartwatch.contracts.Topics.DEPLOYS))
                .filteredOn(e -> app.equals(e.key())).singleElement().satisfies(e -> assertThat(e.id()).isEqualTo(eventId));
    }

    @Test
    void anHmacSignatureReportsACompletedDeploy() {
        String app = unique("shop");
        Credentials ci = TestPipelines.create(app);
        String body = deploy(app, "d-1", "completed");
        String timestamp = now();

        signed(ci.id(), timestamp, signature(ci.secret(), timestamp, body), body)
                .statusCode(202).body("eventId", notNullValue());

        assertThat(TestPipelines.awaitCompleted(app, "d-1")).singleElement()
                .satisfies(e -> assertThat(e.source()).isEqualTo("native"));
    }

    @Test
    void aRequestWithoutCredentialsIsUnauthorized() {
        problem(given().filter(TestCredentials.anonymous()).contentType(ContentType.JSON).body(deploy("shop", "d-1", "completed"))
                        .when().post("/api/deploys").then(),
                401, "Authenticate with Authorization: Bearer");
    }

    @Test
    void anUnknownTokenIsUnauthorized() {
        problem(bearer("rwp_not-a-token", deploy("shop", "d-1", "completed")), 401, "Unknown or revoked token");
    }

    @Test
    void theJsonLiteralNullIsABadRequestNotAServerError() {
        Credentials ci = TestPipelines.create(unique("shop"));
        problem(bearer(ci.token(), "null"), 400, "a JSON deploy is required");
    }

    @Test
    void aTokenCannotReportAnotherApplication() {
        String app = unique("shop");
        String other = unique("billing");
        Credentials ci = TestPipelines.create(app);

        problem(bearer(ci.token(), deploy(other, "d-1", "completed")), 403,
                "may not report deploys of application '" + other + "'");
    }

    @Test
    void aSignatureCannotReportAnotherApplicationEither() {
        String app = unique("shop");
        String other = unique("billing");
        Credentials ci = TestPipelines.create(app);
        String body = deploy(other, "d-1", "completed");
        String timestamp = now();

        problem(signed(ci.id(), timestamp, signature(ci.secret(), timestamp, body), body), 403, "may not report deploys");
    }

    @Test
    void aSignatureByAnotherSecretOrOverAnotherBodyIsRejected() {
        String app = unique("shop");
        Credentials ci = TestPipelines.create(app);
        Credentials stranger = TestPipelines.create(unique("other"));
        String body = deploy(app, "d-1", "completed");
        String timestamp = now();

        problem(signed(ci.id(), timestamp, signature(stranger.secret(), timestamp, body), body), 401, "Bad signature");
        problem(signed(ci.id(), timestamp, signature(ci.secret(), timestamp, body), body.replace("d-1", "d-2")), 401, "Bad signature");
        problem(signed(unique("nobody"), timestamp, signature(ci.secret(), timestamp, body), body), 401, "Bad signature");
        problem(signed(null, timestamp, signature(ci.secret(), timestamp, body), body), 401, "X-RestartWatch-Pipeline");
    }

    @Test
    void aTimestampMoreThanFiveMinutesOffIsRejected() {
        String app = unique("shop");
        Credentials ci = TestPipelines.create(app);
        String body = deploy(app, "d-1", "completed");

        // A minute past the 5-minute tolerance: a timestamp 301 s ahead is within it again once a loaded machine takes
        // over a second between signing and checking.
        for (long offset : List.of(-360L, 360L)) {
            String timestamp = Long.toString(Instant.now().getEpochSecond() + offset);
            problem(signed(ci.id(), timestamp, signature(ci.secret(), timestamp, body), body), 401, "more than 5 minutes off");
        }
        problem(signed(ci.id(), "yesterday", signature(ci.secret(), "yesterday", body), body), 401, "Unix seconds");
    }

    @Test
    void aTimestampThatIsNoSaneTimeIs401NotAServerError() {
        String app = unique("shop");
        Credentials ci = TestPipelines.create(app);
        String body = deploy(app, "d-1", "completed");

        for (String timestamp : List.of("99999999999999999999", "9223372036854775807", "abc", "-5", "-9223372036854775808",
                "1e10", "0x10", "99999999999")) {
            problem(signed(ci.id(), timestamp, signature(ci.secret(), timestamp, body), body), 401, "X-RestartWatch-Timestamp");
        }
    }

    @Test
    void aReplayedSignatureIsRejected() {
        String app = unique("shop");
        Credentials ci = TestPipelines.create(app);
        String body = deploy(app, "d-1", "completed");
        String timestamp = now();
        String signature = signature(ci.secret(), timestamp, body);

        signed(ci.id(), timestamp, signature, body).statusCode(202);
        problem(signed(ci.id(), timestamp, signature, body), 401, "Replayed request");
    }

    @Test
    void aRevokedPipelineCanNoLongerReport() {
        String app = unique("shop");
        Credentials ci = TestPipelines.create(app);
        given().when().delete("/api/pipelines/{id}", ci.id()).then().statusCode(204);

        problem(bearer(ci.token(), deploy(app, "d-1", "completed")), 401, "Unknown or revoked token");
        String body = deploy(app, "d-2", "completed");
        String timestamp = now();
        problem(signed(ci.id(), timestamp, signature(ci.secret(), timestamp, body), body), 401, "Bad signature");
    }

    @Test
    void rotationReplacesTheTokenAndTheSecret() {
        String app = unique("shop");
        Credentials ci = TestPipelines.create(app);
        var rotated = given().when().post("/api/pipelines/{id}/rotate", ci.id())
                .then().statusCode(200).extract().jsonPath();

        problem(bearer(ci.token(), deploy(app, "d-1", "completed")), 401, "Unknown or revoked token");
        bearer(rotated.getString("token"), deploy(app, "d-1", "completed")).statusCode(202);
        String body = deploy(app, "d-2", "completed");
        String timestamp = now();
        problem(signed(ci.id(), timestamp, signature(ci.secret(), timestamp, body), body), 401, "Bad signature");
        signed(ci.id(), timestamp, signature(rotated.getString("hmacSecret"), timestamp, body), body).statusCode(202);
    }

    @Test
    void thePipelineListShowsNoSecrets() {
        Credentials ci = TestPipelines.create(unique("shop"));

        given().when().get("/api/pipelines")
                .then().statusCode(200).body("id", org.hamcrest.Matchers.hasItem(ci.id()))
                .body("token", org.hamcrest.Matchers.everyItem(nullValue()))
                .body("hmacSecret", org.hamcrest.Matchers.everyItem(nullValue()));
    }

    @Test
    void theSameDeployIdPublishesOnceAndRepeatsAnswerTheOriginalEvent() {
        String app = unique("shop");
        Credentials ci = TestPipelines.create(app);

        String eventId = bearer(ci.token(), deploy(app, "d-1", "completed")).statusCode(202).extract().path("eventId");
        bearer(ci.token(), deploy(app, "d-1", "completed"))
                .statusCode(200).body("eventId", equalTo(eventId)).body("repeated", equalTo(true));
        String body = deploy(app, "d-1", "completed");
        String timestamp = now();
        signed(ci.id(), timestamp, signature(ci.secret(), timestamp, body), body)
                .statusCode(200).body("eventId", equalTo(eventId));
        // A late "started" of a completed deploy changes nothing either.
        bearer(ci.token(), deploy(app, "d-1", "started")).statusCode(200).body("status", equalTo("completed"));

        assertThat(TestPipelines.completedBefore(app, () -> bearer(ci.token(), deploy(app, "marker", "completed")).statusCode(202), "marker"))
                .extracting(DeployCompleted::deployId).containsExactly("d-1");
    }

    @Test
    void twoPipelinesSendingTheSameDeployIdBothPublishAndEachStaysIdempotent() {
        String app = unique("shop");
        Credentials first = TestPipelines.create(app);
        Credentials second = TestPipelines.create(app);

        String firstEvent = bearer(first.token(), deploy(app, "build-17", "completed")).statusCode(202).extract().path("eventId");
        String secondEvent = bearer(second.token(), deploy(app, "build-17", "completed"))
                .statusCode(202).body("repeated", equalTo(false)).extract().path("eventId");
        bearer(first.token(), deploy(app, "build-17", "completed")).statusCode(200).body("eventId", equalTo(firstEvent));
        bearer(second.token(), deploy(app, "build-17", "completed")).statusCode(200).body("eventId", equalTo(secondEvent));

        assertThat(secondEvent).isNotEqualTo(firstEvent);
        assertThat(TestPipelines.completedBefore(app, () -> bearer(first.token(), deploy(app, "marker", "completed")).statusCode(202), "marker"))
                .extracting(DeployCompleted::deployId).containsExactly("build-17", "build-17");
    }

    @Test
    void startedAndFailedPublishNothingAndCompletedLaterPublishesOnce() {
        String app = unique("shop");
        Credentials ci = TestPipelines.create(app);

        bearer(ci.token(), deploy(app, "d-1", "started")).statusCode(202).body("eventId", nullValue()).body("rechecks", nullValue());
        bearer(ci.token(), deploy(app, "d-1", "started")).statusCode(200).body("repeated", equalTo(true));
        bearer(ci.token(), deploy(app, "d-2", "failed")).statusCode(202).body("eventId", nullValue());
        bearer(ci.token(), deploy(app, "d-1", "completed")).statusCode(202).body("eventId", notNullValue());

        assertThat(TestPipelines.completedBefore(app, () -> bearer(ci.token(), deploy(app, "marker", "completed")).statusCode(202), "marker"))
                .extracting(DeployCompleted::deployId).containsExactly("d-1");
    }

    private static ValidatableResponse bearer(String token, String body) {
        return given().filter(TestCredentials.as(token)).contentType(ContentType.JSON).body(body)
                .when().post("/api/deploys").then();
    }

    private static ValidatableResponse signed(String pipelineId, String timestamp, String signature, String body) {
        // Without the default admin API key: a bearer token would be taken instead of the signature.
        var request = given().filter(TestCredentials.anonymous()).contentType(ContentType.JSON)
                .header("X-RestartWatch-Timestamp", timestamp)
                .header("X-RestartWatch-Signature", signature)
                .body(body);
        if (pipelineId != null) {
            request.header("X-RestartWatch-Pipeline", pipelineId);
        }
        return request.when().post("/api/deploys").then();
    }

    static void problem(ValidatableResponse response, int status, String detail) {
        response.statusCode(status)
                .contentType(Problem.MEDIA_TYPE)
                .body("status", equalTo(status))
                .body("detail", containsString(detail));
    }
}
