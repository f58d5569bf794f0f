package io.restartwatch.notification.webhook;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** How webhook deliveries are sent and retried ({@code restartwatch.webhooks.*}); tests shorten the backoff. */
@ConfigMapping(prefix = "restartwatch.webhooks")
public interface WebhookSettings {

    /** Wait before the second attempt; each later wait is {@link #backoffMultiplier()} times longer. */
    @WithDefault("PT10S")
    Duration initialBackoff();

    @WithDefault("2.0")
    double backoffMultiplier();

    /** The longest wait between two attempts. */
    @WithDefault("PT1H")
    Duration maxBackoff();

    /** A delivery still failing this long after the transition is given up (FAILED). */
    @WithDefault("PT24H")
    Duration retryFor();

    /** How often the dispatcher looks for due deliveries when nothing wakes it. */
    @WithDefault("PT1S")
    Duration pollInterval();

    /** Connect and response timeout of one attempt. */
    @WithDefault("PT10S")
    Duration requestTimeout();

    /** A claimed delivery whose outcome was never recorded (the instance died mid-send) is due again after this. */
    @WithDefault("PT2M")
    Duration claimLease();

    /** Deliveries sent in parallel per pass. */
    @WithDefault("20")
    int batchSize();

    /**
     * Internal receivers that may be delivered to despite the SSRF guard: CIDRs ({@code 10.1.2.0/24},
     * {@code fd00::/8}), single addresses, or exact host names (every address they resolve to is then allowed).
     * Empty by default: loopback, private, link-local… targets are refused.
     */
    Optional<List<String>> allowedTargets();
}
