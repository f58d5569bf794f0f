package io.restartwatch.notification.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restartwatch.contracts.Exposure;
import io.restartwatch.contracts.NotificationKind;
import io.restartwatch.contracts.NotificationStatus;
import io.restartwatch.contracts.PriorityFactor;
import io.restartwatch.contracts.PriorityLevel;
import io.restartwatch.testsupport.EntityFields;
import io.restartwatch.testsupport.LocalInfraResource;
import org.junit.jupiter.api.Test;

/** The plain-SQL reads of open notifications and cursors give what Hibernate's mapping of the same rows gives. */
@QuarkusTest
@WithTestResource(value = LocalInfraResource.class, initArgs = @ResourceArg(name = "database", value = "notification"))
class NotificationRowsTest {

    private static final int NOTIFICATION_COLUMNS = 31;
    private static final int ASSESSMENT_CURSOR_COLUMNS = 3;

    @Inject
    EntityManager entityManager;

    /**
     * Every column set, none to its type's default, so that a column the plain read forgets cannot pass unseen; a
     * second, cleared notification of the same server is not read.
     */
    @Test
    void anOpenNotificationWithEveryColumnSetReadsAsHibernateReadsIt() {
        String server = unique();
        NotificationEntity open = everyColumnSet(server, NotificationKind.SERVICE_RESTART, NotificationStatus.OPEN);
        NotificationEntity cleared = everyColumnSet(server, NotificationKind.REBOOT, NotificationStatus.CLEARED);
        QuarkusTransaction.requiringNew().run(() -> NotificationEntity.upsertAll(entityManager, List.of(cleared, open)));
        try {
            QuarkusTransaction.requiringNew().run(() -> {
                List<NotificationEntity> read = NotificationRows.openOf(entityManager, List.of(server, unique()));
                assertThat(read).extracting(notification -> notification.id).containsExactly(open.id);
                NotificationEntity mapped = entityManager.find(NotificationEntity.class, open.id);
                EntityFields.assertEveryColumnSetAndSame(NotificationEntity.class, mapped, read.get(0), NOTIFICATION_COLUMNS);
            });
        } finally {
            delete(server);
        }
    }

    /**
     * Acknowledging and snoozing change a notification through Hibernate, whose own JSON mapper then writes the row:
     * the plain read still gives what Hibernate's mapping gives.
     */
    @Test
    void aNotificationWrittenByHibernateReadsAsHibernateReadsIt() {
        String server = unique();
        NotificationEntity open = everyColumnSet(server, NotificationKind.REBOOT, NotificationStatus.OPEN);
        QuarkusTransaction.requiringNew().run(() -> NotificationEntity.upsertAll(entityManager, List.of(open)));
        QuarkusTransaction.requiringNew().run(() -> {
            NotificationEntity managed = entityManager.find(NotificationEntity.class, open.id);
            managed.acknowledgeNote = "changed by Hibernate";
            managed.packages = new ArrayList<>(List.of("linux-image-6.8.0-41-generic"));
            managed.factors = new ArrayList<>(List.of(new PriorityFactor("exposure", "port 22 open to 10.0.0.0/8", 12)));
            managed.snoozedAtLevel = PriorityLevel.LOW;
        });
        try {
            QuarkusTransaction.requiringNew().run(() -> {
                NotificationEntity plain = NotificationRows.openOf(entityManager, List.of(server)).get(0);
                NotificationEntity mapped = entityManager.find(NotificationEntity.class, open.id);
                EntityFields.assertSameColumns(NotificationEntity.class, mapped, plain, NOTIFICATION_COLUMNS);
                assertThat(plain.acknowledgeNote).isEqualTo("changed by Hibernate");
                assertThat(plain.factors).containsExactly(new PriorityFactor("exposure", "port 22 open to 10.0.0.0/8", 12));
            });
        } finally {
            delete(server);
        }
    }

    /** A server's open notifications come in kind order, as the batch expects them; nullable columns read as null. */
    @Test
    void openNotificationsWithNullColumnsReadAsHibernateReadsThemInKindOrder() {
        String server = unique();
        List<NotificationEntity> written = new ArrayList<>();
        for (NotificationKind kind : List.of(NotificationKind.UNVERIFIED, NotificationKind.REBOOT)) {
            NotificationEntity bare = everyColumnSet(server, kind, NotificationStatus.OPEN);
            bare.hostname = null;
            bare.exposure = null;
            bare.reason = null;
            bare.lastVerifiedAt = null;
            bare.pendingSince = null;
            bare.clearedAt = null;
            bare.acknowledgedAt = null;
            bare.acknowledgedBy = null;
            bare.snoozedUntil = null;
            bare.snoozedAtLevel = null;
            bare.packages = new ArrayList<>();
            written.add(bare);
        }
        QuarkusTransaction.requiringNew().run(() -> NotificationEntity.upsertAll(entityManager, written));
        try {
            QuarkusTransaction.requiringNew().run(() -> {
                List<NotificationEntity> read = NotificationRows.openOf(entityManager, List.of(server));
                assertThat(read).extracting(notification -> notification.kind)
                        .containsExactly(NotificationKind.REBOOT, NotificationKind.UNVERIFIED);
                for (NotificationEntity plain : read) {
                    NotificationEntity mapped = entityManager.find(NotificationEntity.class, plain.id);
                    EntityFields.assertSameColumns(NotificationEntity.class, mapped, plain, NOTIFICATION_COLUMNS);
                    assertThat(plain.hostname).isNull();
                    assertThat(plain.snoozedUntil).isNull();
                }
            });
        } finally {
            delete(server);
        }
    }

    /**
     * Hibernate's queries of open notifications find them through the partial indexes even in a plan cached for the
     * statement, whatever its parameters ({@code plan_cache_mode = force_generic_plan}, the plan PostgreSQL settles on
     * after a statement's first runs): the status is a literal, not a parameter. 30 000 notifications of other servers
     * make a sequential scan the only other way; counted by this transaction's own scans, and everything rolled back.
     */
    @Test
    void openNotificationsAreFoundThroughThePartialIndexesInACachedPlan() {
        String server = unique();
        NotificationEntity reboot = everyColumnSet(server, NotificationKind.REBOOT, NotificationStatus.OPEN);
        NotificationEntity halted = everyColumnSet(server, NotificationKind.PLAN_HALTED, NotificationStatus.OPEN);
        halted.planId = server + "-plan";
        NotificationEntity cleared = everyColumnSet(server, NotificationKind.UNVERIFIED, NotificationStatus.CLEARED);
        QuarkusTransaction.begin();
        try {
            entityManager.createNativeQuery("set local plan_cache_mode = force_generic_plan").executeUpdate();
            entityManager.createNativeQuery("""
                            insert into notification (id, server_id, status, kind, level, score, on_dashboard, on_application, message,
                                                      opened_at, updated_at, plan_id)
                            select gen_random_uuid(), ?1 || '-other-' || n, case when n % 2 = 0 then 'OPEN' else 'CLEARED' end,
                                   'REBOOT', 'LOW', 1, true, true, 'other', now(), now(), ?1 || '-plan'
                            from generate_series(1, 30000) n""")
                    .setParameter(1, unique()).executeUpdate();
            NotificationEntity.upsertAll(entityManager, List.of(cleared, reboot, halted));
            long sequentialBefore = notificationScans();

            assertThat(NotificationEntity.findOpen(server, NotificationKind.REBOOT)).map(n -> n.id).contains(reboot.id);
            assertThat(NotificationEntity.findOpenToWrite(server, NotificationKind.UNVERIFIED)).isEmpty();
            assertThat(NotificationEntity.listOpen(server)).extracting(n -> n.id).containsExactlyInAnyOrder(reboot.id, halted.id);
            assertThat(NotificationEntity.serversHaltedBy(halted.planId)).containsExactly(server);
            assertThat(NotificationEntity.listOpenOfPlanToWrite(halted.planId)).extracting(n -> n.id).containsExactly(halted.id);

            assertThat(notificationScans() - sequentialBefore).as("sequential scans of notification").isZero();
        } finally {
            QuarkusTransaction.rollback();
        }
    }

    private long notificationScans() {
        return ((Number) entityManager.createNativeQuery(
                "select seq_scan from pg_stat_xact_all_tables where relid = 'notification'::regclass").getSingleResult()).longValue();
    }

    @Test
    void cursorsReadAsHibernateReadsThem() {
        String withExposure = unique();
        String without = unique();
        QuarkusTransaction.requiringNew().run(() -> AssessmentCursorEntity.upsertAll(entityManager, List.of(
                AssessmentCursorEntity.start(withExposure, 12, Exposure.PUBLIC), AssessmentCursorEntity.start(without, 3, null))));
        try {
            QuarkusTransaction.requiringNew().run(() -> {
                List<AssessmentCursorEntity> read = NotificationRows.cursorsOf(entityManager, List.of(withExposure, without, unique()));
                assertThat(read).extracting(cursor -> cursor.serverId).containsExactlyInAnyOrder(withExposure, without);
                for (AssessmentCursorEntity plain : read) {
                    AssessmentCursorEntity mapped = entityManager.find(AssessmentCursorEntity.class, plain.serverId);
                    EntityFields.assertSameColumns(AssessmentCursorEntity.class, mapped, plain, ASSESSMENT_CURSOR_COLUMNS);
                }
                assertThat(read).filteredOn(cursor -> cursor.serverId.equals(withExposure))
                        .singleElement().satisfies(cursor -> {
                            assertThat(cursor.lastSequence).isEqualTo(12);
                            assertThat(cursor.exposure).isEqualTo(Exposure.PUBLIC);
                        });
            });
        } finally {
            QuarkusTransaction.requiringNew().run(() -> entityManager.createNativeQuery(
                    "delete from assessment_cursor where server_id in (:a, :b)").setParameter("a", withExposure)
                    .setParameter("b", without).executeUpdate());
        }
    }

    private static NotificationEntity everyColumnSet(String server, NotificationKind kind, NotificationStatus status) {
        Instant at = Instant.parse("2026-11-01T10:00:00.123456Z");
        NotificationEntity notification = new NotificationEntity();
        notification.id = UUID.randomUUID();
        notification.serverId = server;
        notification.kind = kind;
        notification.status = status;
        notification.hostname = "web-1.example.org";
        notification.applicationId = "shop";
        notification.environment = "production";
        notification.level = PriorityLevel.HIGH;
        notification.score = 72;
        notification.exposure = Exposure.RESTRICTED;
        notification.onDashboard = true;
        notification.onApplication = true;
        notification.packages = new ArrayList<>(List.of("openssl", "libc6"));
        notification.factors = new ArrayList<>(List.of(new PriorityFactor("age", "pending for 3 days", 30)));
        notification.services = new ArrayList<>(List.of("nginx.service"));
        notification.reason = "HOST_KEY_CHANGED";
        notification.reasonDetail = "the key offered is not the one known";
        notification.lastVerifiedAt = at;
        notification.lastAttemptAt = at.plusSeconds(1);
        notification.planId = "plan-1";
        notification.restartId = "restart-1";
        notification.pendingSince = at.plusSeconds(2);
        notification.message = "web-1 needs a restart";
        notification.openedAt = at.plusSeconds(3);
        notification.updatedAt = at.plusSeconds(4);
        notification.clearedAt = at.plusSeconds(5);
        notification.acknowledgedAt = at.plusSeconds(6);
        notification.acknowledgedBy = "alice";
        notification.acknowledgeNote = "tonight";
        notification.snoozedUntil = at.plusSeconds(7);
        notification.snoozedAtLevel = PriorityLevel.MEDIUM;
        return notification;
    }

    private static String unique() {
        return "rows-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private void delete(String server) {
        QuarkusTransaction.requiringNew().run(() -> entityManager.createNativeQuery("delete from notification where server_id = :id")
                .setParameter("id", server).executeUpdate());
    }
}
