package io.restartwatch.support.outbox;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Not ready while the outbox relay cannot publish (Kafka or the database unreachable): events still pile up
 * safely in the outbox, but the service is not doing its job, and an orchestrator should know.
 */
@Readiness
@ApplicationScoped
public class OutboxHealthCheck implements HealthCheck {

    private final OutboxRelay relay;

    public OutboxHealthCheck(OutboxRelay relay) {
        this.relay = relay;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("outbox-relay")
                .status(!relay.isFailing())
                .withData("published", relay.publishedCount())
                .build();
    }
}
