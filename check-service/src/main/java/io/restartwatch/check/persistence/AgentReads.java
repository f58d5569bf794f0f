package io.restartwatch.check.persistence;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import io.agroal.api.AgroalDataSource;
import io.quarkus.agroal.DataSource;
import io.restartwatch.check.domain.ProbeKind;
import io.restartwatch.support.sql.DatabaseFailures;

/**
 * What an agent's report and its every-minute "is a report due?" question read first: the server's credentials and,
 * for the question, what is due (the server's row by primary key and its scheduled restarts by index). Each is one
 * round trip in autocommit, without Hibernate's session or a JTA transaction, so a large fleet polling and reporting
 * costs little (no write, no JSON columns loaded). A report's own writes go through the main pool, in
 * {@code CheckRecorder}'s group transaction.
 * <p>
 * It reads through its own small pool ({@value #DATASOURCE}) that does not validate a connection on borrow: the
 * main pool's validation is a second round trip per call, which doubled the call's cost (benchmark phase
 * {@code due}). A connection broken since it was pooled (PostgreSQL restarted, or the backend terminated) fails its
 * read instead: then the pool's idle connections are validated, the broken ones removed, and the read tried again.
 */
@ApplicationScoped
public class AgentReads {

    /** The named datasource in application.properties. */
    static final String DATASOURCE = "agent-due";
    /** The read, and again after the broken connections were removed (once more if one broke meanwhile). */
    private static final int ATTEMPTS = 3;
    /**
     * The server's row by primary key and, through index scheduled_restart_due, its earliest restart still to
     * execute whose window has not closed: one round trip.
     */
    private static final String DUE = """
            select s.agent_token_hash, s.probe_kind, s.deploy_recheck_id, r.restart_id, r.not_before, r.not_after
            from server s
            left join lateral (select restart_id, not_before, not_after from scheduled_restart
                               where server_id = s.id and status = 'SCHEDULED' and not_after >= ?
                               order by not_before, restart_id limit 1) r on true
            where s.id = ?""";
    /** What authenticates an agent's report: its server's token hash, and whether an agent checks that server. */
    private static final String CREDENTIALS = "select agent_token_hash, probe_kind from server where id = ?";

    private final AgroalDataSource dataSource;

    public AgentReads(@DataSource(DATASOURCE) AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * @param now restarts whose window closed before this are not due any more
     */
    public Optional<DueRow> find(String serverId, Instant now) {
        return withRetry("whether a report is due for " + serverId, connection -> due(connection, serverId, now));
    }

    /** The server's agent credentials; empty when there is no such server. */
    public Optional<AgentCredentials> credentials(String serverId) {
        return withRetry("the agent credentials of " + serverId, connection -> credentials(connection, serverId));
    }

    private <T> T withRetry(String what, Read<T> read) {
        SQLException failure = null;
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            try (Connection connection = dataSource.getConnection()) {
                return read.from(connection);
            } catch (SQLException e) {
                failure = e;
                if (!DatabaseFailures.unavailable(e)) {
                    break;
                }
                dataSource.flush(AgroalDataSource.FlushMode.INVALID);
            }
        }
        throw new IllegalStateException("Could not read " + what, failure);
    }

    private static Optional<DueRow> due(Connection connection, String serverId, Instant now) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(DUE)) {
            statement.setObject(1, now.atOffset(ZoneOffset.UTC));
            statement.setString(2, serverId);
            try (ResultSet row = statement.executeQuery()) {
                if (!row.next()) {
                    return Optional.empty();
                }
                String restartId = row.getString(4);
                DueRestart restart = restartId == null ? null : new DueRestart(restartId,
                        row.getObject(5, OffsetDateTime.class).toInstant(), row.getObject(6, OffsetDateTime.class).toInstant());
                return Optional.of(new DueRow(row.getString(1), ProbeKind.valueOf(row.getString(2)), row.getString(3), restart));
            }
        }
    }

    private static Optional<AgentCredentials> credentials(Connection connection, String serverId) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(CREDENTIALS)) {
            statement.setString(1, serverId);
            try (ResultSet row = statement.executeQuery()) {
                return row.next() ? Optional.of(new AgentCredentials(row.getString(1), ProbeKind.valueOf(row.getString(2))))
                        : Optional.empty();
            }
        }
    }

    @FunctionalInterface
    private interface Read<T> {
        T from(Connection connection) throws SQLException;
    }

    /** @param agentTokenHash null when no token was issued */
    public record AgentCredentials(String agentTokenHash, ProbeKind probeKind) {
    }

    /**
     * @param deployId the deploy the server's report is due for; null when none is
     * @param restart  the earliest planned restart for the agent to execute; null when none is
     */
    public record DueRow(String agentTokenHash, ProbeKind probeKind, String deployId, DueRestart restart) {
    }

    /** A planned restart the agent should execute between notBefore and notAfter. */
    public record DueRestart(String restartId, Instant notBefore, Instant notAfter) {
    }
}
