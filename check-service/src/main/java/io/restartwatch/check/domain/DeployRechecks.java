package io.restartwatch.check.domain;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import io.restartwatch.check.config.CheckSettings;
import io.restartwatch.contracts.CheckOutcome;

/**
 * What a deploy's recheck came to, per server it should recheck: rechecked (with the check's outcome),
 * still pending, or not rechecked and why. A pipeline polls it after deploying.
 */
@ApplicationScoped
public class DeployRechecks {

    private final EntityManager entityManager;
    private final CheckSettings settings;
    private final Clock clock;

    public DeployRechecks(EntityManager entityManager, CheckSettings settings, Clock clock) {
        this.entityManager = entityManager;
        this.settings = settings;
        this.clock = clock;
    }

    /** Empty when check-service has not seen this deploy (yet). */
    @Transactional
    public Optional<DeployRecheck> find(String applicationId, String deployId) {
        @SuppressWarnings("unchecked")
        List<Object> received = entityManager.createNativeQuery(
                        "select received_at from deploy where application_id = :application and deploy_id = :deploy")
                .setParameter("application", applicationId)
                .setParameter("deploy", deployId)
                .getResultList();
        if (received.isEmpty()) {
            return Optional.empty();
        }
        Instant receivedAt = instant(received.get(0));
        Duration deadline = settings.deployDeadline();
        boolean pastDeadline = clock.instant().isAfter(receivedAt.plus(deadline));
        // The newest check counted for the deploy: a retry that reached an unreachable server replaces its failure.
        @SuppressWarnings("unchecked")
        List<Object[]> rows = entityManager.createNativeQuery("""
                        select t.server_id, t.probe_kind, s.id is not null, c.id, c.outcome, c.reason, c.checked_at, c.check_trigger
                        from deploy_target t
                        left join server s on s.id = t.server_id
                        left join lateral (
                            select id, outcome, reason, checked_at, check_trigger from server_check
                            where deploy_id = t.deploy_id and server_id = t.server_id
                            order by checked_at desc limit 1) c on true
                        where t.application_id = :application and t.deploy_id = :deploy
                        order by t.server_id""")
                .setParameter("application", applicationId)
                .setParameter("deploy", deployId)
                .getResultList();
        List<ServerRecheck> servers = rows.stream().map(row -> server(row, pastDeadline, deadline)).toList();
        return Optional.of(new DeployRecheck(applicationId, deployId, receivedAt, receivedAt.plus(deadline), servers));
    }

    private static ServerRecheck server(Object[] row, boolean pastDeadline, Duration deadline) {
        String serverId = (String) row[0];
        ProbeKind kind = ProbeKind.valueOf((String) row[1]);
        boolean exists = (Boolean) row[2];
        if (row[3] != null) {
            CheckOutcome outcome = CheckOutcome.valueOf((String) row[4]);
            String reason = (String) row[5];
            Instant checkedAt = instant(row[6]);
            if (outcome == CheckOutcome.UNREACHABLE) {
                return new ServerRecheck(serverId, kind, RecheckState.NOT_RECHECKED, outcome, checkedAt, row[3].toString(),
                        "unreachable" + (reason == null ? "" : ": " + reason));
            }
            return new ServerRecheck(serverId, kind, RecheckState.RECHECKED, outcome, checkedAt, row[3].toString(), null);
        }
        if (!exists) {
            return new ServerRecheck(serverId, kind, RecheckState.NOT_RECHECKED, null, null, null,
                    "removed from the inventory before it was rechecked");
        }
        if (!pastDeadline) {
            return new ServerRecheck(serverId, kind, RecheckState.PENDING, null, null, null, null);
        }
        String seconds = deadline.toSeconds() + " s";
        return new ServerRecheck(serverId, kind, RecheckState.NOT_RECHECKED, null, null, null, kind == ProbeKind.AGENT
                ? "agent has not reported within " + seconds + " of the deploy"
                : "not rechecked within " + seconds + " of the deploy");
    }

    private static Instant instant(Object value) {
        if (value instanceof Instant instant) {
            return instant;
        }
        if (value instanceof OffsetDateTime offset) {
            return offset.toInstant();
        }
        return ((Timestamp) value).toInstant();
    }

    /** Where one server's recheck stands. */
    public enum RecheckState {
        RECHECKED, PENDING, NOT_RECHECKED
    }

    /**
     * @param checkId the check counted for the deploy (for NOT_RECHECKED: the unreachable one, if any)
     * @param why     why it was not rechecked; null otherwise
     */
    public record ServerRecheck(String serverId, ProbeKind kind, RecheckState state, CheckOutcome outcome,
                                Instant checkedAt, String checkId, String why) {
    }

    /** A deploy's recheck: received when check-service consumed it; servers not rechecked by the deadline are named. */
    public record DeployRecheck(String applicationId, String deployId, Instant receivedAt, Instant deadline,
                                List<ServerRecheck> servers) {

        /** No server is pending any more: the pipeline can stop polling. */
        public boolean complete() {
            return servers.stream().noneMatch(s -> s.state() == RecheckState.PENDING);
        }
    }
}
