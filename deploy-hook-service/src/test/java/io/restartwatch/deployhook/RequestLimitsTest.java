package io.restartwatch.deployhook;

import static io.restassured.RestAssured.given;
import static io.restartwatch.deployhook.NativeHookTest.problem;
import static io.restartwatch.deployhook.TestPipelines.deploy;
import static io.restartwatch.deployhook.TestPipelines.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import io.restassured.response.ValidatableResponse;
import io.restartwatch.deployhook.TestPipelines.Credentials;
import io.restartwatch.support.rest.Problem;
import io.restartwatch.testsupport.LocalInfraResource;
import io.restartwatch.testsupport.TestCredentials;
import org.junit.jupiter.api.Test;

/**
 * Bodies too large, malformed or incomplete, and bursts beyond the rate limit: each answers problem+json.
 * (No request logging on failure here: the oversized bodies would flood the output.)
 */
@QuarkusTest
@WithTestResource(value = LocalInfraResource.class, initArgs = @ResourceArg(name = "database", value = "deployhook"))
class RequestLimitsTest {

    @Test
    void aBodyOverTheLimitIs413() {
        Credentials ci = TestPipelines.create(unique("shop"));
        String padding = "x".repeat(70 * 1024);

        problem(bearer(ci.token(), "{\"applicationId\":\"shop\",\"deployId\":\"" + padding + "\"}"), 413, "exceeds 65536 bytes");
        problem(given().contentType(ContentType.JSON).body("{\"padding\":\"" + padding + "\"}").when().post("/api/hooks/github").then(),
                413, "exceeds 65536 bytes");
    }

    @Test
    void malformedJsonIs400() {
        Credentials ci = TestPipelines.create(unique("shop"));

        problem(bearer(ci.token(), "{\"applicationId\": \"shop\", "), 400, "Malformed JSON");
        problem(bearer(ci.token(), ""), 400, "body");
    }

    @Test
    void missingOrInvalidFieldsAre400AndNamed() {
        String app = unique("shop");
        Credentials ci = TestPipelines.create(app);

        problem(bearer(ci.token(), "{\"applicationId\":\"" + app + "\"}"), 400, "deployId");
        bearer(ci.token(), "{\"applicationId\":\"" + app + "\",\"deployId\":\"d-1\"}")
                .body("errors.field", hasItem("status"));
        problem(bearer(ci.token(), deploy(app, "d-1", "done")), 400, "status: must be completed, failed or started");
        problem(bearer(ci.token(), deploy(app, "d-1", "completed").replace("}", ",\"colour\":\"blue\"}")), 400, "colour: unknown field");
        problem(bearer(ci.token(), deploy("Not An Id", "d-1", "completed")), 400, "applicationId");
    }

    @Test
    void aBurstFromOneCredentialIs429WithRetryAfterWhileOthersGoOn() {
        String app = unique("shop");
        Credentials noisy = TestPipelines.create(app);
        Credentials calm = TestPipelines.create(app);

        // Burst 30, 60 per minute: well before 100 requests the bucket is empty.
        ExtractableResponse<Response> limited = null;
        for (int i = 0; i < 100 && limited == null; i++) {
            ExtractableResponse<Response> answer = bearer(noisy.token(), "{}").extract();
            if (answer.statusCode() == 429) {
                limited = answer;
            } else {
                assertThat(answer.statusCode()).isEqualTo(400);
            }
        }

        assertThat(limited).as("a 429 within 100 requests").isNotNull();
        assertThat(limited.contentType()).startsWith(Problem.MEDIA_TYPE);
        assertThat(limited.jsonPath().getInt("status")).isEqualTo(429);
        assertThat(limited.jsonPath().getString("detail")).contains("Too many requests from pipeline " + noisy.id());
        assertThat(Long.parseLong(limited.header("Retry-After"))).isBetween(1L, 60L);
        bearer(calm.token(), deploy(app, "d-1", "completed")).statusCode(202).body("status", equalTo("completed"));
    }

    private static ValidatableResponse bearer(String token, String body) {
        return given().filter(TestCredentials.as(token)).contentType(ContentType.JSON).body(body)
                .when().post("/api/deploys").then();
    }
}
