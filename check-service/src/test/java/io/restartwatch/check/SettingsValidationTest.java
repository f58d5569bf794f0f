package io.restartwatch.check;

import java.util.Map;

import io.restartwatch.check.config.CheckSettings;
import io.restartwatch.check.retention.CheckRetentionSettings;
import io.restartwatch.testsupport.ConfigMappings;
import org.junit.jupiter.api.Test;

/**
 * Settings out of range stop check-service at start-up, naming the key, instead of a scheduler that checks a server
 * in a loop (a zero interval), never (no concurrency), or before it is due (a jitter above 1).
 */
class SettingsValidationTest {

    @Test
    void theSchedulersSettingsAreInRange() {
        ConfigMappings.assertRefusesEach(CheckSettings.class, Map.of(
                "restartwatch.checks.concurrency", "0",
                "restartwatch.checks.jitter", "1.5",
                "restartwatch.checks.interval", "PT0S",
                "restartwatch.checks.poll-interval", "PT0S"));
    }

    @Test
    void perApplicationOverridesAreCheckedToo() {
        ConfigMappings.assertRefusesEach(CheckSettings.class, Map.of(
                "restartwatch.checks.application-interval.shop", "PT0S",
                "restartwatch.checks.application-max-silence.legacy", "-PT1M",
                "restartwatch.checks.max-silence", "PT0S"));
    }

    @Test
    void retentionKeepsAtLeastOneCheck() {
        ConfigMappings.assertRefusesEach(CheckRetentionSettings.class, Map.of("restartwatch.retention.checks.max-per-server", "0"));
    }
}
