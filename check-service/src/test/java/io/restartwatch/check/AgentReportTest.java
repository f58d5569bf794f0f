package io.restartwatch.check;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.util.List;
import java.util.UUID;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restartwatch.testsupport.LocalInfraResource;
import io.restartwatch.testsupport.TestCredentials;
import org.junit.jupiter.api.Test;

/** POST /api/agent/reports: who may report, and what any report may contain. */
@QuarkusTest
@WithTestResource(value = LocalInfraResource.class, initArgs = @ResourceArg(name = "database", value = "check"))
@WithTestResource(SshTestResource.class)
class AgentReportTest {

    @Test
    void aServerCheckedByAProbeRefusesAgentReportsEvenWithAValidToken() {
        String id = "probed-" + UUID.randomUUID().toString().substring(0, 8);
        // Reported by its agent once, then moved to an ssh probe on a closed port: its own checks are all
        // UNREACHABLE, so a REBOOT_REQUIRED would be the old token's report.
        register(id, """
                "probeKind":"agent\"""");
        String token = given().when().post("/api/servers/{id}/agent-token", id).then().statusCode(200).extract().path("token");
        given().contentType(ContentType.JSON).body("""
                        {"hostname":"%s.example.com","applicationId":"shop","environment":"production",
                         "probeKind":"ssh","address":{"host":"127.0.0.1","sshPort":1}}""".formatted(id))
                .when().put("/api/servers/{id}", id)
                .then().log().ifValidationFails().statusCode(200);
        // And no new token is issued for it: no report could use it.
        given().when().post("/api/servers/{id}/agent-token", id)
                .then().statusCode(409).contentType("application/problem+json").body("detail", containsString("ssh probe"));

        given().contentType(ContentType.JSON).filter(TestCredentials.as(token))
                .body(report(id, "6.8.0-48-generic", List.of("6.8.0-48-generic")))
                .when().post("/api/agent/reports")
                .then().log().ifValidationFails()
                .statusCode(409)
                .contentType("application/problem+json")
                .body("status", equalTo(409))
                .body("detail", containsString("checked by its ssh probe"));

        List<String> triggers = given().when().get("/api/servers/{id}/checks", id).then().statusCode(200).extract().path("trigger");
        List<String> outcomes = given().when().get("/api/servers/{id}/checks", id).then().statusCode(200).extract().path("outcome");
        assertThat(triggers).doesNotContain("AGENT");
        assertThat(outcomes).doesNotContain("REBOOT_REQUIRED");
    }

    @Test
    void aWrongTokenIsRefusedBeforeTheProbeKindIsRevealed() {
        String id = "probed-" + UUID.randomUUID().toString().substring(0, 8);
        register(id, """
                "probeKind":"ssh","address":{"host":"127.0.0.1","sshPort":1}""");
        given().contentType(ContentType.JSON).filter(TestCredentials.as("rwa_wrong"))
                .body(report(id, "6.8.0-48-generic", List.of()))
                .when().post("/api/agent/reports")
                .then().statusCode(401).body("detail", org.hamcrest.Matchers.not(containsString("probe")));
    }

    @Test
    void aKernelReleaseWithATwentyDigitNumberIsAccepted() {
        String id = "agent-" + UUID.randomUUID().toString().substring(0, 8);
        register(id, """
                "probeKind":"agent\"""");
        String token = given().when().post("/api/servers/{id}/agent-token", id).then().statusCode(200).extract().path("token");

        given().contentType(ContentType.JSON).filter(TestCredentials.as(token))
                .body(report(id, "5.15.0-91-generic", List.of("5.15.0-91-generic", "5.15.0-99999999999999999999-generic")))
                .when().post("/api/agent/reports")
                .then().log().ifValidationFails()
                .statusCode(202)
                .body("outcome", equalTo("REBOOT_REQUIRED"));

        given().when().get("/api/servers/{id}/checks", id)
                .then().statusCode(200)
                .body("[0].trigger", equalTo("AGENT"))
                .body("[0].installedKernel", equalTo("5.15.0-99999999999999999999-generic"));
    }

    private static void register(String id, String probe) {
        given().contentType(ContentType.JSON).body("""
                        {"id":"%s","hostname":"%s.example.com","applicationId":"shop","environment":"production",%s}"""
                        .formatted(id, id, probe))
                .when().post("/api/servers")
                .then().log().ifValidationFails().statusCode(201);
    }

    private static String report(String id, String runningKernel, List<String> installedKernels) {
        return """
                {"serverId":"%s","rebootRequired":true,"packages":["libc6"],"runningKernel":"%s","installedKernels":[%s]}"""
                .formatted(id, runningKernel, String.join(",", installedKernels.stream().map(k -> "\"" + k + "\"").toList()));
    }
}
