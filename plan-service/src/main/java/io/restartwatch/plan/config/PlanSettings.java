package io.restartwatch.plan.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import org.hibernate.validator.constraints.time.DurationMin;

/** How plans are computed and run. */
@ConfigMapping(prefix = "restartwatch.plan")
public interface PlanSettings {

    /** How often running plans are looked at (verification, timeouts, the next wave). */
    @WithDefault("1s")
    @DurationMin(millis = 10)
    Duration tick();

    /** How long a preview assumes a wave takes, to give the next one a planned time. */
    @WithDefault("PT10M")
    @DurationMin(seconds = 1)
    Duration waveEstimate();

    /** How far ahead a preview looks for windows; restarts that find none are listed as unscheduled. */
    @WithDefault("P30D")
    @DurationMin(seconds = 1)
    Duration horizon();

    /** Time allowed to a server's health URL to answer after a reboot. */
    @WithDefault("5s")
    @DurationMin(millis = 1)
    Duration healthTimeout();

    /** The dashboard (notification-service) the plan pages link back to. */
    @WithDefault("http://127.0.0.1:8083/")
    String dashboardUrl();

    /** Holding waves while alerts fire (like kured's --blocking-pod-selector / --prometheus-url). */
    Alertmanager alertmanager();

    interface Alertmanager {

        /** Base URL of Prometheus Alertmanager (its API v2); no alert blocking when unset. */
        Optional<String> url();

        /** Alertmanager matchers an alert must satisfy to hold a plan, e.g. {@code severity="critical"}; all alerts when empty. */
        Optional<List<String>> filter();

        /** Time allowed to Alertmanager to answer; no answer holds the plan (fail closed). */
        @WithDefault("5s")
        @DurationMin(millis = 1)
        Duration timeout();
    }
}
