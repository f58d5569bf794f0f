package io.restartwatch.check;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.HashSet;
import java.util.Set;
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

    private static final String AGENT_DUE = "check-service-agent-due";

    @Inject
    AgroalDataSource mainPool;

    @Test
    void aPooledConnectionDroppedByPostgresqlIsRetriedNotAnswered500() throws Exception {
        String id = "due-" + UUID.randomUUID().toString().substring(0, 8);
        String token = AgentServers.register(id, id + ".example.com", "due-app");
        for (int i = 0; i < 5; i++) {
            due(id, token).then().statusCode(204);
        }

        assertThat(terminateAgentDueBackends()).as("backends of the agent-due pool terminated").isNotEmpty();

        for (int i = 0; i < 5; i++) {
            due(id, token).then().log().ifValidationFails().statusCode(204);
        }
        given().filter(TestCredentials.as("rwa_wrong")).queryParam("serverId", id)
                .when().get("/api/agent/due")
                .then().statusCode(401).contentType("application/problem+json");

        // A report's token is checked through the same pool: after the drop as well, it is accepted (the pool connected
        // anew for it), and a wrong one is not.
        Set<Integer> dropped = terminateAgentDueBackends();
        assertThat(dropped).as("backends of the agent-due pool terminated again").isNotEmpty();
        report(id, token).then().log().ifValidationFails().statusCode(202).body("outcome", equalTo("REBOOT_REQUIRED"));
        assertThat(agentDueBackendsOtherThan(dropped)).as("the report's read connected the agent-due pool again").isPositive();
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

    /** The pids of the agent-due pool's backends, each terminated. */
    private Set<Integer> terminateAgentDueBackends() throws Exception {
        Set<Integer> pids = new HashSet<>();
        try (Connection connection = mainPool.getConnection();
             ResultSet rows = connection.createStatement().executeQuery(
                     // In the select list, so it runs only for the rows the where clause kept.
                     "select pid, pg_terminate_backend(pid) from pg_stat_activity where application_name = '" + AGENT_DUE + "'")) {
            while (rows.next()) {
                if (rows.getBoolean(2)) {
                    pids.add(rows.getInt(1));
                }
            }
        }
        return pids;
    }

    private int agentDueBackendsOtherThan(Set<Integer> pids) throws Exception {
        try (Connection connection = mainPool.getConnection();
             PreparedStatement count = connection.prepareStatement(
                     "select count(*) from pg_stat_activity where application_name = '" + AGENT_DUE + "' and pid <> all(?)")) {
            count.setArray(1, connection.createArrayOf("integer", pids.toArray()));
            try (ResultSet rows = count.executeQuery()) {
                rows.next();
                return rows.getInt(1);
            }
        }
    }
}
