package io.restartwatch.contracts;

import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * Data of {@code priority.assessed} on {@link Topics#PRIORITIES}: the current priority of a server's pending
 * restart, or {@code pending=false} when the restart is done (a cleared assessment).
 *
 * @param sequence grows with every assessment of the server; consumers ignore one older than what they hold
 */
public record PriorityAssessed(
        int schemaVersion,
        String serverId,
        long sequence,
        String applicationId,
        String environment,
        String hostname,
        boolean pending,
        PriorityLevel level,
        int score,
        Exposure exposure,
        List<PriorityFactor> factors,
        Set<Surface> surfaces,
        Instant requiredSince,
        List<String> packages,
        Instant assessedAt) {

    public static final int SCHEMA_VERSION = 1;

    public PriorityAssessed {
        factors = factors == null ? List.of() : List.copyOf(factors);
        surfaces = surfaces == null ? Set.of() : Set.copyOf(surfaces);
        packages = packages == null ? List.of() : List.copyOf(packages);
    }
}
