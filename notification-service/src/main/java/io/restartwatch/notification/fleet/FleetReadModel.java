package io.restartwatch.notification.fleet;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import io.restartwatch.contracts.CheckCompleted;
import io.restartwatch.contracts.Exposure;
import io.restartwatch.contracts.ExposureFact;
import io.restartwatch.contracts.PriorityAssessed;
import io.restartwatch.contracts.ServerFreshness;
import io.restartwatch.contracts.ServerSnapshot;
import io.restartwatch.notification.fleet.FleetConsumers.ReceivedPolicy;
import io.restartwatch.support.messaging.BatchApplier;
import io.restartwatch.support.messaging.IncomingCloudEvent;
import io.restartwatch.support.sql.SetStatement;

/**
 * Applies the other services' events to the fleet read model, a polled batch at a time. Idempotent and order-safe by
 * its state alone: every write is an upsert that only replaces a row with something strictly newer (revision, sequence
 * or time) or an insert of a check id not yet held, so a replay, a duplicate or a late older event changes nothing, and
 * the consumers of different topics never need a lock between them. It therefore keeps no consumed-id log
 * ({@code processed_event}): that was an insert and a later delete per event for nothing.
 *
 * <p>A batch costs a constant number of statements, whatever its size: one statement per table over the whole set
 * ({@link SetStatement}). An upsert may not meet a key twice, so each batch is first reduced to one row per key, the one
 * applying the events one by one would leave.
 */
@ApplicationScoped
public class FleetReadModel {

    private final EntityManager entityManager;
    private final FleetSettings settings;

    public FleetReadModel(EntityManager entityManager, FleetSettings settings) {
        this.entityManager = entityManager;
        this.settings = settings;
    }

    @Transactional
    public void onServers(List<IncomingCloudEvent<ServerSnapshot>> batch) {
        List<ServerSnapshot> fresh = BatchApplier.firstOccurrences(batch, IncomingCloudEvent::id).stream()
                .map(IncomingCloudEvent::data).toList();
        upsertServers(BatchApplier.newestPerKey(fresh, ServerSnapshot::serverId, ServerSnapshot::revision));
    }

    /** A check carries the server as it was checked: it may arrive before the snapshot on the servers topic. */
    @Transactional
    public void onChecks(List<IncomingCloudEvent<CheckCompleted>> batch) {
        List<CheckCompleted> fresh = BatchApplier.firstOccurrences(batch, IncomingCloudEvent::id).stream()
                .map(IncomingCloudEvent::data).toList();
        List<ServerSnapshot> snapshots = fresh.stream()
                .filter(check -> check.server() != null && check.serverId().equals(check.server().serverId()))
                .map(CheckCompleted::server)
                .toList();
        upsertServers(BatchApplier.newestPerKey(snapshots, ServerSnapshot::serverId, ServerSnapshot::revision));
        // A check id met twice (in the batch or before) keeps its first row, as one by one would. A check trimmed from
        // the history and delivered again is trimmed again by the statement after this one (unless check-history was
        // raised in between: it then stays, a real check of the server's all the same).
        SetStatement.over(fresh, """
                        insert into fleet_check (check_id, server_id, checked_at, trigger, outcome, reason, packages, required_since,
                                                 boot_id, running_kernel, installed_kernel, services, detected_by, livepatch, discovered)
                        select v.check_id, v.server_id, cast(v.checked_at as timestamptz), v.trigger, v.outcome, v.reason,
                               cast(v.packages as jsonb), cast(v.required_since as timestamptz), v.boot_id, v.running_kernel,
                               v.installed_kernel, cast(v.services as jsonb), cast(v.detected_by as jsonb), cast(v.livepatch as jsonb),
                               cast(v.discovered as jsonb)
                        from unnest(?::text[], ?::varchar[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[],
                                    ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[])
                             as v(check_id, server_id, checked_at, trigger, outcome, reason, packages, required_since,
                                  boot_id, running_kernel, installed_kernel, services, detected_by, livepatch, discovered)
                        on conflict (check_id) do nothing""")
                .column("text", CheckCompleted::checkId)
                .column("varchar", CheckCompleted::serverId)
                .column("text", CheckCompleted::checkedAt)
                .column("text", CheckCompleted::trigger)
                .column("text", CheckCompleted::outcome)
                .column("text", CheckCompleted::reason)
                .jsonColumn(CheckCompleted::packages)
                .column("text", CheckCompleted::requiredSince)
                .column("text", CheckCompleted::bootId)
                .column("text", CheckCompleted::runningKernel)
                .column("text", CheckCompleted::installedKernel)
                .jsonColumn(CheckCompleted::services)
                .jsonColumn(CheckCompleted::detectedBy)
                .jsonColumn(CheckCompleted::livepatch)
                .jsonColumn(CheckCompleted::discovered)
                .execute(entityManager);
        // The history is bounded by count: whatever falls past each server's newest N goes, a late older check included.
        // Each server's surplus is found through fleet_check_by_server (newest first, skip N) and deleted by primary key,
        // planned for this set. A ranked read of all the batch's servers' checks at once was planned as a whole-table scan
        // whenever the statistics lagged the table (P1: 0.6 s of one burst, 5.4-6.4 s of others), and a generic plan
        // settled on a nearly empty table scans it per server.
        List<String> serverIds = fresh.stream().map(CheckCompleted::serverId).distinct().toList();
        SetStatement.overKeys(serverIds, """
                        delete from fleet_check where check_id = any(array(
                            select surplus.check_id from unnest(?::varchar[]) as s(server_id)
                            cross join lateral (select c.check_id from fleet_check c where c.server_id = s.server_id
                                                order by c.checked_at desc, c.check_id desc offset ?) surplus))""")
                .value(settings.checkHistory())
                .plannedForItsSet()
                .execute(entityManager);
    }

    @Transactional
    public void onAssessments(List<IncomingCloudEvent<PriorityAssessed>> batch) {
        Map<String, NewestAssessment> newest = new LinkedHashMap<>();
        for (IncomingCloudEvent<PriorityAssessed> received : BatchApplier.firstOccurrences(batch, IncomingCloudEvent::id)) {
            PriorityAssessed a = received.data();
            newest.merge(a.serverId(), NewestAssessment.first(a), (known, first) -> known.then(a));
        }
        // A cleared assessment (pending = false) still names the server's last exposure; keep the known one otherwise.
        // Each row carries the sequence its exposure and its exposure facts come from: they replace the stored ones only
        // if newer than the stored row, as the batch's events applied one by one would have.
        SetStatement.over(newest.values(), """
                        insert into fleet_priority (server_id, sequence, pending, level, score, exposure, exposure_sequence, kind, factors,
                                                    surfaces, packages, services, livepatch, exposure_facts, exposure_facts_sequence,
                                                    required_since, assessed_at)
                        select v.server_id, v.sequence, v.pending, v.level, v.score, v.exposure, v.exposure_sequence, v.kind,
                               cast(v.factors as jsonb), cast(v.surfaces as jsonb), cast(v.packages as jsonb), cast(v.services as jsonb),
                               cast(v.livepatch as jsonb), cast(v.exposure_facts as jsonb), v.exposure_facts_sequence,
                               cast(v.required_since as timestamptz), cast(v.assessed_at as timestamptz)
                        from unnest(?::varchar[], ?::bigint[], ?::boolean[], ?::text[], ?::int[], ?::text[], ?::bigint[], ?::text[],
                                    ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::bigint[], ?::text[], ?::text[])
                             as v(server_id, sequence, pending, level, score, exposure, exposure_sequence, kind, factors, surfaces,
                                  packages, services, livepatch, exposure_facts, exposure_facts_sequence, required_since, assessed_at)
                        on conflict (server_id) do update set sequence = excluded.sequence, pending = excluded.pending,
                            level = excluded.level, score = excluded.score,
                            exposure = case when excluded.exposure_sequence > fleet_priority.sequence
                                            then excluded.exposure else fleet_priority.exposure end,
                            exposure_sequence = case when excluded.exposure_sequence > fleet_priority.sequence
                                                     then excluded.exposure_sequence else fleet_priority.exposure_sequence end,
                            kind = excluded.kind, factors = excluded.factors, surfaces = excluded.surfaces, packages = excluded.packages,
                            services = excluded.services, livepatch = excluded.livepatch,
                            exposure_facts = case when excluded.exposure_facts_sequence > fleet_priority.sequence
                                                  then excluded.exposure_facts else fleet_priority.exposure_facts end,
                            exposure_facts_sequence = case when excluded.exposure_facts_sequence > fleet_priority.sequence
                                                           then excluded.exposure_facts_sequence else fleet_priority.exposure_facts_sequence end,
                            required_since = excluded.required_since, assessed_at = excluded.assessed_at
                        where fleet_priority.sequence < excluded.sequence""")
                .column("varchar", row -> row.newest().serverId())
                .column("bigint", row -> row.newest().sequence())
                .column("boolean", row -> row.newest().pending())
                .column("text", row -> row.newest().level())
                .column("int", row -> row.newest().score())
                .column("text", NewestAssessment::exposure)
                .column("bigint", NewestAssessment::exposureSequence)
                .column("text", row -> row.newest().kind())
                .jsonColumn(row -> row.newest().factors())
                .jsonColumn(row -> row.newest().surfaces())
                .jsonColumn(row -> row.newest().packages())
                .jsonColumn(row -> row.newest().services())
                .jsonColumn(row -> row.newest().livepatch())
                .jsonColumn(NewestAssessment::exposureFacts)
                .column("bigint", NewestAssessment::exposureFactsSequence)
                .column("text", row -> row.newest().requiredSince())
                .column("text", row -> row.newest().assessedAt())
                .execute(entityManager);
    }

    @Transactional
    public void onFreshnesses(List<IncomingCloudEvent<ServerFreshness>> batch) {
        List<ServerFreshness> fresh = BatchApplier.firstOccurrences(batch, IncomingCloudEvent::id).stream()
                .map(IncomingCloudEvent::data).toList();
        SetStatement.over(BatchApplier.newestPerKey(fresh, ServerFreshness::serverId, ServerFreshness::sequence), """
                        insert into fleet_freshness (server_id, sequence, verified, reason, detail, last_verified_at, last_attempt_at,
                                                     max_silence_seconds, occurred_at)
                        select v.server_id, v.sequence, v.verified, v.reason, v.detail, cast(v.last_verified_at as timestamptz),
                               cast(v.last_attempt_at as timestamptz), v.max_silence_seconds, cast(v.occurred_at as timestamptz)
                        from unnest(?::varchar[], ?::bigint[], ?::boolean[], ?::text[], ?::text[], ?::text[], ?::text[], ?::bigint[],
                                    ?::text[])
                             as v(server_id, sequence, verified, reason, detail, last_verified_at, last_attempt_at,
                                  max_silence_seconds, occurred_at)
                        on conflict (server_id) do update set sequence = excluded.sequence, verified = excluded.verified,
                            reason = excluded.reason, detail = excluded.detail, last_verified_at = excluded.last_verified_at,
                            last_attempt_at = excluded.last_attempt_at, max_silence_seconds = excluded.max_silence_seconds,
                            occurred_at = excluded.occurred_at
                        where fleet_freshness.sequence < excluded.sequence""")
                .column("varchar", ServerFreshness::serverId)
                .column("bigint", ServerFreshness::sequence)
                .column("boolean", ServerFreshness::verified)
                .column("text", f -> f.verified() ? null : f.reason())
                .column("text", f -> f.verified() ? null : f.detail())
                .column("text", ServerFreshness::lastVerifiedAt)
                .column("text", ServerFreshness::lastAttemptAt)
                .column("bigint", f -> seconds(f.maxSilence()))
                .column("text", ServerFreshness::occurredAt)
                .execute(entityManager);
    }

    /** The newest policy wins by when it changed, whatever order the topic's partitions deliver in. */
    @Transactional
    public void onPolicies(List<ReceivedPolicy> batch) {
        List<ReceivedPolicy> fresh = BatchApplier.firstOccurrences(batch, received -> received.event().id());
        List<ReceivedPolicy> newest = BatchApplier.newestPerKey(fresh, received -> received.event().data().applicationId(),
                ReceivedPolicy::changedAt);
        SetStatement.over(newest, """
                        insert into fleet_policy (application_id, removed, stale_after_seconds, critical_after_seconds, multiplier,
                                                  package_weights, changed_at)
                        select v.application_id, v.removed, v.stale_after_seconds, v.critical_after_seconds, v.multiplier,
                               cast(v.package_weights as jsonb), cast(v.changed_at as timestamptz)
                        from unnest(?::text[], ?::boolean[], ?::bigint[], ?::bigint[], ?::float8[], ?::text[], ?::text[])
                             as v(application_id, removed, stale_after_seconds, critical_after_seconds, multiplier, package_weights,
                                  changed_at)
                        on conflict (application_id) do update set removed = excluded.removed,
                            stale_after_seconds = excluded.stale_after_seconds, critical_after_seconds = excluded.critical_after_seconds,
                            multiplier = excluded.multiplier, package_weights = excluded.package_weights, changed_at = excluded.changed_at
                        where fleet_policy.changed_at < excluded.changed_at""")
                .column("text", received -> received.event().data().applicationId())
                .column("boolean", received -> received.event().data().removed())
                .column("bigint", received -> seconds(received.event().data().staleAfter()))
                .column("bigint", received -> seconds(received.event().data().criticalAfter()))
                .column("float8", received -> received.event().data().multiplier())
                .jsonColumn(received -> received.event().data().packageWeights())
                .column("text", ReceivedPolicy::changedAt)
                .execute(entityManager);
    }

    /**
     * The servers topic's snapshots and the ones checks carry: one row per server already. Snapshots not newer than the
     * row's are left out first: {@code on conflict do update … where} locks each conflicting row even when it keeps it
     * (a WAL record per check in a burst, where every check carries the snapshot already applied). A revision only
     * grows, so a snapshot left out could never have applied.
     */
    private void upsertServers(List<ServerSnapshot> snapshots) {
        SetStatement.over(snapshots, """
                        insert into fleet_server (server_id, revision, removed, hostname, application_id, environment, labels, open_ports,
                                                  probe_kind, changed_at)
                        select v.server_id, v.revision, v.removed, v.hostname, v.application_id, v.environment, cast(v.labels as jsonb),
                               cast(v.open_ports as jsonb), v.probe_kind, cast(v.changed_at as timestamptz)
                        from unnest(?::varchar[], ?::bigint[], ?::boolean[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[],
                                    ?::text[], ?::text[])
                             as v(server_id, revision, removed, hostname, application_id, environment, labels, open_ports, probe_kind,
                                  changed_at)
                        where not exists (select 1 from fleet_server f where f.server_id = v.server_id and f.revision >= v.revision)
                        on conflict (server_id) do update set revision = excluded.revision, removed = excluded.removed,
                            hostname = excluded.hostname, application_id = excluded.application_id, environment = excluded.environment,
                            labels = excluded.labels, open_ports = excluded.open_ports, probe_kind = excluded.probe_kind,
                            changed_at = excluded.changed_at
                        where fleet_server.revision < excluded.revision""")
                .column("varchar", ServerSnapshot::serverId)
                .column("bigint", ServerSnapshot::revision)
                .column("boolean", ServerSnapshot::removed)
                .column("text", ServerSnapshot::hostname)
                .column("text", ServerSnapshot::applicationId)
                .column("text", ServerSnapshot::environment)
                .jsonColumn(s -> s.labels())
                .jsonColumn(s -> s.openPorts())
                .column("text", ServerSnapshot::probeKind)
                .column("text", ServerSnapshot::changedAt)
                .execute(entityManager);
    }

    /**
     * A server's assessments of a batch folded into the row they leave: the newest's columns, and for the two columns
     * that an assessment may leave as they were (a null exposure keeps the known one, a cleared assessment keeps the
     * exposure facts), the last value that replaced them and the sequence of the assessment it came from. Only
     * assessments newer than every earlier one of the batch count: one by one, the others change nothing.
     *
     * @param exposureSequence      null: no assessment of the batch named an exposure
     * @param exposureFactsSequence null: none was pending; {@code exposureFacts} are then the first one's (what an
     *                              insert of it would store)
     */
    record NewestAssessment(PriorityAssessed newest, Exposure exposure, Long exposureSequence, List<ExposureFact> exposureFacts,
                            Long exposureFactsSequence) {

        static NewestAssessment first(PriorityAssessed a) {
            return new NewestAssessment(a, a.exposure(), a.exposure() == null ? null : a.sequence(), a.exposureFacts(),
                    a.pending() ? a.sequence() : null);
        }

        NewestAssessment then(PriorityAssessed a) {
            if (a.sequence() <= newest.sequence()) {
                return this;
            }
            return new NewestAssessment(a,
                    a.exposure() != null ? a.exposure() : exposure, a.exposure() != null ? Long.valueOf(a.sequence()) : exposureSequence,
                    a.pending() ? a.exposureFacts() : exposureFacts, a.pending() ? Long.valueOf(a.sequence()) : exposureFactsSequence);
        }
    }

    private static Long seconds(Duration duration) {
        return duration == null ? null : duration.toSeconds();
    }
}
