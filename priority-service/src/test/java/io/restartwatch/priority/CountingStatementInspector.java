package io.restartwatch.priority;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.orm.PersistenceUnitExtension;
import org.hibernate.resource.jdbc.spi.StatementInspector;

/**
 * Counts the SQL statements Hibernate prepares on the calling thread (queries, entity loads, each JDBC batch of
 * inserts or updates once), so a test can tell whether work per batch grows with the batch. Statements a service
 * runs on the connection itself ({@code Session.doWork}) are not seen.
 */
@ApplicationScoped
@PersistenceUnitExtension
public class CountingStatementInspector implements StatementInspector {

    private static final ThreadLocal<int[]> COUNT = ThreadLocal.withInitial(() -> new int[1]);

    @Override
    public String inspect(String sql) {
        COUNT.get()[0]++;
        return sql;
    }

    /** Statements prepared on this thread so far. */
    public static int onThisThread() {
        return COUNT.get()[0];
    }
}
