package io.restartwatch.support.sql;

import java.net.ConnectException;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;

/**
 * What a failure says about the database, read from its cause chain (pgjdbc's SQLStates, the JDBC exception
 * classes, Hibernate's wrappers by name so that this needs no Hibernate on the class path).
 */
public final class DatabaseFailures {

    private DatabaseFailures() {
    }

    /**
     * The database cannot be reached or is going away: connection trouble (SQLState class 08, pgjdbc's refused
     * connect included), an administrator or crash shutdown (57P). The same work may well succeed in a moment. A bare
     * {@link ConnectException} does not count: it may be any other peer's.
     */
    public static boolean unavailable(Throwable failure) {
        return anyCause(failure, cause -> cause instanceof SQLRecoverableException
                || state(cause).startsWith("08") || state(cause).startsWith("57P")
                || cause.getClass().getName().endsWith("JDBCConnectionException"));
    }

    /**
     * {@link #unavailable}, a refused connect, or a conflict that a second attempt resolves: a serialisation failure or
     * deadlock (class 40), an optimistic-lock clash, any {@link SQLTransientException}.
     */
    public static boolean transientFailure(Throwable failure) {
        return unavailable(failure) || anyCause(failure, cause -> cause instanceof SQLTransientException
                || cause instanceof ConnectException
                || state(cause).startsWith("40")
                || cause.getClass().getName().endsWith("OptimisticLockException")
                || cause.getClass().getName().endsWith("StaleObjectStateException"));
    }

    private static String state(Throwable cause) {
        return cause instanceof SQLException sql && sql.getSQLState() != null ? sql.getSQLState() : "";
    }

    private static boolean anyCause(Throwable failure, java.util.function.Predicate<Throwable> test) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (test.test(cause)) {
                return true;
            }
            if (cause.getCause() == cause) {
                break;
            }
        }
        return false;
    }
}
