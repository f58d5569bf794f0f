package io.restartwatch.contracts;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * Data of {@code policy.changed} on {@link Topics#POLICIES} (compacted, key = application id): an application's
 * whole priority policy as priority-service weighs it, so pages elsewhere can show it without calling
 * priority-service. {@code removed} when the application's own policy is deleted and the defaults apply again.
 *
 * @param packageWeights the effective weights: the application's own laid over the defaults
 */
public record PolicyChanged(
        int schemaVersion,
        String applicationId,
        boolean removed,
        Duration staleAfter,
        Duration criticalAfter,
        double multiplier,
        Map<String, Integer> packageWeights,
        Instant changedAt) {

    public static final int SCHEMA_VERSION = 1;

    public PolicyChanged {
        packageWeights = packageWeights == null ? Map.of() : Map.copyOf(packageWeights);
    }
}
