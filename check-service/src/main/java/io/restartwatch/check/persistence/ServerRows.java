package io.restartwatch.check.persistence;

import static io.restartwatch.support.sql.RowColumns.constant;
import static io.restartwatch.support.sql.RowColumns.instant;
import static io.restartwatch.support.sql.RowColumns.json;
import static io.restartwatch.support.sql.RowColumns.jsonList;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;

import jakarta.persistence.EntityManager;

import io.restartwatch.check.domain.ProbeKind;
import io.restartwatch.contracts.CheckOutcome;
import io.restartwatch.contracts.CheckTrigger;
import io.restartwatch.contracts.OpenPort;
import io.restartwatch.support.sql.SetStatement;

/**
 * Servers read by plain SQL for the hot paths that only read them (recording checks and agent reports): Hibernate's
 * native-query mapping of whole entities was a tenth of check-service's CPU under agent reports. The rows come back
 * as {@link ServerEntity} objects that no persistence context manages: change them through SQL, never by assigning.
 */
public final class ServerRows {

    private ServerRows() {
    }

    /** The servers among {@code ids}, locked against other writers (in id order, as every writer locks them). */
    public static List<ServerEntity> lockAll(EntityManager entityManager, List<String> ids) {
        return SetStatement.overKeys(ids, "select * from server where id = any(?) order by id for no key update")
                .returning(entityManager, ServerRows::read);
    }

    /** Every column of the current row, as Hibernate would map it. */
    @SuppressWarnings("unchecked")
    static ServerEntity read(ResultSet row) throws SQLException {
        ServerEntity server = new ServerEntity();
        server.id = row.getString("id");
        server.hostname = row.getString("hostname");
        server.host = row.getString("host");
        server.sshPort = (Integer) row.getObject("ssh_port");
        server.applicationId = row.getString("application_id");
        server.environment = row.getString("environment");
        server.labels = json(row, "labels", LinkedHashMap.class);
        server.openPorts = jsonList(row, "open_ports", OpenPort[].class);
        server.probeKind = constant(row, "probe_kind", ProbeKind.class);
        server.sshUser = row.getString("ssh_user");
        server.agentTokenHash = row.getString("agent_token_hash");
        server.revision = row.getLong("revision");
        server.createdAt = instant(row, "created_at");
        server.updatedAt = instant(row, "updated_at");
        server.nextCheckAt = instant(row, "next_check_at");
        server.nextTrigger = constant(row, "next_trigger", CheckTrigger.class);
        server.recheckRequestedAt = instant(row, "recheck_requested_at");
        server.leaseOwner = row.getString("lease_owner");
        server.leaseUntil = instant(row, "lease_until");
        server.consecutiveFailures = row.getInt("consecutive_failures");
        server.deployRecheckId = row.getString("deploy_recheck_id");
        server.deployRecheckAt = instant(row, "deploy_recheck_at");
        server.lastVerifiedAt = instant(row, "last_verified_at");
        server.lastAttemptAt = instant(row, "last_attempt_at");
        server.lastAttemptOutcome = constant(row, "last_attempt_outcome", CheckOutcome.class);
        server.lastAttemptReason = row.getString("last_attempt_reason");
        server.lastAttemptDetail = row.getString("last_attempt_detail");
        server.unverifiedSince = instant(row, "unverified_since");
        server.unverifiedReason = row.getString("unverified_reason");
        server.unverifiedDetail = row.getString("unverified_detail");
        server.freshnessSequence = row.getLong("freshness_sequence");
        return server;
    }
}
