package io.restartwatch.notification.webhook;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import io.restartwatch.contracts.EventJson;
import io.restartwatch.contracts.EventTypes;
import io.restartwatch.contracts.NotificationEvent;
import io.restartwatch.notification.persistence.WebhookDeliveryEntity;
import io.restartwatch.notification.persistence.WebhookDeliveryEntity.Status;
import io.restartwatch.notification.persistence.WebhookEntity;
import io.restartwatch.support.tx.AfterCommit;

/**
 * Queues transitions for every interested webhook, in the transition's own transaction: the deliveries exist
 * exactly when the transition does, and sending them (slow, failing receivers) never holds up the Kafka consumer.
 */
@ApplicationScoped
public class WebhookDeliveries {

    private final AfterCommit afterCommit;
    private final WebhookDispatcher dispatcher;

    public WebhookDeliveries(AfterCommit afterCommit, WebhookDispatcher dispatcher) {
        this.afterCommit = afterCommit;
        this.dispatcher = dispatcher;
    }

    /**
     * Queues each transition for every webhook that wants it, in order: one read of the active webhooks and one of
     * which of them heard of the notifications cleared here, whatever the number of transitions; the deliveries are
     * persisted (written at the caller's flush).
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void enqueueAll(List<Transition> transitions) {
        if (transitions.isEmpty()) {
            return;
        }
        List<WebhookEntity> active = WebhookEntity.listActive();
        if (active.isEmpty()) {
            return;
        }
        // Cleared reaches the webhooks that heard of the notification before: earlier, or earlier in this list.
        Set<String> heard = WebhookDeliveryEntity.heardOf(transitions.stream()
                .filter(transition -> EventTypes.NOTIFICATION_CLEARED.equals(transition.eventType()))
                .map(transition -> UUID.fromString(transition.event().notificationId()))
                .collect(Collectors.toSet()));
        boolean queued = false;
        for (Transition transition : transitions) {
            UUID notificationId = UUID.fromString(transition.event().notificationId());
            for (WebhookEntity webhook : active) {
                String key = WebhookDeliveryEntity.heardKey(webhook.id, notificationId);
                boolean wanted = EventTypes.NOTIFICATION_CLEARED.equals(transition.eventType())
                        ? heard.contains(key)
                        : transition.event().level() != null && transition.event().level().compareTo(webhook.minLevel) >= 0;
                if (!wanted) {
                    continue;
                }
                WebhookDeliveryEntity delivery = new WebhookDeliveryEntity();
                delivery.id = UUID.randomUUID();
                delivery.webhookId = webhook.id;
                delivery.notificationId = notificationId;
                delivery.serverId = transition.event().serverId();
                delivery.eventType = transition.eventType();
                delivery.body = render(webhook.format, delivery.id, transition.eventType(), transition.event());
                delivery.status = Status.PENDING;
                delivery.createdAt = transition.at();
                delivery.nextAttemptAt = transition.at();
                delivery.persist();
                heard.add(key);
                queued = true;
            }
        }
        if (queued) {
            afterCommit.once("webhook-dispatch", dispatcher::wakeUp);
        }
    }

    static String render(WebhookEntity.Format format, UUID deliveryId, String eventType, NotificationEvent event) {
        return switch (format) {
            case JSON -> EventJson.write(new JsonBody(deliveryId.toString(), eventType, event));
            case SLACK -> EventJson.write(new SlackBody(slackText(eventType, event)));
        };
    }

    private static String slackText(String eventType, NotificationEvent event) {
        String server = slackEscape(event.serverId());
        String headline = switch (eventType) {
            case EventTypes.NOTIFICATION_OPENED -> switch (event.kind()) {
                case REBOOT -> ":warning: *Restart required* on `" + server + "` (" + event.level() + ")";
                case SERVICE_RESTART -> ":arrows_counterclockwise: *Services need a restart* on `" + server + "` ("
                        + event.level() + "): " + slackEscape(String.join(", ", event.services()));
                case UNVERIFIED -> ":grey_question: *Cannot vouch for* `" + server + "` (" + event.level() + "): "
                        + slackEscape(event.reason());
                case PLAN_HALTED -> ":octagonal_sign: *Restart plan halted* on `" + server + "` (" + event.level() + "): "
                        + slackEscape(event.reason());
            };
            case EventTypes.NOTIFICATION_ESCALATED -> ":rotating_light: *Escalated to " + event.level() + "*: `" + server + "`"
                    + switch (event.kind()) {
                        case REBOOT -> "";
                        case SERVICE_RESTART -> " (services to restart)";
                        case UNVERIFIED -> " (unverified: " + slackEscape(event.reason()) + ")";
                        case PLAN_HALTED -> " (restart plan halted: " + slackEscape(event.reason()) + ")";
                    };
            default -> switch (event.kind()) {
                case REBOOT -> ":white_check_mark: *Restart done* on `" + server + "`";
                case SERVICE_RESTART -> ":white_check_mark: *No more services to restart* on `" + server + "`";
                case UNVERIFIED -> ":white_check_mark: *Verified again*: `" + server + "`";
                case PLAN_HALTED -> ":white_check_mark: *Restart plan no longer halted* on `" + server + "`";
            };
        };
        return headline + "\n```\n" + slackEscape(event.message()) + "\n```";
    }

    /**
     * Slack reads {@code &}, {@code <} and {@code >} as control characters ({@code <!channel>}, {@code <@U123>},
     * {@code <http://x|text>}) and wants exactly these three as HTML entities when meant literally, so package
     * names and server ids arrive as text, never as mentions or links.
     */
    static String slackEscape(String text) {
        if (text == null) {
            return "";
        }
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    /** The JSON format: the transition as on {@code restartwatch.notifications}, with its type and delivery id. */
    public record JsonBody(String deliveryId, String type, NotificationEvent data) {
    }

    /** A transition to deliver: its event type, the event as on {@code restartwatch.notifications}, and when. */
    public record Transition(String eventType, NotificationEvent event, Instant at) {
    }

    /** Slack's incoming-webhook message. */
    public record SlackBody(String text) {
    }
}
