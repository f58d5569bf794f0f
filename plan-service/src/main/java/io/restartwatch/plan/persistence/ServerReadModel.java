package io.restartwatch.plan.persistence;

import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import io.restartwatch.contracts.CheckCompleted;
import io.restartwatch.contracts.CheckOutcome;
import io.restartwatch.contracts.EventJson;
import io.restartwatch.contracts.PriorityAssessed;
import io.restartwatch.contracts.RestartKind;
import io.restartwatch.contracts.ServerSnapshot;
import io.restartwatch.plan.messaging.Received;
import io.restartwatch.plan.scheduling.RestartVerification;
import io.restartwatch.support.messaging.BatchApplier;
import io.restartwatch.support.sql.SetStatement;

/**
 * plan-service's copy of the fleet ({@code plan_server}), one row per server fed by three topics. Each topic owns
 * its columns and its own "newest wins" counter (inventory revision, assessment sequence, check time), so events of
 * one topic arriving late or twice never undo a newer one, and the topics never overwrite each other's columns.
 * That makes it idempotent by its state alone (a redelivered event finds its row already as new), so it keeps no
 * consumed-id log ({@code processed_event}). A polled batch is applied as a set: one upsert per kind of column,
 * whatever its size.
 */
@ApplicationScoped
public class ServerReadModel {

    /** CheckCompleted.detectedBy of /var/run/reboot-required. */
    static final String SENTINEL = "sentinel";

    private final EntityManager entityManager;
    private final RestartVerification verification;
    private final Clock clock;

    public ServerReadModel(EntityManager entityManager, RestartVerification verification, Clock clock) {
        this.entityManager = entityManager;
        this.verification = verification;
        this.clock = clock;
    }

    /** {@code server.*} snapshots: the inventory columns, unless a newer revision is already applied. */
    @Transactional
    public void onServers(List<Received<ServerSnapshot>> received) {
        List<Received<ServerSnapshot>> first = BatchApplier.firstOccurrences(received, Received::eventId);
        applySnapshots(first.stream().map(Received::data).toList());
    }

    /**
     * {@code priority.assessed} events: a pending REBOOT sets the restart's urgency; a cleared assessment or one of
     * kind SERVICES (a plan reboots machines, it does not restart services) leaves nothing pending. The batch is
     * reduced to each server's highest sequence first: what the "newest wins" upsert would have kept anyway (the
     * hostname, application and environment an assessment fills in until the inventory names them are then the
     * newest's rather than the first's: the same server's, either way).
     */
    @Transactional
    public void onPriorities(List<Received<PriorityAssessed>> received) {
        List<PriorityAssessed> newest = BatchApplier.newestPerKey(
                BatchApplier.firstOccurrences(received, Received::eventId).stream().map(Received::data).toList(),
                PriorityAssessed::serverId, PriorityAssessed::sequence);
        SetStatement.over(newest, """
                        insert into plan_server (server_id, hostname, application_id, environment, pending, level, score,
                                                 exposure, required_since, assessed_sequence, updated_at)
                        select v.server_id, v.hostname, v.application_id, v.environment, v.pending, v.level, v.score,
                               v.exposure, cast(v.required_since as timestamptz), v.sequence, cast(? as timestamptz)
                        from unnest(?::varchar[], ?::varchar[], ?::varchar[], ?::varchar[], ?::boolean[], ?::varchar[],
                                    ?::int[], ?::varchar[], ?::text[], ?::bigint[])
                             as v(server_id, hostname, application_id, environment, pending, level, score, exposure,
                                  required_since, sequence)
                        on conflict (server_id) do update set
                            pending = excluded.pending, level = excluded.level, score = excluded.score,
                            exposure = excluded.exposure, required_since = excluded.required_since,
                            assessed_sequence = excluded.assessed_sequence,
                            hostname = coalesce(plan_server.hostname, excluded.hostname),
                            application_id = coalesce(plan_server.application_id, excluded.application_id),
                            environment = coalesce(plan_server.environment, excluded.environment),
                            updated_at = excluded.updated_at
                        where plan_server.assessed_sequence < excluded.assessed_sequence""")
                .value(clock.instant())
                .column("varchar", PriorityAssessed::serverId)
                .column("varchar", PriorityAssessed::hostname)
                .column("varchar", PriorityAssessed::applicationId)
                .column("varchar", PriorityAssessed::environment)
                .column("boolean", ServerReadModel::pendingReboot)
                .column("varchar", a -> pendingReboot(a) ? a.level() : null)
                .column("int", a -> pendingReboot(a) ? a.score() : 0)
                .column("varchar", PriorityAssessed::exposure)
                .column("text", a -> pendingReboot(a) ? a.requiredSince() : null)
                .column("bigint", PriorityAssessed::sequence)
                .execute(entityManager);
    }

    /**
     * {@code check.completed} events: a successful check (UP_TO_DATE or REBOOT_REQUIRED) newer than the one held sets
     * the boot id, whether a reboot is still required and whether the sentinel is still there, then the restarts in
     * progress of the servers it changed are verified. UNREACHABLE says nothing about the server's restart and changes
     * nothing but the inventory it carries.
     */
    @Transactional
    public void onChecks(List<CheckCompleted> checks) {
        List<CheckCompleted> first = BatchApplier.firstOccurrences(checks, CheckCompleted::checkId);
        applySnapshots(first.stream()
                .filter(check -> check.server() != null && check.server().serverId() != null
                        && check.server().serverId().equals(check.serverId()))
                .map(CheckCompleted::server)
                .toList());
        // Per server, the checks that would apply one after the other (each newer than the last): the newest sets the
        // columns, but a newest without a boot id keeps the last one known, so the last of them that has one goes first.
        Map<String, CheckCompleted> newest = new LinkedHashMap<>();
        Map<String, CheckCompleted> lastWithBootId = new HashMap<>();
        for (CheckCompleted check : first) {
            if (check.outcome() != CheckOutcome.UP_TO_DATE && check.outcome() != CheckOutcome.REBOOT_REQUIRED) {
                continue;
            }
            CheckCompleted held = newest.get(check.serverId());
            if (held == null || isAfter(check.checkedAt(), held.checkedAt())) {
                newest.put(check.serverId(), check);
                if (check.bootId() != null) {
                    lastWithBootId.put(check.serverId(), check);
                }
            }
        }
        List<CheckCompleted> bootIdsFirst = newest.values().stream()
                .filter(check -> check.bootId() == null && lastWithBootId.containsKey(check.serverId()))
                .map(check -> lastWithBootId.get(check.serverId()))
                .toList();
        Set<String> changed = new LinkedHashSet<>(upsertChecks(bootIdsFirst));
        changed.addAll(upsertChecks(List.copyOf(newest.values())));
        verification.afterChecks(changed);
    }

    private static boolean isAfter(Instant at, Instant than) {
        return at != null && (than == null || at.isAfter(than));
    }

    /** @return the servers whose row the checks changed (one check per server, each applied if newer than the row's) */
    private List<String> upsertChecks(List<CheckCompleted> checks) {
        return SetStatement.over(checks, """
                        insert into plan_server (server_id, boot_id, reboot_required, sentinel, last_checked_at, updated_at)
                        select v.server_id, v.boot_id, v.reboot_required, v.sentinel, cast(v.checked_at as timestamptz),
                               cast(? as timestamptz)
                        from unnest(?::varchar[], ?::varchar[], ?::boolean[], ?::boolean[], ?::text[])
                             as v(server_id, boot_id, reboot_required, sentinel, checked_at)
                        on conflict (server_id) do update set
                            boot_id = coalesce(excluded.boot_id, plan_server.boot_id),
                            reboot_required = excluded.reboot_required,
                            sentinel = excluded.sentinel,
                            last_checked_at = excluded.last_checked_at,
                            updated_at = excluded.updated_at
                        where plan_server.last_checked_at is null or plan_server.last_checked_at < excluded.last_checked_at
                        returning server_id""")
                .value(clock.instant())
                .column("varchar", CheckCompleted::serverId)
                .column("varchar", CheckCompleted::bootId)
                .column("boolean", check -> check.outcome() == CheckOutcome.REBOOT_REQUIRED)
                .column("boolean", ServerReadModel::sentinelFound)
                .column("text", CheckCompleted::checkedAt)
                .returning(entityManager);
    }

    /**
     * Whether the check found the reboot-required sentinel. A producer that does not say what detected the need
     * (schema 1: no detectedBy) is taken to have found it whenever a reboot is required: never proven done by guess.
     */
    static boolean sentinelFound(CheckCompleted check) {
        if (check.outcome() != CheckOutcome.REBOOT_REQUIRED) {
            return false;
        }
        return check.detectedBy().isEmpty() || check.detectedBy().contains(SENTINEL);
    }

    private static boolean pendingReboot(PriorityAssessed assessed) {
        return assessed.pending() && assessed.kind() == RestartKind.REBOOT;
    }

    /**
     * Snapshots not newer than the row's are left out before the upsert: {@code on conflict do update … where} locks
     * every conflicting row even when its condition keeps it as it is (a lock record in the WAL and a row lock held
     * against the assessments' consumer until commit), and nearly every check carries the snapshot already applied.
     * A revision only grows, so a snapshot left out could never have applied.
     */
    private void applySnapshots(List<ServerSnapshot> snapshots) {
        List<ServerSnapshot> newest = BatchApplier.newestPerKey(snapshots, ServerSnapshot::serverId, ServerSnapshot::revision);
        SetStatement.over(newest, """
                        insert into plan_server (server_id, hostname, application_id, environment, labels, probe_kind,
                                                 removed, inventory_revision, updated_at)
                        select v.server_id, v.hostname, v.application_id, v.environment, cast(v.labels as jsonb), v.probe_kind,
                               v.removed, v.revision, cast(? as timestamptz)
                        from unnest(?::varchar[], ?::varchar[], ?::varchar[], ?::varchar[], ?::text[], ?::varchar[],
                                    ?::boolean[], ?::bigint[])
                             as v(server_id, hostname, application_id, environment, labels, probe_kind, removed, revision)
                        where not exists (select 1 from plan_server p
                                          where p.server_id = v.server_id and p.inventory_revision >= v.revision)
                        on conflict (server_id) do update set
                            hostname = excluded.hostname, application_id = excluded.application_id,
                            environment = excluded.environment, labels = excluded.labels,
                            probe_kind = excluded.probe_kind, removed = excluded.removed,
                            inventory_revision = excluded.inventory_revision, updated_at = excluded.updated_at
                        where plan_server.inventory_revision < excluded.inventory_revision""")
                .value(clock.instant())
                .column("varchar", ServerSnapshot::serverId)
                .column("varchar", ServerSnapshot::hostname)
                .column("varchar", ServerSnapshot::applicationId)
                .column("varchar", ServerSnapshot::environment)
                .column("text", snapshot -> EventJson.write(snapshot.labels()))
                .column("varchar", ServerSnapshot::probeKind)
                .column("boolean", ServerSnapshot::removed)
                .column("bigint", ServerSnapshot::revision)
                .execute(entityManager);
    }
}
