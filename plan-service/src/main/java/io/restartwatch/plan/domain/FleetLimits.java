package io.restartwatch.plan.domain;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Fleet-wide: how many restarts may be in progress at once across every plan, and blackouts for everyone. */
public record FleetLimits(int maxConcurrent, List<Blackout> blackouts) {

    public static final FleetLimits DEFAULTS = new FleetLimits(10, List.of());

    public FleetLimits {
        if (maxConcurrent < 1) {
            throw new IllegalArgumentException("maxConcurrent must be at least 1, not " + maxConcurrent);
        }
        blackouts = blackouts == null ? List.of() : List.copyOf(blackouts);
    }

    public Optional<Blackout> blackoutAt(Instant at) {
        return blackouts.stream().filter(b -> b.covers(at)).findFirst();
    }
}
