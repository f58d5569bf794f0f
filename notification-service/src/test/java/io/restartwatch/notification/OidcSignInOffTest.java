package io.restartwatch.notification;

import static io.restartwatch.testsupport.TestCredentials.anonymous;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restartwatch.testsupport.LocalInfraResource;
import org.junit.jupiter.api.Test;

/** Without a provider (the default): the pages offer the API key only, and a cookie holding anything else is refused. */
@QuarkusTest
@WithTestResource(value = LocalInfraResource.class, initArgs = @ResourceArg(name = "database", value = "notification"))
class OidcSignInOffTest {

    @Test
    void theSignInOptionsSayNoSso() {
        given().filter(anonymous()).when().get("/login/options").then().statusCode(200).body("oidc", equalTo(false));
    }

    @Test
    void aCookieThatHoldsNoApiKeyIs401NotAnError() {
        given().filter(anonymous()).cookie("restartwatch_key", "eyJhbGciOiJSUzI1NiJ9.e30.c2ln")
                .when().get("/api/session")
                .then().statusCode(401).contentType("application/problem+json");
    }

    @Test
    void theSsoSignInIsRefusedNotAnError() {
        given().filter(anonymous()).redirects().follow(false).when().get("/login/oidc")
                .then().statusCode(401);
    }
}
