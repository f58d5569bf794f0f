package io.restartwatch.deployhook.config;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Security settings of the hook. */
@ConfigMapping(prefix = "restartwatch.deploy-hook")
public interface DeployHookSettings {

    /** Key for the admin endpoints ({@code X-Admin-Key}); when unset they answer 403. */
    Optional<String> adminKey();

    /** How far an HMAC request's timestamp may be from now. */
    @WithDefault("PT5M")
    Duration signatureTolerance();
}
