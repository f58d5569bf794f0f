package io.restartwatch.check.persistence;

import java.util.List;

import io.restartwatch.contracts.DiscoveredExposure;
import io.restartwatch.contracts.Livepatch;

/**
 * The facts a check found beyond the sentinel, as kept in its row ({@code server_check.host_facts}) and shown in
 * the check history: the same values {@code check.completed} carries.
 */
public record CheckFacts(List<String> services, List<String> detectedBy, Livepatch livepatch, DiscoveredExposure discovered) {

    public CheckFacts {
        services = services == null ? List.of() : List.copyOf(services);
        detectedBy = detectedBy == null ? List.of() : List.copyOf(detectedBy);
    }

    /** Null when there is nothing to keep (a failed check, an older agent): no empty document per row. */
    public static CheckFacts of(List<String> services, List<String> detectedBy, Livepatch livepatch, DiscoveredExposure discovered) {
        boolean none = (services == null || services.isEmpty()) && (detectedBy == null || detectedBy.isEmpty())
                && livepatch == null && discovered == null;
        return none ? null : new CheckFacts(services, detectedBy, livepatch, discovered);
    }
}
