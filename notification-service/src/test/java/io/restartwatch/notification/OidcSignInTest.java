package io.restartwatch.notification;

import static io.restartwatch.notification.Assessments.pending;
import static io.restartwatch.testsupport.TestCredentials.anonymous;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

import java.net.URL;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restartwatch.contracts.Exposure;
import io.restartwatch.contracts.PriorityLevel;
import io.restartwatch.contracts.Surface;
import io.restartwatch.notification.OidcProviderResource.InjectOidcProvider;
import io.restartwatch.testsupport.HeadlessChromium;
import io.restartwatch.testsupport.LocalInfraResource;
import io.restartwatch.testsupport.TestOidcProvider.Claims;
import io.restartwatch.testsupport.TestOidcProvider;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

/**
 * The dashboard signs in through the OIDC provider (authorization-code flow, web tenant) in a real browser, and
 * the access token it ends with, kept in the session cookie, is verified like a bearer token: /api still never
 * redirects to the provider, and a cookie holding a token the provider did not sign is refused.
 */
@QuarkusTest
@TestProfile(OidcSignInTest.OidcProfile.class)
class OidcSignInTest {

    private static final String SESSION_COOKIE = "restartwatch_key";

    /** Both OIDC tenants on, against the in-process provider; Kafka and PostgreSQL as in every test. */
    public static class OidcProfile implements QuarkusTestProfile {

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(LocalInfraResource.class, Map.of("database", "notification")),
                    new TestResourceEntry(OidcProviderResource.class));
        }
    }

    @InjectOidcProvider
    TestOidcProvider provider;

    @TestHTTPResource("/")
    URL dashboard;

    private final Assessments assessments = new Assessments();

    @Test
    void theDashboardSignsInThroughTheProviderFollowsTheStreamAndActsAsTheUser() throws Exception {
        String app = Assessments.unique("sso");
        String serverId = app + "-web-1";
        String user = Assessments.unique("olga");
        assessments.publish(pending(serverId, 1, app, PriorityLevel.CRITICAL, 96, Exposure.PUBLIC, Duration.ofDays(3),
                Surface.DASHBOARD));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                given().when().get("/api/servers/{id}/notification", serverId).then().statusCode(200));
        provider.signIn(Claims.of(user, List.of("operator"), OidcProviderResource.AUDIENCE));
        int authorizationsBefore = provider.authorizationRequests().size();

        try (HeadlessChromium chromium = HeadlessChromium.start(Path.of("target", "chromium"), 1440, 900)) {
            chromium.navigate(dashboard.toString());
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() ->
                    chromium.evaluate("!!document.getElementById('sso') && !document.getElementById('sso').hidden"
                            + " && getComputedStyle(document.getElementById('signin-panel')).display !== 'none'").asBoolean());
            assertThat(chromium.evaluate("getComputedStyle(document.getElementById('main')).display").asText()).isEqualTo("none");

            chromium.evaluate("document.getElementById('sso-link').click()");

            // To the provider (another site), back to /login/oidc with a code, then to the dashboard, signed in.
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                    .conditionEvaluationListener(condition -> {
                        if (condition.getRemainingTimeInMS() <= 250) {
                            System.err.println("Browser at " + where(chromium));
                        }
                    })
                    .until(() -> {
                        try {
                            return chromium.evaluate("location.pathname === '/' && !!document.querySelector('#rows tr[data-server-id=\"" + serverId + "\"]')"
                                    + " && document.getElementById('live').classList.contains('on')").asBoolean();
                        } catch (IllegalStateException navigating) {
                            return false;
                        }
                    });
            assertThat(chromium.evaluate("document.getElementById('who').textContent").asText()).contains(user, "operator");
            assertThat(chromium.evaluate("location.search").asText()).as("no code or state left in the address").isEmpty();

            List<Map<String, String>> authorizations = provider.authorizationRequests();
            assertThat(authorizations).hasSize(authorizationsBefore + 1);
            Map<String, String> authorization = authorizations.get(authorizations.size() - 1);
            assertThat(authorization).containsEntry("client_id", OidcProviderResource.CLIENT_ID)
                    .containsEntry("response_type", "code").containsEntry("code_challenge_method", "S256")
                    .containsKey("state");
            assertThat(authorization.get("redirect_uri")).endsWith("/login/oidc");
            assertThat(provider.tokenRequests().get(provider.tokenRequests().size() - 1)).containsKey("code_verifier");

            String row = "document.querySelector('#rows tr[data-server-id=\"" + serverId + "\"]')";
            chromium.evaluate(row + ".querySelector('button.ack').click()");
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
                    given().when().get("/api/servers/{id}/notification", serverId).then()
                            .statusCode(200).body("acknowledged.by", equalTo(user)));
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() ->
                    chromium.evaluate(row + ".innerText").asText().contains("acknowledged by " + user));
        }
    }

    private static String where(HeadlessChromium chromium) {
        try {
            return chromium.evaluate("location.href + ' :: ' + document.body.innerText.slice(0, 500)").asText();
        } catch (RuntimeException e) {
            return "(unknown: " + e.getMessage() + ")";
        }
    }

    @Test
    void theApiAnswers401WithoutCredentialsAndNeverRedirectsToTheProvider() {
        given().filter(anonymous()).redirects().follow(false)
                .when().get("/api/dashboard/notifications")
                .then().statusCode(401).contentType("application/problem+json").header("Location", nullValue());
        // A path segment equal to the web tenant's id still selects the default (bearer) tenant.
        given().filter(anonymous()).redirects().follow(false)
                .when().get("/api/servers/{id}/notification", "web")
                .then().statusCode(401).header("Location", nullValue());
        // Only the sign-in page starts the code flow.
        given().filter(anonymous()).redirects().follow(false)
                .when().get("/login/oidc")
                .then().statusCode(302).header("Location", startsWith(provider.issuer() + "/protocol/openid-connect/auth?"));
        given().filter(anonymous()).when().get("/login/options").then().statusCode(200).body("oidc", equalTo(true));
    }

    @Test
    void aCookieHoldsOnlyATokenTheProviderSignedForUsAndNotExpired() {
        Claims claims = Claims.of(Assessments.unique("mallory"), List.of("admin"), OidcProviderResource.AUDIENCE);
        Map<String, String> refused = Map.of(
                "signed by another key", provider.tokenSignedByAnotherKey(claims),
                "expired", provider.token(claims.expired()),
                "for another audience", provider.token(Claims.of(claims.userName(), List.of("admin"), "some-other-api")),
                "not a token", "not-a-jwt");
        refused.forEach((why, token) -> given().filter(anonymous()).cookie(SESSION_COOKIE, token).redirects().follow(false)
                .when().get("/api/session")
                .then().log().ifValidationFails().statusCode(401).contentType("application/problem+json"));
        // The same claims, properly signed: accepted, so the refusals are about what differs.
        String valid = provider.token(claims);
        given().filter(anonymous()).cookie(SESSION_COOKIE, valid).when().get("/api/session")
                .then().statusCode(200).body("name", equalTo(claims.userName()));
        // A state-changing request that says it comes from another site is not authenticated by the cookie.
        given().filter(anonymous()).cookie(SESSION_COOKIE, valid).header("Sec-Fetch-Site", "cross-site")
                .contentType(ContentType.JSON).body(Map.of("name", "x", "roles", List.of("viewer")))
                .when().post("/api/keys")
                .then().statusCode(401);
    }
}
