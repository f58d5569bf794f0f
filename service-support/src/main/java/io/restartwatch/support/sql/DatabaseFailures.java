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
     * The database cannot be reached or is going away: connection trouble (SQLState class 08), an administrator or
     * crash shutdown (57P), a refused connect. The same work may well succeed in a moment.
     */
    public static boolean unavailable(Throwable failure) {
        return anyCause(failure, cause -> cause instanceof SQLRecoverableException || cause instanceof ConnectException
                || state(cause).startsWith("08") || state(cause).startsWith("57P")
                || cause.getClass().getName().endsWith("JDBCConnectionException"));
    }

    /**
     * {@link #unavailable}, or a conflict that a second attempt resolves: a serialisation failure or deadlock (class
     * 40), an optimistic-lock clash, any {@link SQLTransientException}.
     */
    public static boolean transientFailure(Throwable failure) {
        return unavailable(failure) || anyCause(failure, cause -> cause instanceof SQLTransientException
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
