package io.restartwatch.check.domain;

import java.time.Clock;
import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.Query;
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
     * when given). Pull-probed servers become due now; agent servers are marked "report due" for their agent
     * to find ({@code GET /api/agent/due}). The deploy and its servers are kept for the deploy's recheck view.
     * A deploy id seen before triggers nothing, however often it is delivered.
     *
     * @return how many servers the deploy rechecks
     */
    @Transactional
    public int onDeployCompleted(DeployCompleted deploy) {
        if (!processed.firstDelivery(DEPLOY_CONSUMER, deploy.applicationId() + "/" + deploy.deployId())) {
            return 0;
        }
        Instant now = clock.instant();
        boolean byEnvironment = deploy.environment() != null && !deploy.environment().isBlank();
        String filter = "application_id = :application"
                + (byEnvironment ? " and environment = :environment" : "")
                + (deploy.serverIds().isEmpty() ? "" : " and id in (:ids)");
        entityManager.createNativeQuery(
                        "insert into deploy (application_id, deploy_id, environment, received_at) values (:application, :deploy, :environment, :now)")
                .setParameter("application", deploy.applicationId())
                .setParameter("deploy", deploy.deployId())
                .setParameter("environment", byEnvironment ? deploy.environment() : null)
                .setParameter("now", now)
                .executeUpdate();
        bind(entityManager.createNativeQuery(
                "insert into deploy_target (application_id, deploy_id, server_id, probe_kind) "
                        + "select :application, :deploy, id, probe_kind from server where " + filter), deploy, byEnvironment)
                .executeUpdate();
        var update = bind(entityManager.createNativeQuery("""
                update server set deploy_recheck_id = :deploy, deploy_recheck_at = :now,
                    next_check_at = case when probe_kind = 'AGENT' then next_check_at else :now end,
                    next_trigger = case when probe_kind = 'AGENT' then next_trigger else :trigger end,
                    recheck_requested_at = case when probe_kind = 'AGENT' then recheck_requested_at else :now end
                where\s""" + filter), deploy, byEnvironment)
                .setParameter("now", now)
                .setParameter("trigger", CheckTrigger.DEPLOY.name());
        int due = update.executeUpdate();
        afterCommit.once("check-dispatcher", dispatcher::wakeUp);
        return due;
    }

    private static Query bind(Query query, DeployCompleted deploy, boolean byEnvironment) {
        query.setParameter("application", deploy.applicationId()).setParameter("deploy", deploy.deployId());
        if (byEnvironment) {
            query.setParameter("environment", deploy.environment());
        }
        if (!deploy.serverIds().isEmpty()) {
            query.setParameter("ids", deploy.serverIds());
        }
        return query;
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
