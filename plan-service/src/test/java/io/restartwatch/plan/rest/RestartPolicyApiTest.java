package io.restartwatch.plan.rest;

import static io.restartwatch.testsupport.TestCredentials.anonymous;
import static io.restartwatch.testsupport.TestCredentials.as;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.startsWith;

import java.time.Duration;
import java.util.UUID;

import jakarta.inject.Inject;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restartwatch.contracts.PriorityLevel;
import io.restartwatch.plan.domain.FleetLimits;
import io.restartwatch.plan.domain.RestartPolicy;
import io.restartwatch.plan.persistence.RestartPolicies;
import io.restartwatch.testsupport.LocalInfraResource;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Policies and fleet limits over REST: stored, resolved (environment, then '*', then defaults), refused when wrong. */
@QuarkusTest
@WithTestResource(value = LocalInfraResource.class, initArgs = @ResourceArg(name = "database", value = "plan"))
class RestartPolicyApiTest {

    static final String BERLIN_POLICY = """
            {"timeZone":"Europe/Berlin",
             "windows":[{"days":["SUNDAY","SATURDAY"],"start":"02:00","end":"05:00"},{"days":["WEDNESDAY"],"start":"22:00","end":"01:00"}],
             "blackouts":[{"from":"2026-12-20T00:00:00Z","to":"2027-01-02T00:00:00Z","reason":"year-end freeze"}],
             "maxUnavailable":"25%","restartTimeout":"PT20M","healthUrl":"http://{hostname}:8080/health",
             "autoPlan":{"minLevel":"CRITICAL","pendingFor":"PT72H"}}""";

    @Inject
    RestartPolicies policies;

    static String app(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void aPolicyIsStoredWithWhoSetItAndResolvedByEnvironment() {
        String app = app("shop");
        given().contentType(ContentType.JSON).body(BERLIN_POLICY)
                .when().put("/api/restart-policies/{app}", app)
                .then().statusCode(200)
                .body("applicationId", equalTo(app))
                .body("environment", equalTo("*"))
                .body("defaults", equalTo(false))
                .body("windows[0].days", contains("SATURDAY", "SUNDAY"))
                .body("windows[1].end", equalTo("01:00"))
                .body("maxUnavailable", equalTo("25%"))
                .body("restartTimeout", equalTo("PT20M"))
                .body("autoPlan.pendingFor", equalTo("P3D"))
                .body("updatedBy", equalTo("key:bootstrap-admin"));
        given().contentType(ContentType.JSON).body("{\"maxUnavailable\":\"3\"}")
                .when().put("/api/restart-policies/{app}?environment=prod", app)
                .then().statusCode(200).body("environment", equalTo("prod"));

        RestartPolicy prod = policies.policyFor(app, "prod");
        assertThat(prod.maxUnavailable().limitFor(100)).isEqualTo(3);
        assertThat(prod.windows()).isEmpty();
        RestartPolicy staging = policies.policyFor(app, "staging");
        assertThat(staging.environment()).isEqualTo("*");
        assertThat(staging.timeZone().getId()).isEqualTo("Europe/Berlin");
        assertThat(staging.maxUnavailable().limitFor(10)).isEqualTo(2);
        assertThat(staging.restartTimeout()).isEqualTo(Duration.ofMinutes(20));
        assertThat(staging.autoPlan().minLevel()).isEqualTo(PriorityLevel.CRITICAL);
        assertThat(staging.healthUrl()).isEqualTo("http://{hostname}:8080/health");
        assertThat(policies.policyFor("nobody-" + app, "prod")).isEqualTo(RestartPolicy.defaults("nobody-" + app));

        given().when().get("/api/restart-policies/{app}?environment=staging", app)
                .then().statusCode(200).body("environment", equalTo("*")).body("blackouts[0].reason", equalTo("year-end freeze"));
        given().when().get("/api/restart-policies/{app}?environment=prod", app)
                .then().statusCode(200).body("environment", equalTo("prod")).body("maxUnavailable", equalTo("3"));
        given().when().get("/api/restart-policies/{app}", "nobody-" + app)
                .then().statusCode(200).body("defaults", equalTo(true)).body("maxUnavailable", equalTo("1"))
                .body("restartTimeout", equalTo("PT15M"));
        given().when().get("/api/restart-policies")
                .then().statusCode(200).body("applicationId", hasItem(app));

        given().when().delete("/api/restart-policies/{app}?environment=prod", app).then().statusCode(204);
        given().when().delete("/api/restart-policies/{app}?environment=prod", app)
                .then().statusCode(404).contentType("application/problem+json");
        assertThat(policies.policyFor(app, "prod").environment()).isEqualTo("*");
    }

    @ParameterizedTest(name = "{0} → 400 on {1}")
    @CsvSource(delimiter = '|', textBlock = """
            {"windows":[{"days":["MONDAY"],"start":"01:00","end":"04:00"},{"days":["MONDAY"],"start":"03:00","end":"05:00"}]} | windows
            {"windows":[{"days":["SUNDAY"],"start":"23:00","end":"02:00"},{"days":["MONDAY"],"start":"01:00","end":"03:00"}]} | windows
            {"windows":[{"days":["MONDAY"],"start":"02:00","end":"02:00"}]}                | windows[0]
            {"windows":[{"days":[],"start":"02:00","end":"03:00"}]}                        | windows[0].days
            {"windows":[{"days":["MONDAY","FUNDAY"],"start":"02:00","end":"03:00"}]}       | windows[0].days[1]
            {"windows":[{"days":["MONDAY"],"start":"2am","end":"03:00"}]}                  | windows[0].start
            {"windows":[{"days":["MONDAY"],"start":"02:00","end":"24:30"}]}                | windows[0].end
            {"timeZone":"Mars/Olympus_Mons"}                                               | timeZone
            {"maxUnavailable":"150%"}                                                      | maxUnavailable
            {"maxUnavailable":"0"}                                                         | maxUnavailable
            {"maxUnavailable":"0%"}                                                        | maxUnavailable
            {"maxUnavailable":"two"}                                                       | maxUnavailable
            {"blackouts":[{"from":"2026-12-20T00:00:00Z","to":"2026-12-20T00:00:00Z"}]}    | blackouts[0].to
            {"blackouts":[{"from":"yesterday","to":"2026-12-20T00:00:00Z"}]}               | blackouts[0].from
            {"restartTimeout":"15 minutes"}                                                | restartTimeout
            {"restartTimeout":"PT0S"}                                                      | restartTimeout
            {"restartTimeout":"-PT5M"}                                                     | restartTimeout
            {"healthUrl":"ftp://{hostname}/health"}                                        | healthUrl
            {"healthUrl":"{hostname}:8080/health"}                                         | healthUrl
            {"autoPlan":{"minLevel":"URGENT","pendingFor":"P3D"}}                          | autoPlan.minLevel
            {"autoPlan":{"minLevel":"HIGH","pendingFor":"three days"}}                     | autoPlan.pendingFor
            {"maxUnavailable":"2","colour":"blue"}                                         | colour
            """)
    void badPoliciesAreRefusedNamingTheField(String body, String field) {
        String app = app("bad");
        given().contentType(ContentType.JSON).body(body)
                .when().put("/api/restart-policies/{app}", app)
                .then().statusCode(400).contentType("application/problem+json")
                .body("errors[0].field", equalTo(field))
                .body("detail", startsWith(field));
        given().when().get("/api/restart-policies/{app}", app).then().statusCode(200).body("defaults", equalTo(true));
    }

    @Test
    void fleetLimitsAreStoredAndCheckedAndOnlyAdminsWrite() {
        given().contentType(ContentType.JSON)
                .body("{\"maxConcurrent\":4,\"blackouts\":[{\"from\":\"2027-03-01T00:00:00Z\",\"to\":\"2027-03-02T00:00:00Z\",\"reason\":\"migration\"}]}")
                .when().put("/api/restart-limits")
                .then().statusCode(200).body("maxConcurrent", equalTo(4)).body("updatedBy", equalTo("key:bootstrap-admin"));
        FleetLimits limits = policies.fleetLimits();
        assertThat(limits.maxConcurrent()).isEqualTo(4);
        assertThat(limits.blackouts()).singleElement().satisfies(b -> assertThat(b.reason()).isEqualTo("migration"));

        given().contentType(ContentType.JSON).body("{\"maxConcurrent\":0}")
                .when().put("/api/restart-limits")
                .then().statusCode(400).contentType("application/problem+json").body("errors[0].field", equalTo("maxConcurrent"));
        given().contentType(ContentType.JSON).body("{\"maxConcurrent\":2,\"blackouts\":[{\"from\":\"2027-03-02T00:00:00Z\",\"to\":\"2027-03-01T00:00:00Z\"}]}")
                .when().put("/api/restart-limits")
                .then().statusCode(400).body("errors[0].field", equalTo("blackouts[0].to"));

        String viewer = TestKeys.issue("policy-viewer", "viewer");
        given().filter(as(viewer)).when().get("/api/restart-limits").then().statusCode(200).body("maxConcurrent", equalTo(4));
        given().filter(as(viewer)).when().get("/api/restart-policies").then().statusCode(200);
        given().filter(as(viewer)).contentType(ContentType.JSON).body("{\"maxConcurrent\":9}")
                .when().put("/api/restart-limits").then().statusCode(403).contentType("application/problem+json");
        given().filter(as(viewer)).contentType(ContentType.JSON).body("{}")
                .when().put("/api/restart-policies/{app}", app("viewer")).then().statusCode(403);
        given().filter(anonymous()).when().get("/api/restart-limits").then().statusCode(401)
                .body("detail", containsString("Credentials are required"));

        given().contentType(ContentType.JSON).body("{\"maxConcurrent\":10}").when().put("/api/restart-limits").then().statusCode(200);
    }
}
