package io.restartwatch.check.messaging;

import jakarta.enterprise.context.ApplicationScoped;

import io.restartwatch.check.domain.Rechecks;
import io.restartwatch.contracts.DeployCompleted;
import io.restartwatch.contracts.EventTypes;
import io.restartwatch.support.messaging.IncomingCloudEvent;
import io.restartwatch.support.messaging.PoisonEventException;
import io.restartwatch.support.messaging.RetryingProcessor;
import io.smallrye.common.annotation.Blocking;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * A completed deploy makes that application's servers due for an immediate recheck (trigger DEPLOY), agent
 * servers included (their report becomes due).
 */
@ApplicationScoped
public class DeployEventsConsumer {

    public static final String CHANNEL = "deploys";
    private static final int MAX_DEPLOY_ID = 200;
    private static final int MAX_APPLICATION_ID = 63;
    private static final Logger LOG = Logger.getLogger(DeployEventsConsumer.class);

    private final Rechecks rechecks;
    private final RetryingProcessor processor;

    public DeployEventsConsumer(Rechecks rechecks, RetryingProcessor processor) {
        this.rechecks = rechecks;
        this.processor = processor;
    }

    @Incoming(CHANNEL)
    @Blocking
    public void onDeploy(ConsumerRecord<String, String> record) {
        var event = IncomingCloudEvent.parse(record, DeployCompleted.class);
        if (!EventTypes.DEPLOY_COMPLETED.equals(event.type())) {
            throw new PoisonEventException("Unexpected event type " + event.type() + " on the deploys topic");
        }
        DeployCompleted deploy = event.data();
        if (blank(deploy.deployId()) || blank(deploy.applicationId())) {
            throw new PoisonEventException("deploy.completed " + event.id() + " lacks deployId or applicationId");
        }
        if (deploy.deployId().length() > MAX_DEPLOY_ID || deploy.applicationId().length() > MAX_APPLICATION_ID) {
            // Kept in columns of that size (the deploy hooks enforce the same limits): retrying cannot help.
            throw new PoisonEventException("deploy.completed " + event.id() + " has a deployId or applicationId too long to keep");
        }
        int due = processor.process("deploy " + deploy.deployId(), () -> rechecks.onDeployCompleted(deploy));
        LOG.debugf("Deploy %s of %s: %d servers due for recheck", deploy.deployId(), deploy.applicationId(), due);
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }
}
