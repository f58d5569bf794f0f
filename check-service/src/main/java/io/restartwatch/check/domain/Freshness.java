package io.restartwatch.check.domain;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import io.restartwatch.check.config.CheckSettings;
import io.restartwatch.check.persistence.FreshnessRows;
import io.restartwatch.check.persistence.FreshnessRows.Current;
import io.restartwatch.check.persistence.FreshnessRows.Silent;
import io.restartwatch.check.persistence.ServerEntity;
import io.restartwatch.contracts.CheckOutcome;
import io.restartwatch.contracts.EventTypes;
import io.restartwatch.contracts.ServerFreshness;
import io.restartwatch.contracts.Topics;
import io.restartwatch.support.outbox.Outbox;
import io.restartwatch.support.outbox.OutboxMessage;

/**
 * Whether Restart Watch can vouch for a server's restart state. A server with no successful check (outcome
 * {@code REBOOT_REQUIRED} or {@code UP_TO_DATE}, pulled or reported) for its max-silence becomes unverified, found
 * by time ({@link #markSilent}, the freshness job) with no check arriving; its next successful check verifies it
 * again ({@link #checkedAll}, in the check's transaction). Each transition is one {@code ServerFreshness} event on
 * {@link Topics#FRESHNESS}, written to the outbox in the transaction that makes it.
 */
@ApplicationScoped
public class Freshness {

    /** The agent server has no report within its max-silence. */
    public static final String AGENT_SILENT = "AGENT_SILENT";
    /** A pull-probed server that no check ever reached. */
    public static final String NEVER_CHECKED = "NEVER_CHECKED";
    /** A pull-probed server whose checks stopped running (its last one succeeded): check-service itself is stuck. */
    public static final String CHECK_OVERDUE = "CHECK_OVERDUE";
    /** The reason of the {@code server.verified} that ends an unverified server's silence when it leaves the inventory. */
    public static final String REMOVED = "REMOVED";

    private static final int MAX_DETAIL = 500;

    private final FreshnessRows rows;
    private final Outbox outbox;
    private final CheckSettings settings;
    private final Clock clock;

    public Freshness(FreshnessRows rows, Outbox outbox, CheckSettings settings, Clock clock) {
        this.rows = rows;
        this.outbox = outbox;
        this.settings = settings;
        this.clock = clock;
    }

    /**
     * A group's checks were recorded (same transaction), in the order they were made: each attempt is remembered, a
     * successful one verifies its server, with one or two set-based statements for the whole group. Each server ends
     * as if its checks had been applied one after the other (verified by its latest success, its last attempt the
     * latest check).
     *
     * @return the {@code server.verified} event of each server the group verified again, by server id, to be written
     *         with the group's other outbox rows
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public Map<String, OutboxMessage> checkedAll(List<Checked> checks) {
        Map<String, FreshnessRows.Attempt> latestSuccess = new LinkedHashMap<>();
        Map<String, FreshnessRows.Attempt> failureSinceSuccess = new LinkedHashMap<>();
        Map<String, ServerEntity> servers = new HashMap<>();
        for (Checked check : checks) {
            String id = check.server().id;
            servers.put(id, check.server());
            FreshnessRows.Attempt attempt = new FreshnessRows.Attempt(id, check.at(), check.outcome(), check.reason(),
                    truncate(check.detail()));
            if (check.outcome() == CheckOutcome.UNREACHABLE) {
                failureSinceSuccess.put(id, attempt);
            } else {
                latestSuccess.put(id, attempt);
                failureSinceSuccess.remove(id);
            }
        }
        Map<String, OutboxMessage> events = new HashMap<>();
        rows.verifiedAll(latestSuccess.values()).forEach((id, verified) -> {
            if (verified.wasUnverified()) {
                Instant at = latestSuccess.get(id).at();
                events.put(id, verifiedMessage(servers.get(id), verified.sequence(), null, null, at, at, at));
            }
        });
        rows.failedAll(failureSinceSuccess.values());
        return events;
    }

    /**
     * {@code server} leaves the inventory (same transaction): if it was unverified, its blind spot ends with a
     * {@code server.verified} whose reason is {@link #REMOVED}, so nothing downstream waits for a check that never comes.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void removed(ServerEntity server, Instant at) {
        Optional<Current> current = rows.lock(server.id);
        if (current.isEmpty() || current.get().unverifiedSince() == null) {
            return;
        }
        publishVerified(server, current.get().sequence() + 1, REMOVED, "Removed from the inventory: there is nothing left to vouch for",
                server.lastVerifiedAt, server.lastAttemptAt, at);
    }

    private void publishVerified(ServerEntity server, long sequence, String reason, String detail, Instant lastVerifiedAt,
                                 Instant lastAttemptAt, Instant at) {
        OutboxMessage message = verifiedMessage(server, sequence, reason, detail, lastVerifiedAt, lastAttemptAt, at);
        outbox.enqueue(message.topic(), message.key(), message.type(), message.subject(), message.data());
    }

    private OutboxMessage verifiedMessage(ServerEntity server, long sequence, String reason, String detail,
                                          Instant lastVerifiedAt, Instant lastAttemptAt, Instant at) {
        return new OutboxMessage(Topics.FRESHNESS, server.id, EventTypes.SERVER_VERIFIED, server.id, new ServerFreshness(
                ServerFreshness.SCHEMA_VERSION, server.id, sequence, server.hostname, server.applicationId,
                server.environment, true, reason, detail, lastVerifiedAt, lastAttemptAt,
                settings.maxSilenceFor(server.applicationId), at));
    }

    /**
     * Marks up to {@code limit} verified servers silent past their max-silence unverified, one transition event each,
     * in one transaction. Servers another instance is marking, or whose check is being recorded, are skipped.
     *
     * @return how many were marked; fewer than {@code limit} means none is left
     */
    @Transactional
    public int markSilent(int limit) {
        Instant now = clock.instant();
        Map<String, Instant> thresholds = new HashMap<>();
        for (String applicationId : settings.applicationInterval().keySet()) {
            thresholds.put(applicationId, now.minus(settings.maxSilenceFor(applicationId)));
        }
        for (String applicationId : settings.applicationMaxSilence().keySet()) {
            thresholds.put(applicationId, now.minus(settings.maxSilenceFor(applicationId)));
        }
        List<Silent> silent = rows.claimSilent(thresholds, now.minus(settings.defaultMaxSilence()), limit);
        for (Silent server : silent) {
            Duration maxSilence = settings.maxSilenceFor(server.applicationId());
            Why why = why(server, maxSilence);
            long sequence = server.sequence() + 1;
            rows.unverified(server.serverId(), now, why.reason(), why.detail(), sequence);
            outbox.enqueue(Topics.FRESHNESS, server.serverId(), EventTypes.SERVER_UNVERIFIED, server.serverId(),
                    new ServerFreshness(ServerFreshness.SCHEMA_VERSION, server.serverId(), sequence, server.hostname(),
                            server.applicationId(), server.environment(), false, why.reason(), why.detail(),
                            server.lastVerifiedAt(), server.lastAttemptAt(), maxSilence, now));
        }
        return silent.size();
    }

    /** Why a silent server cannot be vouched for: the last check's failure first, as it names what to fix. */
    static Why why(Silent server, Duration maxSilence) {
        String silentSince = server.lastVerifiedAt() == null
                ? "No successful check since registration (" + server.createdAt() + ")"
                : "No successful check since " + server.lastVerifiedAt();
        silentSince += ", longer than the max-silence of " + maxSilence;
        if (server.lastAttemptOutcome() == CheckOutcome.UNREACHABLE && server.lastAttemptReason() != null) {
            String failure = server.lastAttemptDetail() == null ? server.lastAttemptReason() : server.lastAttemptDetail();
            return new Why(server.lastAttemptReason(),
                    truncate(silentSince + "; the last check (" + server.lastAttemptAt() + ") failed: " + failure));
        }
        if (server.probeKind() == ProbeKind.AGENT) {
            return new Why(AGENT_SILENT, truncate(silentSince + (server.lastAttemptAt() == null
                    ? "; the agent has never reported" : "; the agent's last report was at " + server.lastAttemptAt())));
        }
        if (server.lastAttemptAt() == null) {
            return new Why(NEVER_CHECKED, truncate(silentSince + "; no check has reached it yet"));
        }
        return new Why(CHECK_OVERDUE, truncate(silentSince + "; no check has run since " + server.lastAttemptAt()));
    }

    private static String truncate(String value) {
        return CheckRecorder.truncate(value, MAX_DETAIL);
    }

    record Why(String reason, String detail) {
    }

    /** One recorded check of a locked server, for {@link #checkedAll}. */
    public record Checked(ServerEntity server, CheckOutcome outcome, String reason, String detail, Instant at) {
    }
}
