package io.restartwatch.testsupport;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * The database round trips a piece of work makes, counted from the PostgreSQL driver's own protocol log (pgjdbc logs
 * every frontend message through java.util.logging): Sync messages (one per round trip: a JDBC batch's statements
 * travel with one Sync), Execute messages (one per statement run), and the first words of each statement. Only this
 * thread's messages count. A test of a set-based write asserts the count does not grow with the set.
 *
 * @param syncs       round trips, without the driver's own catalog lookups
 * @param typeLookups the driver's catalog queries that fill its per-connection type cache (once per connection)
 * @param executes    statements run
 * @param statements  per round trip, the start of the statements it carried
 */
public record RoundTrips(long syncs, long typeLookups, long executes, List<String> statements) {

    public static RoundTrips during(Runnable work) {
        Logger driver = Logger.getLogger("org.postgresql.core.v3.QueryExecutorImpl");
        Thread self = Thread.currentThread();
        AtomicLong syncs = new AtomicLong();
        AtomicLong executes = new AtomicLong();
        AtomicLong typeLookups = new AtomicLong();
        List<String> statements = new ArrayList<>();
        List<String> sinceLastSync = new ArrayList<>();
        Formatter formatter = new SimpleFormatter();
        Handler counter = new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (Thread.currentThread() != self || record.getMessage() == null) {
                    return;
                }
                String message = record.getMessage().trim();
                if (message.startsWith("FE=> Sync")) {
                    // The driver's own catalog queries fill its per-connection type cache: once per connection.
                    if (!sinceLastSync.isEmpty() && sinceLastSync.stream().allMatch(text -> text.contains("pg_catalog"))) {
                        typeLookups.incrementAndGet();
                    } else {
                        syncs.incrementAndGet();
                        statements.add((sinceLastSync.isEmpty() ? "(statements prepared before)" : String.join(" | ", sinceLastSync)));
                    }
                    sinceLastSync.clear();
                } else if (message.startsWith("FE=> Execute")) {
                    executes.incrementAndGet();
                } else if (message.startsWith("FE=> Parse") || message.startsWith("FE=> SimpleQuery")) {
                    String text = formatter.formatMessage(record).replaceAll("\\s+", " ");
                    int query = text.indexOf("query=");
                    text = query < 0 ? text : text.substring(query + 6);
                    sinceLastSync.add(text.substring(0, Math.min(text.length(), 70)));
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Level level = driver.getLevel();
        boolean useParentHandlers = driver.getUseParentHandlers();
        counter.setLevel(Level.ALL);
        driver.addHandler(counter);
        driver.setUseParentHandlers(false); // the console would get every message of every thread
        driver.setLevel(Level.FINEST);
        try {
            work.run();
        } finally {
            driver.setLevel(level);
            driver.setUseParentHandlers(useParentHandlers);
            driver.removeHandler(counter);
        }
        return new RoundTrips(syncs.get(), typeLookups.get(), executes.get(), statements);
    }
}
