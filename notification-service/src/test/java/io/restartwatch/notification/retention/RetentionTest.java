package io.restartwatch.notification.retention;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.UUID;

import jakarta.inject.Inject;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restartwatch.support.retention.RetentionJob;
import io.restartwatch.testsupport.LocalInfraResource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Retention of cleared notifications and finished webhook deliveries, on real PostgreSQL, one pass run by a method
 * call (consumed ids: RetentionJobTest). Rows are written with old timestamps through SQL.
 */
@QuarkusTest
@WithTestResource(value = LocalInfraResource.class, initArgs = @ResourceArg(name = "database", value = "notification"))
class RetentionTest {

    @Inject
    RetentionJob retention;
    @Inject
    AgroalDataSource dataSource;

    private final String prefix = "ret-" + UUID.randomUUID().toString().substring(0, 8);
    private final UUID webhook = UUID.randomUUID();

    @AfterEach
    void removeRows() throws SQLException {
        sql("delete from webhook_attempt where delivery_id in (select id from webhook_delivery where webhook_id = '" + webhook + "')");
        sql("delete from webhook_delivery where webhook_id = '" + webhook + "'");
        sql("delete from webhook where id = '" + webhook + "'");
        sql("delete from notification_history where server_id like '" + prefix + "%'");
        sql("delete from notification where server_id like '" + prefix + "%'");
    }

    @Test
    void clearedNotificationsGoWithTheirHistoryAfter180DaysOpenOnesNever() throws SQLException {
        UUID openForAYear = notification("open", "OPEN", "400 days", null);
        UUID clearedLongAgo = notification("cleared-old", "CLEARED", "300 days", "181 days");
        UUID clearedRecently = notification("cleared-new", "CLEARED", "300 days", "179 days");

        retention.runOnce();

        assertThat(exists("notification", openForAYear)).isTrue();
        assertThat(history(openForAYear)).isEqualTo(2);
        assertThat(exists("notification", clearedLongAgo)).isFalse();
        assertThat(history(clearedLongAgo)).isZero();
        assertThat(exists("notification", clearedRecently)).isTrue();
        assertThat(history(clearedRecently)).isEqualTo(2);
    }

    @Test
    void finishedDeliveriesGoWithTheirAttemptsAfter30DaysPendingOnesNever() throws SQLException {
        sql("insert into webhook (id, url, min_level, format, active, created_at) values ('" + webhook
                + "', 'https://example.invalid/hook', 'LOW', 'JSON', false, now())");
        UUID cleared = notification("cleared", "CLEARED", "50 days", "40 days");
        UUID open = notification("open", "OPEN", "50 days", null);
        UUID deliveredLongAgo = delivery(cleared, "DELIVERED", "31 days");
        UUID failedLongAgo = delivery(cleared, "FAILED", "31 days");
        UUID deliveredRecently = delivery(cleared, "DELIVERED", "29 days");
        UUID pendingLongAgo = delivery(cleared, "PENDING", "31 days");
        // The webhook heard of the opening: it must still be known when the notification clears.
        UUID ofAnOpenNotification = delivery(open, "DELIVERED", "45 days");

        retention.runOnce();

        assertThat(exists("webhook_delivery", deliveredLongAgo)).isFalse();
        assertThat(exists("webhook_delivery", failedLongAgo)).isFalse();
        assertThat(count("select count(*) from webhook_attempt where delivery_id in ('" + deliveredLongAgo + "', '"
                + failedLongAgo + "')")).isZero();
        assertThat(exists("webhook_delivery", deliveredRecently)).isTrue();
        assertThat(exists("webhook_delivery", pendingLongAgo)).isTrue();
        assertThat(exists("webhook_delivery", ofAnOpenNotification)).isTrue();
        assertThat(count("select count(*) from webhook_attempt where delivery_id = '" + pendingLongAgo + "'")).isEqualTo(1);
    }

    /** A notification kept off the dashboard and application pages, with an OPENED and (when cleared) a CLEARED entry. */
    private UUID notification(String name, String status, String openedAgo, String clearedAgo) throws SQLException {
        UUID id = UUID.randomUUID();
        String server = prefix + "-" + name;
        String cleared = clearedAgo == null ? "null" : "now() - interval '" + clearedAgo + "'";
        sql("insert into notification (id, server_id, status, level, score, on_dashboard, on_application, message, "
                + "opened_at, updated_at, cleared_at) values ('" + id + "', '" + server + "', '" + status + "', 'LOW', 1, "
                + "false, false, 'retention test', now() - interval '" + openedAgo + "', now(), " + cleared + ")");
        sql("insert into notification_history (notification_id, server_id, kind, occurred_at) values ('" + id + "', '"
                + server + "', 'OPENED', now() - interval '" + openedAgo + "')");
        sql("insert into notification_history (notification_id, server_id, kind, occurred_at) values ('" + id + "', '"
                + server + "', '" + (clearedAgo == null ? "UPDATED" : "CLEARED") + "', "
                + (clearedAgo == null ? "now() - interval '" + openedAgo + "'" : cleared) + ")");
        return id;
    }

    /** A delivery with one attempt; a pending one is due only tomorrow, so the dispatcher leaves it alone. */
    private UUID delivery(UUID notification, String status, String createdAgo) throws SQLException {
        UUID id = UUID.randomUUID();
        sql("insert into webhook_delivery (id, webhook_id, notification_id, server_id, event_type, body, status, attempts, "
                + "created_at, next_attempt_at) values ('" + id + "', '" + webhook + "', '" + notification + "', '" + prefix
                + "', 'notification.opened', '{}', '" + status + "', 1, now() - interval '" + createdAgo + "', now() + interval '1 day')");
        sql("insert into webhook_attempt (delivery_id, attempt, started_at, duration_ms, status_code) values ('" + id
                + "', 1, now() - interval '" + createdAgo + "', 5, 200)");
        return id;
    }

    private boolean exists(String table, UUID id) throws SQLException {
        return count("select count(*) from " + table + " where id = '" + id + "'") == 1;
    }

    private long history(UUID notification) throws SQLException {
        return count("select count(*) from notification_history where notification_id = '" + notification + "'");
    }

    private long count(String query) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             ResultSet result = connection.createStatement().executeQuery(query)) {
            result.next();
            return result.getLong(1);
        }
    }

    private void sql(String statement) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            connection.createStatement().execute(statement);
        }
    }
}
