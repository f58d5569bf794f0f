package io.restartwatch.plan.persistence;

import java.time.Clock;
import java.util.Map;

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
import io.restartwatch.support.messaging.ProcessedEvents;

/**
 * plan-service's copy of the fleet ({@code plan_server}), one row per server fed by three topics. Each topic owns
 * its columns and its own "newest wins" counter (inventory revision, assessment sequence, check time), so events of
 * one topic arriving late or twice never undo a newer one, and the topics never overwrite each other's columns.
 */
@ApplicationScoped
public class ServerReadModel {

    static final String SERVERS_CONSUMER = "servers";
    static final String PRIORITIES_CONSUMER = "priorities";
    static final String CHECKS_CONSUMER = "checks";
    /** CheckCompleted.detectedBy of /var/run/reboot-required. */
    static final String SENTINEL = "sentinel";

    private final EntityManager entityManager;
    private final ProcessedEvents processed;
    private final RestartVerification verification;
    private final Clock clock;

    public ServerReadModel(EntityManager entityManager, ProcessedEvents processed, RestartVerification verification, Clock clock) {
        this.entityManager = entityManager;
        this.processed = processed;
        this.verification = verification;
        this.clock = clock;
    }

    /** A {@code server.*} snapshot: the inventory columns, unless a newer revision is already applied. */
    @Transactional
    public void onServer(Received<ServerSnapshot> received) {
        if (processed.firstDelivery(SERVERS_CONSUMER, received.eventId())) {
            applySnapshot(received.data());
        }
    }

    /**
     * A {@code priority.assessed}: a pending REBOOT sets the restart's urgency; a cleared assessment or one of kind
     * SERVICES (a plan reboots machines, it does not restart services) leaves nothing pending.
     */
    @Transactional
    public void onPriority(Received<PriorityAssessed> received) {
        if (!processed.firstDelivery(PRIORITIES_CONSUMER, received.eventId())) {
            return;
        }
        PriorityAssessed assessed = received.data();
        boolean pendingReboot = assessed.pending() && assessed.kind() == RestartKind.REBOOT;
        entityManager.createNativeQuery("""
                        insert into plan_server (server_id, hostname, application_id, environment, pending, level, score,
                                                 exposure, required_since, assessed_sequence, updated_at)
                        values (:serverId, :hostname, :applicationId, :environment, :pending, :level, :score,
                                :exposure, cast(:requiredSince as timestamptz), :sequence, :now)
                        on conflict (server_id) do update set
                            pending = excluded.pending, level = excluded.level, score = excluded.score,
                            exposure = excluded.exposure, required_since = excluded.required_since,
                            assessed_sequence = excluded.assessed_sequence,
                            hostname = coalesce(plan_server.hostname, excluded.hostname),
                            application_id = coalesce(plan_server.application_id, excluded.application_id),
                            environment = coalesce(plan_server.environment, excluded.environment),
                            updated_at = excluded.updated_at
                        where plan_server.assessed_sequence < excluded.assessed_sequence""")
                .setParameter("serverId", assessed.serverId())
                .setParameter("hostname", assessed.hostname())
                .setParameter("applicationId", assessed.applicationId())
                .setParameter("environment", assessed.environment())
                .setParameter("pending", pendingReboot)
                .setParameter("level", pendingReboot && assessed.level() != null ? assessed.level().name() : null)
                .setParameter("score", pendingReboot ? assessed.score() : 0)
                .setParameter("exposure", assessed.exposure() == null ? null : assessed.exposure().name())
                .setParameter("requiredSince", pendingReboot ? assessed.requiredSince() : null)
                .setParameter("sequence", assessed.sequence())
                .setParameter("now", clock.instant())
                .executeUpdate();
    }

    /**
     * A {@code check.completed}: a successful check (UP_TO_DATE or REBOOT_REQUIRED) newer than the one held sets the
     * boot id, whether a reboot is still required and whether the sentinel is still there, then verifies the server's restart in progress, if any.
     * UNREACHABLE says nothing about the server's restart and changes nothing but the inventory it carries.
     */
    @Transactional
    public void onCheck(CheckCompleted check) {
        if (!processed.firstDelivery(CHECKS_CONSUMER, check.checkId())) {
            return;
        }
        if (check.server() != null && check.server().serverId() != null && check.server().serverId().equals(check.serverId())) {
            applySnapshot(check.server());
        }
        if (check.outcome() != CheckOutcome.UP_TO_DATE && check.outcome() != CheckOutcome.REBOOT_REQUIRED) {
            return;
        }
        int applied = entityManager.createNativeQuery("""
                        insert into plan_server (server_id, boot_id, reboot_required, sentinel, last_checked_at, updated_at)
                        values (:serverId, :bootId, :rebootRequired, :sentinel, :checkedAt, :now)
                        on conflict (server_id) do update set
                            boot_id = coalesce(excluded.boot_id, plan_server.boot_id),
                            reboot_required = excluded.reboot_required,
                            sentinel = excluded.sentinel,
                            last_checked_at = excluded.last_checked_at,
                            updated_at = excluded.updated_at
                        where plan_server.last_checked_at is null or plan_server.last_checked_at < excluded.last_checked_at""")
                .setParameter("serverId", check.serverId())
                .setParameter("bootId", check.bootId())
                .setParameter("rebootRequired", check.outcome() == CheckOutcome.REBOOT_REQUIRED)
                .setParameter("sentinel", sentinelFound(check))
                .setParameter("checkedAt", check.checkedAt())
                .setParameter("now", clock.instant())
                .executeUpdate();
        if (applied == 1) {
            verification.afterCheck(check.serverId());
        }
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

    private void applySnapshot(ServerSnapshot snapshot) {
        Map<String, String> labels = snapshot.labels();
        entityManager.createNativeQuery("""
                        insert into plan_server (server_id, hostname, application_id, environment, labels, probe_kind,
                                                 removed, inventory_revision, updated_at)
                        values (:serverId, :hostname, :applicationId, :environment, cast(:labels as jsonb), :probeKind,
                                :removed, :revision, :now)
                        on conflict (server_id) do update set
                            hostname = excluded.hostname, application_id = excluded.application_id,
                            environment = excluded.environment, labels = excluded.labels,
                            probe_kind = excluded.probe_kind, removed = excluded.removed,
                            inventory_revision = excluded.inventory_revision, updated_at = excluded.updated_at
                        where plan_server.inventory_revision < excluded.inventory_revision""")
                .setParameter("serverId", snapshot.serverId())
                .setParameter("hostname", snapshot.hostname())
                .setParameter("applicationId", snapshot.applicationId())
                .setParameter("environment", snapshot.environment())
                .setParameter("labels", EventJson.write(labels))
                .setParameter("probeKind", snapshot.probeKind())
                .setParameter("removed", snapshot.removed())
                .setParameter("revision", snapshot.revision())
                .setParameter("now", clock.instant())
                .executeUpdate();
    }

}
