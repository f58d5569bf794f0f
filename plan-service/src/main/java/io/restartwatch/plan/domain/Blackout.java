package io.restartwatch.plan.domain;

import java.time.Instant;

/** A period in which nothing is restarted (a release freeze, a sales event): [from, to). */
public record Blackout(Instant from, Instant to, String reason) {

    public Blackout {
        if (from == null || to == null) {
            throw new IllegalArgumentException("a blackout needs from and to");
        }
        if (!to.isAfter(from)) {
            throw new IllegalArgumentException("a blackout must end after it starts (from " + from + ", to " + to + ")");
        }
    }

    public boolean covers(Instant at) {
        return !at.isBefore(from) && at.isBefore(to);
    }
}
