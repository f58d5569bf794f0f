package io.restartwatch.support.retention;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import io.restartwatch.testsupport.ConfigMappings;
import org.junit.jupiter.api.Test;

/** A retention setting out of range stops the service at start-up, naming the key. */
class RetentionSettingsTest {

    @Test
    void theDefaultsAreValidAndNonPositiveValuesAreRefused() {
        ConfigMappings.assertRefusesEach(RetentionSettings.class, Map.of(
                "restartwatch.retention.batch-size", "0",
                "restartwatch.retention.interval", "PT0S",
                "restartwatch.retention.processed-events", "-PT1H"));
        assertThatThrownBy(() -> ConfigMappings.assertRefusesEach(RetentionSettings.class, Map.of("restartwatch.retention.batch-size", "1")))
                .as("the assertion fails on a value in range").isInstanceOf(AssertionError.class).hasMessageContaining("was not refused");
    }
}
