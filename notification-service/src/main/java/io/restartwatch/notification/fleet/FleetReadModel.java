package io.restartwatch.notification.fleet;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import io.restartwatch.contracts.CheckCompleted;
import io.restartwatch.contracts.EventJson;
import io.restartwatch.contracts.PolicyChanged;
import io.restartwatch.contracts.PriorityAssessed;
import io.restartwatch.contracts.ServerFreshness;
import io.restartwatch.contracts.ServerSnapshot;
import io.restartwatch.support.messaging.ProcessedEvents;
import org.hibernate.Session;

/**
 * Applies the other services' events to the fleet read model. Idempotent (each consumer's event ids in
 * {@code processed_event}) and order-safe: every write is one upsert that only replaces a row with something newer
 * (revision, sequence or time), so a replay, a duplicate or a late older event changes nothing, and the consumers of
 * different topics never need a lock between them.
 */
@ApplicationScoped
public class FleetReadModel {

    static final String SERVERS_CONSUMER = "fleet-servers";
    static final String CHECKS_CONSUMER = "fleet-checks";
    static final String PRIORITIES_CONSUMER = "fleet-priorities";
    static final String FRESHNESS_CONSUMER = "fleet-freshness";
    static final String POLICIES_CONSUMER = "fleet-policies";

    private final ProcessedEvents processed;
    private final EntityManager entityManager;
    private final FleetSettings settings;

    public FleetReadModel(ProcessedEvents processed, EntityManager entityManager, FleetSettings settings) {
        this.processed = processed;
        this.entityManager = entityManager;
        this.settings = settings;
    }

    @Transactional
    public void onServer(String eventId, ServerSnapshot snapshot) {
        if (processed.firstDelivery(SERVERS_CONSUMER, eventId)) {
            upsertServer(snapshot);
        }
    }

    /** A check carries the server as it was checked: it may arrive before the snapshot on the servers topic. */
    @Transactional
    public void onCheck(String eventId, CheckCompleted check) {
        if (!processed.firstDelivery(CHECKS_CONSUMER, eventId)) {
            return;
        }
        if (check.server() != null && check.serverId().equals(check.server().serverId())) {
            upsertServer(check.server());
        }
        execute("""
                insert into fleet_check (check_id, server_id, checked_at, trigger, outcome, reason, packages, required_since,
                                         boot_id, running_kernel, installed_kernel, services, detected_by, livepatch, discovered)
                values (?, ?, ?, ?, ?, ?, cast(? as jsonb), ?, ?, ?, ?, cast(? as jsonb), cast(? as jsonb), cast(? as jsonb), cast(? as jsonb))
                on conflict (check_id) do nothing""",
                check.checkId(), check.serverId(), check.checkedAt(), name(check.trigger()), check.outcome().name(), check.reason(),
                json(check.packages()), check.requiredSince(), check.bootId(), check.runningKernel(), check.installedKernel(),
                json(check.services()), json(check.detectedBy()), json(check.livepatch()), json(check.discovered()));
        // The history is bounded by count: whatever falls past the newest N goes, a late older check included.
        execute("""
                delete from fleet_check where server_id = ? and check_id not in (
                    select check_id from fleet_check where server_id = ? order by checked_at desc, check_id desc limit ?)""",
                check.serverId(), check.serverId(), settings.checkHistory());
    }

    @Transactional
    public void onAssessment(String eventId, PriorityAssessed a) {
        if (!processed.firstDelivery(PRIORITIES_CONSUMER, eventId)) {
            return;
        }
        // A cleared assessment (pending = false) still names the server's last exposure; keep the known one otherwise.
        execute("""
                insert into fleet_priority (server_id, sequence, pending, level, score, exposure, kind, factors, surfaces, packages,
                                            services, livepatch, exposure_facts, required_since, assessed_at)
                values (?, ?, ?, ?, ?, ?, ?, cast(? as jsonb), cast(? as jsonb), cast(? as jsonb), cast(? as jsonb), cast(? as jsonb),
                        cast(? as jsonb), ?, ?)
                on conflict (server_id) do update set sequence = excluded.sequence, pending = excluded.pending,
                    level = excluded.level, score = excluded.score, exposure = coalesce(excluded.exposure, fleet_priority.exposure),
                    kind = excluded.kind, factors = excluded.factors, surfaces = excluded.surfaces, packages = excluded.packages,
                    services = excluded.services, livepatch = excluded.livepatch,
                    exposure_facts = case when excluded.pending then excluded.exposure_facts else fleet_priority.exposure_facts end,
                    required_since = excluded.required_since, assessed_at = excluded.assessed_at
                where fleet_priority.sequence < excluded.sequence""",
                a.serverId(), a.sequence(), a.pending(), name(a.level()), a.score(), name(a.exposure()), name(a.kind()),
                json(a.factors()), json(a.surfaces()), json(a.packages()), json(a.services()), json(a.livepatch()),
                json(a.exposureFacts()), a.requiredSince(), a.assessedAt());
    }

    @Transactional
    public void onFreshness(String eventId, ServerFreshness f) {
        if (!processed.firstDelivery(FRESHNESS_CONSUMER, eventId)) {
            return;
        }
        execute("""
                insert into fleet_freshness (server_id, sequence, verified, reason, detail, last_verified_at, last_attempt_at,
                                             max_silence_seconds, occurred_at)
                values (?, ?, ?, ?, ?, ?, ?, ?, ?)
                on conflict (server_id) do update set sequence = excluded.sequence, verified = excluded.verified,
                    reason = excluded.reason, detail = excluded.detail, last_verified_at = excluded.last_verified_at,
                    last_attempt_at = excluded.last_attempt_at, max_silence_seconds = excluded.max_silence_seconds,
                    occurred_at = excluded.occurred_at
                where fleet_freshness.sequence < excluded.sequence""",
                f.serverId(), f.sequence(), f.verified(), f.verified() ? null : f.reason(), f.verified() ? null : f.detail(),
                f.lastVerifiedAt(), f.lastAttemptAt(), seconds(f.maxSilence()), f.occurredAt());
    }

    /** @param changedAt when the policy changed: the newest wins, whatever order the topic's partitions deliver in */
    @Transactional
    public void onPolicy(String eventId, PolicyChanged p, Instant changedAt) {
        if (!processed.firstDelivery(POLICIES_CONSUMER, eventId)) {
            return;
        }
        execute("""
                insert into fleet_policy (application_id, removed, stale_after_seconds, critical_after_seconds, multiplier,
                                          package_weights, changed_at)
                values (?, ?, ?, ?, ?, cast(? as jsonb), ?)
                on conflict (application_id) do update set removed = excluded.removed,
                    stale_after_seconds = excluded.stale_after_seconds, critical_after_seconds = excluded.critical_after_seconds,
                    multiplier = excluded.multiplier, package_weights = excluded.package_weights, changed_at = excluded.changed_at
                where fleet_policy.changed_at < excluded.changed_at""",
                p.applicationId(), p.removed(), seconds(p.staleAfter()), seconds(p.criticalAfter()), p.multiplier(),
                json(p.packageWeights()), changedAt);
    }

    private void upsertServer(ServerSnapshot s) {
        execute("""
                insert into fleet_server (server_id, revision, removed, hostname, application_id, environment, labels, open_ports,
                                          probe_kind, changed_at)
                values (?, ?, ?, ?, ?, ?, cast(? as jsonb), cast(? as jsonb), ?, ?)
                on conflict (server_id) do update set revision = excluded.revision, removed = excluded.removed,
                    hostname = excluded.hostname, application_id = excluded.application_id, environment = excluded.environment,
                    labels = excluded.labels, open_ports = excluded.open_ports, probe_kind = excluded.probe_kind,
                    changed_at = excluded.changed_at
                where fleet_server.revision < excluded.revision""",
                s.serverId(), s.revision(), s.removed(), s.hostname(), s.applicationId(), s.environment(), json(s.labels()),
                json(s.openPorts()), s.probeKind(), s.changedAt());
    }

    /** Plain JDBC on the transaction's connection: every parameter typed, nulls included. */
    private void execute(String sql, Object... parameters) {
        entityManager.unwrap(Session.class).doWork(connection -> bindAndRun(connection, sql, parameters));
    }

    private static void bindAndRun(Connection connection, String sql, Object... parameters) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                Object value = parameters[i];
                int index = i + 1;
                if (value == null) {
                    statement.setNull(index, Types.OTHER);
                } else if (value instanceof Instant instant) {
                    statement.setObject(index, OffsetDateTime.ofInstant(instant, ZoneOffset.UTC));
                } else {
                    statement.setObject(index, value);
                }
            }
            statement.executeUpdate();
        }
    }

    private static String json(Object value) {
        return value == null ? null : EventJson.write(value);
    }

    private static String name(Enum<?> value) {
        return value == null ? null : value.name();
    }

    private static Long seconds(Duration duration) {
        return duration == null ? null : duration.toSeconds();
    }
}
