package io.restartwatch.check.config;

import java.time.Duration;
import java.util.Map;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** How often and how many servers are checked. */
@ConfigMapping(prefix = "restartwatch.checks")
public interface CheckSettings {

    /** Default time between two checks of a server. */
    @WithDefault("PT1H")
    Duration interval();

    /** Per-application override of {@link #interval()}, e.g. {@code restartwatch.checks.application-interval.shop=PT15M}. */
    Map<String, Duration> applicationInterval();

    /**
     * Each next check is delayed by up to this fraction of the interval, at random, so a fleet registered at
     * once (or a patch day) spreads out instead of firing together.
     */
    @WithDefault("0.1")
    double jitter();

    /** Probes running at once in this instance. */
    @WithDefault("32")
    int concurrency();

    /** How long a claimed server stays leased to this instance before another may take it over. */
    @WithDefault("PT2M")
    Duration lease();

    /** How often the dispatcher looks for due servers when nothing wakes it. */
    @WithDefault("PT1S")
    Duration pollInterval();

    /** First retry delay after an unreachable result; doubles up to {@link #interval()}. */
    @WithDefault("PT30S")
    Duration retryBackoff();

    /**
     * A server not rechecked this long after a deploy arrived is shown as NOT_RECHECKED in the deploy's
     * recheck view (an agent asks every 50 s whether a report is due, so its report arrives within it).
     */
    @WithDefault("PT60S")
    Duration deployDeadline();

    default Duration intervalFor(String applicationId) {
        return applicationInterval().getOrDefault(applicationId, interval());
    }
}
