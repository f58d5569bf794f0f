package io.restartwatch.plan;

import java.util.Map;

import io.restartwatch.plan.config.PlanSettings;
import io.restartwatch.testsupport.ConfigMappings;
import org.junit.jupiter.api.Test;

/** Settings out of range stop plan-service at start-up, naming the key: a zero tick would spin, a zero timeout never wait. */
class SettingsValidationTest {

    @Test
    void theRunnersTimesArePositive() {
        ConfigMappings.assertRefusesEach(PlanSettings.class, Map.of(
                "restartwatch.plan.tick", "0s",
                "restartwatch.plan.alertmanager.timeout", "-1s"));
    }
}
