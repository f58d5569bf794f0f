package io.restartwatch.priority;

import java.util.Map;

import io.restartwatch.priority.config.PrioritySettings;
import io.restartwatch.support.security.SecuritySettings;
import io.restartwatch.testsupport.ConfigMappings;
import org.junit.jupiter.api.Test;

/** Settings out of range stop priority-service at start-up, naming the key, instead of a job that spins. */
class SettingsValidationTest {

    @Test
    void reassessmentsAndKeyUsageReportsRunAtMostEverySecond() {
        ConfigMappings.assertRefusesEach(PrioritySettings.class, Map.of("restartwatch.priority.reassess-every", "0s"));
        ConfigMappings.assertRefusesEach(SecuritySettings.class, Map.of("restartwatch.security.usage-report-interval", "PT0.1S"));
    }
}
