package io.restartwatch.check.persistence;

import java.time.Instant;
import java.util.Collection;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import io.restartwatch.contracts.CheckTrigger;
import io.restartwatch.support.sql.SetStatement;

/**
 * The schedule columns of {@code server} after a set of checks, written as one statement per set (arrays unnested)
 * rather than one entity update per server. The caller holds the rows' locks.
 */
@ApplicationScoped
public class ServerSchedules {

    private final EntityManager entityManager;

    public ServerSchedules(EntityManager entityManager) {
        this.entityManager = entityManager;
    }

    /** Releases the servers' leases and sets when each is due next. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void released(List<Next> schedules) {
        SetStatement.over(schedules, """
                        update server s set lease_owner = null, lease_until = null,
                            next_check_at = cast(v.next_at as timestamptz), consecutive_failures = v.failures,
                            next_trigger = coalesce(v.next_trigger, s.next_trigger),
                            deploy_recheck_id = case when v.deploy_done then null else s.deploy_recheck_id end,
                            deploy_recheck_at = case when v.deploy_done then null else s.deploy_recheck_at end
                        from unnest(?::varchar[], ?::text[], ?::int[], ?::varchar[], ?::boolean[])
                             as v(id, next_at, failures, next_trigger, deploy_done)
                        where s.id = v.id""")
                .column("varchar", Next::serverId)
                .column("text", Next::nextCheckAt)
                .column("int", Next::consecutiveFailures)
                .column("varchar", Next::nextTrigger)
                .column("boolean", Next::deployDone)
                .execute(entityManager);
    }

    /** Clears the "report due" mark of agent servers whose report was their deploy's recheck. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void deployRechecksDone(Collection<String> serverIds) {
        SetStatement.overKeys(serverIds, """
                        update server set deploy_recheck_id = null, deploy_recheck_at = null where id = any(?::varchar[])""")
                .execute(entityManager);
    }

    /**
     * @param nextTrigger null keeps the server's
     * @param deployDone  the check counts for the deploy whose recheck was pending: the mark is cleared
     */
    public record Next(String serverId, Instant nextCheckAt, int consecutiveFailures, CheckTrigger nextTrigger,
                       boolean deployDone) {
    }
}
