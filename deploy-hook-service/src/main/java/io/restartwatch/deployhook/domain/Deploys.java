package io.restartwatch.deployhook.domain;

import java.time.Clock;
import java.time.Instant;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.core.Response;

import io.restartwatch.contracts.DeployCompleted;
import io.restartwatch.contracts.EventTypes;
import io.restartwatch.contracts.Topics;
import io.restartwatch.deployhook.persistence.DeployEntity;
import io.restartwatch.deployhook.persistence.PipelineEntity;
import io.restartwatch.support.outbox.Outbox;
import io.restartwatch.support.rest.ProblemException;

/** Records deploys once per (application, deploy id) and publishes the completed ones. */
@ApplicationScoped
public class Deploys {

    private final Outbox outbox;
    private final Clock clock;

    public Deploys(Outbox outbox, Clock clock) {
        this.outbox = outbox;
        this.clock = clock;
    }

    /**
     * @return the outcome: {@code repeated} is true when this deploy id was already received (nothing is published again)
     */
    @Transactional
    public Received receive(PipelineEntity pipeline, Deploy deploy) {
        if (!pipeline.mayDeploy(deploy.applicationId())) {
            throw new ProblemException(Response.Status.FORBIDDEN,
                    "Pipeline '" + pipeline.id + "' may not report deploys of application '" + deploy.applicationId() + "'");
        }
        DeployEntity existing = DeployEntity.find(deploy.applicationId(), deploy.deployId());
        if (existing != null) {
            return new Received(existing.eventId, existing.status, true);
        }
        Instant now = clock.instant();
        DeployEntity entity = new DeployEntity();
        entity.applicationId = deploy.applicationId();
        entity.deployId = deploy.deployId();
        entity.environment = deploy.environment();
        entity.status = deploy.status();
        entity.pipelineId = pipeline.id;
        entity.source = deploy.source();
        entity.receivedAt = now;
        if (Deploy.COMPLETED.equals(deploy.status())) {
            entity.eventId = outbox.enqueue(Topics.DEPLOYS, deploy.applicationId(), EventTypes.DEPLOY_COMPLETED,
                    deploy.applicationId(), new DeployCompleted(DeployCompleted.SCHEMA_VERSION, deploy.deployId(),
                            deploy.applicationId(), deploy.environment(), deploy.serverIds(),
                            deploy.finishedAt() != null ? deploy.finishedAt() : now, deploy.source(), deploy.commit(), deploy.url()));
        }
        entity.persist();
        return new Received(entity.eventId, entity.status, false);
    }

    /** A deploy from any hook, normalised. {@code status} is completed, failed or started. */
    public record Deploy(String applicationId, String environment, String deployId, String status, List<String> serverIds,
                         Instant finishedAt, String commit, String url, String source) {
        public static final String COMPLETED = "completed";
    }

    /** What the hook answers. */
    public record Received(String eventId, String status, boolean repeated) {
    }
}
