package io.restartwatch.check.retention;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restartwatch.support.retention.RetentionJob;
import io.restartwatch.testsupport.LocalInfraResource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Retention of check history, on real PostgreSQL, one pass run by a method call (consumed ids: RetentionJobTest). */
@QuarkusTest
@WithTestResource(value = LocalInfraResource.class, initArgs = @ResourceArg(name = "database", value = "check"))
class RetentionTest {

    @Inject
    RetentionJob retention;
    @Inject
    AgroalDataSource dataSource;

    private final String prefix = "ret-" + UUID.randomUUID().toString().substring(0, 8);

    @AfterEach
    void removeServers() throws SQLException {
        sql("delete from server where id like '" + prefix + "%'");
    }

    @Test
    void checksPastTheAgeLimitGoButEachServersLatestStays() throws SQLException {
        String active = server("active");
        String silent = server("silent");
        check(active, "200 days");
        check(active, "91 days");
        check(active, "89 days");
        check(active, "1 day");
        check(silent, "400 days"); // an agent that stopped reporting: its only check is its latest

        retention.runOnce();

        assertThat(ages(active)).containsExactly("1 day", "89 days");
        assertThat(ages(silent)).containsExactly("400 days");
    }

    @Test
    void aServerKeepsItsNewest1000Checks() throws SQLException {
        String busy = server("busy");
        String quiet = server("quiet");
        sql("insert into server_check (id, server_id, checked_at, check_trigger, outcome) "
                + "select gen_random_uuid(), '" + busy + "', now() - make_interval(mins => i), 'SCHEDULED', 'UP_TO_DATE' "
                + "from generate_series(1, 1005) i");
        check(quiet, "1 day");

        retention.runOnce();

        assertThat(count("select count(*) from server_check where server_id = '" + busy + "'")).isEqualTo(1000);
        assertThat(count("select count(*) from server_check where server_id = '" + busy
                + "' and checked_at < now() - interval '1000 minutes' - interval '30 seconds'"))
                .as("the oldest five are the ones deleted").isZero();
        assertThat(ages(quiet)).containsExactly("1 day");
    }

    private String server(String name) throws SQLException {
        String id = prefix + "-" + name;
        // An agent server with no due time: the dispatcher never claims it.
        sql("insert into server (id, hostname, application_id, environment, probe_kind, revision, created_at, updated_at) "
                + "values ('" + id + "', '" + id + "', 'retention', 'test', 'AGENT', 1, now(), now())");
        return id;
    }

    private void check(String serverId, String age) throws SQLException {
        sql("insert into server_check (id, server_id, checked_at, check_trigger, outcome, detail) values "
                + "(gen_random_uuid(), '" + serverId + "', now() - interval '" + age + "', 'AGENT', 'UP_TO_DATE', '" + age + "')");
    }

    /** The checks left, newest first, by the age they were written with. */
    private List<String> ages(String serverId) throws SQLException {
        List<String> ages = new ArrayList<>();
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(
                     "select detail from server_check where server_id = ? order by checked_at desc")) {
            select.setString(1, serverId);
            try (ResultSet result = select.executeQuery()) {
                while (result.next()) {
                    ages.add(result.getString(1));
                }
            }
        }
        return ages;
    }

    private long count(String query) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             ResultSet result = connection.createStatement().executeQuery(query)) {
            result.next();
            return result.getLong(1);
        }
    }

    private void sql(String statement) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            connection.createStatement().execute(statement);
        }
    }
}
