package io.restartwatch.plan;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import io.restartwatch.contracts.Exposure;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.restartwatch.contracts.PriorityLevel;
import org.awaitility.Awaitility;

/**
 * The fleet read model as plan-service's consumers would leave it: {@code plan_server} rows written with SQL, so
 * a test of planning does not depend on the other topics.
 */
@ApplicationScoped
public class Fleet {

    private final EntityManager entityManager;

    public Fleet(EntityManager entityManager) {
        this.entityManager = entityManager;
    }

    public static String uniqueId(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Transactional
    public void pending(String serverId, String applicationId, String environment, Exposure exposure, PriorityLevel level,
                        int score, Instant requiredSince) {
        entityManager.createNativeQuery("""
                        insert into plan_server (server_id, hostname, application_id, environment, labels, probe_kind, pending,
                                                 level, score, exposure, required_since, boot_id, reboot_required, updated_at)
                        values (:id, :hostname, :application, :environment, cast('{"tier":"web"}' as jsonb), 'agent', true,
                                :level, :score, :exposure, :since, 'boot-1', true, now())""")
                .setParameter("id", serverId)
                .setParameter("hostname", serverId + ".example")
                .setParameter("application", applicationId)
                .setParameter("environment", environment)
                .setParameter("level", level.name())
                .setParameter("score", score)
                .setParameter("exposure", exposure.name())
                .setParameter("since", requiredSince)
                .executeUpdate();
    }

    /** Waits until the runner has released every restart of {@code wave} (none left PLANNED); returns how many it has. */
    public int awaitReleased(String planId, int wave) {
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> countIn(planId, wave, "PLANNED") == 0 && countIn(planId, wave, null) > 0);
        return (int) countIn(planId, wave, null);
    }

    /** In a transaction of its own: Awaitility polls on another thread, outside the caller's. */
    private long countIn(String planId, int wave, String status) {
        return QuarkusTransaction.requiringNew().call(() -> ((Number) entityManager.createNativeQuery("""
                        select count(*) from planned_restart
                        where plan_id = :plan and wave = :wave and (cast(:status as varchar) is null or status = :status)""")
                .setParameter("plan", planId).setParameter("wave", wave).setParameter("status", status)
                .getSingleResult()).longValue());
    }

    /** What the runner does when a check proves a restart. */
    @Transactional
    public int verify(String serverId) {
        return entityManager.createNativeQuery("""
                        update planned_restart set status = 'VERIFIED', finished_at = now()
                        where server_id = :server and status in ('SCHEDULED', 'STARTED')""")
                .setParameter("server", serverId).executeUpdate();
    }

    @Transactional
    public long plans() {
        return ((Number) entityManager.createNativeQuery("select count(*) from restart_plan").getSingleResult()).longValue();
    }
}
