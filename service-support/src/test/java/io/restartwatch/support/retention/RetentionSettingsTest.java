package io.restartwatch.support.retention;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import io.restartwatch.testsupport.ConfigMappings;
import org.junit.jupiter.api.Test;

/** A retention setting out of range stops the service at start-up, naming the key. */
class RetentionSettingsTest {

    @Test
    void theDefaultsAreValidAndNonPositiveValuesAreRefused() {
        assertThat(ConfigMappings.problems(RetentionSettings.class, Map.of())).isEmpty();
        assertThat(ConfigMappings.problems(RetentionSettings.class, Map.of(
                "restartwatch.retention.batch-size", "0",
                "restartwatch.retention.interval", "PT0S",
                "restartwatch.retention.processed-events", "-PT1H")))
                .hasSize(3)
                .anySatisfy(problem -> assertThat(problem).contains("restartwatch.retention.batch-size"))
                .anySatisfy(problem -> assertThat(problem).contains("restartwatch.retention.interval"))
                .anySatisfy(problem -> assertThat(problem).contains("restartwatch.retention.processed-events"));
    }
}
