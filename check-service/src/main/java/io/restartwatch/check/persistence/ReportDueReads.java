package io.restartwatch.check.persistence;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import io.agroal.api.AgroalDataSource;
import io.restartwatch.check.domain.ProbeKind;

/**
 * The agent's "is a report due?" question, asked by every agent every minute: one primary-key read of three
 * columns in autocommit, without Hibernate's session or a JTA transaction, so a large fleet polling costs
 * little (no write, no JSON columns loaded).
 */
@ApplicationScoped
public class ReportDueReads {

    private static final String QUERY = "select agent_token_hash, probe_kind, deploy_recheck_id from server where id = ?";

    private final AgroalDataSource dataSource;

    public ReportDueReads(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    public Optional<DueRow> find(String serverId) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(QUERY)) {
            statement.setString(1, serverId);
            try (ResultSet row = statement.executeQuery()) {
                if (!row.next()) {
                    return Optional.empty();
                }
                return Optional.of(new DueRow(row.getString(1), ProbeKind.valueOf(row.getString(2)), row.getString(3)));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Could not read whether a report is due for " + serverId, e);
        }
    }

    /**
     * @param deployId the deploy the server's report is due for; null when none is
     */
    public record DueRow(String agentTokenHash, ProbeKind probeKind, String deployId) {
    }
}
