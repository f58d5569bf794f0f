package io.restartwatch.notification.fleet;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;

import io.restartwatch.contracts.CheckCompleted;
import io.restartwatch.contracts.EventTypes;
import io.restartwatch.contracts.PolicyChanged;
import io.restartwatch.contracts.ServerFreshness;
import io.restartwatch.contracts.ServerSnapshot;
import io.restartwatch.support.messaging.BatchApplier;
import io.restartwatch.support.messaging.IncomingCloudEvent;
import io.restartwatch.support.messaging.PoisonEventException;
import io.smallrye.common.annotation.Blocking;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Feeds the fleet read model from four topics, a polled batch per transaction, applied as a set (poison records
 * dead-lettered one by one by {@link BatchApplier}). Its priorities come with the notification lifecycle's batches
 * ({@code AssessmentsConsumer}): one read of that topic for both. The channels have their own consumer group: the
 * lifecycle's {@code freshness} channel reads the same topic, and one group would split its partitions between the two.
 */
@ApplicationScoped
public class FleetConsumers {

    public static final String SERVERS = "fleet-servers";
    public static final String CHECKS = "fleet-checks";
    public static final String FRESHNESS = "fleet-freshness";
    public static final String POLICIES = "fleet-policies";

    private static final Set<String> SERVER_TYPES = Set.of(EventTypes.SERVER_REGISTERED, EventTypes.SERVER_UPDATED, EventTypes.SERVER_REMOVED);
    private static final Set<String> FRESHNESS_TYPES = Set.of(EventTypes.SERVER_UNVERIFIED, EventTypes.SERVER_VERIFIED);

    private final FleetReadModel model;
    private final BatchApplier batches;

    public FleetConsumers(FleetReadModel model, BatchApplier batches) {
        this.model = model;
        this.batches = batches;
    }

    @Incoming(SERVERS)
    @Blocking
    public void onServers(ConsumerRecords<String, String> records) {
        batches.applyAll(withoutTombstones(records), record -> parse(record, ServerSnapshot.class, SERVER_TYPES, ServerSnapshot::serverId),
                received -> received.data().serverId(), model::onServers);
    }

    @Incoming(CHECKS)
    @Blocking
    public void onChecks(ConsumerRecords<String, String> records) {
        batches.applyAll(records, FleetConsumers::parseCheck, received -> received.data().serverId(), model::onChecks);
    }

    @Incoming(FRESHNESS)
    @Blocking
    public void onFreshness(ConsumerRecords<String, String> records) {
        batches.applyAll(records, record -> parse(record, ServerFreshness.class, FRESHNESS_TYPES, ServerFreshness::serverId),
                received -> received.data().serverId(), model::onFreshnesses);
    }

    @Incoming(POLICIES)
    @Blocking
    public void onPolicies(ConsumerRecords<String, String> records) {
        batches.applyAll(withoutTombstones(records), FleetConsumers::parsePolicy, received -> received.event().data().applicationId(),
                model::onPolicies);
    }

    static <T> IncomingCloudEvent<T> parse(ConsumerRecord<String, String> record, Class<T> type, Set<String> types,
                                           Function<T, String> id) {
        var event = IncomingCloudEvent.parse(record, type);
        if (!types.contains(event.type())) {
            throw new PoisonEventException("Unexpected event type " + event.type() + " on " + record.topic());
        }
        String key = id.apply(event.data());
        if (key == null || key.isBlank()) {
            throw new PoisonEventException(event.type() + " " + event.id() + " names no server or application");
        }
        return event;
    }

    static IncomingCloudEvent<CheckCompleted> parseCheck(ConsumerRecord<String, String> record) {
        return IncomingCloudEvent.parseCheckCompleted(record);
    }

    static ReceivedPolicy parsePolicy(ConsumerRecord<String, String> record) {
        var event = parse(record, PolicyChanged.class, Set.of(EventTypes.POLICY_CHANGED), PolicyChanged::applicationId);
        Instant changedAt = event.data().changedAt() != null ? event.data().changedAt() : event.time();
        if (changedAt == null) {
            throw new PoisonEventException("policy.changed " + event.id() + " has no changedAt and no time: it cannot be ordered");
        }
        return new ReceivedPolicy(event, changedAt);
    }

    /** A null value on a compacted topic is Kafka's delete marker for its key, not an event: nothing to apply. */
    private static List<ConsumerRecord<String, String>> withoutTombstones(ConsumerRecords<String, String> records) {
        List<ConsumerRecord<String, String>> events = new ArrayList<>(records.count());
        for (ConsumerRecord<String, String> record : records) {
            if (record.value() != null) {
                events.add(record);
            }
        }
        return events;
    }

    record ReceivedPolicy(IncomingCloudEvent<PolicyChanged> event, Instant changedAt) {
    }
}
