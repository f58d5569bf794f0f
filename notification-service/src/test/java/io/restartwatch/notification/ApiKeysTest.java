package io.restartwatch.notification;

import static io.restartwatch.notification.Assessments.pending;
import static io.restartwatch.testsupport.TestCredentials.anonymous;
import static io.restartwatch.testsupport.TestCredentials.as;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restartwatch.contracts.Exposure;
import io.restartwatch.contracts.PriorityLevel;
import io.restartwatch.contracts.Surface;
import io.restartwatch.testsupport.LocalInfraResource;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** API keys issued here and checked from memory: who may do what, revocation, expiry, last use, the browser session. */
@QuarkusTest
@WithTestResource(value = LocalInfraResource.class, initArgs = @ResourceArg(name = "database", value = "notification"))
class ApiKeysTest {

    @Inject
    MutableClock clock;

    private final Assessments assessments = new Assessments();

    /** Other tests' gauges and snoozes read the same clock. */
    @AfterEach
    void resetClock() {
        clock.reset();
    }

    @Test
    void withoutCredentialsOrWithAnUnknownKeyTheApiAnswers401ProblemJson() {
        given().filter(anonymous()).when().get("/api/dashboard/notifications")
                .then().statusCode(401).contentType("application/problem+json")
                .header("WWW-Authenticate", containsString("Bearer"));
        given().filter(as("rwk_thisKeyWasNeverIssuedByAnyoneAnywhere000000000")).when().get("/api/dashboard/notifications")
                .then().statusCode(401).contentType("application/problem+json");
        given().filter(anonymous()).contentType(ContentType.JSON).body(Map.of("name", "x", "roles", List.of("admin")))
                .when().post("/api/keys").then().statusCode(401);
    }

    @Test
    void anIssuedKeyIsShownOnceAndGrantsItsRolesOnly() {
        String name = Assessments.unique("viewer");
        Response issued = given().contentType(ContentType.JSON).body(Map.of("name", name, "roles", List.of("viewer")))
                .when().post("/api/keys");
        issued.then().statusCode(201).body("key", containsString("rwk_")).body("apiKey.roles", equalTo(List.of("viewer")));
        String key = issued.path("key");
        String keyId = issued.path("apiKey.keyId");

        String listed = given().when().get("/api/keys").then().statusCode(200).extract().asString();
        assertThat(listed).contains(keyId, name).doesNotContain(key);

        await().atMost(Duration.ofSeconds(30)).until(() -> given().filter(as(key)).get("/api/dashboard/notifications").statusCode() == 200);
        given().filter(as(key)).when().get("/api/keys").then().statusCode(403).contentType("application/problem+json");
        given().filter(as(key)).contentType(ContentType.JSON).body(Map.of("note", "x"))
                .when().post("/api/notifications/{id}/acknowledge", "00000000-0000-0000-0000-000000000000")
                .then().statusCode(403);
        given().filter(as(key)).when().get("/api/session").then().statusCode(200)
                .body("name", equalTo("key:" + name)).body("roles", equalTo(List.of("viewer")));
    }

    @Test
    void aRevokedKeyStopsWorkingAndItsLastUseIsShown() {
        String name = Assessments.unique("revoked");
        String key = TestKeys.issue(name, "operator");
        String keyId = given().when().get("/api/keys").then().extract().jsonPath()
                .<String>getList("findAll { it.name == '" + name + "' }.keyId").get(0);

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                given().when().get("/api/keys").then().body("find { it.keyId == '" + keyId + "' }.lastUsedAt", notNullValue()));

        given().when().delete("/api/keys/{id}", keyId).then().statusCode(200).body("revokedBy", equalTo("key:bootstrap-admin"));
        await().atMost(Duration.ofSeconds(30)).until(() -> given().filter(as(key)).get("/api/session").statusCode() == 401);
        assertThat(given().when().get("/api/keys").then().extract().jsonPath().<String>getList("keyId")).doesNotContain(keyId);
        assertThat(given().queryParam("includeRevoked", true).when().get("/api/keys").then().extract().jsonPath()
                .<String>getList("keyId")).contains(keyId);
    }

    @Test
    void aKeyExpiresByItself() {
        given().contentType(ContentType.JSON).body(Map.of("name", "past", "roles", List.of("viewer"), "expiresAt", clock.instant().minusSeconds(1).toString()))
                .when().post("/api/keys").then().statusCode(400).body("errors[0].field", equalTo("expiresAt"));
        String key = given().contentType(ContentType.JSON)
                .body(Map.of("name", Assessments.unique("expiring"), "roles", List.of("viewer"), "expiresAt", clock.instant().plus(Duration.ofHours(1)).toString()))
                .when().post("/api/keys").then().statusCode(201).extract().path("key");
        await().atMost(Duration.ofSeconds(30)).until(() -> given().filter(as(key)).get("/api/session").statusCode() == 200);
        clock.advance(Duration.ofHours(2));
        given().filter(as(key)).when().get("/api/session").then().statusCode(401);
    }

    @Test
    void badRequestsToIssueAreProblems() {
        given().contentType(ContentType.JSON).body(Map.of("name", "x", "roles", List.of("root")))
                .when().post("/api/keys").then().statusCode(400).contentType("application/problem+json");
        given().contentType(ContentType.JSON).body(Map.of("name", "x", "roles", List.of()))
                .when().post("/api/keys").then().statusCode(400).body("errors[0].field", equalTo("roles"));
        given().when().delete("/api/keys/{id}", "0123456789abcdef").then().statusCode(404).contentType("application/problem+json");
    }

    @Test
    void includeRevokedIsTrueOrFalseAndNothingElse() {
        for (String bad : List.of("maybe", "2", "yes", "TRUE ")) {
            given().queryParam("includeRevoked", bad).when().get("/api/keys").then().statusCode(400)
                    .contentType("application/problem+json").body("errors[0].field", equalTo("includeRevoked"));
        }
        given().queryParam("includeRevoked", "true").when().get("/api/keys").then().statusCode(200);
        given().queryParam("includeRevoked", "false").when().get("/api/keys").then().statusCode(200);
        given().when().get("/api/keys").then().statusCode(200);
    }

    @Test
    void theBrowserSessionCookieWorksSameSiteOnly() {
        String app = Assessments.unique("cookie");
        String server = app + "-1";
        assessments.publish(pending(server, 1, app, PriorityLevel.HIGH, 70, Exposure.PUBLIC, java.time.Duration.ofDays(1), Surface.DASHBOARD));
        String key = TestKeys.issue(app, "operator");
        Response signIn = given().filter(as(key)).when().post("/api/session");
        signIn.then().statusCode(200).body("roles", equalTo(List.of("operator", "viewer")));
        String setCookie = signIn.header("Set-Cookie");
        assertThat(setCookie).contains("restartwatch_key=" + key, "HttpOnly", "SameSite=Strict", "Path=/").doesNotContain("Max-Age", "Expires");

        String id = await().atMost(Duration.ofSeconds(30)).until(() ->
                given().filter(anonymous()).cookie("restartwatch_key", key).get("/api/servers/{id}/notification", server).path("id"),
                java.util.Objects::nonNull);
        // A state-changing request that says it comes from another site is not authenticated by the cookie.
        given().filter(anonymous()).cookie("restartwatch_key", key).header("Origin", "https://evil.example")
                .contentType(ContentType.JSON).body(Map.of("note", "csrf"))
                .when().post("/api/notifications/{id}/acknowledge", id).then().statusCode(401);
        given().filter(anonymous()).cookie("restartwatch_key", key).header("Sec-Fetch-Site", "cross-site")
                .contentType(ContentType.JSON).body(Map.of("note", "csrf"))
                .when().post("/api/notifications/{id}/acknowledge", id).then().statusCode(401);
        given().filter(anonymous()).cookie("restartwatch_key", key).header("Sec-Fetch-Site", "same-origin")
                .contentType(ContentType.JSON).body(Map.of("note", "from the page"))
                .when().post("/api/notifications/{id}/acknowledge", id).then().statusCode(200)
                .body("acknowledged.by", equalTo("key:" + app));

        given().filter(anonymous()).cookie("restartwatch_key", key).when().delete("/api/session")
                .then().statusCode(204).header("Set-Cookie", containsString("Max-Age=0"));
    }

    @Test
    void pagesForbidFramingSniffingAndForeignScripts() {
        given().filter(anonymous()).when().get("/").then().statusCode(200)
                .header("X-Frame-Options", "DENY")
                .header("X-Content-Type-Options", "nosniff")
                .header("Content-Security-Policy", containsString("default-src 'self'"));
        given().filter(anonymous()).when().get("/api/dashboard/notifications").then().statusCode(401)
                .header("X-Frame-Options", "DENY");
    }
}
