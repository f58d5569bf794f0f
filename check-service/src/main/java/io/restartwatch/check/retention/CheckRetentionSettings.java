package io.restartwatch.check.retention;

import java.time.Duration;

import jakarta.validation.constraints.Min;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import org.hibernate.validator.constraints.time.DurationMin;

/** How much check history is kept. A server's latest check is always kept, however old. */
@ConfigMapping(prefix = "restartwatch.retention.checks")
public interface CheckRetentionSettings {

    /** Checks older than this are deleted. */
    @WithDefault("P90D")
    @DurationMin(millis = 1)
    Duration maxAge();

    /** At most this many checks per server, the newest. */
    @WithDefault("1000")
    @Min(1)
    int maxPerServer();
}
