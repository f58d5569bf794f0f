package io.restartwatch.priority.persistence;

import static io.restartwatch.support.sql.RowColumns.constant;
import static io.restartwatch.support.sql.RowColumns.instant;
import static io.restartwatch.support.sql.RowColumns.json;
import static io.restartwatch.support.sql.RowColumns.jsonList;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

import jakarta.persistence.EntityManager;

import io.restartwatch.contracts.DiscoveredExposure;
import io.restartwatch.contracts.Exposure;
import io.restartwatch.contracts.ExposureFact;
import io.restartwatch.contracts.Livepatch;
import io.restartwatch.contracts.OpenPort;
import io.restartwatch.contracts.PriorityFactor;
import io.restartwatch.contracts.PriorityLevel;
import io.restartwatch.contracts.RestartKind;
import io.restartwatch.contracts.Surface;
import io.restartwatch.support.sql.SetStatement;

/**
 * Restart states and server profiles read by plain SQL for the batch of checks, which only reads them (its writes are
 * {@link RestartStateEntity#upsertAll} and {@link ServerProfileEntity#upsertAll}): Hibernate's query, entity
 * instantiation and persistence context for these reads were an eighth of this service's CPU in P1. The objects come
 * back unmanaged: change them through the upserts, never by assigning alone.
 */
public final class ServerStateRows {

    private ServerStateRows() {
    }

    /** The restart states of those of {@code serverIds} that have one. */
    public static List<RestartStateEntity> states(EntityManager entityManager, List<String> serverIds) {
        return SetStatement.overKeys(serverIds, "select * from restart_state where server_id = any(?)")
                .returning(entityManager, ServerStateRows::state);
    }

    /** The profiles of those of {@code serverIds} that have one. */
    public static List<ServerProfileEntity> profiles(EntityManager entityManager, List<String> serverIds) {
        return SetStatement.overKeys(serverIds, "select * from server_profile where server_id = any(?)")
                .returning(entityManager, ServerStateRows::profile);
    }

    /** Every column of the current row, as Hibernate would map it. */
    static RestartStateEntity state(ResultSet row) throws SQLException {
        RestartStateEntity state = new RestartStateEntity();
        state.serverId = row.getString("server_id");
        state.applicationId = row.getString("application_id");
        state.environment = row.getString("environment");
        state.hostname = row.getString("hostname");
        state.pending = row.getBoolean("pending");
        state.kind = constant(row, "kind", RestartKind.class);
        state.requiredSince = instant(row, "required_since");
        state.packages = jsonList(row, "packages", String[].class);
        state.services = jsonList(row, "services", String[].class);
        state.detectedBy = jsonList(row, "detected_by", String[].class);
        state.livepatch = json(row, "livepatch", Livepatch.class);
        state.discovered = json(row, "discovered", DiscoveredExposure.class);
        state.discoveredAt = instant(row, "discovered_at");
        state.bootId = row.getString("boot_id");
        state.bootSeenAt = instant(row, "boot_seen_at");
        state.runningKernel = row.getString("running_kernel");
        state.installedKernel = row.getString("installed_kernel");
        state.lastCheckId = row.getString("last_check_id");
        state.lastCheckAt = instant(row, "last_check_at");
        state.sequence = row.getLong("sequence");
        state.published = row.getBoolean("published");
        state.level = constant(row, "level", PriorityLevel.class);
        state.score = (Integer) row.getObject("score");
        state.scoreBand = (Integer) row.getObject("score_band");
        state.exposure = constant(row, "exposure", Exposure.class);
        state.surfaces = jsonList(row, "surfaces", Surface[].class);
        state.publishedPackages = jsonList(row, "published_packages", String[].class);
        state.publishedServices = jsonList(row, "published_services", String[].class);
        state.publishedLivepatch = json(row, "published_livepatch", Livepatch.class);
        state.exposureFacts = jsonList(row, "exposure_facts", ExposureFact[].class);
        state.factors = jsonList(row, "factors", PriorityFactor[].class);
        state.assessedAt = instant(row, "assessed_at");
        state.nextReassessAt = instant(row, "next_reassess_at");
        return state;
    }

    /** Every column of the current row, as Hibernate would map it. */
    static ServerProfileEntity profile(ResultSet row) throws SQLException {
        ServerProfileEntity profile = new ServerProfileEntity();
        profile.serverId = row.getString("server_id");
        profile.revision = row.getLong("revision");
        profile.removed = row.getBoolean("removed");
        profile.hostname = row.getString("hostname");
        profile.applicationId = row.getString("application_id");
        profile.environment = row.getString("environment");
        profile.openPorts = jsonList(row, "open_ports", OpenPort[].class);
        return profile;
    }
}
