package io.restartwatch.notification.webhook;

import java.net.URI;
import java.net.URISyntaxException;
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

    public Webhooks(Clock clock) {
        this.clock = clock;
    }

    @Transactional
    public WebhookEntity register(String url, String secret, PriorityLevel minLevel, Format format) {
        Format chosen = format == null ? Format.JSON : format;
        requireHttpUrl(url);
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

    private static void requireHttpUrl(String url) {
        try {
            URI uri = new URI(url);
            boolean http = "http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme());
            if (!http || uri.getHost() == null) {
                throw ProblemException.badRequest("url", "must be an absolute http(s) URL");
            }
        } catch (URISyntaxException e) {
            throw ProblemException.badRequest("url", "must be an absolute http(s) URL");
        }
    }
}
