package io.restartwatch.notification.webhook;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Min;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import org.hibernate.validator.constraints.time.DurationMin;

/** How webhook deliveries are sent and retried ({@code restartwatch.webhooks.*}); tests shorten the backoff. */
@ConfigMapping(prefix = "restartwatch.webhooks")
public interface WebhookSettings {

    /** Wait before the second attempt; each later wait is {@link #backoffMultiplier()} times longer. */
    @WithDefault("PT10S")
    @DurationMin(millis = 1)
    Duration initialBackoff();

    @WithDefault("2.0")
    @DecimalMin("1.0")
    double backoffMultiplier();

    /** The longest wait between two attempts. */
    @WithDefault("PT1H")
    @DurationMin(millis = 1)
    Duration maxBackoff();

    /** A delivery still failing this long after the transition is given up (FAILED). */
    @WithDefault("PT24H")
    @DurationMin(millis = 1)
    Duration retryFor();

    /** How often the dispatcher looks for due deliveries when nothing wakes it. */
    @WithDefault("PT1S")
    @DurationMin(millis = 10)
    Duration pollInterval();

    /** Connect and response timeout of one attempt. */
    @WithDefault("PT10S")
    @DurationMin(millis = 1)
    Duration requestTimeout();

    /** A claimed delivery whose outcome was never recorded (the instance died mid-send) is due again after this. */
    @WithDefault("PT2M")
    @DurationMin(seconds = 1)
    Duration claimLease();

    /** Deliveries sent in parallel per pass. */
    @WithDefault("20")
    @Min(1)
    int batchSize();

    /**
     * Internal receivers that may be delivered to despite the SSRF guard: CIDRs ({@code 10.1.2.0/24},
     * {@code fd00::/8}), single addresses, or exact host names (every address they resolve to is then allowed).
     * Empty by default: loopback, private, link-local… targets are refused.
     */
    Optional<List<String>> allowedTargets();
}
