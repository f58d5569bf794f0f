package io.restartwatch.notification.persistence;

import static io.restartwatch.support.sql.RowColumns.constant;
import static io.restartwatch.support.sql.RowColumns.instant;
import static io.restartwatch.support.sql.RowColumns.jsonList;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

import jakarta.persistence.EntityManager;

import io.restartwatch.contracts.Exposure;
import io.restartwatch.contracts.NotificationKind;
import io.restartwatch.contracts.NotificationStatus;
import io.restartwatch.contracts.PriorityFactor;
import io.restartwatch.contracts.PriorityLevel;
import io.restartwatch.support.sql.SetStatement;

/**
 * Open notifications and assessment cursors read by plain SQL for a batch of assessments, which only reads them (its
 * writes are {@link NotificationEntity#upsertAll} and {@link AssessmentCursorEntity#upsertAll}): Hibernate's queries,
 * entity instantiation and persistence context for these reads were a tenth of this service's CPU in P1. The objects
 * come back unmanaged: change them through the upserts, never by assigning alone.
 */
public final class NotificationRows {

    private NotificationRows() {
    }

    /** The open notifications of these servers, in server and kind order, at most one per server and kind. */
    public static List<NotificationEntity> openOf(EntityManager entityManager, Collection<String> serverIds) {
        return SetStatement.overKeys(serverIds,
                        "select * from notification where server_id = any(?) and status = 'OPEN' order by server_id, kind")
                .returning(entityManager, NotificationRows::notification);
    }

    /** The assessment cursors of these servers; a server never assessed has none. */
    public static List<AssessmentCursorEntity> cursorsOf(EntityManager entityManager, Collection<String> serverIds) {
        return SetStatement.overKeys(serverIds, "select * from assessment_cursor where server_id = any(?)")
                .returning(entityManager, NotificationRows::cursor);
    }

    /** Every column of the current row, as Hibernate would map it. */
    static NotificationEntity notification(ResultSet row) throws SQLException {
        NotificationEntity notification = new NotificationEntity();
        notification.id = row.getObject("id", UUID.class);
        notification.serverId = row.getString("server_id");
        notification.kind = constant(row, "kind", NotificationKind.class);
        notification.status = constant(row, "status", NotificationStatus.class);
        notification.hostname = row.getString("hostname");
        notification.applicationId = row.getString("application_id");
        notification.environment = row.getString("environment");
        notification.level = constant(row, "level", PriorityLevel.class);
        notification.score = row.getInt("score");
        notification.exposure = constant(row, "exposure", Exposure.class);
        notification.onDashboard = row.getBoolean("on_dashboard");
        notification.onApplication = row.getBoolean("on_application");
        notification.packages = jsonList(row, "packages", String[].class);
        notification.factors = jsonList(row, "factors", PriorityFactor[].class);
        notification.services = jsonList(row, "services", String[].class);
        notification.reason = row.getString("reason");
        notification.reasonDetail = row.getString("reason_detail");
        notification.lastVerifiedAt = instant(row, "last_verified_at");
        notification.lastAttemptAt = instant(row, "last_attempt_at");
        notification.planId = row.getString("plan_id");
        notification.restartId = row.getString("restart_id");
        notification.pendingSince = instant(row, "pending_since");
        notification.message = row.getString("message");
        notification.openedAt = instant(row, "opened_at");
        notification.updatedAt = instant(row, "updated_at");
        notification.clearedAt = instant(row, "cleared_at");
        notification.acknowledgedAt = instant(row, "acknowledged_at");
        notification.acknowledgedBy = row.getString("acknowledged_by");
        notification.acknowledgeNote = row.getString("acknowledge_note");
        notification.snoozedUntil = instant(row, "snoozed_until");
        notification.snoozedAtLevel = constant(row, "snoozed_at_level", PriorityLevel.class);
        return notification;
    }

    /** Every column of the current row, as Hibernate would map it. */
    static AssessmentCursorEntity cursor(ResultSet row) throws SQLException {
        AssessmentCursorEntity cursor = new AssessmentCursorEntity();
        cursor.serverId = row.getString("server_id");
        cursor.lastSequence = row.getLong("last_sequence");
        cursor.exposure = constant(row, "exposure", Exposure.class);
        return cursor;
    }
}
