package io.restartwatch.priority;

import static io.restassured.RestAssured.given;
import static io.restartwatch.priority.Fixtures.pending;
import static io.restartwatch.priority.Fixtures.server;
import static io.restartwatch.priority.Fixtures.uniqueId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.startsWith;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restartwatch.contracts.CheckOutcome;
import io.restartwatch.contracts.PriorityAssessed;
import io.restartwatch.contracts.Surface;
import io.restartwatch.testsupport.LocalInfraResource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The REST API: priorities with their explanation, the list and its filters, and per-application policies. */
@QuarkusTest
@WithTestResource(value = LocalInfraResource.class, initArgs = @ResourceArg(name = "database", value = "priority"))
class PrioritiesApiTest {

    @Inject
    Fixtures fixtures;

    @BeforeAll
    static void logFailures() {
        RestAssured.enableLoggingOfRequestAndResponseIfValidationFails();
    }

    @Test
    void theExplanationsContributionsSumToTheScore() {
        String id = uniqueId("explain");
        Instant now = fixtures.now();
        fixtures.register(server(id, "shop", 1, "0.0.0.0/0"));
        fixtures.publish(pending(id, now, now.minus(Duration.ofDays(9)), "boot-1",
                "linux-image-6.8.0-49-generic", "libc6", "openssh-server"));
        fixtures.awaitAssessment(id, PriorityAssessed::pending);

        JsonPath priority = given().when().get("/api/priorities/{id}", id)
                .then().statusCode(200).contentType(ContentType.JSON)
                .body("pending", equalTo(true))
                .body("level", equalTo("CRITICAL"))
                .body("exposure", equalTo("PUBLIC"))
                .extract().jsonPath();
        List<Map<String, Object>> factors = priority.getList("factors");
        int sum = factors.stream().mapToInt(f -> (Integer) f.get("contribution")).sum();
        assertThat(sum).isEqualTo(priority.getInt("score")).isEqualTo(100);
        assertThat(factors).extracting(f -> f.get("name"))
                .containsExactly("pending", "exposure", "age", "stale", "package", "package", "package", "cap");
        assertThat(priority.getList("explanation", String.class))
                .hasSize(factors.size())
                .contains("declared: port 443/tcp open to 0.0.0.0/0 (public): +40", "score capped at 100 for public servers: -9");
    }

    @Test
    void aKernelNewerThanTheRunningOneIsExplainedWithoutAPackage() {
        String id = uniqueId("kernel");
        Instant now = fixtures.now();
        fixtures.register(server(id, "shop", 1, "10.0.0.0/8"));
        fixtures.publish(Fixtures.check(id, now, CheckOutcome.REBOOT_REQUIRED, null, "boot-1", "6.8.0-48-generic", "6.8.0-49-generic"));
        fixtures.awaitAssessment(id, PriorityAssessed::pending);

        given().when().get("/api/priorities/{id}", id)
                .then().statusCode(200)
                .body("score", equalTo(30))
                .body("factors.find { it.name == 'kernel' }.contribution", equalTo(20))
                .body("factors.find { it.name == 'kernel' }.detail", equalTo("running kernel 6.8.0-48-generic older than installed 6.8.0-49-generic"));
    }

    @Test
    void anUnknownServerIsAProblem() {
        given().when().get("/api/priorities/{id}", "never-checked")
                .then().statusCode(404).contentType("application/problem+json");
        given().when().get("/api/priorities/{id}", "Not An Id")
                .then().statusCode(400).contentType("application/problem+json");
    }

    @Test
    void theListIsSortedByScoreThenAgeFilteredAndPaged() {
        String app = uniqueId("list");
        Instant now = fixtures.now();
        String publicServer = app + "-public";
        String olderInternal = app + "-internal-old";
        String newerInternal = app + "-internal-new";
        String restricted = app + "-restricted";
        String done = app + "-done";
        fixtures.register(server(publicServer, app, 1, "0.0.0.0/0"));
        fixtures.register(server(olderInternal, app, 1, "10.0.0.0/8"));
        fixtures.register(server(newerInternal, app, 1, "10.0.0.0/8"));
        fixtures.register(server(restricted, app, 1, "203.0.113.0/24"));
        fixtures.register(server(done, app, 1, "0.0.0.0/0"));
        fixtures.publish(pending(publicServer, now, now.minus(Duration.ofHours(1)), "b"));
        fixtures.publish(pending(olderInternal, now, now.minus(Duration.ofHours(3)), "b"));
        fixtures.publish(pending(newerInternal, now, now.minus(Duration.ofHours(2)), "b"));
        fixtures.publish(pending(restricted, now, now.minus(Duration.ofHours(1)), "b"));
        fixtures.publish(Fixtures.upToDate(done, now, "b"));
        for (String id : List.of(publicServer, olderInternal, newerInternal, restricted)) {
            fixtures.awaitAssessment(id, PriorityAssessed::pending);
        }
        fixtures.awaitCheckQueueDrained(done);

        given().queryParam("applicationId", app).when().get("/api/priorities")
                .then().statusCode(200)
                .body("total", equalTo(4))
                .body("items.serverId", contains(publicServer, restricted, olderInternal, newerInternal))
                .body("items.score", contains(50, 30, 10, 10));
        given().queryParam("applicationId", app).queryParam("surface", Surface.DASHBOARD).when().get("/api/priorities")
                .then().statusCode(200).body("items.serverId", contains(publicServer));
        given().queryParam("applicationId", app).queryParam("level", "LOW").when().get("/api/priorities")
                .then().statusCode(200).body("items.serverId", contains(olderInternal, newerInternal));
        given().queryParam("applicationId", app).queryParam("size", 2).queryParam("page", 1).when().get("/api/priorities")
                .then().statusCode(200)
                .body("total", equalTo(4)).body("page", equalTo(1)).body("size", equalTo(2))
                .body("items.serverId", contains(olderInternal, newerInternal));
        given().queryParam("surface", Surface.DASHBOARD).queryParam("size", 500).when().get("/api/priorities")
                .then().statusCode(200).body("items.serverId", hasItem(publicServer));
        given().queryParam("size", 501).when().get("/api/priorities")
                .then().statusCode(400).contentType("application/problem+json");
        given().queryParam("level", "URGENT").when().get("/api/priorities")
                .then().statusCode(400).contentType("application/problem+json").body("errors[0].field", equalTo("level"));
    }

    @Test
    void anApplicationWithoutItsOwnPolicyHasTheDefaults() {
        given().when().get("/api/policies/{app}", uniqueId("nopolicy"))
                .then().statusCode(200)
                .body("staleAfter", equalTo("P7D"))
                .body("criticalAfter", equalTo("P30D"))
                .body("multiplier", equalTo(1.0f))
                .body("packageWeights.'linux-image*'", equalTo(20))
                .body("packageWeights.openssl", equalTo(15));
    }

    @Test
    void aPolicyChangeReassessesTheApplicationsPendingRestartsAtOnce() {
        String app = uniqueId("policy");
        String id = app + "-1";
        Instant now = fixtures.now();
        fixtures.register(server(id, app, 1, "10.0.0.0/8"));
        fixtures.publish(pending(id, now, now.minus(Duration.ofHours(36)), "boot-1", "nginx-core"));
        assertThat(fixtures.awaitAssessment(id, PriorityAssessed::pending).score()).isEqualTo(12);

        given().contentType(ContentType.JSON)
                .body("""
                        {"staleAfter":"PT36H","criticalAfter":"P3D","multiplier":1.5,"packageWeights":{"nginx*":10,"dbus":0}}""")
                .when().put("/api/policies/{app}", app)
                .then().statusCode(200)
                .body("staleAfter", equalTo("PT36H"))
                .body("criticalAfter", equalTo("P3D"))
                .body("packageWeights.'nginx*'", equalTo(10))
                .body("packageWeights.dbus", equalTo(0))
                .body("packageWeights.libc6", equalTo(15));

        PriorityAssessed reassessed = fixtures.awaitAssessment(id, a -> a.surfaces().contains(Surface.APPLICATION));
        // (10 + 2 + 15 stale + 10 nginx) × 1.5 = 55.5 → 56
        assertThat(reassessed.score()).isEqualTo(56);
        assertThat(reassessed.factors()).anySatisfy(f -> {
            assertThat(f.name()).isEqualTo("criticality");
            assertThat(f.contribution()).isEqualTo(19);
        });
        given().when().get("/api/policies/{app}", app).then().statusCode(200).body("multiplier", equalTo(1.5f));
    }

    @ParameterizedTest(name = "[{index}] {0} → 400 naming {1}")
    @CsvSource(delimiter = '|', textBlock = """
            {"staleAfter":"seven days","criticalAfter":"P30D"}                          | staleAfter
            {"staleAfter":"P7D","criticalAfter":"P30"}                                  | criticalAfter
            {"staleAfter":"-P7D","criticalAfter":"P30D"}                                | staleAfter
            {"staleAfter":"PT0S","criticalAfter":"P30D"}                                | staleAfter
            {"staleAfter":"P7D","criticalAfter":"P5000D"}                               | criticalAfter
            {"staleAfter":"P7D","criticalAfter":"P6D"}                                  | criticalAfter
            {"criticalAfter":"P30D"}                                                    | staleAfter
            {"staleAfter":"P7D","criticalAfter":"P30D","multiplier":9}                  | multiplier
            {"staleAfter":"P7D","criticalAfter":"P30D","multiplier":0}                  | multiplier
            {"staleAfter":"P7D","criticalAfter":"P30D","packageWeights":{"openssl":31}} | packageWeights[openssl]
            {"staleAfter":"P7D","criticalAfter":"P30D","packageWeights":{"Bad Name":5}} | packageWeights
            {"staleAfter":"P7D","criticalAfter":"P30D","colour":"red"}                  | colour
            {"staleAfter":7,"criticalAfter":"P30D","multiplier":"high"}                 | multiplier
            """)
    void anInvalidPolicyIsABadRequestNamingTheField(String body, String field) {
        given().contentType(ContentType.JSON).body(body)
                .when().put("/api/policies/{app}", "validation-app")
                .then().statusCode(400)
                .contentType("application/problem+json")
                .body("status", equalTo(400))
                .body("errors[0].field", startsWith(field));
    }
}
