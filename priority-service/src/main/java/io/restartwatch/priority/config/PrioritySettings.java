package io.restartwatch.priority.config;

import java.time.Duration;

import io.restartwatch.priority.domain.UndeclaredExposure;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import org.hibernate.validator.constraints.time.DurationMin;

/** How priority-service weighs exposure and how often it re-assesses as time passes. */
@ConfigMapping(prefix = "restartwatch.priority")
public interface PrioritySettings {

    /** How often due re-assessments are looked for (read by {@code ReassessmentJob}'s schedule). */
    @WithDefault("30s")
    @DurationMin(seconds = 1)
    Duration reassessEvery();

    /**
     * How an undeclared listener counts: {@code public}, {@code restricted} or {@code ignore} (see
     * {@link UndeclaredExposure}). A host firewall's rules for the port, when the check could read them, decide
     * instead.
     */
    @WithDefault("restricted")
    UndeclaredExposure undeclared();
}
