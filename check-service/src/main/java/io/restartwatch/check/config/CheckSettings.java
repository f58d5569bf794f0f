package io.restartwatch.check.config;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Min;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import org.hibernate.validator.constraints.time.DurationMin;

/** How often and how many servers are checked. */
@ConfigMapping(prefix = "restartwatch.checks")
public interface CheckSettings {

    /** Default time between two checks of a server. */
    @WithDefault("PT1H")
    @DurationMin(seconds = 1)
    Duration interval();

    /** Per-application override of {@link #interval()}, e.g. {@code restartwatch.checks.application-interval.shop=PT15M}. */
    Map<String, @DurationMin(seconds = 1) Duration> applicationInterval();

    /**
     * Each next check is delayed by up to this fraction of the interval, at random, so a fleet registered at
     * once (or a patch day) spreads out instead of firing together.
     */
    @WithDefault("0.1")
    @DecimalMin("0.0")
    @DecimalMax("1.0")
    double jitter();

    /** Probes running at once in this instance. */
    @WithDefault("32")
    @Min(1)
    int concurrency();

    /** How long a claimed server stays leased to this instance before another may take it over. */
    @WithDefault("PT2M")
    @DurationMin(seconds = 1)
    Duration lease();

    /** How often the dispatcher looks for due servers when nothing wakes it. */
    @WithDefault("PT1S")
    @DurationMin(millis = 10)
    Duration pollInterval();

    /** First retry delay after an unreachable result; doubles up to {@link #interval()}. */
    @WithDefault("PT30S")
    @DurationMin(millis = 1)
    Duration retryBackoff();

    /**
     * A server not rechecked this long after a deploy arrived is shown as NOT_RECHECKED in the deploy's
     * recheck view (an agent asks every 50 s whether a report is due, so its report arrives within it).
     */
    @WithDefault("PT60S")
    @DurationMin(seconds = 1)
    Duration deployDeadline();

    /**
     * A server with no successful check for this long becomes unverified (its state can no longer be vouched for).
     * Unset: 3 × the server's check interval ({@link #intervalFor}); an agent server's interval counts as its
     * report interval, so set the application's interval to the agents' {@code RESTARTWATCH_REPORT_INTERVAL} (1 h
     * by default, like the check interval) or set a max-silence for it.
     */
    Optional<@DurationMin(seconds = 1) Duration> maxSilence();

    /** Per-application override of {@link #maxSilence()}, e.g. {@code restartwatch.checks.application-max-silence.shop=PT2H}. */
    Map<String, @DurationMin(seconds = 1) Duration> applicationMaxSilence();

    /** How often the freshness job looks for servers silent past their max-silence. */
    @WithDefault("PT15S")
    @DurationMin(millis = 10)
    Duration freshnessInterval();

    default Duration intervalFor(String applicationId) {
        return applicationInterval().getOrDefault(applicationId, interval());
    }

    default Duration maxSilenceFor(String applicationId) {
        Duration explicit = applicationMaxSilence().get(applicationId);
        if (explicit != null) {
            return explicit;
        }
        return maxSilence().orElseGet(() -> intervalFor(applicationId).multipliedBy(3));
    }

    /** The max-silence of an application with no override of its own (neither interval nor max-silence). */
    default Duration defaultMaxSilence() {
        return maxSilence().orElseGet(() -> interval().multipliedBy(3));
    }
}
