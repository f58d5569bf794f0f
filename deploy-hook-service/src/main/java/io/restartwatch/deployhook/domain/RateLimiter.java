package io.restartwatch.deployhook.domain;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import io.restartwatch.deployhook.config.DeployHookSettings;

/**
 * A token bucket per credential (pipeline, GitHub repository, GitLab project): {@code burst} requests at once,
 * refilled at {@code perMinute}. Kept in this instance's memory, so N instances allow N times the rate; that
 * is enough to stop a runaway pipeline without a shared store.
 */
@ApplicationScoped
public class RateLimiter {

    private final Clock clock;
    private final double capacity;
    private final double tokensPerMilli;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    public RateLimiter(Clock clock, DeployHookSettings settings) {
        this.clock = clock;
        this.capacity = Math.max(1, settings.rateLimit().burst());
        this.tokensPerMilli = Math.max(1, settings.rateLimit().perMinute()) / 60_000.0;
    }

    /**
     * Takes one token from {@code credential}'s bucket.
     *
     * @throws RateLimitedException when the bucket is empty
     */
    public void acquire(String credential) {
        Bucket bucket = buckets.computeIfAbsent(credential, key -> new Bucket(capacity, clock.millis()));
        long waitMillis = bucket.take(clock.millis());
        if (waitMillis > 0) {
            throw new RateLimitedException(credential, Duration.ofMillis(waitMillis));
        }
    }

    /** Tokens and when they were last counted; synchronised because one pipeline may send in parallel. */
    private final class Bucket {
        private double tokens;
        private long updatedAt;

        Bucket(double tokens, long now) {
            this.tokens = tokens;
            this.updatedAt = now;
        }

        /** @return 0 when a token was taken, else how long until one is available */
        synchronized long take(long now) {
            tokens = Math.min(capacity, tokens + Math.max(0, now - updatedAt) * tokensPerMilli);
            updatedAt = now;
            if (tokens >= 1) {
                tokens -= 1;
                return 0;
            }
            return (long) Math.ceil((1 - tokens) / tokensPerMilli);
        }
    }

    /** Too many requests from one credential; {@code retryAfter} is when the next one will be accepted. */
    public static class RateLimitedException extends RuntimeException {

        private final Duration retryAfter;

        public RateLimitedException(String credential, Duration retryAfter) {
            super("Too many requests from " + credential + "; retry in " + seconds(retryAfter) + " s");
            this.retryAfter = retryAfter;
        }

        /** Whole seconds, at least 1, as {@code Retry-After} wants. */
        public long retryAfterSeconds() {
            return seconds(retryAfter);
        }

        private static long seconds(Duration duration) {
            return Math.max(1, (duration.toMillis() + 999) / 1000);
        }
    }
}
