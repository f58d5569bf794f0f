package io.restartwatch.systemtest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.oneOf;
import static org.hamcrest.Matchers.startsWith;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import io.restartwatch.contracts.EventTypes;
import io.restartwatch.contracts.Exposure;
import io.restartwatch.contracts.PriorityAssessed;
import io.restartwatch.contracts.PriorityFactor;
import io.restartwatch.contracts.PriorityLevel;
import io.restartwatch.contracts.Surface;
import io.restartwatch.contracts.Topics;
import io.restartwatch.localstack.SystemProcesses;
import io.restartwatch.testsupport.KafkaEvents;
import io.restartwatch.testsupport.TestOidcProvider;
import io.restartwatch.testsupport.TestOidcProvider.Claims;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * OIDC bearer tokens against the packaged services, with an in-process provider ({@link TestOidcProvider}):
 * roles come from the token's {@code groups}, a provider group is mapped to one of our roles by configuration,
 * the acting user is the token's user name, and a token for another audience, an expired one or one signed by a
 * key the provider never published is refused. API keys keep working next to OIDC.
 */
class OidcIT {

    private static final String AUDIENCE = "restartwatch";
    private static final List<String> SERVICES = List.of("priority-service", "notification-service");
    private static final List<String> JVM_OPTIONS = List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
            // A provider's own group name, given operator powers.
            "-Drestartwatch.security.role-mapping.rw-operators=operator");

    private static TestOidcProvider provider;
    private static SystemProcesses processes;
    private static final Map<String, Integer> ports = new LinkedHashMap<>();

    @BeforeAll
    static void startSystem() throws Exception {
        provider = new TestOidcProvider();
        Path root = Path.of(System.getProperty("restartwatch.root", "..")).toAbsolutePath().normalize();
        Files.createDirectories(root.resolve("system-tests/target"));
        Path workDir = Files.createTempDirectory(root.resolve("system-tests/target"), "oidc-");
        processes = new SystemProcesses(root, workDir);
        processes.startInfrastructure();
        // Roles are read from the default claim ("groups"): QUARKUS_OIDC_ROLES_ROLE_CLAIM_PATH is deliberately not set.
        Map<String, String> env = Map.of(
                "QUARKUS_OIDC_TENANT_ENABLED", "true",
                "QUARKUS_OIDC_AUTH_SERVER_URL", provider.issuer(),
                "QUARKUS_OIDC_TOKEN_AUDIENCE", AUDIENCE);
        ports.putAll(processes.launchAll(SERVICES, JVM_OPTIONS, env));
    }

    @AfterAll
    static void stopSystem() {
        if (processes != null) {
            processes.close();
        }
        if (provider != null) {
            provider.close();
        }
    }

    @Test
    void aViewerTokenReadsButCannotChangePolicies() {
        String token = provider.token(Claims.of("vera", List.of("viewer"), AUDIENCE));
        as(token, "priority-service").when().get("/api/priorities").then().statusCode(200);
        as(token, "priority-service").contentType(ContentType.JSON).body("{}")
                .when().put("/api/policies/oidc-viewer-app")
                .then().statusCode(403).contentType(startsWith("application/problem+json"));
    }

    @Test
    void anAdminTokenChangesPolicies() {
        String token = provider.token(Claims.of("ada", List.of("admin"), AUDIENCE));
        as(token, "priority-service").contentType(ContentType.JSON).body("{}")
                .when().put("/api/policies/oidc-admin-app")
                .then().statusCode(not(oneOf(401, 403)));
        // admin includes viewer
        as(token, "priority-service").when().get("/api/priorities").then().statusCode(200);
    }

    @Test
    void aMappedProviderGroupGivesOperatorPowersAndTheUserNameIsTheActor() {
        String token = provider.token(Claims.of("otto.operator", List.of("rw-operators"), AUDIENCE));
        String serverId = "oidc-ack-" + UUID.randomUUID().toString().substring(0, 8);
        String notificationId = openNotification(serverId);
        as(token, "notification-service").contentType(ContentType.JSON).body("{\"note\":\"rebooting tonight\"}")
                .when().post("/api/notifications/{id}/acknowledge", notificationId)
                .then().log().ifValidationFails().statusCode(200)
                .body("acknowledged.by", equalTo("otto.operator"))
                .body("acknowledged.note", equalTo("rebooting tonight"));
        // operator includes viewer, also for a role that came from a mapped group
        as(token, "notification-service").when().get("/api/session").then().log().ifValidationFails().statusCode(200)
                .body("name", equalTo("otto.operator"))
                .body("roles", contains("operator", "viewer"));
        // Still no admin powers: the mapping gave operator, nothing above it.
        as(token, "notification-service").when().get("/api/keys").then().statusCode(403);
    }

    @Test
    void tokensForAnotherAudienceExpiredOrSignedByAnotherKeyAreRefused() {
        Claims valid = Claims.of("mallory", List.of("admin"), AUDIENCE);
        Map<String, String> refused = Map.of(
                "another audience", provider.token(Claims.of("mallory", List.of("admin"), "some-other-api")),
                "expired", provider.token(valid.expired()),
                "signed by another key", provider.tokenSignedByAnotherKey(valid));
        refused.forEach((why, token) -> {
            for (String service : SERVICES) {
                String path = service.equals("priority-service") ? "/api/priorities" : "/api/session";
                as(token, service).when().get(path).then()
                        .log().ifValidationFails()
                        .statusCode(401);
            }
        });
        // The same claims, properly signed and unexpired, are accepted: the refusals above are about what differs.
        as(provider.token(valid), "priority-service").when().get("/api/priorities").then().statusCode(200);
    }

    @Test
    void apiKeysStillWorkAlongsideOidc() {
        String admin = processes.adminKey();
        as(admin, "notification-service").when().get("/api/session").then().statusCode(200)
                .body("roles", contains("admin", "operator", "viewer"));
        String viewerKey = as(admin, "notification-service").contentType(ContentType.JSON)
                .body("{\"name\":\"oidc-it-viewer\",\"roles\":[\"viewer\"]}")
                .when().post("/api/keys").then().statusCode(201).extract().path("key");
        Awaitility.await("viewer key reaches priority-service").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .untilAsserted(() -> as(viewerKey, "priority-service").when().get("/api/priorities").then().statusCode(200));
        as(viewerKey, "priority-service").contentType(ContentType.JSON).body("{}")
                .when().put("/api/policies/oidc-key-app").then().statusCode(403);
        given().baseUri(url("priority-service")).when().get("/api/priorities").then().statusCode(401);
    }

    /** A pending restart, as priority-service would publish it; returns the notification's id once it is open. */
    private static String openNotification(String serverId) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        PriorityAssessed assessment = new PriorityAssessed(PriorityAssessed.SCHEMA_VERSION, serverId, 1, "oidc-app", "production",
                serverId + ".example.com", true, PriorityLevel.HIGH, 60, Exposure.INTERNAL,
                List.of(new PriorityFactor("pending", "restart required", 60)), Set.of(Surface.SERVER), now.minus(Duration.ofDays(1)),
                List.of("libc6"), now, null, null, null, null);
        new KafkaEvents(processes.kafkaBootstrap()).publish(Topics.PRIORITIES, serverId, EventTypes.PRIORITY_ASSESSED, assessment);
        String admin = processes.adminKey();
        Awaitility.await("notification for " + serverId).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .untilAsserted(() -> as(admin, "notification-service").when().get("/api/servers/{id}/notification", serverId)
                        .then().statusCode(200));
        String id = as(admin, "notification-service").when().get("/api/servers/{id}/notification", serverId)
                .then().statusCode(200).extract().path("id");
        assertThat(id).isNotBlank();
        return id;
    }

    private static RequestSpecification as(String bearer, String service) {
        return given().baseUri(url(service)).header("Authorization", "Bearer " + bearer);
    }

    private static String url(String service) {
        return "http://127.0.0.1:" + ports.get(service);
    }
}
