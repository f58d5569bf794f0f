package io.restartwatch.notification;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import io.restartwatch.notification.fleet.FleetSettings;
import io.restartwatch.notification.webhook.WebhookSettings;
import io.restartwatch.testsupport.ConfigMappings;
import org.junit.jupiter.api.Test;

/**
 * Settings out of range stop notification-service at start-up, naming the key: a negative history would fail every
 * batch's trim, a multiplier below 1 would shrink the webhook backoff, a zero poll interval would spin.
 */
class SettingsValidationTest {

    @Test
    void theFleetHistoryIsZeroOrMore() {
        assertThat(ConfigMappings.problems(FleetSettings.class, Map.of("restartwatch.fleet.check-history", "0"))).isEmpty();
        ConfigMappings.assertRefusesEach(FleetSettings.class, Map.of("restartwatch.fleet.check-history", "-1"));
    }

    @Test
    void webhookRetriesGrowAndNothingSpins() {
        ConfigMappings.assertRefusesEach(WebhookSettings.class, Map.of(
                "restartwatch.webhooks.backoff-multiplier", "0.5",
                "restartwatch.webhooks.poll-interval", "PT0S",
                "restartwatch.webhooks.batch-size", "0"));
    }
}
