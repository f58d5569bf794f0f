package io.restartwatch.notification;

import static io.restartwatch.notification.Assessments.done;
import static io.restartwatch.notification.Assessments.pending;
import static io.restartwatch.notification.Assessments.servicesPending;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restartwatch.contracts.CloudEventHeaders;
import io.restartwatch.contracts.EventTypes;
import io.restartwatch.contracts.Exposure;
import io.restartwatch.contracts.NotificationEvent;
import io.restartwatch.contracts.PriorityAssessed;
import io.restartwatch.contracts.PriorityLevel;
import io.restartwatch.contracts.Surface;
import io.restartwatch.contracts.Topics;
import io.restartwatch.notification.domain.Notifications;
import io.restartwatch.notification.domain.ReceivedAssessment;
import io.restartwatch.notification.messaging.AssessmentsConsumer;
import io.restartwatch.notification.persistence.NotificationEntity;
import io.restartwatch.notification.persistence.NotificationRows;
import io.restartwatch.testsupport.KafkaEvents;
import io.restartwatch.testsupport.KafkaEvents.ReceivedEvent;
import io.restartwatch.testsupport.LocalInfraResource;
import io.restartwatch.testsupport.PolledRecords;
import io.restartwatch.testsupport.RoundTrips;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * A polled batch of assessments applied as a set ({@link Notifications#onAssessments}): the same result as one by one,
 * each event once, a failing record dead-lettered alone, and a number of database round trips that does not grow
 * with the batch. Batches are handed to the consumer's method directly, so each test decides what one poll holds.
 */
@QuarkusTest
@WithTestResource(value = LocalInfraResource.class, initArgs = @ResourceArg(name = "database", value = "notification"))
class AssessmentBatchesTest {

    private final KafkaEvents kafka = KafkaEvents.local();

    @Inject
    AssessmentsConsumer consumer;
    @Inject
    Notifications notifications;
    @Inject
    EntityManager entityManager;

    @Test
    void severalAssessmentsOfOneServerInOneBatchEndAsAppliedOneByOne() {
        String app = Assessments.unique("seq");
        String batched = app + "-batched";
        String oneByOne = app + "-single";
        List<Step> steps = List.of(
                step(s -> pending(s, 1, app, PriorityLevel.MEDIUM, 35, Exposure.PUBLIC, Duration.ofDays(2), Surface.DASHBOARD)),
                step(s -> pending(s, 2, app, PriorityLevel.HIGH, 65, Exposure.PUBLIC, Duration.ofDays(2), Surface.DASHBOARD)),
                step(s -> done(s, 3, app)),                                                      // cleared
                step(s -> pending(s, 2, app, PriorityLevel.HIGH, 65, Exposure.PUBLIC, Duration.ofDays(2))), // late: ignored
                step(s -> pending(s, 4, app, PriorityLevel.LOW, 12, Exposure.INTERNAL, Duration.ofHours(1))), // opened again
                step(s -> pending(s, 5, app, PriorityLevel.LOW, 14, Exposure.INTERNAL, Duration.ofHours(1))), // an update
                step(s -> servicesPending(s, 6, app, PriorityLevel.LOW, 10, Exposure.INTERNAL, Duration.ofHours(1),
                        List.of("nginx.service"))),                                              // reboot done, services left
                step(s -> pending(s, 7, app, PriorityLevel.MEDIUM, 30, Exposure.INTERNAL, Duration.ofHours(1)))); // reboot again

        // First batch: opened; second batch: what must be written as updates before the insert of the same kind.
        apply(steps.subList(0, 1).stream().map(step -> step.record(batched)).toList());
        apply(steps.subList(1, steps.size()).stream().map(step -> step.record(batched)).toList());
        for (Step step : steps) {
            apply(List.of(step.record(oneByOne)));
        }

        assertThat(timeline(batched)).isEqualTo(timeline(oneByOne)).containsExactly(
                "REBOOT OPENED MEDIUM", "REBOOT ESCALATED HIGH", "REBOOT CLEARED HIGH", "REBOOT OPENED LOW",
                "REBOOT UPDATED LOW", "SERVICE_RESTART OPENED LOW", "REBOOT CLEARED LOW", "REBOOT OPENED MEDIUM",
                "SERVICE_RESTART CLEARED LOW");
        assertThat(notificationRows(batched)).isEqualTo(notificationRows(oneByOne)).containsExactly(
                "REBOOT CLEARED HIGH 65", "REBOOT CLEARED LOW 14", "SERVICE_RESTART CLEARED LOW 10", "REBOOT OPEN MEDIUM 30");
        assertThat(published(batched)).isEqualTo(published(oneByOne)).containsExactly(
                "opened REBOOT OPEN MEDIUM", "escalated REBOOT OPEN HIGH", "cleared REBOOT CLEARED HIGH",
                "opened REBOOT OPEN LOW", "opened SERVICE_RESTART OPEN LOW", "cleared REBOOT CLEARED LOW",
                "opened REBOOT OPEN MEDIUM", "cleared SERVICE_RESTART CLEARED LOW");
    }

    @Test
    void redeliveredEventsAreAppliedOnceWhetherRepeatedInTheBatchOrAppliedBefore() {
        String app = Assessments.unique("dup");
        String repeatedInBatch = app + "-repeated";
        String appliedBefore = app + "-before";
        Step opened = step(s -> pending(s, 1, app, PriorityLevel.MEDIUM, 40, Exposure.INTERNAL, Duration.ofDays(1)));
        Step escalated = step(s -> pending(s, 2, app, PriorityLevel.HIGH, 70, Exposure.INTERNAL, Duration.ofDays(1)));
        Step cleared = step(s -> done(s, 3, app));
        apply(List.of(opened.record(appliedBefore)));

        apply(List.of(opened.record(repeatedInBatch), opened.record(repeatedInBatch), escalated.record(repeatedInBatch),
                opened.record(appliedBefore), escalated.record(appliedBefore), escalated.record(appliedBefore),
                opened.record(appliedBefore), cleared.record(repeatedInBatch), cleared.record(repeatedInBatch)));

        assertThat(timeline(repeatedInBatch)).containsExactly("REBOOT OPENED MEDIUM", "REBOOT ESCALATED HIGH", "REBOOT CLEARED HIGH");
        assertThat(published(repeatedInBatch)).containsExactly(
                "opened REBOOT OPEN MEDIUM", "escalated REBOOT OPEN HIGH", "cleared REBOOT CLEARED HIGH");
        assertThat(timeline(appliedBefore)).containsExactly("REBOOT OPENED MEDIUM", "REBOOT ESCALATED HIGH");
        assertThat(published(appliedBefore)).containsExactly("opened REBOOT OPEN MEDIUM", "escalated REBOOT OPEN HIGH");
    }

    /**
     * Two instances holding the same records while a partition moves between them, applying them at once: the one that
     * comes second waits for the first to commit, then finds the server's cursor moved and applies nothing. Without a
     * consumed-id log it is the cursor, read under the server's lock, that makes this hold.
     */
    @Test
    void twoInstancesApplyingTheSameBatchAtOnceApplyItOnce() throws Exception {
        String app = Assessments.unique("twice");
        String server = app + "-1";
        apply(List.of(step(s -> pending(s, 1, app, PriorityLevel.MEDIUM, 40, Exposure.INTERNAL, Duration.ofDays(1))).record(server)));
        List<ReceivedAssessment> batch = List.of(received(pending(server, 2, app, PriorityLevel.HIGH, 70, Exposure.INTERNAL, Duration.ofDays(1))));

        HeldTransactions.whileOneHasNotCommitted(entityManager, () -> notifications.onAssessments(batch),
                () -> QuarkusTransaction.requiringNew().run(() -> notifications.onAssessments(batch)));

        assertThat(timeline(server)).containsExactly("REBOOT OPENED MEDIUM", "REBOOT ESCALATED HIGH");
        assertThat(published(server)).containsExactly("opened REBOOT OPEN MEDIUM", "escalated REBOOT OPEN HIGH");
    }

    /**
     * An operator acknowledges a notification after a batch read it and before the batch writes it (here the batch's
     * read and write are transactions of their own, so the server's lock that acknowledging takes does not order them):
     * the batch's write replaces what assessments own and leaves the acknowledgement as written.
     */
    @Test
    void anAcknowledgementMadeWhileABatchRunsStays() {
        String app = Assessments.unique("ack");
        String server = app + "-1";
        apply(List.of(step(s -> pending(s, 1, app, PriorityLevel.MEDIUM, 40, Exposure.INTERNAL, Duration.ofDays(1))).record(server)));
        NotificationEntity readByTheBatch = QuarkusTransaction.requiringNew()
                .call(() -> NotificationRows.openOf(entityManager, List.of(server)).get(0));

        notifications.acknowledge(readByTheBatch.id, "alice", "rebooting tonight");
        readByTheBatch.score = 45;
        QuarkusTransaction.requiringNew().run(() -> NotificationEntity.upsertAll(entityManager, List.of(readByTheBatch)));

        NotificationEntity written = QuarkusTransaction.requiringNew().call(() -> NotificationEntity.findById(readByTheBatch.id));
        assertThat(written.score).isEqualTo(45);
        assertThat(written.acknowledgedBy).isEqualTo("alice");
        assertThat(written.acknowledgeNote).isEqualTo("rebooting tonight");
        assertThat(written.acknowledgedAt).isNotNull();
    }

    /**
     * An operator snoozes a notification while a batch that wrote it has not committed: the snooze waits for the batch
     * (the server's lock), then applies to what the batch wrote, and both stay. Without that wait the snooze read the
     * row as it was before the batch and its update replaced the batch's score with the old one (seen: 40, not 45);
     * the other way round, a batch writes back the snooze it read.
     */
    @Test
    void aSnoozeMadeWhileABatchRunsStays() throws Exception {
        String app = Assessments.unique("snooze");
        String server = app + "-1";
        apply(List.of(step(s -> pending(s, 1, app, PriorityLevel.MEDIUM, 40, Exposure.INTERNAL, Duration.ofDays(1))).record(server)));
        UUID id = QuarkusTransaction.requiringNew().call(() -> NotificationRows.openOf(entityManager, List.of(server)).get(0).id);
        List<ReceivedAssessment> update = List.of(received(pending(server, 2, app, PriorityLevel.MEDIUM, 45, Exposure.INTERNAL, Duration.ofDays(1))));
        Instant until = Instant.now().plus(Duration.ofDays(1)).truncatedTo(ChronoUnit.SECONDS);

        HeldTransactions.whileOneHasNotCommitted(entityManager, () -> notifications.onAssessments(update),
                () -> notifications.snooze(id, until, "alice", "maintenance window tomorrow"));

        NotificationEntity written = QuarkusTransaction.requiringNew().call(() -> NotificationEntity.findById(id));
        assertThat(written.score).as("the batch's update").isEqualTo(45);
        assertThat(written.snoozedUntil).as("the operator's snooze").isEqualTo(until);
        assertThat(written.snoozedAtLevel).isEqualTo(PriorityLevel.MEDIUM);
    }

    @Test
    void aRecordThatFailsIsDeadLetteredAloneAndTheRestOfItsBatchApplies() {
        String app = Assessments.unique("poison");
        // Longer than server_id's 63 characters: parses, but no write of it can ever succeed.
        String failing = app + "-" + "x".repeat(70);
        List<String> healthy = List.of(app + "-a", app + "-b", app + "-c", app + "-d");
        List<ConsumerRecord<String, String>> batch = new ArrayList<>();
        Step opened = step(s -> pending(s, 1, app, PriorityLevel.MEDIUM, 40, Exposure.INTERNAL, Duration.ofDays(1)));
        healthy.subList(0, 2).forEach(server -> batch.add(opened.record(server)));
        batch.add(opened.record(failing));
        healthy.subList(2, 4).forEach(server -> batch.add(opened.record(server)));

        apply(batch);

        ReceivedEvent dead = kafka.awaitEvents(Topics.deadLetter(Topics.PRIORITIES), Duration.ofSeconds(30),
                event -> failing.equals(event.key()), 1).get(0);
        assertThat(dead.headers().get(CloudEventHeaders.DEAD_LETTER_REASON)).isNotBlank();
        for (String server : healthy) {
            assertThat(timeline(server)).as(server).containsExactly("REBOOT OPENED MEDIUM");
            assertThat(published(server)).as(server).containsExactly("opened REBOOT OPEN MEDIUM");
        }
        assertThat(kafka.readAll(Topics.deadLetter(Topics.PRIORITIES)))
                .filteredOn(event -> event.key() != null && event.key().startsWith(app)).hasSize(1);
    }

    /**
     * Counts the PostgreSQL protocol's Sync messages (one per round trip: pgjdbc sends a JDBC batch's statements and
     * one Sync) and Execute messages (one per statement run) the driver sends while a batch is applied. A query or a
     * write per record would make the big batch's count grow.
     */
    @Test
    void aBatchTakesTheSameNumberOfRoundTripsWhateverItsSize() {
        String app = Assessments.unique("trips");
        List<ReceivedAssessment> smallBefore = new ArrayList<>();
        List<ReceivedAssessment> small = new ArrayList<>();
        List<ReceivedAssessment> bigBefore = new ArrayList<>();
        List<ReceivedAssessment> big = new ArrayList<>();
        mixedBatch(app + "-s", 1, smallBefore, small);
        mixedBatch(app + "-b", 30, bigBefore, big);
        QuarkusTransaction.requiringNew().run(() -> notifications.onAssessments(smallBefore));
        QuarkusTransaction.requiringNew().run(() -> notifications.onAssessments(bigBefore));

        RoundTrips smallTrips = RoundTrips.during(() -> QuarkusTransaction.requiringNew().run(() -> notifications.onAssessments(small)));
        RoundTrips bigTrips = RoundTrips.during(() -> QuarkusTransaction.requiringNew().run(() -> notifications.onAssessments(big)));

        System.out.printf("assessment batch of %d: %d round trips (+%d driver type lookups), %d statements; "
                        + "batch of %d: %d round trips (+%d driver type lookups), %d statements%n",
                small.size(), smallTrips.syncs(), smallTrips.typeLookups(), smallTrips.executes(),
                big.size(), bigTrips.syncs(), bigTrips.typeLookups(), bigTrips.executes());
        System.out.println("round trips of the batch of " + big.size() + ":\n  " + String.join("\n  ", bigTrips.statements()));
        assertThat(smallTrips.syncs()).as("the driver's messages are seen").isGreaterThanOrEqualTo(5);
        // 10 statements of one round trip each (locks, two reads, cursors, changed and opened notifications, webhooks,
        // timeline, outbox, the commit: 10 seen); the driver may add a describe round trip for a statement whose
        // parameter types it does not know yet. 240 assessments against 8: one statement per record or per server
        // would add 30 round trips or more.
        assertThat(bigTrips.syncs()).as("round trips of %d assessments", big.size()).isLessThanOrEqualTo(12);
        assertThat(bigTrips.syncs()).as("round trips of %d assessments against %d", big.size(), small.size())
                .isLessThanOrEqualTo(smallTrips.syncs() + 2);
        // What they did: every kind of write of the batch, for every server.
        assertThat(timeline(app + "-b-0-escalated")).containsExactly("REBOOT OPENED MEDIUM", "REBOOT ESCALATED HIGH");
        assertThat(timeline(app + "-b-29-cleared")).containsExactly("REBOOT OPENED MEDIUM", "REBOOT CLEARED MEDIUM");
        assertThat(timeline(app + "-b-29-reopened")).containsExactly("REBOOT OPENED MEDIUM", "REBOOT CLEARED MEDIUM",
                "REBOOT OPENED LOW");
        assertThat(timeline(app + "-b-17-new")).containsExactly("REBOOT OPENED LOW", "REBOOT UPDATED LOW");
    }

    /**
     * {@code groups} times four servers: one escalates, one clears, one clears and opens again, one new is opened
     * and updated, with a redelivery and a stale assessment; {@code before} opens the first three.
     */
    private static void mixedBatch(String prefix, int groups, List<ReceivedAssessment> before, List<ReceivedAssessment> batch) {
        for (int n = 0; n < groups; n++) {
            String escalated = prefix + "-" + n + "-escalated";
            String cleared = prefix + "-" + n + "-cleared";
            String reopened = prefix + "-" + n + "-reopened";
            String fresh = prefix + "-" + n + "-new";
            for (String server : List.of(escalated, cleared, reopened)) {
                before.add(received(pending(server, 1, prefix, PriorityLevel.MEDIUM, 40, Exposure.INTERNAL, Duration.ofDays(1))));
            }
            ReceivedAssessment escalation = received(pending(escalated, 2, prefix, PriorityLevel.HIGH, 70, Exposure.INTERNAL, Duration.ofDays(1)));
            batch.add(escalation);
            batch.add(escalation);
            batch.add(received(pending(escalated, 1, prefix, PriorityLevel.LOW, 1, Exposure.INTERNAL, Duration.ofDays(1))));
            batch.add(received(done(cleared, 2, prefix)));
            batch.add(received(done(reopened, 2, prefix)));
            batch.add(received(pending(reopened, 3, prefix, PriorityLevel.LOW, 10, Exposure.INTERNAL, Duration.ofHours(1))));
            batch.add(received(pending(fresh, 1, prefix, PriorityLevel.LOW, 10, Exposure.INTERNAL, Duration.ofHours(1))));
            batch.add(received(pending(fresh, 2, prefix, PriorityLevel.LOW, 11, Exposure.INTERNAL, Duration.ofHours(1))));
        }
    }

    private static ReceivedAssessment received(PriorityAssessed assessment) {
        return new ReceivedAssessment(UUID.randomUUID().toString(), assessment);
    }

    /** One assessment for whichever server, under one event id per server (a redelivery is the same record again). */
    private static Step step(Function<String, PriorityAssessed> assessment) {
        return new Step(assessment, new ConcurrentHashMap<>());
    }

    private record Step(Function<String, PriorityAssessed> assessment, Map<String, String> eventIds) {

        ConsumerRecord<String, String> record(String serverId) {
            String eventId = eventIds.computeIfAbsent(serverId, server -> UUID.randomUUID().toString());
            return PolledRecords.cloudEvent(Topics.PRIORITIES, serverId, EventTypes.PRIORITY_ASSESSED, eventId,
                    assessment.apply(serverId));
        }
    }

    /** What one poll hands the consumer. */
    private void apply(List<ConsumerRecord<String, String>> records) {
        consumer.onAssessments(PolledRecords.poll(Topics.PRIORITIES, records));
    }

    /** The server's timeline, oldest first: notification kind, entry kind, level. */
    private List<String> timeline(String serverId) {
        return QuarkusTransaction.requiringNew().call(() -> strings(entityManager.createNativeQuery("""
                        select notification_kind || ' ' || kind || ' ' || coalesce(level, '-')
                        from notification_history where server_id = :server order by id""")
                .setParameter("server", serverId).getResultList()));
    }

    /** The server's notifications in the order they were opened: kind, status, level, score. */
    private List<String> notificationRows(String serverId) {
        return QuarkusTransaction.requiringNew().call(() -> strings(entityManager.createNativeQuery("""
                        select n.kind || ' ' || n.status || ' ' || n.level || ' ' || n.score from notification n
                        where n.server_id = :server
                        order by (select min(h.id) from notification_history h where h.notification_id = n.id)""")
                .setParameter("server", serverId).getResultList()));
    }

    /** What reached {@code restartwatch.notifications} for the server, once its outbox rows are all published. */
    private List<String> published(String serverId) {
        await().atMost(Duration.ofSeconds(30)).until(() -> QuarkusTransaction.requiringNew().call(() ->
                ((Number) entityManager.createNativeQuery("select count(*) from outbox_event where event_key = :server")
                        .setParameter("server", serverId).getSingleResult()).longValue() == 0));
        List<ReceivedEvent> events = kafka.readAll(Topics.NOTIFICATIONS).stream().filter(e -> serverId.equals(e.key())).toList();
        return events.stream().map(e -> {
            NotificationEvent n = e.data(NotificationEvent.class);
            return e.type().substring(e.type().lastIndexOf('.') + 1) + " " + n.kind() + " " + n.status() + " " + n.level();
        }).toList();
    }

    private static List<String> strings(List<?> rows) {
        return rows.stream().map(String::valueOf).toList();
    }
}
