package io.restartwatch.benchmarks;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Whether the tables that take a row per event stay bounded while P1's burst passes, or grow with it. Every 5 s of
 * the burst it samples, in each service database, the live rows of the idempotent-consumer log
 * ({@code processed_event}), the outbox and notification history (PostgreSQL's statistics, {@code n_live_tup}:
 * updated about a second after a commit, so a sample, not a count) and keeps each table's peak. Once the pipeline
 * has drained and, when the run shortened the services' event-log window ({@link BenchOptions#eventLogWindow()}),
 * retention has left no consumed id older than the window plus two passes (the log then holds at most what the
 * window holds, whatever N), it reports the rows each table took in during the run ({@code n_tup_ins}, read settled
 * before and after), its peak and its exact row count.
 */
final class EventLogBound implements AutoCloseable {

    private static final List<String> TABLES = List.of("processed_event", "outbox_event", "notification_history");
    private static final long SAMPLE_EVERY_MILLIS = 5_000;

    private final Bench bench;
    /** Per "database.table": n_tup_ins when the burst started, once settled; null when it never settled. */
    private final Map<String, Long> insertedBefore;
    /** Per "database.table": live rows when the burst started (what earlier phases left). */
    private final Map<String, Long> liveBefore;
    /** Per "database.table": the most live rows seen in a sample. Written by the sampler, read after it ended. */
    private final Map<String, Long> peaks = new LinkedHashMap<>();
    private final List<Map<String, Object>> samples = new ArrayList<>();
    private final Thread sampler;
    private final long started;
    private volatile boolean running = true;

    private EventLogBound(Bench bench) throws Exception {
        this.bench = bench;
        this.insertedBefore = settledStatistics("n_tup_ins");
        this.liveBefore = statistics("n_live_tup");
        this.started = System.nanoTime();
        this.sampler = new Thread(this::sampleUntilClosed, "event-log-sampler");
        sampler.setDaemon(true);
        sampler.start();
    }

    /** Starts sampling now (call it right before the burst's first send, on a drained pipeline). */
    static EventLogBound start(Bench bench) throws Exception {
        return new EventLogBound(bench);
    }

    /** Stops the sampler and waits for it: every statistics query has a timeout, so it ends. */
    @Override
    public void close() throws InterruptedException {
        running = false;
        sampler.interrupt();
        sampler.join();
    }

    /** The burst failed: the event-log figures say so instead of measuring tables the burst did not finish with. */
    void noReport(String why) throws InterruptedException {
        close();
        bench.results.none("p1_event_log_overdue_rows", "rows", why);
        bench.results.none("p1_event_log_peak_share", "ratio", why);
    }

    /**
     * Records what the tables took in and kept ({@code p1_table_rows}), and the bound: {@code p1_event_log_peak_share}
     * (the log's peak rows above what it held at the start over the rows it took in, summed over the databases: 1
     * when nothing was forgotten during the burst) and {@code p1_event_log_overdue_rows} (consumed ids older than
     * the window plus two retention passes, counted once a pass has had the time to delete them; 0 when retention
     * keeps up). Call it once the burst completed and every consumer group drained.
     */
    void report(String figure) throws Exception {
        close();
        Results results = bench.results;
        Duration window = bench.options.eventLogWindow();
        results.details.put("p1_event_log_window", window == null ? "service defaults" : window.toString());
        if (window == null) {
            results.none("p1_event_log_overdue_rows", "rows", "the services kept their default event-log window (7 days)");
        } else {
            Duration grace = window.plus(BenchOptions.RETENTION_INTERVAL.multipliedBy(2));
            String overdue = "select count(*) from processed_event where processed_at < now() - interval '" + grace.toSeconds() + " seconds'";
            bench.awaitAtMost(figure, "consumed ids older than " + grace + " left after retention", 0,
                    grace.plus(BenchOptions.RETENTION_INTERVAL.multipliedBy(2)), Duration.ofSeconds(1), () -> overdueRows(overdue));
            long left = overdueRows(overdue);
            results.add("p1_event_log_overdue_rows", left, "rows", 0, false);
            Bench.log("P1 event log: %s; %d consumed ids older than %s left", left == 0 ? "retention kept up" : "retention did NOT keep up",
                    left, grace);
        }
        Map<String, Long> inserted = settledStatistics("n_tup_ins");
        boolean settled = inserted != null && insertedBefore != null;
        if (inserted == null) {
            inserted = statistics("n_tup_ins");
        }
        Map<String, Object> tables = new LinkedHashMap<>();
        long logInserted = 0;
        long logPeak = 0;
        for (String service : BenchStack.SERVICES) {
            String database = BenchStack.database(service);
            try (Connection db = bench.database(database)) {
                for (String table : TABLES) {
                    String key = database + "." + table;
                    if (!inserted.containsKey(key)) {
                        continue;
                    }
                    long in = inserted.get(key) - (insertedBefore == null ? 0 : insertedBefore.getOrDefault(key, 0L));
                    long peak = Math.max(0, peaks.getOrDefault(key, 0L) - liveBefore.getOrDefault(key, 0L));
                    Map<String, Long> line = new LinkedHashMap<>();
                    line.put("rowsTakenIn", in);
                    line.put("peakLiveRowsAboveStartSampled", peak);
                    line.put("rowsAtEnd", Bench.queryLong(db, "select count(*) from " + table));
                    tables.put(key, line);
                    if (table.equals("processed_event")) {
                        logInserted += in;
                        logPeak += peak;
                    }
                }
            }
        }
        results.details.put("p1_table_rows", tables);
        results.details.put("p1_table_rows_statistics_settled", settled);
        results.details.put("p1_table_rows_samples", new ArrayList<>(samples));
        if (!settled) {
            results.none("p1_event_log_peak_share", "ratio", "the table statistics kept changing for a minute (other work than the burst)");
        } else if (logInserted > 0) {
            results.add("p1_event_log_peak_share", Bench.round2((double) logPeak / logInserted), "ratio");
        } else {
            results.none("p1_event_log_peak_share", "ratio", "the burst wrote no consumed-id log rows: every consumer told redeliveries by its state");
        }
        Bench.log("P1 per-event tables (rows taken in, peak sampled above the start, at end): %s", tables);
    }

    /** A column of pg_stat_user_tables once it has settled ({@link Bench#settledStatistics}); null when it never did. */
    private Map<String, Long> settledStatistics(String column) throws Exception {
        return Bench.settledStatistics(column, () -> statistics(column));
    }

    private long overdueRows(String sql) throws SQLException {
        long rows = 0;
        for (String service : BenchStack.SERVICES) {
            try (Connection db = bench.database(BenchStack.database(service))) {
                rows += Bench.queryLong(db, sql);
            }
        }
        return rows;
    }

    private void sampleUntilClosed() {
        while (running) {
            try {
                Thread.sleep(SAMPLE_EVERY_MILLIS);
                Map<String, Long> live = statistics("n_live_tup");
                live.forEach((table, rows) -> peaks.merge(table, rows, Math::max));
                Map<String, Object> sample = new LinkedHashMap<>();
                sample.put("seconds", Math.round((System.nanoTime() - started) / 1e9));
                sample.putAll(live);
                samples.add(sample); // read by report() after close() joined this thread
            } catch (InterruptedException e) {
                return;
            } catch (SQLException e) {
                Bench.log("  table sample failed (the next one retries): %s", e);
            }
        }
    }

    /** Per "database.table" of {@link #TABLES}: a column of pg_stat_user_tables. */
    private Map<String, Long> statistics(String column) throws SQLException {
        Map<String, Long> values = new LinkedHashMap<>();
        for (String service : BenchStack.SERVICES) {
            String database = BenchStack.database(service);
            try (Connection db = bench.database(database);
                 PreparedStatement query = db.prepareStatement("select relname, " + column + " from pg_stat_user_tables where relname = any(?)")) {
                query.setQueryTimeout(10);
                query.setArray(1, db.createArrayOf("varchar", TABLES.toArray()));
                try (ResultSet rows = query.executeQuery()) {
                    while (rows.next()) {
                        values.put(database + "." + rows.getString(1), rows.getLong(2));
                    }
                }
            }
        }
        return values;
    }
}
