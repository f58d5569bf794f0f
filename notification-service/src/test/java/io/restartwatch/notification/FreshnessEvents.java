package io.restartwatch.notification;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;

import io.restartwatch.contracts.CloudEventHeaders;
import io.restartwatch.contracts.EventJson;
import io.restartwatch.contracts.EventTypes;
import io.restartwatch.contracts.ServerFreshness;
import io.restartwatch.contracts.Topics;
import io.restartwatch.testsupport.KafkaEvents;

/** Builds and publishes the {@code server.unverified} / {@code server.verified} events check-service would send. */
final class FreshnessEvents {

    static final Duration MAX_SILENCE = Duration.ofHours(3);

    private final KafkaEvents kafka = KafkaEvents.local();

    /** Silent for its max-silence: the last good check was {@code silentFor} ago. */
    static ServerFreshness unverified(String serverId, long sequence, String applicationId, String reason, String detail,
                                      Duration silentFor) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        Instant lastVerified = now.minus(silentFor);
        return new ServerFreshness(ServerFreshness.SCHEMA_VERSION, serverId, sequence, serverId + ".example.com",
                applicationId, "production", false, reason, detail, lastVerified, now.minusSeconds(60), MAX_SILENCE,
                lastVerified.plus(MAX_SILENCE));
    }

    static ServerFreshness verified(String serverId, long sequence, String applicationId) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        return new ServerFreshness(ServerFreshness.SCHEMA_VERSION, serverId, sequence, serverId + ".example.com",
                applicationId, "production", true, null, null, now, now, MAX_SILENCE, now);
    }

    static String type(ServerFreshness freshness) {
        return freshness.verified() ? EventTypes.SERVER_VERIFIED : EventTypes.SERVER_UNVERIFIED;
    }

    /** Publishes with a fresh CloudEvent id; returns the id. */
    String publish(ServerFreshness freshness) {
        return kafka.publish(Topics.FRESHNESS, freshness.serverId(), type(freshness), freshness);
    }

    /** Publishes again under an id already used: a redelivery. */
    void publishAgain(ServerFreshness freshness, String eventId) {
        publishRaw(freshness.serverId(), EventJson.write(freshness), eventId, type(freshness));
    }

    void publishRaw(String key, String value, String eventId, String type) {
        kafka.publishRaw(Topics.FRESHNESS, key, value, Map.of(
                CloudEventHeaders.SPEC_VERSION, CloudEventHeaders.SPEC_VERSION_VALUE,
                CloudEventHeaders.ID, eventId,
                CloudEventHeaders.TYPE, type,
                CloudEventHeaders.SOURCE, "/restartwatch/tests",
                CloudEventHeaders.SUBJECT, key,
                CloudEventHeaders.CONTENT_TYPE, CloudEventHeaders.JSON));
    }

    KafkaEvents kafka() {
        return kafka;
    }
}
