package io.restartwatch.deployhook;

import java.util.Map;

import io.restartwatch.deployhook.config.DeployHookSettings;
import io.restartwatch.testsupport.ConfigMappings;
import org.junit.jupiter.api.Test;

/** Settings out of range stop deploy-hook-service at start-up, naming the key, instead of refusing every deploy. */
class SettingsValidationTest {

    @Test
    void theRateLimitLetsAtLeastOneRequestThrough() {
        ConfigMappings.assertRefusesEach(DeployHookSettings.class, Map.of(
                "restartwatch.deploy-hook.rate-limit.burst", "0",
                "restartwatch.deploy-hook.rate-limit.per-minute", "-5",
                "restartwatch.deploy-hook.signature-tolerance", "PT0S"));
    }
}
