package io.restartwatch.check;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.sql.Connection;
import java.sql.ResultSet;
import java.util.UUID;

import jakarta.inject.Inject;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restartwatch.testsupport.LocalInfraResource;
import io.restartwatch.testsupport.TestCredentials;
import org.junit.jupiter.api.Test;

/**
 * The agents' reads ("is a report due?", a report's credentials) use their own pool without validation on borrow:
 * connections that PostgreSQL dropped since they were pooled (as after a restart) cost a retry, never a failed answer.
 */
@QuarkusTest
@WithTestResource(value = LocalInfraResource.class, initArgs = @ResourceArg(name = "database", value = "check"))
class AgentReadsTest {

    @Inject
    AgroalDataSource mainPool;

    @Test
    void aPooledConnectionDroppedByPostgresqlIsRetriedNotAnswered500() throws Exception {
        String id = "due-" + UUID.randomUUID().toString().substring(0, 8);
        given().contentType(ContentType.JSON).body("""
                        {"id":"%s","hostname":"%s.example.com","applicationId":"due-app","environment":"production","probeKind":"agent"}"""
                        .formatted(id, id))
                .when().post("/api/servers").then().statusCode(201);
        String token = given().when().post("/api/servers/{id}/agent-token", id).then().statusCode(200).extract().path("token");
        for (int i = 0; i < 5; i++) {
            due(id, token).then().statusCode(204);
        }

        assertThat(terminateAgentDueBackends()).as("backends of the agent-due pool terminated").isPositive();

        for (int i = 0; i < 5; i++) {
            due(id, token).then().log().ifValidationFails().statusCode(204);
        }
        given().filter(TestCredentials.as("rwa_wrong")).queryParam("serverId", id)
                .when().get("/api/agent/due")
                .then().statusCode(401).contentType("application/problem+json");

        // A report's token is checked through the same pool: after the drop as well, it is accepted, and a wrong one is not.
        assertThat(terminateAgentDueBackends()).as("backends of the agent-due pool terminated again").isPositive();
        report(id, token).then().log().ifValidationFails().statusCode(202).body("outcome", equalTo("REBOOT_REQUIRED"));
        report(id, "rwa_wrong").then().statusCode(401).contentType("application/problem+json");
    }

    private static io.restassured.response.Response report(String id, String token) {
        return given().filter(TestCredentials.as(token)).contentType(ContentType.JSON)
                .body("""
                        {"serverId":"%s","rebootRequired":true,"packages":["libc6"]}""".formatted(id))
                .when().post("/api/agent/reports");
    }

    private static io.restassured.response.Response due(String id, String token) {
        return given().filter(TestCredentials.as(token)).queryParam("serverId", id).when().get("/api/agent/due");
    }

    private int terminateAgentDueBackends() throws Exception {
        try (Connection connection = mainPool.getConnection();
             ResultSet rows = connection.createStatement().executeQuery(
                     "select count(*) filter (where pg_terminate_backend(pid)) from pg_stat_activity"
                             + " where application_name = 'check-service-agent-due'")) {
            rows.next();
            return rows.getInt(1);
        }
    }
}
