package io.restartwatch.notification.fleet;

import static io.restartwatch.notification.fleet.FleetEvents.HTTPS_TO_ANYWHERE;
import static io.restartwatch.notification.fleet.FleetEvents.now;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;

import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restartwatch.contracts.CheckCompleted;
import io.restartwatch.contracts.CheckTrigger;
import io.restartwatch.contracts.CloudEventHeaders;
import io.restartwatch.contracts.EventTypes;
import io.restartwatch.contracts.Exposure;
import io.restartwatch.contracts.ExposureFact;
import io.restartwatch.contracts.PolicyChanged;
import io.restartwatch.contracts.PriorityAssessed;
import io.restartwatch.contracts.PriorityLevel;
import io.restartwatch.contracts.RestartKind;
import io.restartwatch.contracts.ServerFreshness;
import io.restartwatch.contracts.ServerSnapshot;
import io.restartwatch.contracts.Surface;
import io.restartwatch.contracts.Topics;
import io.restartwatch.notification.messaging.AssessmentsConsumer;
import io.restartwatch.support.messaging.IncomingCloudEvent;
import io.restartwatch.testsupport.KafkaEvents;
import io.restartwatch.testsupport.KafkaEvents.ReceivedEvent;
import io.restartwatch.testsupport.LocalInfraResource;
import io.restartwatch.testsupport.PolledRecords;
import io.restartwatch.testsupport.RoundTrips;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.junit.jupiter.api.Test;

/**
 * The fleet read model's consumers applying a polled batch as a set: the rows they leave are the rows the same events
 * applied one by one leave, the check history stays bounded, a failing record is dead-lettered alone, and a batch
 * takes the same number of database round trips whatever its size. Batches are handed to the consumer methods
 * directly, so each test decides what one poll holds.
 */
@QuarkusTest
@WithTestResource(value = LocalInfraResource.class, initArgs = @ResourceArg(name = "database", value = "notification"))
class FleetBatchesTest {

    private static final List<String> TOPICS = List.of(Topics.SERVERS, Topics.CHECKS, Topics.PRIORITIES, Topics.FRESHNESS, Topics.POLICIES);

    @Inject
    FleetConsumers consumers;
    /** The fleet view's priorities come with the lifecycle's batches. */
    @Inject
    AssessmentsConsumer assessments;
    @Inject
    FleetReadModel model;
    @Inject
    FleetSettings settings;
    @Inject
    EntityManager entityManager;

    @Test
    void severalEventsOfOneServerInABatchEndAsAppliedOneByOne() {
        String prefix = FleetEvents.unique("same");
        String batched = prefix + "-batched";
        String oneByOne = prefix + "-single";

        Instant at = now().minus(Duration.ofHours(2));
        List<List<Sent>> batchedPolls = story(batched, at);
        batchedPolls.forEach(this::applyPerTopic);
        for (List<Sent> poll : story(oneByOne, at)) {
            poll.forEach(sent -> applyPerTopic(List.of(sent)));
        }

        for (String table : List.of("fleet_server", "fleet_priority", "fleet_freshness")) {
            assertThat(rows(table, "server_id", batched)).as(table).isEqualTo(rows(table, "server_id", oneByOne)).hasSize(1);
        }
        assertThat(rows("fleet_policy", "application_id", batched)).isEqualTo(rows("fleet_policy", "application_id", oneByOne))
                .hasSize(1);
        assertThat(checkRows(batched)).isEqualTo(checkRows(oneByOne)).hasSize(3);
        // What they are: the newest of each, the late and repeated ones ignored.
        FleetServerEntity server = QuarkusTransaction.requiringNew().call(() -> FleetServerEntity.findById(batched));
        assertThat(server.revision).as("the snapshot a check carried").isEqualTo(6);
        assertThat(server.labels).containsEntry("from", "check");
        FleetPriorityEntity priority = QuarkusTransaction.requiringNew().call(() -> FleetPriorityEntity.findById(batched));
        assertThat(priority.sequence).isEqualTo(4);
        assertThat(priority.pending).isFalse();
        assertThat(priority.exposure).as("kept from sequence 3: the late sequence 2 of the second poll named another")
                .isEqualTo(Exposure.INTERNAL);
        assertThat(priority.exposureFacts).extracting(ExposureFact::port).containsExactly(22);
        FleetFreshnessEntity freshness = QuarkusTransaction.requiringNew().call(() -> FleetFreshnessEntity.findById(batched));
        assertThat(freshness.sequence).isEqualTo(3);
        assertThat(freshness.verified).isTrue();
        FleetPolicyEntity policy = QuarkusTransaction.requiringNew().call(() -> FleetPolicyEntity.findById(batched + "-app"));
        assertThat(policy.multiplier).as("the first of the two changed at the newest time").isEqualTo(2.0);

        // Both polls delivered again (the offsets were not committed before a crash): no consumed-id log is kept, the
        // rows alone make every event of them change nothing.
        Map<String, List<String>> before = fleetRows(batched);
        batchedPolls.forEach(this::applyPerTopic);
        assertThat(fleetRows(batched)).isEqualTo(before);
    }

    private Map<String, List<String>> fleetRows(String serverId) {
        Map<String, List<String>> rows = new LinkedHashMap<>();
        for (String table : List.of("fleet_server", "fleet_priority", "fleet_freshness")) {
            rows.put(table, rows(table, "server_id", serverId));
        }
        rows.put("fleet_policy", rows("fleet_policy", "application_id", serverId));
        rows.put("fleet_check", checkRows(serverId));
        return rows;
    }

    /**
     * Two polls of every topic about one server, each poll with late (older) events after newer ones, an event delivered
     * twice, and equal counters; the second poll's late assessment names another exposure than the stored one.
     */
    private static List<List<Sent>> story(String serverId, Instant at) {
        String app = serverId + "-app";
        ServerSnapshot v1 = snapshot(serverId, 1, app, "v1", at);
        ServerSnapshot v3 = snapshot(serverId, 3, app, "v3", at);
        Sent v3Sent = server(v3);
        Sent firstCheck = check(FleetEvents.upToDate(snapshot(serverId, 4, app, "check", at), at));
        Sent pending3 = assessment(assessed(serverId, app, 3, true, Exposure.INTERNAL, 22, at));
        Sent unverified1 = freshness(freshnessOf(v1, 1, false, "AGENT_SILENT", at));
        Sent newestPolicy = policy(FleetEvents.policy(app, Duration.ofDays(3), Duration.ofDays(14), 2.0, at.plusSeconds(60)));
        List<Sent> first = List.of(
                server(v1), v3Sent, server(snapshot(serverId, 2, app, "v2", at)), v3Sent, server(snapshot(serverId, 3, app, "v3-again", at)),
                firstCheck, check(FleetEvents.upToDate(snapshot(serverId, 2, app, "old", at), at.plusSeconds(600))), firstCheck,
                assessment(assessed(serverId, app, 1, true, Exposure.PUBLIC, 443, at)), pending3, pending3,
                assessment(assessed(serverId, app, 2, true, Exposure.PUBLIC, 8080, at)),
                unverified1, freshness(freshnessOf(v1, 3, true, null, at.plusSeconds(60))), unverified1,
                freshness(freshnessOf(v1, 2, false, "HOST_KEY_CHANGED", at.plusSeconds(30))),
                policy(FleetEvents.policy(app, Duration.ofDays(7), Duration.ofDays(30), 1.0, at)), newestPolicy, newestPolicy,
                policy(FleetEvents.policy(app, Duration.ofDays(1), Duration.ofDays(2), 3.0, at.plusSeconds(60))),
                policy(FleetEvents.policy(app, Duration.ofDays(9), Duration.ofDays(9), 9.0, at.plusSeconds(30))));
        Sent cleared4 = assessment(assessed(serverId, app, 4, false, null, 0, at.plusSeconds(120)));
        List<Sent> second = List.of(
                server(new ServerSnapshot(ServerSnapshot.SCHEMA_VERSION, serverId, 5, true, v3.hostname(), app, v3.environment(),
                        v3.labels(), v3.openPorts(), v3.probeKind(), at.plusSeconds(60))), server(snapshot(serverId, 4, app, "v4-late", at)),
                check(FleetEvents.unreachable(snapshot(serverId, 6, app, "check", at.plusSeconds(900)), at.plusSeconds(900), "TIMEOUT")),
                assessment(assessed(serverId, app, 2, true, Exposure.PUBLIC, 8080, at)), cleared4, cleared4,
                freshness(freshnessOf(v1, 2, false, "HOST_KEY_CHANGED", at.plusSeconds(90))));
        return List.of(first, second);
    }

    @Test
    void theCheckHistoryStaysBoundedAcrossABatch() {
        String prefix = FleetEvents.unique("bound");
        int kept = settings.checkHistory();
        ServerSnapshot busy = snapshot(prefix + "-busy", 1, prefix, "busy");
        ServerSnapshot quiet = snapshot(prefix + "-quiet", 1, prefix, "quiet");
        Instant start = now().minus(Duration.ofDays(3));
        List<Sent> batch = new ArrayList<>();
        for (int i = 0; i < kept + 7; i++) {
            batch.add(check(FleetEvents.upToDate(busy, start.plus(Duration.ofMinutes(10L * i)))));
        }
        batch.add(check(FleetEvents.upToDate(busy, start.minus(Duration.ofDays(1))))); // late, older than all
        for (int i = 0; i < 3; i++) {
            batch.add(check(FleetEvents.upToDate(quiet, start.plus(Duration.ofMinutes(i)))));
        }

        applyPerTopic(batch);

        List<Instant> busyChecks = checkTimes(busy.serverId());
        assertThat(busyChecks).hasSize(kept);
        assertThat(busyChecks.get(0)).isEqualTo(start.plus(Duration.ofMinutes(10L * (kept + 6))));
        assertThat(busyChecks.get(kept - 1)).isEqualTo(start.plus(Duration.ofMinutes(10L * 7)));
        assertThat(checkTimes(quiet.serverId())).hasSize(3);

        // A second batch of checks older than all kept ones changes nothing; a newer one pushes the oldest out.
        applyPerTopic(List.of(check(FleetEvents.upToDate(busy, start.minus(Duration.ofHours(1)))),
                check(FleetEvents.upToDate(busy, start.plus(Duration.ofDays(1))))));
        List<Instant> after = checkTimes(busy.serverId());
        assertThat(after).hasSize(kept);
        assertThat(after.get(0)).isEqualTo(start.plus(Duration.ofDays(1)));
        assertThat(after.get(kept - 1)).isEqualTo(start.plus(Duration.ofMinutes(10L * 8)));
    }

    /**
     * The trim finds each server's surplus through the index whatever the table's statistics say: they are gathered on
     * the table as it is, the trim then runs a dozen times (a cached plan would settle on those statistics), and 60 000
     * checks of other servers arrive before the batch measured, as in the first seconds of a burst. Counted by this
     * transaction's own scans of {@code fleet_check}; everything is rolled back.
     */
    @Test
    void theTrimFindsEachServersSurplusThroughTheIndexWhenTheStatisticsLag() {
        String prefix = FleetEvents.unique("lag");
        int kept = settings.checkHistory();
        ServerSnapshot busy = snapshot(prefix + "-busy", 1, prefix, "busy");
        Instant start = now().minus(Duration.ofDays(3));
        QuarkusTransaction.begin();
        try {
            entityManager.createNativeQuery("analyze fleet_check").executeUpdate();
            for (int run = 0; run < 12; run++) {
                model.onChecks(checks(busy, start.plus(Duration.ofMinutes(run)), 1));
            }
            entityManager.createNativeQuery("""
                            insert into fleet_check (check_id, server_id, checked_at, outcome)
                            select ?1 || '-' || n, ?1 || '-other-' || (n % 20000), now() - n * interval '1 second', 'UP_TO_DATE'
                            from generate_series(1, 60000) n""")
                    .setParameter(1, prefix).executeUpdate();
            long sequentialBefore = fleetCheckScans("seq_scan");

            model.onChecks(checks(busy, start.plus(Duration.ofHours(1)), kept + 5));

            assertThat(fleetCheckScans("seq_scan") - sequentialBefore).as("sequential scans of fleet_check by the batch").isZero();
            assertThat(((Number) entityManager.createNativeQuery("select count(*) from fleet_check where server_id = ?1")
                    .setParameter(1, busy.serverId()).getSingleResult()).intValue()).as("the busy server's history").isEqualTo(kept);
        } finally {
            QuarkusTransaction.rollback();
        }
    }

    private static List<IncomingCloudEvent<CheckCompleted>> checks(ServerSnapshot server, Instant from, int count) {
        List<IncomingCloudEvent<CheckCompleted>> batch = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            batch.add(IncomingCloudEvent.parseCheckCompleted(check(FleetEvents.upToDate(server, from.plusSeconds(i))).record()));
        }
        return batch;
    }

    private long fleetCheckScans(String column) {
        return ((Number) entityManager.createNativeQuery(
                "select " + column + " from pg_stat_xact_all_tables where relid = 'fleet_check'::regclass").getSingleResult()).longValue();
    }

    /**
     * Counts the driver's round trips ({@link RoundTrips}) for each topic's batch of 8 servers and of 200: a statement
     * per event or per server would make the big batch's count grow.
     */
    @Test
    void aBatchTakesTheSameNumberOfRoundTripsWhateverItsSize() {
        String prefix = FleetEvents.unique("trips");
        // Each statement run once first, so neither measured batch is the connection's first to meet it.
        traffic(prefix + "-warm", 2).values().forEach(this::applyPerTopic);
        Map<String, List<Sent>> small = traffic(prefix + "-s", 8);
        Map<String, List<Sent>> big = traffic(prefix + "-b", 200);
        for (String topic : TOPICS) {
            RoundTrips smallTrips = RoundTrips.during(() -> applyToTheFleetView(topic, small.get(topic)));
            RoundTrips bigTrips = RoundTrips.during(() -> applyToTheFleetView(topic, big.get(topic)));
            System.out.printf("%s: batch of %d events: %d round trips (+%d driver type lookups), %d statements; "
                            + "batch of %d: %d round trips (+%d driver type lookups), %d statements%n",
                    topic, small.get(topic).size(), smallTrips.syncs(), smallTrips.typeLookups(), smallTrips.executes(),
                    big.get(topic).size(), bigTrips.syncs(), bigTrips.typeLookups(), bigTrips.executes());
            System.out.println("  round trips of the batch of " + big.get(topic).size() + ":\n    "
                    + String.join("\n    ", bigTrips.statements()));
            assertThat(smallTrips.syncs()).as("%s: the driver's messages are seen", topic).isGreaterThanOrEqualTo(2);
            // At most: a statement per table written (checks: servers, checks, the trim), the commit; no de-duplication
            // statement, the read model keeps no consumed-id log.
            assertThat(bigTrips.syncs()).as("%s: round trips of %d events", topic, big.get(topic).size()).isLessThanOrEqualTo(4);
            assertThat(bigTrips.syncs()).as("%s: round trips of 200 servers against 8", topic).isEqualTo(smallTrips.syncs());
        }
        // What they did, for the last server of the big batch.
        String last = prefix + "-b-199";
        assertThat(QuarkusTransaction.requiringNew().call(() -> FleetServerEntity.<FleetServerEntity>findById(last).revision)).isEqualTo(3);
        assertThat(checkTimes(last)).hasSize(2);
        assertThat(QuarkusTransaction.requiringNew().call(() -> FleetPriorityEntity.<FleetPriorityEntity>findById(last).sequence)).isEqualTo(2);
        assertThat(QuarkusTransaction.requiringNew().call(() -> FleetFreshnessEntity.<FleetFreshnessEntity>findById(last).verified)).isTrue();
        assertThat(QuarkusTransaction.requiringNew().call(() -> FleetPolicyEntity.<FleetPolicyEntity>findById(last + "-app").multiplier))
                .isEqualTo(2.0);
    }

    /**
     * A topic's batch as the fleet view applies it. The priorities' without the notification lifecycle, which applies
     * the same batch in the same transaction and whose round trips {@code AssessmentBatchesTest} counts.
     */
    private void applyToTheFleetView(String topic, List<Sent> events) {
        if (!topic.equals(Topics.PRIORITIES)) {
            applyPerTopic(events);
            return;
        }
        List<IncomingCloudEvent<PriorityAssessed>> batch = events.stream()
                .map(sent -> IncomingCloudEvent.parse(sent.record(), PriorityAssessed.class)).toList();
        QuarkusTransaction.requiringNew().run(() -> model.onAssessments(batch));
    }

    /** Per topic, for each of {@code servers} servers: two events, the newer first, and a redelivery of the first. */
    private static Map<String, List<Sent>> traffic(String prefix, int servers) {
        Map<String, List<Sent>> byTopic = new LinkedHashMap<>();
        TOPICS.forEach(topic -> byTopic.put(topic, new ArrayList<>()));
        Instant at = now().minus(Duration.ofHours(1));
        for (int n = 0; n < servers; n++) {
            String serverId = prefix + "-" + n;
            String app = serverId + "-app";
            ServerSnapshot server = snapshot(serverId, 1, app, "trips");
            Sent newer = server(snapshot(serverId, 2, app, "trips"));
            byTopic.get(Topics.SERVERS).addAll(List.of(newer, server(server), newer));
            Sent check = check(FleetEvents.rebootRequired(snapshot(serverId, 3, app, "check"), at, CheckTrigger.SCHEDULED, Duration.ofDays(1)));
            byTopic.get(Topics.CHECKS).addAll(List.of(check, check(FleetEvents.upToDate(server, at.minusSeconds(60))), check));
            Sent assessment = assessment(assessed(serverId, app, 2, true, Exposure.PUBLIC, 443));
            byTopic.get(Topics.PRIORITIES).addAll(List.of(assessment, assessment(assessed(serverId, app, 1, true, Exposure.INTERNAL, 22)),
                    assessment));
            Sent verified = freshness(FleetEvents.verified(server, 2));
            byTopic.get(Topics.FRESHNESS).addAll(List.of(verified,
                    freshness(FleetEvents.unverified(server, 1, "AGENT_SILENT", "silent", Duration.ofHours(4))), verified));
            Sent policy = policy(FleetEvents.policy(app, Duration.ofDays(3), Duration.ofDays(14), 2.0, at));
            byTopic.get(Topics.POLICIES).addAll(List.of(policy,
                    policy(FleetEvents.policy(app, Duration.ofDays(7), Duration.ofDays(30), 1.0, at.minusSeconds(60))), policy));
        }
        return byTopic;
    }

    @Test
    void aRecordThatFailsIsDeadLetteredAloneAndTheRestOfItsBatchApplies() {
        String prefix = FleetEvents.unique("poison");
        // Longer than server_id's 63 characters: parses, but no write of it can ever succeed.
        String failing = prefix + "-" + "x".repeat(70);
        List<String> healthy = List.of(prefix + "-a", prefix + "-b", prefix + "-c", prefix + "-d");
        List<Sent> batch = new ArrayList<>();
        healthy.subList(0, 2).forEach(server -> batch.add(assessment(assessed(server, prefix, 1, true, Exposure.PUBLIC, 443))));
        batch.add(assessment(assessed(failing, prefix, 1, true, Exposure.PUBLIC, 443)));
        healthy.subList(2, 4).forEach(server -> batch.add(assessment(assessed(server, prefix, 1, true, Exposure.PUBLIC, 443))));

        applyPerTopic(batch);

        KafkaEvents kafka = KafkaEvents.local();
        ReceivedEvent dead = kafka.awaitEvents(Topics.deadLetter(Topics.PRIORITIES), Duration.ofSeconds(30),
                event -> failing.equals(event.key()), 1).get(0);
        assertThat(dead.headers().get(CloudEventHeaders.DEAD_LETTER_REASON)).isNotBlank();
        for (String server : healthy) {
            FleetPriorityEntity priority = QuarkusTransaction.requiringNew().call(() -> FleetPriorityEntity.findById(server));
            assertThat(priority).as(server).isNotNull();
            assertThat(priority.exposure).isEqualTo(Exposure.PUBLIC);
        }
        assertThat(kafka.readAll(Topics.deadLetter(Topics.PRIORITIES)))
                .filteredOn(event -> event.key() != null && event.key().startsWith(prefix)).hasSize(1);
    }

    /**
     * Nearly every check carries the snapshot already applied. {@code on conflict do update … where} would lock each
     * such row all the same (its xmax set: a WAL record per check in a burst); the snapshot is left out first, so the
     * row is untouched. A newer snapshot carried by a check still applies.
     */
    @Test
    void aCheckCarryingTheSnapshotAlreadyAppliedLeavesTheServerRowUntouched() {
        String prefix = FleetEvents.unique("unlocked");
        ServerSnapshot first = snapshot(prefix + "-a", 1, prefix, "first");
        applyPerTopic(List.of(server(first)));
        applyPerTopic(List.of(check(FleetEvents.upToDate(first, now()))));
        assertThat(QuarkusTransaction.requiringNew().call(() -> ((Number) entityManager.createNativeQuery(
                        "select cast(cast(xmax as text) as bigint) from fleet_server where server_id = :id")
                .setParameter("id", first.serverId()).getSingleResult()).longValue()))
                .as("the row's xmax: locked by the check's batch if not 0").isZero();

        ServerSnapshot second = snapshot(first.serverId(), 2, prefix, "second");
        applyPerTopic(List.of(check(FleetEvents.upToDate(second, now()))));
        assertThat(QuarkusTransaction.requiringNew().call(() -> String.valueOf(entityManager.createNativeQuery(
                        "select cast(labels as text) from fleet_server where server_id = :id")
                .setParameter("id", first.serverId()).getSingleResult())))
                .as("a newer snapshot carried by a check still applies").contains("second");
    }

    private static ServerSnapshot snapshot(String serverId, long revision, String applicationId, String label) {
        return snapshot(serverId, revision, applicationId, label, now());
    }

    private static ServerSnapshot snapshot(String serverId, long revision, String applicationId, String label, Instant changedAt) {
        return new ServerSnapshot(ServerSnapshot.SCHEMA_VERSION, serverId, revision, false, serverId + ".example.com", applicationId,
                "production", Map.of("from", label), HTTPS_TO_ANYWHERE, "ssh", changedAt);
    }

    private static ServerFreshness freshnessOf(ServerSnapshot server, long sequence, boolean verified, String reason, Instant at) {
        return new ServerFreshness(ServerFreshness.SCHEMA_VERSION, server.serverId(), sequence, server.hostname(), server.applicationId(),
                server.environment(), verified, reason, verified ? null : reason + " since " + at, at.minus(Duration.ofHours(4)), at,
                Duration.ofHours(3), at);
    }

    /** An assessment whose exposure facts name one port, so that which assessment's facts a row holds shows. */
    private static PriorityAssessed assessed(String serverId, String applicationId, long sequence, boolean pending, Exposure exposure,
                                             int factPort) {
        return assessed(serverId, applicationId, sequence, pending, exposure, factPort, now());
    }

    private static PriorityAssessed assessed(String serverId, String applicationId, long sequence, boolean pending, Exposure exposure,
                                             int factPort, Instant now) {
        List<ExposureFact> facts = pending
                ? List.of(new ExposureFact(factPort, "tcp", "declared", "open", List.of("0.0.0.0/0"), exposure))
                : null;
        return new PriorityAssessed(PriorityAssessed.SCHEMA_VERSION, serverId, sequence, applicationId, "production",
                serverId + ".example.com", pending, pending ? PriorityLevel.HIGH : null, pending ? 60 + (int) sequence : 0, exposure,
                List.of(), pending ? Set.of(Surface.SERVER) : Set.of(), pending ? now.minus(Duration.ofDays(1)) : null, List.of("libc6"),
                now, pending ? RestartKind.REBOOT : null, List.of(), null, facts);
    }

    private static Sent server(ServerSnapshot snapshot) {
        String type = snapshot.removed() ? EventTypes.SERVER_REMOVED
                : snapshot.revision() == 1 ? EventTypes.SERVER_REGISTERED : EventTypes.SERVER_UPDATED;
        return new Sent(Topics.SERVERS, snapshot.serverId(), type, snapshot);
    }

    private static Sent check(CheckCompleted check) {
        return new Sent(Topics.CHECKS, check.serverId(), EventTypes.CHECK_COMPLETED, check);
    }

    private static Sent assessment(PriorityAssessed assessment) {
        return new Sent(Topics.PRIORITIES, assessment.serverId(), EventTypes.PRIORITY_ASSESSED, assessment);
    }

    private static Sent freshness(ServerFreshness freshness) {
        return new Sent(Topics.FRESHNESS, freshness.serverId(),
                freshness.verified() ? EventTypes.SERVER_VERIFIED : EventTypes.SERVER_UNVERIFIED, freshness);
    }

    private static Sent policy(PolicyChanged policy) {
        return new Sent(Topics.POLICIES, policy.applicationId(), EventTypes.POLICY_CHANGED, policy);
    }

    /** One event as a Kafka record; the same {@code Sent} twice is a redelivery (same event id). */
    private record Sent(String topic, String key, String type, Object data, String eventId) {

        Sent(String topic, String key, String type, Object data) {
            this(topic, key, type, data, UUID.randomUUID().toString());
        }

        ConsumerRecord<String, String> record() {
            return PolledRecords.cloudEvent(topic, key, type, eventId, data);
        }
    }

    /** Hands each topic's events, in order, to its consumer as one poll; topics in a fixed order. */
    private void applyPerTopic(List<Sent> events) {
        Map<String, Consumer<ConsumerRecords<String, String>>> consumerOf = Map.of(Topics.SERVERS, consumers::onServers,
                Topics.CHECKS, consumers::onChecks, Topics.PRIORITIES, assessments::onAssessments, Topics.FRESHNESS, consumers::onFreshness,
                Topics.POLICIES, consumers::onPolicies);
        for (String topic : TOPICS) {
            List<ConsumerRecord<String, String>> records = events.stream().filter(sent -> sent.topic().equals(topic)).map(Sent::record).toList();
            if (!records.isEmpty()) {
                consumerOf.get(topic).accept(PolledRecords.poll(topic, records));
            }
        }
    }

    /** The table's rows of {@code id} as JSON, the id itself written as "ID" so that two servers' rows compare. */
    private List<String> rows(String table, String idColumn, String id) {
        return QuarkusTransaction.requiringNew().call(() -> strings(entityManager.createNativeQuery(
                        "select to_jsonb(t)::text from " + table + " t where " + idColumn + " = :id or " + idColumn + " = :id || '-app'")
                .setParameter("id", id).getResultList()).stream().map(row -> row.replace(id, "ID")).toList());
    }

    /** The server's checks, newest first, without their (random) check ids. */
    private List<String> checkRows(String serverId) {
        return QuarkusTransaction.requiringNew().call(() -> strings(entityManager.createNativeQuery("""
                        select (to_jsonb(t) - 'check_id')::text from fleet_check t where server_id = :id
                        order by checked_at desc""")
                .setParameter("id", serverId).getResultList()).stream().map(row -> row.replace(serverId, "ID")).toList());
    }

    private List<Instant> checkTimes(String serverId) {
        return QuarkusTransaction.requiringNew().call(() -> FleetCheckEntity.history(serverId, 1000).stream()
                .map(check -> check.checkedAt).toList());
    }

    private static List<String> strings(List<?> rows) {
        return rows.stream().map(String::valueOf).toList();
    }
}
