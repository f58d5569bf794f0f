package io.restartwatch.deployhook.config;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import jakarta.validation.constraints.Min;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import org.hibernate.validator.constraints.time.DurationMin;

/** Security, limits and ecosystem-hook settings of the deploy hook. */
@ConfigMapping(prefix = "restartwatch.deploy-hook")
public interface DeployHookSettings {

    /**
     * AES-256 key (base64 of 32 bytes) sealing pipelines' HMAC secrets in the database. Optional here so that
     * {@code SecretSeal} can refuse to start with a message saying what to set, instead of a generic one.
     */
    Optional<String> secretEncryptionKey();

    /** How far an HMAC request's timestamp may be from now. */
    @WithDefault("PT5M")
    @DurationMin(seconds = 1)
    Duration signatureTolerance();

    /** How long GitHub / GitLab delivery ids are remembered to recognise redeliveries. */
    @WithDefault("P30D")
    @DurationMin(seconds = 1)
    Duration deliveryRetention();

    /** How often the replay tables are cleaned up ({@code @Scheduled} reads the same property). */
    @WithDefault("PT5M")
    @DurationMin(seconds = 1)
    Duration cleanupInterval();

    @WithName("rate-limit") // spelled out so that a start-up validation error names the key as it is written
    RateLimit rateLimit();

    /**
     * check-service's base URL as pipelines reach it (e.g. {@code https://restartwatch.example.com}): a completed
     * deploy's answer links to its recheck view there. Without it, the answer carries the view's path only.
     */
    Optional<String> checkServiceUrl();

    /** GitHub {@code deployment_status} webhooks on {@code POST /api/hooks/github}. */
    Ecosystem github();

    /** GitLab deployment events on {@code POST /api/hooks/gitlab}. */
    Ecosystem gitlab();

    /**
     * Per-credential token bucket, in this instance's memory: each instance of the service enforces it
     * on its own.
     */
    interface RateLimit {

        /** Requests a credential may send at once. */
        @WithDefault("30")
        @Min(1)
        int burst();

        /** Sustained requests per minute a credential may send. */
        @WithDefault("60")
        @Min(1)
        int perMinute();
    }

    /**
     * One webhook source. The secret (GitHub) or token (GitLab) is {@code secret}, unless the repository has
     * its own in {@code secrets}; without either, the source is disabled for that repository.
     */
    interface Ecosystem {

        /** Shared secret of every repository (or project) without its own: the usual organisation-wide webhook. */
        Optional<String> secret();

        /** Per-repository secrets, key {@code owner/repo} (GitLab: {@code group/project}). */
        Map<String, String> secrets();

        /**
         * Which application a deploy belongs to: key {@code owner/repo@environment} (that environment only, in
         * the form it is passed on: lower case, other characters as {@code -}) or {@code owner/repo} (every other
         * environment), value the application id.
         */
        Map<String, String> applications();
    }
}
