package io.restartwatch.contracts;

import java.time.Duration;
import java.time.Instant;

/**
 * Data of {@code server.unverified} and {@code server.verified} on {@link Topics#FRESHNESS}: whether Restart
 * Watch can currently vouch for a server's restart state. A server goes unverified when no check of it has
 * succeeded for its max-silence (found by time, with no check arriving), and verified again at the next
 * successful check. One event per transition.
 *
 * @param sequence       grows with every transition of the server, also across a removal and a new registration
 *                       under the same id; consumers ignore one older than what they hold
 * @param verified       false for {@code server.unverified}
 * @param reason         why it is unverified: the last failed check's reason (e.g. {@code HOST_KEY_CHANGED},
 *                       {@code AUTH_FAILED}, {@code TIMEOUT}), {@code AGENT_SILENT} when an agent stopped
 *                       reporting, {@code NEVER_CHECKED}; null when verified by a check; {@code REMOVED} on the
 *                       {@code server.verified} that ends the silence of a server removed from the inventory
 * @param detail         human-readable detail of the reason; null when verified
 * @param lastVerifiedAt the last successful check; null when there never was one
 * @param lastAttemptAt  the last check attempted, successful or not; null when none
 * @param maxSilence     the silence after which the server became unverified
 */
public record ServerFreshness(
        int schemaVersion,
        String serverId,
        long sequence,
        String hostname,
        String applicationId,
        String environment,
        boolean verified,
        String reason,
        String detail,
        Instant lastVerifiedAt,
        Instant lastAttemptAt,
        Duration maxSilence,
        Instant occurredAt) {

    public static final int SCHEMA_VERSION = 1;
}
