package io.restartwatch.check.persistence;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import io.agroal.api.AgroalDataSource;
import io.quarkus.agroal.DataSource;
import io.restartwatch.check.domain.ProbeKind;

/**
 * The agent's "is a report due?" question, asked by every agent every minute: one primary-key read of three
 * columns in autocommit, without Hibernate's session or a JTA transaction, so a large fleet polling costs
 * little (no write, no JSON columns loaded).
 * <p>
 * It reads through its own small pool ({@value #DATASOURCE}) that does not validate a connection on borrow: the
 * main pool's validation is a second round trip per call, which doubled the call's cost (benchmark phase
 * {@code due}). A connection broken since it was pooled (PostgreSQL restarted, or the backend terminated) fails its
 * read instead: then the pool's idle connections are validated, the broken ones removed, and the read tried again.
 */
@ApplicationScoped
public class ReportDueReads {

    /** The named datasource in application.properties. */
    static final String DATASOURCE = "agent-due";
    /** The read, and again after the broken connections were removed (once more if one broke meanwhile). */
    private static final int ATTEMPTS = 3;
    private static final String QUERY = "select agent_token_hash, probe_kind, deploy_recheck_id from server where id = ?";
    /** SQLState class 08: connection exception; 57P0x: the server shut down or terminated the backend. */
    private static final List<String> CONNECTION_LOST = List.of("08", "57P0");

    private final AgroalDataSource dataSource;

    public ReportDueReads(@DataSource(DATASOURCE) AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    public Optional<DueRow> find(String serverId) {
        SQLException failure = null;
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            try {
                return read(serverId);
            } catch (SQLException e) {
                failure = e;
                if (!connectionLost(e)) {
                    break;
                }
                dataSource.flush(AgroalDataSource.FlushMode.INVALID);
            }
        }
        throw new IllegalStateException("Could not read whether a report is due for " + serverId, failure);
    }

    private static boolean connectionLost(SQLException e) {
        String state = e.getSQLState();
        return state != null && CONNECTION_LOST.stream().anyMatch(state::startsWith);
    }

    private Optional<DueRow> read(String serverId) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(QUERY)) {
            statement.setString(1, serverId);
            try (ResultSet row = statement.executeQuery()) {
                if (!row.next()) {
                    return Optional.empty();
                }
                return Optional.of(new DueRow(row.getString(1), ProbeKind.valueOf(row.getString(2)), row.getString(3)));
            }
        }
    }

    /**
     * @param deployId the deploy the server's report is due for; null when none is
     */
    public record DueRow(String agentTokenHash, ProbeKind probeKind, String deployId) {
    }
}
