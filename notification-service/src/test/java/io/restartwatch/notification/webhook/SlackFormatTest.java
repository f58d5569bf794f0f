package io.restartwatch.notification.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import io.restartwatch.contracts.EventJson;
import io.restartwatch.contracts.EventTypes;
import io.restartwatch.contracts.Exposure;
import io.restartwatch.contracts.NotificationEvent;
import io.restartwatch.contracts.NotificationKind;
import io.restartwatch.contracts.NotificationStatus;
import io.restartwatch.contracts.PriorityLevel;
import io.restartwatch.notification.persistence.WebhookEntity;
import org.junit.jupiter.api.Test;

/** Slack's control characters in data we did not write must arrive as text, not as mentions or links. */
class SlackFormatTest {

    @Test
    void mentionsAndLinksInServerIdsAndMessagesArriveInert() {
        NotificationEvent event = new NotificationEvent(NotificationEvent.SCHEMA_VERSION, UUID.randomUUID().toString(),
                "web<!here>1", "web1.example.com", "shop", "production", NotificationStatus.OPEN, PriorityLevel.CRITICAL,
                95, Exposure.PUBLIC, Set.of(), Instant.parse("2026-11-01T00:00:00Z"),
                List.of("<!channel>", "<@U123>", "<http://evil.example|click>", "a&b"),
                "*** System restart required ***\nPackages: <!channel>, <@U123>, <http://evil.example|click>, a&b", Instant.now(), null, null, null);

        String body = WebhookDeliveries.render(WebhookEntity.Format.SLACK, UUID.randomUUID(), EventTypes.NOTIFICATION_OPENED, event);
        String text = EventJson.read(body, Map.class).get("text").toString();

        assertThat(text).startsWith(":warning: *Restart required* on `web&lt;!here&gt;1` (CRITICAL)")
                .contains("Packages: &lt;!channel&gt;, &lt;@U123&gt;, &lt;http://evil.example|click&gt;, a&amp;b")
                .doesNotContain("<").doesNotContain(">").doesNotContain("a&b");
    }

    @Test
    void eachKindSaysWhatHappenedWithItsReasonOrServicesInert() {
        NotificationEvent services = event(NotificationKind.SERVICE_RESTART, NotificationStatus.OPEN, null,
                List.of("nginx.service", "<!here>.service"), "Services need a restart: nginx.service, <!here>.service");
        NotificationEvent unverified = event(NotificationKind.UNVERIFIED, NotificationStatus.OPEN, "<@U123>&HOST_KEY_CHANGED",
                List.of(), "Restart Watch cannot vouch for web-1: <@U123>&HOST_KEY_CHANGED since 2026-11-01T00:00:00Z");

        assertThat(text(EventTypes.NOTIFICATION_OPENED, services))
                .startsWith(":arrows_counterclockwise: *Services need a restart* on `web-1` (LOW): nginx.service, &lt;!here&gt;.service\n```\n");
        assertThat(text(EventTypes.NOTIFICATION_OPENED, unverified))
                .startsWith(":grey_question: *Cannot vouch for* `web-1` (LOW): &lt;@U123&gt;&amp;HOST_KEY_CHANGED\n```\n")
                .doesNotContain("<").doesNotContain(">");
        assertThat(text(EventTypes.NOTIFICATION_ESCALATED, unverified))
                .startsWith(":rotating_light: *Escalated to LOW*: `web-1` (unverified: &lt;@U123&gt;&amp;HOST_KEY_CHANGED)");
        assertThat(text(EventTypes.NOTIFICATION_CLEARED, services)).startsWith(":white_check_mark: *No more services to restart* on `web-1`");
        assertThat(text(EventTypes.NOTIFICATION_CLEARED, unverified)).startsWith(":white_check_mark: *Verified again*: `web-1`");
    }

    @Test
    void aHaltedPlanSaysSoWithItsReason() {
        NotificationEvent halted = event(NotificationKind.PLAN_HALTED, NotificationStatus.OPEN, "NOT_BACK", List.of(),
                "Restart plan p-1 halted: web-1.example.com not back (NOT_BACK)");

        assertThat(text(EventTypes.NOTIFICATION_OPENED, halted))
                .startsWith(":octagonal_sign: *Restart plan halted* on `web-1` (LOW): NOT_BACK\n```\nRestart plan p-1 halted");
        assertThat(text(EventTypes.NOTIFICATION_CLEARED, halted)).startsWith(":white_check_mark: *Restart plan no longer halted* on `web-1`");
    }

    private static NotificationEvent event(NotificationKind kind, NotificationStatus status, String reason, List<String> services,
                                           String message) {
        return new NotificationEvent(NotificationEvent.SCHEMA_VERSION, UUID.randomUUID().toString(), "web-1",
                "web-1.example.com", "shop", "production", status, PriorityLevel.LOW, 10, Exposure.INTERNAL, Set.of(),
                Instant.parse("2026-11-01T00:00:00Z"), List.of(), message, Instant.now(), kind, reason, services);
    }

    private static String text(String type, NotificationEvent event) {
        return EventJson.read(WebhookDeliveries.render(WebhookEntity.Format.SLACK, UUID.randomUUID(), type, event), Map.class)
                .get("text").toString();
    }

    @Test
    void onlyTheThreeControlCharactersAreEncoded() {
        assertThat(WebhookDeliveries.slackEscape("a & b < c > d \"e\" 'f' *g* `h`"))
                .isEqualTo("a &amp; b &lt; c &gt; d \"e\" 'f' *g* `h`");
        // Already-escaped text is escaped again: it is data, not markup we wrote.
        assertThat(WebhookDeliveries.slackEscape("&lt;")).isEqualTo("&amp;lt;");
    }
}
