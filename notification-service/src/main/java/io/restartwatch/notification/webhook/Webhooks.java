package io.restartwatch.notification.webhook;

import java.time.Clock;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import io.restartwatch.contracts.PriorityLevel;
import io.restartwatch.notification.persistence.WebhookDeliveryEntity;
import io.restartwatch.notification.persistence.WebhookDeliveryEntity.Status;
import io.restartwatch.notification.persistence.WebhookEntity;
import io.restartwatch.notification.persistence.WebhookEntity.Format;
import io.restartwatch.support.rest.ProblemException;

/** Registering and removing webhooks. */
@ApplicationScoped
public class Webhooks {

    private final Clock clock;
    private final WebhookTargets targets;

    public Webhooks(Clock clock, WebhookTargets targets) {
        this.clock = clock;
        this.targets = targets;
    }

    @Transactional
    public WebhookEntity register(String url, String secret, PriorityLevel minLevel, Format format) {
        Format chosen = format == null ? Format.JSON : format;
        requireAllowedTarget(url);
        // Slack's incoming webhooks cannot verify a signature; every other receiver must be able to.
        if (chosen == Format.JSON && secret == null) {
            throw ProblemException.badRequest("secret", "is required for the JSON format (it signs each delivery)");
        }
        WebhookEntity webhook = new WebhookEntity();
        webhook.id = UUID.randomUUID();
        webhook.url = url;
        webhook.secret = secret;
        webhook.minLevel = minLevel == null ? PriorityLevel.LOW : minLevel;
        webhook.format = chosen;
        webhook.active = true;
        webhook.createdAt = clock.instant();
        webhook.persist();
        return webhook;
    }

    /** Stops deliveries to the webhook; what it was sent stays visible. */
    @Transactional
    public void remove(UUID id) {
        WebhookEntity webhook = require(id);
        webhook.active = false;
        WebhookDeliveryEntity.update("status = ?1 where webhookId = ?2 and status = ?3", Status.CANCELLED, id, Status.PENDING);
    }

    public WebhookEntity require(UUID id) {
        WebhookEntity webhook = WebhookEntity.findById(id);
        if (webhook == null || !webhook.active) {
            throw ProblemException.notFound("No webhook " + id);
        }
        return webhook;
    }

    /** The SSRF guard's verdict now; the dispatcher asks again before every attempt, as DNS answers change. */
    private void requireAllowedTarget(String url) {
        try {
            targets.check(url);
        } catch (WebhookTargets.Refused e) {
            throw ProblemException.badRequest("url", e.getMessage());
        }
    }
}
