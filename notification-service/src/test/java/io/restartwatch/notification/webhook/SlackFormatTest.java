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
    void onlyTheThreeControlCharactersAreEncoded() {
        assertThat(WebhookDeliveries.slackEscape("a & b < c > d \"e\" 'f' *g* `h`"))
                .isEqualTo("a &amp; b &lt; c &gt; d \"e\" 'f' *g* `h`");
        // Already-escaped text is escaped again: it is data, not markup we wrote.
        assertThat(WebhookDeliveries.slackEscape("&lt;")).isEqualTo("&amp;lt;");
    }
}
