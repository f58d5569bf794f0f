package io.restartwatch.notification.fleet;

import jakarta.validation.constraints.Min;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The fleet read model ({@code restartwatch.fleet.*}). */
@ConfigMapping(prefix = "restartwatch.fleet")
public interface FleetSettings {

    /** Checks kept per server for its page, newest first; older ones are deleted as new ones arrive. */
    @WithDefault("20")
    @Min(0)
    int checkHistory();
}
