package io.restartwatch.priority.domain;

import java.time.Instant;
import java.util.List;
import java.util.Set;

import io.restartwatch.contracts.Exposure;
import io.restartwatch.contracts.ExposureFact;
import io.restartwatch.contracts.PriorityFactor;
import io.restartwatch.contracts.PriorityLevel;
import io.restartwatch.contracts.Surface;

/**
 * The priority of a pending restart and why. The factors' contributions sum to the score.
 *
 * @param exposureFacts  every exposure fact weighed, with its origin; {@code exposure} is the most exposed one
 * @param nextReassessAt when age alone will change this assessment (a day boundary or a policy threshold);
 *                       null when nothing more can change by time
 */
public record Assessment(PriorityLevel level, int score, Exposure exposure, List<PriorityFactor> factors,
                         Set<Surface> surfaces, boolean stale, Instant nextReassessAt, List<ExposureFact> exposureFacts) {

    /** Score bands of ten: moving within a band is not news worth an event. */
    public int scoreBand() {
        return Math.min(score, 99) / 10;
    }
}
