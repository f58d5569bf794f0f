package io.restartwatch.notification.rest;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.quarkus.hibernate.orm.panache.PanacheQuery;
import io.restartwatch.contracts.PriorityLevel;
import io.restartwatch.notification.persistence.WebhookAttemptEntity;
import io.restartwatch.notification.persistence.WebhookDeliveryEntity;
import io.restartwatch.notification.persistence.WebhookEntity;
import io.restartwatch.notification.persistence.WebhookEntity.Format;
import io.restartwatch.notification.webhook.Webhooks;
import io.restartwatch.support.security.Roles;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Outbound webhooks: register a receiver, see what was delivered to it and how each attempt went. Admins only: a
 * webhook decides where the service sends data. A URL is shown in full only in the registration's response;
 * afterwards only its origin, as the path often is the credential (Slack's {@code /services/T…/B…/secret}).
 */
@Path("/api/webhooks")
@RolesAllowed(Roles.ADMIN)
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "webhooks", description = "Webhooks that receive notification transitions (JSON or Slack)")
public class WebhookResource {

    private final Webhooks webhooks;

    public WebhookResource(Webhooks webhooks) {
        this.webhooks = webhooks;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Register a URL to receive every transition at or above a level, signed with HMAC-SHA256")
    public Response register(@NotNull @Valid RegisterWebhook request) {
        WebhookEntity webhook = webhooks.register(request.url(), request.secret(), request.minLevel(), request.format());
        return Response.created(URI.create("/api/webhooks/" + webhook.id)).entity(WebhookView.unmasked(webhook)).build();
    }

    @GET
    @Operation(operationId = "listWebhooks", summary = "Registered webhooks (secrets are never shown; URLs only as scheme://host[:port]/…)")
    public List<WebhookView> list() {
        return WebhookEntity.listActive().stream().map(WebhookView::of).toList();
    }

    @GET
    @Path("/{id}")
    @Operation(operationId = "getWebhook", summary = "A registered webhook (its secret is never shown)")
    public WebhookView get(@PathParam("id") UUID id) {
        return WebhookView.of(webhooks.require(id));
    }

    @DELETE
    @Path("/{id}")
    @Operation(summary = "Stop delivering to a webhook; pending deliveries are cancelled")
    public Response remove(@PathParam("id") UUID id) {
        webhooks.remove(id);
        return Response.noContent().build();
    }

    @GET
    @Path("/{id}/deliveries")
    @Operation(summary = "Deliveries to a webhook, newest first, each with its attempts")
    public Page<DeliveryView> deliveries(@PathParam("id") UUID id,
                                         @QueryParam("page") @DefaultValue("0") @Min(0) int page,
                                         @QueryParam("size") @DefaultValue("50") @Min(1) @Max(500) int size) {
        webhooks.require(id);
        PanacheQuery<WebhookDeliveryEntity> query = WebhookDeliveryEntity.find("webhookId = ?1 order by createdAt desc, id", id);
        List<WebhookDeliveryEntity> deliveries = query.page(page, size).list();
        Map<UUID, List<AttemptView>> attempts = WebhookAttemptEntity
                .forDeliveries(deliveries.stream().map(d -> d.id).toList()).stream()
                .collect(Collectors.groupingBy(a -> a.deliveryId, Collectors.mapping(AttemptView::of, Collectors.toList())));
        List<DeliveryView> items = deliveries.stream()
                .map(d -> DeliveryView.of(d, attempts.getOrDefault(d.id, List.of())))
                .toList();
        return new Page<>(items, page, size, query.count());
    }

    /** Body of a registration. {@code secret} is required for the JSON format; {@code minLevel} defaults to LOW. */
    public record RegisterWebhook(@NotNull @Size(max = 2000) String url,
                                  @Size(min = 16, max = 256) String secret,
                                  PriorityLevel minLevel,
                                  Format format) {
    }

    /** A webhook as the API shows it: {@code url} masked except right after registration. */
    public record WebhookView(String id, String url, PriorityLevel minLevel, Format format, boolean signed, Instant createdAt) {

        static WebhookView of(WebhookEntity w) {
            return new WebhookView(w.id.toString(), maskUrl(w.url), w.minLevel, w.format, w.secret != null, w.createdAt);
        }

        static WebhookView unmasked(WebhookEntity w) {
            return new WebhookView(w.id.toString(), w.url, w.minLevel, w.format, w.secret != null, w.createdAt);
        }
    }

    /** {@code scheme://host[:port]/…}: no user info, path, query or fragment, which may hold a token. */
    static String maskUrl(String url) {
        try {
            URI uri = new URI(url);
            if (uri.getScheme() == null || uri.getHost() == null) {
                return "…";
            }
            return uri.getScheme().toLowerCase(java.util.Locale.ROOT) + "://" + uri.getHost() + (uri.getPort() == -1 ? "" : ":" + uri.getPort()) + "/…";
        } catch (URISyntaxException e) {
            return "…";
        }
    }

    /** One delivery and its attempts. {@code nextAttemptAt} is set while it is pending. */
    public record DeliveryView(String id, String notificationId, String serverId, String eventType,
                               WebhookDeliveryEntity.Status status, int attemptCount, Instant createdAt,
                               Instant nextAttemptAt, Instant deliveredAt, String lastError, List<AttemptView> attempts) {

        static DeliveryView of(WebhookDeliveryEntity d, List<AttemptView> attempts) {
            return new DeliveryView(d.id.toString(), d.notificationId.toString(), d.serverId, d.eventType, d.status,
                    d.attempts, d.createdAt, d.status == WebhookDeliveryEntity.Status.PENDING ? d.nextAttemptAt : null,
                    d.deliveredAt, d.lastError, attempts);
        }
    }

    /** One HTTP attempt: the status the receiver answered, or the error when it did not answer. */
    public record AttemptView(int attempt, Instant at, long durationMs, Integer statusCode, String error) {

        static AttemptView of(WebhookAttemptEntity a) {
            return new AttemptView(a.attempt, a.startedAt, a.durationMs, a.statusCode, a.error);
        }
    }
}
