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

/** A completed deploy makes that application's servers due for an immediate recheck (trigger DEPLOY). */
@ApplicationScoped
public class DeployEventsConsumer {

    public static final String CHANNEL = "deploys";
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
        int due = processor.process("deploy " + deploy.deployId(), () -> rechecks.onDeployCompleted(deploy));
        LOG.debugf("Deploy %s of %s: %d servers due for recheck", deploy.deployId(), deploy.applicationId(), due);
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }
}
