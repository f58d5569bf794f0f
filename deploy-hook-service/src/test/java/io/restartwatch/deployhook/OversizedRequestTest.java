package io.restartwatch.deployhook;

import static io.restassured.RestAssured.given;
import static io.restartwatch.deployhook.NativeHookTest.problem;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restartwatch.testsupport.LocalInfraResource;
import io.restartwatch.testsupport.TestCredentials;
import org.junit.jupiter.api.Test;

/**
 * A request line or headers over quarkus.http.limits answer 414 / 431 problem+json (service-support's
 * OversizedRequestProblems), not the HTTP decoder's bare status.
 */
@QuarkusTest
@WithTestResource(value = LocalInfraResource.class, initArgs = @ResourceArg(name = "database", value = "deployhook"))
class OversizedRequestTest {

    /** quarkus.http.limits.max-initial-line-length (Quarkus' default) and max-header-size (service-support: 16K). */
    private static final int MAX_LINE = 4096;
    private static final int MAX_HEADERS = 16 * 1024;

    @Test
    void aRequestLineOverTheLimitIs414ProblemJson() {
        problem(given().contentType(ContentType.JSON).body("{}").when().post("/api/deploys?padding=" + "x".repeat(MAX_LINE)).then(),
                414, "request line exceeds " + MAX_LINE + " bytes");
    }

    @Test
    void headersOverTheLimitAre431ProblemJson() {
        problem(given().contentType(ContentType.JSON).header("X-Padding", "x".repeat(MAX_HEADERS)).body("{}")
                .when().post("/api/deploys").then(), 431, "request headers exceed " + MAX_HEADERS + " bytes");
        problem(given().contentType(ContentType.JSON).header("X-Padding-1", "x".repeat(MAX_HEADERS / 2))
                .header("X-Padding-2", "x".repeat(MAX_HEADERS / 2)).body("{}")
                .when().post("/api/hooks/github").then(), 431, "request headers exceed");
    }

    @Test
    void justUnderTheLimitsTheRequestIsHandledAsUsual() {
        problem(given().filter(TestCredentials.anonymous()).contentType(ContentType.JSON).header("X-Padding", "x".repeat(MAX_HEADERS - 1024)).body("{}")
                .when().post("/api/deploys?padding=" + "x".repeat(MAX_LINE - 100)).then(), 401, "Authenticate with");
    }
}
