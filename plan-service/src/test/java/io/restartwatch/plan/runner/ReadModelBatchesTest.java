package io.restartwatch.plan.runner;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restartwatch.contracts.CheckCompleted;
import io.restartwatch.contracts.CheckOutcome;
import io.restartwatch.contracts.EventTypes;
import io.restartwatch.contracts.Exposure;
import io.restartwatch.contracts.PriorityAssessed;
import io.restartwatch.contracts.PriorityLevel;
import io.restartwatch.contracts.RestartKind;
import io.restartwatch.contracts.ServerSnapshot;
import io.restartwatch.contracts.Topics;
import io.restartwatch.plan.messaging.CheckConsumer;
import io.restartwatch.plan.messaging.InventoryConsumer;
import io.restartwatch.plan.messaging.PriorityConsumer;
import io.restartwatch.testsupport.LocalInfraResource;
import io.restartwatch.testsupport.PolledRecords;
import io.restartwatch.testsupport.RoundTrips;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.junit.jupiter.api.Test;

/**
 * plan-service's read model applies a polled batch as a set: the same rows as the events applied one by one (late,
 * repeated and out-of-order events of one server inside one batch included), and a number of database round trips
 * that does not grow with the batch. Batches are handed to the consumers' methods directly, so each test decides
 * what one poll holds.
 */
@QuarkusTest
@WithTestResource(value = LocalInfraResource.class, initArgs = @ResourceArg(name = "database", value = "plan"))
class ReadModelBatchesTest {

    private static final String COLUMNS = """
            hostname, application_id, environment, cast(labels as text), probe_kind, removed, inventory_revision, pending,
            level, score, exposure, required_since, assessed_sequence, boot_id, reboot_required, sentinel, last_checked_at""";

    @Inject
    InventoryConsumer inventory;
    @Inject
    PriorityConsumer priorities;
    @Inject
    CheckConsumer checks;
    @Inject
    EntityManager entityManager;

    @Test
    void aBatchEndsWhereItsEventsAppliedOneByOneEnd() {
        String batched = RunnerFixtures.uniqueId("set");
        String oneByOne = RunnerFixtures.uniqueId("single");
        Instant t = Instant.parse("2026-11-30T10:00:00Z");
        List<Function<String, ConsumerRecord<String, String>>> serverEvents = List.of(
                once(server -> snapshotRecord(server, "a", 3)),
                once(server -> snapshotRecord(server, "b", 5)),
                once(server -> snapshotRecord(server, "c", 4)),   // late: ignored
                once(server -> snapshotRecord(server, "d", 5)));  // same revision: the first one stays
        List<Function<String, ConsumerRecord<String, String>>> priorityEvents = List.of(
                once(server -> priorityRecord(server, 1, true, PriorityLevel.HIGH, RestartKind.REBOOT)),
                once(server -> priorityRecord(server, 3, true, PriorityLevel.CRITICAL, RestartKind.REBOOT)),
                once(server -> priorityRecord(server, 2, true, PriorityLevel.LOW, RestartKind.REBOOT)));
        List<Function<String, ConsumerRecord<String, String>>> checkEvents = List.of(
                once(server -> checkRecord(withServer(RunnerFixtures.check(server, t, CheckOutcome.REBOOT_REQUIRED, "boot-1"), 7))),
                once(server -> checkRecord(RunnerFixtures.check(server, t.plusSeconds(120), CheckOutcome.UP_TO_DATE, null))),
                once(server -> checkRecord(RunnerFixtures.check(server, t.minusSeconds(60), CheckOutcome.UP_TO_DATE, "boot-0"))),
                once(server -> checkRecord(RunnerFixtures.check(server, t.plusSeconds(180), CheckOutcome.UNREACHABLE, "boot-9"))));

        List<ConsumerRecord<String, String>> serverBatch = records(serverEvents, batched);
        serverBatch.add(serverBatch.get(1)); // a redelivery inside the batch
        inventory.onServers(poll(Topics.SERVERS, serverBatch));
        List<ConsumerRecord<String, String>> priorityBatch = records(priorityEvents, batched);
        priorities.onPriorities(poll(Topics.PRIORITIES, priorityBatch));
        List<ConsumerRecord<String, String>> checkBatch = records(checkEvents, batched);
        checkBatch.add(checkBatch.get(1)); // redelivered
        checks.onChecks(poll(Topics.CHECKS, checkBatch));
        for (ConsumerRecord<String, String> record : records(serverEvents, oneByOne)) {
            inventory.onServers(poll(Topics.SERVERS, List.of(record)));
        }
        for (ConsumerRecord<String, String> record : records(priorityEvents, oneByOne)) {
            priorities.onPriorities(poll(Topics.PRIORITIES, List.of(record)));
        }
        for (ConsumerRecord<String, String> record : records(checkEvents, oneByOne)) {
            checks.onChecks(poll(Topics.CHECKS, List.of(record)));
        }

        List<Object> row = row(batched);
        assertThat(withoutId(row, batched)).isEqualTo(withoutId(row(oneByOne), oneByOne));
        // What they hold: the check's newer inventory (revision 7), the newest assessment, the newest successful check.
        assertThat(row.get(0)).isEqualTo(batched + ".7.example.net");
        assertThat(row.get(6)).isEqualTo(7L);
        assertThat(row.get(8)).isEqualTo("CRITICAL");
        assertThat(row.get(12)).isEqualTo(3L);
        assertThat(row.get(13)).as("a check without a boot id keeps the known one").isEqualTo("boot-1");
        assertThat(row.get(14)).isEqualTo(false);
        // The three polls delivered again (offsets not committed before a crash): the read model keeps no consumed-id
        // log, its "newest wins" columns alone make them change nothing, not even the row's update time.
        Object updatedAt = updatedAt(batched);
        inventory.onServers(poll(Topics.SERVERS, serverBatch));
        priorities.onPriorities(poll(Topics.PRIORITIES, priorityBatch));
        checks.onChecks(poll(Topics.CHECKS, checkBatch));
        assertThat(row(batched)).isEqualTo(row);
        assertThat(updatedAt(batched)).isEqualTo(updatedAt);
        // Of two snapshots with the same revision, the first one stays, in a batch as one by one.
        String other = RunnerFixtures.uniqueId("equal");
        inventory.onServers(poll(Topics.SERVERS, records(serverEvents, other)));
        assertThat(row(other).get(0)).isEqualTo(other + ".b.example.net");
    }

    /**
     * Counts the driver's Sync messages (one per round trip) while a batch of checks is applied: a statement per check
     * or per server would make the batch of 200 servers cost hundreds more than the batch of 8.
     */
    @Test
    void aBatchOfChecksTakesTheSameNumberOfRoundTripsWhateverItsSize() {
        List<CheckCompleted> small = checkBatch(RunnerFixtures.uniqueId("trips-s"), 8);
        List<CheckCompleted> big = checkBatch(RunnerFixtures.uniqueId("trips-b"), 200);
        applyChecks(checkBatch(RunnerFixtures.uniqueId("warm-up"), 2)); // the driver's type lookups, once per connection

        RoundTrips smallTrips = RoundTrips.during(() -> applyChecks(small));
        RoundTrips bigTrips = RoundTrips.during(() -> applyChecks(big));

        System.out.printf("plan read model, %d checks: %d round trips, %d statements; %d checks: %d round trips, %d statements%n",
                small.size(), smallTrips.syncs(), smallTrips.executes(), big.size(), bigTrips.syncs(), bigTrips.executes());
        System.out.println("round trips of the batch of " + big.size() + ":\n  " + String.join("\n  ", bigTrips.statements()));
        assertThat(smallTrips.syncs()).as("the driver's messages are seen").isGreaterThanOrEqualTo(3);
        // Inventory upsert, check upserts (two when a newest check has no boot id), restarts in progress, commit: no
        // de-duplication statement, the read model keeps no consumed-id log.
        assertThat(bigTrips.syncs()).as("round trips of %d checks", big.size()).isLessThanOrEqualTo(6);
        assertThat(bigTrips.syncs()).as("round trips of %d checks against %d", big.size(), small.size())
                .isLessThanOrEqualTo(smallTrips.syncs() + 1);
        String last = big.get(big.size() - 1).serverId();
        assertThat(row(last).get(13)).isEqualTo("boot-" + last);
        assertThat(row(last).get(0)).isEqualTo(last + ".1.example.net");
    }

    /**
     * Nearly every check carries the snapshot already applied. {@code on conflict do update … where} would lock each
     * such row all the same (its xmax set: a WAL record, and a lock held against the assessments' consumer until
     * commit); the snapshot is left out first, so the row is untouched. An unreachable check changes no check column,
     * so nothing else writes the row.
     */
    @Test
    void aCheckCarryingTheSnapshotAlreadyAppliedLeavesTheRowUntouched() {
        String server = RunnerFixtures.uniqueId("unlocked");
        inventory.onServers(poll(Topics.SERVERS, List.of(snapshotRecord(server, "1", 1))));
        applyChecks(List.of(withServer(RunnerFixtures.check(server, Instant.now(), CheckOutcome.UNREACHABLE, null), 1)));
        assertThat(xmax(server)).as("the row's xmax: locked by the check's batch if not 0").isZero();
        assertThat(row(server).get(0)).isEqualTo(server + ".1.example.net");

        applyChecks(List.of(withServer(RunnerFixtures.check(server, Instant.now(), CheckOutcome.UNREACHABLE, null), 2)));
        assertThat(row(server).get(0)).as("a newer snapshot still applies").isEqualTo(server + ".2.example.net");
    }

    private long xmax(String serverId) {
        return QuarkusTransaction.requiringNew().call(() -> ((Number) entityManager.createNativeQuery(
                "select cast(cast(xmax as text) as bigint) from plan_server where server_id = :id")
                .setParameter("id", serverId).getSingleResult()).longValue());
    }

    /** Two checks per server, the newer one carrying the server's snapshot. */
    private static List<CheckCompleted> checkBatch(String prefix, int servers) {
        Instant t = Instant.parse("2026-11-30T12:00:00Z");
        List<CheckCompleted> batch = new ArrayList<>();
        for (int n = 0; n < servers; n++) {
            String server = prefix + "-" + n;
            batch.add(RunnerFixtures.check(server, t, CheckOutcome.REBOOT_REQUIRED, "boot-old"));
            batch.add(withServer(RunnerFixtures.check(server, t.plusSeconds(60), CheckOutcome.UP_TO_DATE, "boot-" + server), 1));
        }
        return batch;
    }

    private void applyChecks(List<CheckCompleted> batch) {
        checks.onChecks(poll(Topics.CHECKS, batch.stream().map(ReadModelBatchesTest::checkRecord).toList()));
    }

    private static CheckCompleted withServer(CheckCompleted c, long revision) {
        ServerSnapshot server = RunnerFixtures.snapshot(c.serverId(), c.serverId() + "." + revision + ".example.net", "shop",
                "prod", revision, false);
        return new CheckCompleted(c.schemaVersion(), c.checkId(), c.serverId(), c.checkedAt(), c.trigger(), c.outcome(),
                c.reason(), c.packages(), c.requiredSince(), c.bootId(), c.runningKernel(), c.installedKernel(), server,
                c.services(), c.detectedBy(), c.livepatch(), c.discovered());
    }

    private static ConsumerRecord<String, String> snapshotRecord(String server, String host, long revision) {
        return record(Topics.SERVERS, server, EventTypes.SERVER_UPDATED, UUID.randomUUID().toString(),
                RunnerFixtures.snapshot(server, server + "." + host + ".example.net", "shop", "prod", revision, false));
    }

    private static ConsumerRecord<String, String> priorityRecord(String server, long sequence, boolean pending,
                                                                 PriorityLevel level, RestartKind kind) {
        return record(Topics.PRIORITIES, server, EventTypes.PRIORITY_ASSESSED, UUID.randomUUID().toString(),
                new PriorityAssessed(PriorityAssessed.SCHEMA_VERSION, server, sequence, "shop", "prod", server + ".example.net",
                        pending, level, pending ? 10 * (int) sequence : 0, Exposure.PUBLIC, List.of(), null,
                        Instant.parse("2026-11-20T08:00:00Z").plusSeconds(sequence), List.of(), Instant.now(), kind,
                        List.of(), null, List.of()));
    }

    private static ConsumerRecord<String, String> checkRecord(CheckCompleted check) {
        return record(Topics.CHECKS, check.serverId(), EventTypes.CHECK_COMPLETED, check.checkId(), check);
    }

    private static ConsumerRecord<String, String> record(String topic, String key, String type, String eventId, Object data) {
        return PolledRecords.cloudEvent(topic, key, type, eventId, data);
    }

    /** The same event (one event id per server) each time it is asked for the same server. */
    private static Function<String, ConsumerRecord<String, String>> once(Function<String, ConsumerRecord<String, String>> event) {
        Map<String, ConsumerRecord<String, String>> made = new java.util.concurrent.ConcurrentHashMap<>();
        return server -> made.computeIfAbsent(server, event);
    }

    private static List<ConsumerRecord<String, String>> records(List<Function<String, ConsumerRecord<String, String>>> events,
                                                                String server) {
        return new ArrayList<>(events.stream().map(event -> event.apply(server)).toList());
    }

    private static ConsumerRecords<String, String> poll(String topic, List<ConsumerRecord<String, String>> records) {
        return PolledRecords.poll(topic, records);
    }

    /** The row with the server's id (in its hostname) replaced, to compare two servers' rows. */
    private static List<Object> withoutId(List<Object> row, String serverId) {
        return row.stream().map(value -> value instanceof String text ? text.replace(serverId, "<server>") : value).toList();
    }

    private Object updatedAt(String serverId) {
        return QuarkusTransaction.requiringNew().call(() -> entityManager.createNativeQuery(
                "select updated_at from plan_server where server_id = :id").setParameter("id", serverId).getSingleResult());
    }

    private List<Object> row(String serverId) {
        return QuarkusTransaction.requiringNew().call(() -> {
            Object[] row = (Object[]) entityManager.createNativeQuery("select " + COLUMNS + " from plan_server where server_id = :id")
                    .setParameter("id", serverId).getSingleResult();
            List<Object> values = new ArrayList<>();
            for (Object value : row) {
                values.add(value instanceof Number number && !(value instanceof Double) ? Long.valueOf(number.longValue()) : value);
            }
            return values;
        });
    }
}
