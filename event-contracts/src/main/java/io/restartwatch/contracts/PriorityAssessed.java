package io.restartwatch.contracts;

import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * Data of {@code priority.assessed} on {@link Topics#PRIORITIES}: the current priority of a server's pending
 * restart, or {@code pending=false} when the restart is done (a cleared assessment).
 *
 * @param sequence      grows with every assessment of the server; consumers ignore one older than what they hold
 * @param kind          a reboot, or only services to restart; null from schema 1 producers means {@link RestartKind#REBOOT}
 * @param services      services to restart (schema 2)
 * @param livepatch     kernel livepatch state; null when none (schema 2)
 * @param exposureFacts every exposure fact weighed, with its origin (schema 2)
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
        Instant assessedAt,
        RestartKind kind,
        List<String> services,
        Livepatch livepatch,
        List<ExposureFact> exposureFacts) {

    public static final int SCHEMA_VERSION = 2;

    public PriorityAssessed {
        kind = kind == null ? RestartKind.REBOOT : kind;
        services = services == null ? List.of() : List.copyOf(services);
        exposureFacts = exposureFacts == null ? List.of() : List.copyOf(exposureFacts);
        factors = factors == null ? List.of() : List.copyOf(factors);
        surfaces = surfaces == null ? Set.of() : Set.copyOf(surfaces);
        packages = packages == null ? List.of() : List.copyOf(packages);
    }
}
