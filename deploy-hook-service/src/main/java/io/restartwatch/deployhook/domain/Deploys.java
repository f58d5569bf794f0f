package io.restartwatch.deployhook.domain;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.core.Response;

import io.restartwatch.contracts.DeployCompleted;
import io.restartwatch.contracts.EventTypes;
import io.restartwatch.contracts.Topics;
import io.restartwatch.deployhook.config.DeployHookSettings;
import io.restartwatch.deployhook.persistence.DeployEntity;
import io.restartwatch.deployhook.persistence.PipelineEntity;
import io.restartwatch.deployhook.persistence.WebhookDeliveryEntity;
import io.restartwatch.support.outbox.Outbox;
import io.restartwatch.support.rest.ProblemException;

/**
 * Records deploys once per (source, credential, application, deploy id) and publishes {@code deploy.completed} the first time a
 * deploy is reported completed, whether it was reported started or failed before or not.
 */
@ApplicationScoped
public class Deploys {

    private final Outbox outbox;
    private final Clock clock;
    private final DeployHookSettings settings;
    private final EntityManager entityManager;

    public Deploys(Outbox outbox, Clock clock, DeployHookSettings settings, EntityManager entityManager) {
        this.outbox = outbox;
        this.clock = clock;
        this.settings = settings;
        this.entityManager = entityManager;
    }

    /** A deploy from the native hook: the pipeline must be allowed to report this application. */
    @Transactional
    public Received receive(PipelineEntity pipeline, Deploy deploy) {
        if (!pipeline.mayDeploy(deploy.applicationId())) {
            throw new ProblemException(Response.Status.FORBIDDEN,
                    "Pipeline '" + pipeline.id + "' may not report deploys of application '" + deploy.applicationId() + "'");
        }
        return record(pipeline.id, deploy);
    }

    /**
     * A deploy from a GitHub / GitLab webhook, already authenticated and mapped to its application.
     *
     * @param credential the repository (GitHub) or project (GitLab) whose secret authenticated it
     * @param deliveryId the source's delivery id, or null when it sent none; a known one is a redelivery
     */
    @Transactional
    public Received receiveWebhook(String credential, String deliveryId, Deploy deploy) {
        if (deliveryId != null) {
            WebhookDeliveryEntity delivery = WebhookDeliveryEntity.find(deploy.source(), credential, deliveryId);
            if (delivery != null) {
                DeployEntity original = DeployEntity.find(deploy.source(), credential, delivery.applicationId, delivery.deployId);
                return received(original, true);
            }
        }
        Received received = record(credential, deploy);
        if (deliveryId != null) {
            WebhookDeliveryEntity delivery = new WebhookDeliveryEntity();
            delivery.source = deploy.source();
            delivery.credentialId = credential;
            delivery.deliveryId = deliveryId;
            delivery.applicationId = deploy.applicationId();
            delivery.deployId = deploy.deployId();
            delivery.receivedAt = clock.instant();
            delivery.persist();
        }
        return received;
    }

    /** Forgets deliveries older than the retention: the sources do not redeliver that late. */
    @Transactional
    public int forgetOldDeliveries() {
        return entityManager.createQuery("delete from WebhookDeliveryEntity where receivedAt < :cutoff")
                .setParameter("cutoff", clock.instant().minus(settings.deliveryRetention()))
                .executeUpdate();
    }

    /**
     * A repeat (same status again, or anything after completed) changes nothing and answers the original event
     * id; a new status is recorded, and publishes when it is the first completed.
     */
    private Received record(String credential, Deploy deploy) {
        Instant now = clock.instant();
        DeployEntity entity = DeployEntity.find(deploy.source(), credential, deploy.applicationId(), deploy.deployId());
        if (entity != null && (entity.eventId != null || entity.status.equals(deploy.status()))) {
            return received(entity, true);
        }
        if (entity == null) {
            entity = new DeployEntity();
            entity.source = deploy.source();
            entity.credentialId = credential;
            entity.applicationId = deploy.applicationId();
            entity.deployId = deploy.deployId();
        }
        entity.environment = deploy.environment();
        entity.status = deploy.status();
        entity.receivedAt = now;
        if (Deploy.COMPLETED.equals(deploy.status())) {
            entity.eventId = outbox.enqueue(Topics.DEPLOYS, deploy.applicationId(), EventTypes.DEPLOY_COMPLETED,
                    deploy.applicationId(), new DeployCompleted(DeployCompleted.SCHEMA_VERSION, deploy.deployId(),
                            deploy.applicationId(), deploy.environment(), deploy.serverIds(),
                            deploy.finishedAt() != null ? deploy.finishedAt() : now, deploy.source(), deploy.commit(), deploy.url()));
        }
        entity.persist();
        return received(entity, false);
    }

    private Received received(DeployEntity deploy, boolean repeated) {
        String rechecks = deploy.eventId == null ? null : settings.checkServiceUrl().map(url -> url.replaceAll("/+$", "")).orElse("")
                + "/api/deploys/" + pathSegment(deploy.applicationId) + "/" + pathSegment(deploy.deployId) + "/rechecks";
        return new Received(deploy.eventId, deploy.status, repeated, rechecks);
    }

    private static String pathSegment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** A deploy from any hook, normalised. {@code status} is completed, failed or started. */
    public record Deploy(String applicationId, String environment, String deployId, String status, List<String> serverIds,
                         Instant finishedAt, String commit, String url, String source) {
        public static final String COMPLETED = "completed";
        public static final String FAILED = "failed";
        public static final String STARTED = "started";
    }

    /**
     * What the hook answers.
     *
     * @param eventId  the {@code deploy.completed} event id; null while the deploy is not completed
     * @param repeated true when nothing new was learnt (the caller answers 200 instead of 202)
     * @param rechecks where the pipeline sees, once the deploy completed, which servers check-service rechecked and
     *                 with what outcome (check-service's recheck view, read with a viewer key); null before completion
     */
    public record Received(String eventId, String status, boolean repeated, String rechecks) {
    }
}
