package io.restartwatch.priority.messaging;

import java.time.Clock;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.transaction.Transactional;

import io.quarkus.runtime.StartupEvent;
import io.restartwatch.contracts.EventTypes;
import io.restartwatch.contracts.PolicyChanged;
import io.restartwatch.contracts.Topics;
import io.restartwatch.priority.domain.Policy;
import io.restartwatch.priority.persistence.ApplicationPolicyEntity;
import io.restartwatch.support.outbox.Outbox;
import org.jboss.logging.Logger;

/**
 * Puts each application's effective policy on the compacted {@code restartwatch.policies} (key = application id)
 * through the outbox, in the transaction that changes it, so pages elsewhere show the policy without calling us.
 */
@ApplicationScoped
public class PolicyPublisher {

    private static final Logger LOG = Logger.getLogger(PolicyPublisher.class);

    private final Outbox outbox;
    private final Clock clock;

    public PolicyPublisher(Outbox outbox, Clock clock) {
        this.outbox = outbox;
        this.clock = clock;
    }

    /**
     * @param effective the policy that now applies: the application's own, or the defaults when {@code removed}
     * @param removed   the application's own policy was deleted
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void publish(String applicationId, Policy effective, boolean removed) {
        outbox.enqueue(Topics.POLICIES, applicationId, EventTypes.POLICY_CHANGED, applicationId,
                new PolicyChanged(PolicyChanged.SCHEMA_VERSION, applicationId, removed, effective.staleAfter(),
                        effective.criticalAfter(), effective.multiplier(), effective.packageWeights(), clock.instant()));
    }

    /** Policies set before the topic existed are published once; a second instance doing it too is harmless (compacted). */
    void onStart(@Observes StartupEvent event) {
        int published = publishUnpublished();
        if (published > 0) {
            LOG.infof("Published %d application policies set before %s existed", published, Topics.POLICIES);
        }
    }

    @Transactional
    public int publishUnpublished() {
        List<ApplicationPolicyEntity> unpublished = ApplicationPolicyEntity.list("published = false");
        for (ApplicationPolicyEntity policy : unpublished) {
            publish(policy.applicationId, policy.toPolicy(), false);
            policy.published = true;
        }
        return unpublished.size();
    }
}
