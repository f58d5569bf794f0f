package io.restartwatch.check.domain;

import java.time.Clock;
import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import io.restartwatch.check.scheduling.CheckDispatcher;
import io.restartwatch.contracts.CheckTrigger;
import io.restartwatch.contracts.DeployCompleted;
import io.restartwatch.support.messaging.ProcessedEvents;
import io.restartwatch.support.tx.AfterCommit;

/**
 * Immediate rechecks: a completed deploy or an operator makes servers due now, and the dispatcher is woken
 * as soon as that is committed.
 */
@ApplicationScoped
public class Rechecks {

    private static final String DEPLOY_CONSUMER = "deploy-rechecks";

    private final EntityManager entityManager;
    private final ProcessedEvents processed;
    private final AfterCommit afterCommit;
    private final CheckDispatcher dispatcher;
    private final Clock clock;

    public Rechecks(EntityManager entityManager, ProcessedEvents processed, AfterCommit afterCommit,
                    CheckDispatcher dispatcher, Clock clock) {
        this.entityManager = entityManager;
        this.processed = processed;
        this.afterCommit = afterCommit;
        this.dispatcher = dispatcher;
        this.clock = clock;
    }

    /**
     * Rechecks the deployed servers: the listed ones, or every server of the application (and environment,
     * when given). A deploy id seen before triggers nothing, however often it is delivered.
     *
     * @return how many servers were made due
     */
    @Transactional
    public int onDeployCompleted(DeployCompleted deploy) {
        if (!processed.firstDelivery(DEPLOY_CONSUMER, deploy.applicationId() + "/" + deploy.deployId())) {
            return 0;
        }
        String filter = "application_id = :application"
                + (deploy.environment() == null || deploy.environment().isBlank() ? "" : " and environment = :environment")
                + (deploy.serverIds().isEmpty() ? "" : " and id in (:ids)");
        var update = entityManager.createNativeQuery(
                "update server set next_check_at = :now, next_trigger = :trigger, recheck_requested_at = :now "
                        + "where probe_kind <> 'AGENT' and " + filter)
                .setParameter("now", clock.instant())
                .setParameter("trigger", CheckTrigger.DEPLOY.name())
                .setParameter("application", deploy.applicationId());
        if (filter.contains(":environment")) {
            update.setParameter("environment", deploy.environment());
        }
        if (filter.contains(":ids")) {
            update.setParameter("ids", deploy.serverIds());
        }
        int due = update.executeUpdate();
        afterCommit.once("check-dispatcher", dispatcher::wakeUp);
        return due;
    }

    /** An operator's "recheck now". */
    @Transactional
    public void requestManual(String serverId) {
        Instant now = clock.instant();
        entityManager.createNativeQuery(
                "update server set next_check_at = :now, next_trigger = 'MANUAL', recheck_requested_at = :now where id = :id")
                .setParameter("now", now)
                .setParameter("id", serverId)
                .executeUpdate();
        afterCommit.once("check-dispatcher", dispatcher::wakeUp);
    }
}
