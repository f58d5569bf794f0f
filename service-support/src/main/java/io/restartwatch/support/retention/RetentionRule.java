package io.restartwatch.support.retention;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;

/**
 * One kind of row a service forgets: {@link RetentionJob} starts a pass per run and calls it batch after batch,
 * each batch in its own short transaction, until it says nothing is left.
 */
public interface RetentionRule {

    /** Names the rule in logs. */
    String name();

    /** Starts a pass; {@code now} is the service clock's time, {@code batchSize} the most rows a batch should delete. */
    Pass start(Instant now, int batchSize);

    /** One run of a rule: stateful (a rule may walk a key range batch after batch). */
    interface Pass {
        /**
         * Deletes one batch in {@code connection}'s transaction (the job commits it) and reports the rows deleted
         * per table to {@code deleted}.
         *
         * @return true when more rows may be left for another batch
         */
        boolean deleteBatch(Connection connection, DeletedRows deleted) throws SQLException;
    }

    /** Where a batch reports what it deleted. */
    @FunctionalInterface
    interface DeletedRows {
        void add(String table, int rows);
    }

    /**
     * A rule made of one statement deleting at most a batch of rows older than a cutoff, repeated while it
     * deletes a full batch. The statement takes two parameters: the cutoff ({@code now - maxAge}) and the batch
     * size, e.g. {@code delete from t where ctid in (select ctid from t where created_at < ? limit ?)}.
     */
    static RetentionRule olderThan(String table, Supplier<Duration> maxAge, String sql) {
        return new RetentionRule() {
            @Override
            public String name() {
                return table;
            }

            @Override
            public Pass start(Instant now, int batchSize) {
                Timestamp cutoff = Timestamp.from(now.minus(maxAge.get()));
                return (connection, deleted) -> {
                    try (PreparedStatement delete = connection.prepareStatement(sql)) {
                        delete.setTimestamp(1, cutoff);
                        delete.setInt(2, batchSize);
                        int rows = delete.executeUpdate();
                        deleted.add(table, rows);
                        return rows >= batchSize;
                    }
                };
            }
        };
    }

    /** The idempotent-consumer log ({@code processed_event}, a platform table): {@link RetentionJob} always runs it. */
    static RetentionRule processedEvents(RetentionSettings settings) {
        return olderThan("processed_event", settings::processedEvents, """
                delete from processed_event where ctid in (
                    select ctid from processed_event where processed_at < ? limit ?)""");
    }
}
