package io.restartwatch.priority;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.restartwatch.contracts.CheckCompleted;
import io.restartwatch.contracts.CheckOutcome;
import io.restartwatch.contracts.CheckTrigger;
import io.restartwatch.contracts.CloudEventHeaders;
import io.restartwatch.contracts.DiscoveredExposure;
import io.restartwatch.contracts.EventJson;
import io.restartwatch.contracts.EventTypes;
import io.restartwatch.contracts.Livepatch;
import io.restartwatch.contracts.OpenPort;
import io.restartwatch.contracts.PriorityAssessed;
import io.restartwatch.contracts.ServerSnapshot;
import io.restartwatch.contracts.Topics;
import io.restartwatch.priority.persistence.RestartStateEntity;
import io.restartwatch.testsupport.KafkaEvents;
import org.awaitility.Awaitility;

/**
 * Drives priority-service the way check-service does, over the real broker: server snapshots on
 * {@code restartwatch.servers}, check results on {@code restartwatch.checks}; and reads what it published and stored.
 */
@ApplicationScoped
public class Fixtures {

    static final Duration WAIT = Duration.ofSeconds(30);
    /** The checks' channel consumes in the connector's default group, the application's name. */
    private static final String CHECKS_GROUP = "priority-service";

    private final KafkaEvents kafka = KafkaEvents.local();
    private final EntityManager entityManager;
    private final MutableClock clock;

    public Fixtures(EntityManager entityManager, MutableClock clock) {
        this.entityManager = entityManager;
        this.clock = clock;
    }

    /** A server or application id no other test uses. */
    public static String uniqueId(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** The service's "now", to the second (events carry whole seconds in practice). */
    public Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.SECONDS);
    }

    public static ServerSnapshot server(String serverId, String applicationId, long revision, String... sources) {
        List<OpenPort> ports = sources.length == 0 ? List.of() : List.of(new OpenPort(443, "tcp", Arrays.asList(sources)));
        return new ServerSnapshot(ServerSnapshot.SCHEMA_VERSION, serverId, revision, false, serverId + ".example.com",
                applicationId, "production", Map.of(), ports, "ssh", Instant.now());
    }

    public static CheckCompleted pending(String serverId, Instant checkedAt, Instant requiredSince, String bootId, String... packages) {
        return check(serverId, checkedAt, CheckOutcome.REBOOT_REQUIRED, requiredSince, bootId, null, null, packages);
    }

    public static CheckCompleted upToDate(String serverId, Instant checkedAt, String bootId) {
        return check(serverId, checkedAt, CheckOutcome.UP_TO_DATE, null, bootId, null, null);
    }

    public static CheckCompleted unreachable(String serverId, Instant checkedAt) {
        return new CheckCompleted(CheckCompleted.SCHEMA_VERSION, UUID.randomUUID().toString(), serverId, checkedAt,
                CheckTrigger.SCHEDULED, CheckOutcome.UNREACHABLE, "TIMEOUT", List.of(), null, null, null, null, null, null, null, null, null);
    }

    public static CheckCompleted check(String serverId, Instant checkedAt, CheckOutcome outcome, Instant requiredSince,
                                       String bootId, String runningKernel, String installedKernel, String... packages) {
        return new CheckCompleted(CheckCompleted.SCHEMA_VERSION, UUID.randomUUID().toString(), serverId, checkedAt,
                CheckTrigger.SCHEDULED, outcome, null, List.of(packages), requiredSince, bootId, runningKernel,
                installedKernel, null, null, null, null, null);
    }

    /**
     * A schema-2 check: services to restart, what detected the reboot, livepatch state and the exposure the check
     * discovered on the server (each may be null or empty).
     */
    public static CheckCompleted check2(String serverId, Instant checkedAt, CheckOutcome outcome, Instant requiredSince,
                                        String bootId, List<String> packages, List<String> services, List<String> detectedBy,
                                        Livepatch livepatch, DiscoveredExposure discovered) {
        return new CheckCompleted(CheckCompleted.SCHEMA_VERSION, UUID.randomUUID().toString(), serverId, checkedAt,
                CheckTrigger.SCHEDULED, outcome, null, packages, requiredSince, bootId, "6.8.0-49-generic", "6.8.0-49-generic",
                null, services, detectedBy, livepatch, discovered);
    }

    /** Publishes a snapshot; returns its CloudEvent id. */
    public String publish(ServerSnapshot snapshot) {
        return kafka.publish(Topics.SERVERS, snapshot.serverId(), EventTypes.SERVER_UPDATED, snapshot);
    }

    /** Publishes a snapshot and waits until it is applied, so checks published next see the server's exposure. */
    public void register(ServerSnapshot snapshot) {
        awaitProcessed("servers", publish(snapshot));
    }

    /** Publishes a check result; returns its CloudEvent id. */
    public String publish(CheckCompleted check) {
        return kafka.publish(Topics.CHECKS, check.serverId(), EventTypes.CHECK_COMPLETED, check);
    }

    /** Publishes the very same record again, same {@code ce_id}: a redelivery. */
    public void redeliver(String cloudEventId, CheckCompleted check) {
        kafka.publishRaw(Topics.CHECKS, check.serverId(), EventJson.write(check), Map.of(
                CloudEventHeaders.SPEC_VERSION, CloudEventHeaders.SPEC_VERSION_VALUE,
                CloudEventHeaders.ID, cloudEventId,
                CloudEventHeaders.TYPE, EventTypes.CHECK_COMPLETED,
                CloudEventHeaders.SOURCE, "/restartwatch/tests",
                CloudEventHeaders.CONTENT_TYPE, CloudEventHeaders.JSON));
    }

    /**
     * Publishes an {@code UNREACHABLE} check and waits until the service's group committed past it: everything
     * published before it for the same server (same partition, consumed in order) has then been applied or skipped.
     * Only the offsets tell: the checks' consumer keeps no log of the ids it applied (see {@code Assessor}).
     */
    public void awaitCheckQueueDrained(String serverId) {
        publish(unreachable(serverId, now()));
        kafka.awaitCommitted(CHECKS_GROUP, Topics.CHECKS, WAIT);
    }

    /** Waits until the consumer recorded {@code eventId} (a ce_id of "servers"). */
    public void awaitProcessed(String consumer, String eventId) {
        Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(() -> logged(consumer, eventId));
    }

    /** Whether {@code consumer}'s consumed-id log ({@code processed_event}) holds {@code eventId}. */
    public boolean logged(String consumer, String eventId) {
        return QuarkusTransaction.requiringNew().call(() ->
                ((Number) entityManager.createNativeQuery("select count(*) from processed_event where consumer = :consumer and event_id = :id")
                        .setParameter("consumer", consumer).setParameter("id", eventId).getSingleResult()).longValue() == 1);
    }

    /** The first {@code priority.assessed} of the server matching {@code match}. */
    public PriorityAssessed awaitAssessment(String serverId, Predicate<PriorityAssessed> match) {
        return kafka.awaitEvents(Topics.PRIORITIES, WAIT,
                        e -> serverId.equals(e.key()) && match.test(e.data(PriorityAssessed.class)), 1)
                .get(0).data(PriorityAssessed.class);
    }

    /** Every {@code priority.assessed} of the server now on the topic, in order. */
    public List<PriorityAssessed> assessments(String serverId) {
        return kafka.readAll(Topics.PRIORITIES).stream()
                .filter(e -> serverId.equals(e.key()))
                .filter(e -> EventTypes.PRIORITY_ASSESSED.equals(e.type()))
                .map(e -> e.data(PriorityAssessed.class)).toList();
    }

    /** The stored restart state, read in its own transaction. */
    public RestartStateEntity state(String serverId) {
        return QuarkusTransaction.requiringNew().call(() -> RestartStateEntity.<RestartStateEntity>findById(serverId));
    }
}
