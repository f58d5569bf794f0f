package io.restartwatch.check.retention;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.restartwatch.support.retention.RetentionRule;
import io.restartwatch.support.retention.RetentionRules;

/**
 * What check-service forgets besides consumed event ids (the platform's rule): checks past the age limit and checks
 * beyond the per-server count. Only {@code GET /api/servers/{id}/checks} reads the history (priority-service keeps its
 * own state), and a server's latest check is kept so that page never empties.
 */
@ApplicationScoped
public class CheckRetention implements RetentionRules {

    private final CheckRetentionSettings checks;

    public CheckRetention(CheckRetentionSettings checks) {
        this.checks = checks;
    }

    @Override
    public List<RetentionRule> rules() {
        return List.of(
                RetentionRule.olderThan("server_check", checks::maxAge, """
                        delete from server_check where ctid in (
                            select c.ctid from server_check c
                            where c.checked_at < ?
                              and exists (select 1 from server_check newer
                                          where newer.server_id = c.server_id and newer.checked_at > c.checked_at)
                            limit ?)"""),
                new BeyondCount());
    }

    /**
     * Walks the servers in id order, a few per batch, deleting each one's checks older than its N-th newest: every
     * batch is one short index probe per server, whatever the size of the fleet.
     */
    private final class BeyondCount implements RetentionRule {

        @Override
        public String name() {
            return "server_check beyond max-per-server";
        }

        @Override
        public Pass start(Instant now, int batchSize) {
            int keep = Math.max(1, checks.maxPerServer());
            int serversPerBatch = Math.max(1, batchSize / 50);
            String[] after = {""};
            return (connection, deleted) -> {
                List<String> servers = nextServers(connection, after[0], serversPerBatch);
                if (servers.isEmpty()) {
                    return false;
                }
                after[0] = servers.get(servers.size() - 1);
                try (PreparedStatement delete = connection.prepareStatement("""
                        delete from server_check c using (
                            select s.id, (select k.checked_at from server_check k where k.server_id = s.id
                                          order by k.checked_at desc offset ? limit 1) as edge
                            from server s where s.id = any(?)) e
                        where c.server_id = e.id and c.checked_at < e.edge""")) {
                    Array ids = connection.createArrayOf("varchar", servers.toArray(String[]::new));
                    delete.setInt(1, keep - 1);
                    delete.setArray(2, ids);
                    deleted.add("server_check", delete.executeUpdate());
                }
                return servers.size() == serversPerBatch;
            };
        }

        private static List<String> nextServers(Connection connection, String after, int limit) throws SQLException {
            List<String> ids = new ArrayList<>();
            try (PreparedStatement select = connection.prepareStatement("select id from server where id > ? order by id limit ?")) {
                select.setString(1, after);
                select.setInt(2, limit);
                try (ResultSet result = select.executeQuery()) {
                    while (result.next()) {
                        ids.add(result.getString(1));
                    }
                }
            }
            return ids;
        }
    }
}
