package io.restartwatch.check.persistence;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.Query;
import jakarta.transaction.Transactional;

import io.restartwatch.check.domain.ProbeKind;
import io.restartwatch.contracts.CheckOutcome;
import io.restartwatch.support.sql.SetStatement;

/**
 * The freshness columns of {@code server}, read and written only here, always under the row's lock: the freshness
 * job claims silent servers with {@code FOR NO KEY UPDATE SKIP LOCKED} (any number of instances, none marks a server
 * another is marking, and a server whose check is being recorded is skipped), and a check's recording locks its
 * server first, so a transition is decided on the row's current state and happens exactly once.
 */
@ApplicationScoped
public class FreshnessRows {

    private final EntityManager entityManager;

    public FreshnessRows(EntityManager entityManager) {
        this.entityManager = entityManager;
    }

    /** Locks the server's row for the caller's transaction; empty if it was removed. */
    @Transactional(Transactional.TxType.MANDATORY)
    public Optional<Current> lock(String serverId) {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = entityManager.createNativeQuery(
                        "select unverified_since, freshness_sequence from server where id = :id for no key update")
                .setParameter("id", serverId)
                .getResultList();
        return rows.stream().findFirst().map(row -> new Current(instant(row[0]), ((Number) row[1]).longValue()));
    }

    /**
     * Successful checks of a set of servers, in one statement (each server once: its latest successful check): each is
     * verified (again), its sequence moving on if it was unverified; the rows are locked, read and written at once.
     *
     * @return per server found: whether it was unverified, and its sequence now; servers removed meanwhile are absent
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public Map<String, Verified> verifiedAll(Collection<Attempt> attempts) {
        Map<String, Verified> verified = new HashMap<>();
        if (attempts.isEmpty()) {
            return verified;
        }
        SetStatement.over(attempts, """
                        update server s set last_verified_at = v.at, last_attempt_at = v.at, last_attempt_outcome = v.outcome,
                            last_attempt_reason = null, last_attempt_detail = null,
                            unverified_since = null, unverified_reason = null, unverified_detail = null,
                            freshness_sequence = s.freshness_sequence + case when before.unverified_since is null then 0 else 1 end
                        from (select id, unverified_since from server where id = any(?::varchar[]) order by id for no key update) before
                        join (select u.id, cast(u.at_text as timestamptz) as at, u.outcome
                              from unnest(?::varchar[], ?::text[], ?::varchar[]) as u(id, at_text, outcome)) v on v.id = before.id
                        where s.id = before.id
                        returning s.id, before.unverified_since is not null, s.freshness_sequence""")
                .column("varchar", Attempt::serverId)
                .column("varchar", Attempt::serverId)
                .column("text", Attempt::at)
                .column("varchar", Attempt::outcome)
                .returning(entityManager, row -> Map.entry(row.getString(1), new Verified(row.getBoolean(2), row.getLong(3))))
                .forEach(changed -> verified.put(changed.getKey(), changed.getValue()));
        return verified;
    }

    /**
     * Failed checks of a set of servers, in one statement (each server once: its latest attempt): remembered as the last
     * attempt (its reason becomes the reason if the server goes unverified).
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void failedAll(Collection<Attempt> attempts) {
        SetStatement.over(attempts, """
                        update server s set last_attempt_at = cast(v.at_text as timestamptz), last_attempt_outcome = v.outcome,
                            last_attempt_reason = v.reason, last_attempt_detail = v.detail
                        from unnest(?::varchar[], ?::text[], ?::varchar[], ?::varchar[], ?::varchar[])
                             as v(id, at_text, outcome, reason, detail)
                        where s.id = v.id""")
                .column("varchar", Attempt::serverId)
                .column("text", Attempt::at)
                .column("varchar", Attempt::outcome)
                .column("varchar", Attempt::reason)
                .column("varchar", Attempt::detail)
                .execute(entityManager);
    }

    /**
     * Claims up to {@code limit} verified servers silent since before their threshold (last successful check, or
     * registration if none), oldest silence first, locking them for the caller's transaction; rows another
     * transaction holds are skipped (they are being checked or marked).
     *
     * @param thresholds      per application: silent since before this instant means unverified
     * @param otherThreshold  the same for every other application
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public List<Silent> claimSilent(Map<String, Instant> thresholds, Instant otherThreshold, int limit) {
        StringBuilder threshold = new StringBuilder();
        Instant latest = otherThreshold;
        if (thresholds.isEmpty()) {
            threshold.append("cast(:other as timestamptz)");
        } else {
            threshold.append("case application_id");
            for (int i = 0; i < thresholds.size(); i++) {
                threshold.append(" when :a").append(i).append(" then cast(:t").append(i).append(" as timestamptz)");
            }
            threshold.append(" else cast(:other as timestamptz) end");
        }
        for (Instant at : thresholds.values()) {
            latest = at.isAfter(latest) ? at : latest;
        }
        // The first bound only lets PostgreSQL read the old end of server_silent_since; the second is the real one.
        Query query = entityManager.createNativeQuery("""
                        select id, hostname, application_id, environment, probe_kind, created_at, last_verified_at,
                               last_attempt_at, last_attempt_outcome, last_attempt_reason, last_attempt_detail, freshness_sequence
                        from server
                        where unverified_since is null
                          and coalesce(last_verified_at, created_at) < cast(:latest as timestamptz)
                          and coalesce(last_verified_at, created_at) < %s
                        order by coalesce(last_verified_at, created_at)
                        limit :limit
                        for no key update skip locked""".formatted(threshold))
                .setParameter("latest", latest)
                .setParameter("other", otherThreshold)
                .setParameter("limit", limit);
        int i = 0;
        for (var entry : thresholds.entrySet()) {
            query.setParameter("a" + i, entry.getKey()).setParameter("t" + i, entry.getValue());
            i++;
        }
        @SuppressWarnings("unchecked")
        List<Object[]> rows = query.getResultList();
        List<Silent> silent = new ArrayList<>(rows.size());
        for (Object[] row : rows) {
            silent.add(new Silent((String) row[0], (String) row[1], (String) row[2], (String) row[3],
                    ProbeKind.valueOf((String) row[4]), instant(row[5]), instant(row[6]), instant(row[7]),
                    row[8] == null ? null : CheckOutcome.valueOf((String) row[8]), (String) row[9], (String) row[10],
                    ((Number) row[11]).longValue()));
        }
        return silent;
    }

    /** Marks a claimed server unverified. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void unverified(String serverId, Instant since, String reason, String detail, long sequence) {
        entityManager.createNativeQuery("""
                        update server set unverified_since = :since, unverified_reason = :reason, unverified_detail = :detail,
                            freshness_sequence = :sequence
                        where id = :id""")
                .setParameter("since", since)
                .setParameter("reason", reason)
                .setParameter("detail", detail)
                .setParameter("sequence", sequence)
                .setParameter("id", serverId)
                .executeUpdate();
    }

    /** Servers currently unverified: an index-only count of the (few) unverified rows. */
    @Transactional
    public long countUnverified() {
        return ((Number) entityManager.createNativeQuery("select count(*) from server where unverified_since is not null")
                .getSingleResult()).longValue();
    }

    private static Instant instant(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof Instant instant) {
            return instant;
        }
        if (value instanceof Timestamp timestamp) {
            return timestamp.toInstant();
        }
        if (value instanceof OffsetDateTime offset) {
            return offset.toInstant();
        }
        if (value instanceof ZonedDateTime zoned) {
            return zoned.toInstant();
        }
        throw new IllegalStateException("Unexpected timestamp type " + value.getClass());
    }

    /** What a successful check changed: whether the server was unverified, and its sequence after the check. */
    public record Verified(boolean wasUnverified, long sequence) {
    }

    /** One server's check for the set writes: when, with which outcome, and for a failure its reason and detail. */
    public record Attempt(String serverId, Instant at, CheckOutcome outcome, String reason, String detail) {
    }

    /** The locked row's freshness as it is now. */
    public record Current(Instant unverifiedSince, long sequence) {
    }

    /** A verified server whose silence passed its max-silence, claimed to be marked unverified. */
    public record Silent(String serverId, String hostname, String applicationId, String environment, ProbeKind probeKind,
                         Instant createdAt, Instant lastVerifiedAt, Instant lastAttemptAt, CheckOutcome lastAttemptOutcome,
                         String lastAttemptReason, String lastAttemptDetail, long sequence) {
    }
}
