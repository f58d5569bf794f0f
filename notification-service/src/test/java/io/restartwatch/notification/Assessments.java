package io.restartwatch.notification;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import io.restartwatch.contracts.CloudEventHeaders;
import io.restartwatch.contracts.EventJson;
import io.restartwatch.contracts.EventTypes;
import io.restartwatch.contracts.Exposure;
import io.restartwatch.contracts.PriorityAssessed;
import io.restartwatch.contracts.PriorityFactor;
import io.restartwatch.contracts.PriorityLevel;
import io.restartwatch.contracts.RestartKind;
import io.restartwatch.contracts.Surface;
import io.restartwatch.contracts.Topics;
import io.restartwatch.testsupport.KafkaEvents;
import io.restartwatch.testsupport.KafkaEvents.ReceivedEvent;

/** Builds and publishes the {@code priority.assessed} events priority-service would send. */
final class Assessments {

    private final KafkaEvents kafka = KafkaEvents.local();

    /** A short unique id, so every test has its own servers and applications. */
    static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    static PriorityAssessed pending(String serverId, long sequence, String applicationId, PriorityLevel level, int score,
                                    Exposure exposure, Duration pendingFor, Surface... surfaces) {
        Set<Surface> on = EnumSet.of(Surface.SERVER);
        on.addAll(List.of(surfaces));
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        return new PriorityAssessed(PriorityAssessed.SCHEMA_VERSION, serverId, sequence, applicationId, "production",
                serverId + ".example.com", true, level, score, exposure,
                List.of(new PriorityFactor("pending", "restart required", score)), on, now.minus(pendingFor),
                List.of("linux-image-6.8.0-49-generic", "libc6"), now, null, null, null, null);
    }

    /** Only services to restart (needrestart's NEEDRESTART-SVC lines), no reboot. */
    static PriorityAssessed servicesPending(String serverId, long sequence, String applicationId, PriorityLevel level, int score,
                                            Exposure exposure, Duration pendingFor, List<String> services, Surface... surfaces) {
        PriorityAssessed reboot = pending(serverId, sequence, applicationId, level, score, exposure, pendingFor, surfaces);
        return new PriorityAssessed(reboot.schemaVersion(), serverId, sequence, applicationId, reboot.environment(),
                reboot.hostname(), true, level, score, exposure, reboot.factors(), reboot.surfaces(), reboot.requiredSince(),
                List.of("libssl3"), reboot.assessedAt(), RestartKind.SERVICES, services, null, null);
    }

    static PriorityAssessed done(String serverId, long sequence, String applicationId) {
        return new PriorityAssessed(PriorityAssessed.SCHEMA_VERSION, serverId, sequence, applicationId, "production",
                serverId + ".example.com", false, null, 0, null, List.of(), Set.of(), null, List.of(), Instant.now(), null, null, null, null);
    }

    /** Publishes with a fresh CloudEvent id; returns the id. */
    String publish(PriorityAssessed assessment) {
        return kafka.publish(Topics.PRIORITIES, assessment.serverId(), EventTypes.PRIORITY_ASSESSED, assessment);
    }

    /** Publishes again under an id already used: a redelivery. */
    void publishAgain(PriorityAssessed assessment, String eventId) {
        kafka.publishRaw(Topics.PRIORITIES, assessment.serverId(), EventJson.write(assessment), Map.of(
                CloudEventHeaders.SPEC_VERSION, CloudEventHeaders.SPEC_VERSION_VALUE,
                CloudEventHeaders.ID, eventId,
                CloudEventHeaders.TYPE, EventTypes.PRIORITY_ASSESSED,
                CloudEventHeaders.SOURCE, "/restartwatch/tests",
                CloudEventHeaders.SUBJECT, assessment.serverId(),
                CloudEventHeaders.CONTENT_TYPE, CloudEventHeaders.JSON));
    }

    /** Waits until {@code restartwatch.notifications} holds at least {@code atLeast} events for the server. */
    List<ReceivedEvent> awaitNotifications(String serverId, int atLeast) {
        return kafka.awaitEvents(Topics.NOTIFICATIONS, Duration.ofSeconds(30), e -> serverId.equals(e.key()), atLeast);
    }

    KafkaEvents kafka() {
        return kafka;
    }
}
