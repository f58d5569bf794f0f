package io.restartwatch.check.persistence;

import java.time.Instant;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import io.restartwatch.check.domain.ProbeKind;
import io.restartwatch.contracts.CheckTrigger;

/**
 * Claims due servers for this instance with {@code FOR UPDATE SKIP LOCKED} and a lease: any number of
 * check-service instances share the fleet, none checks a server another holds, and a server whose holder
 * died is taken over when its lease expires.
 */
@ApplicationScoped
public class ServerClaims {

    private final EntityManager entityManager;

    public ServerClaims(EntityManager entityManager) {
        this.entityManager = entityManager;
    }

    @Transactional
    public List<Claim> claimDue(int limit, String owner, Instant now, Instant leaseUntil) {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = entityManager.createNativeQuery("""
                        with due as (
                            select id from server
                            where probe_kind <> 'AGENT' and next_check_at <= :now
                              and (lease_until is null or lease_until < :now)
                            order by next_check_at
                            limit :limit
                            for update skip locked)
                        update server s set lease_owner = :owner, lease_until = :leaseUntil
                        from due where s.id = due.id
                        returning s.id, s.next_trigger, s.probe_kind, s.host, s.ssh_port, s.ssh_user, s.deploy_recheck_id""")
                .setParameter("now", now)
                .setParameter("limit", limit)
                .setParameter("owner", owner)
                .setParameter("leaseUntil", leaseUntil)
                .getResultList();
        return rows.stream().map(row -> new Claim((String) row[0], CheckTrigger.valueOf((String) row[1]),
                ProbeKind.valueOf((String) row[2]), (String) row[3], row[4] == null ? 22 : ((Number) row[4]).intValue(),
                (String) row[5], (String) row[6], owner, now)).toList();
    }

    /**
     * A server leased to this instance for one check.
     *
     * @param deployId the deploy whose recheck was pending when it was claimed: the check counts for it
     */
    public record Claim(String serverId, CheckTrigger trigger, ProbeKind probeKind, String host, int sshPort,
                        String sshUser, String deployId, String owner, Instant claimedAt) {
    }
}
