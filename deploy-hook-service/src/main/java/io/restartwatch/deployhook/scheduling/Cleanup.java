package io.restartwatch.deployhook.scheduling;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.scheduler.Scheduled;
import io.restartwatch.deployhook.domain.Deploys;
import io.restartwatch.deployhook.domain.Pipelines;
import org.jboss.logging.Logger;

/**
 * Keeps the replay tables small: HMAC signatures past the timestamp tolerance and webhook deliveries past
 * their retention can no longer be replayed, so they are deleted. Safe on several instances at once.
 */
@ApplicationScoped
public class Cleanup {

    private static final Logger LOG = Logger.getLogger(Cleanup.class);

    private final Pipelines pipelines;
    private final Deploys deploys;

    public Cleanup(Pipelines pipelines, Deploys deploys) {
        this.pipelines = pipelines;
        this.deploys = deploys;
    }

    @Scheduled(identity = "replay-cleanup", every = "${restartwatch.deploy-hook.cleanup-interval}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void forgetExpired() {
        int signatures = pipelines.forgetOldSignatures();
        int deliveries = deploys.forgetOldDeliveries();
        if (signatures + deliveries > 0) {
            LOG.debugf("Forgot %d signatures and %d webhook deliveries", signatures, deliveries);
        }
    }
}
