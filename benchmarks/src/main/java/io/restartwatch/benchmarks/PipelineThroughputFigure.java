package io.restartwatch.benchmarks;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.restartwatch.contracts.EventTypes;
import io.restartwatch.contracts.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;

/**
 * P1 pipeline throughput: N {@code check.completed} (REBOOT_REQUIRED, N distinct servers) published to
 * restartwatch.checks; time from the first send until N distinct {@code notification.opened} are on
 * restartwatch.notifications and N OPEN rows are in notification-service's database; ratio to the raw reference of
 * the same run. Then what those N servers cost: the growth of each service database ({@code pg_database_size} of
 * check, priority, notification, deployhook and plan: tables, indexes, TOAST, free-space and visibility maps and
 * catalogs; no WAL, which is shared by the cluster) once every consumer group has drained, per server, and the
 * tables that grew, and the CPU time each component of the stack used for them ({@link CpuTime}; the figure is the
 * services', Kafka's and PostgreSQL's, not the load generator's), and the write-ahead log the same span wrote
 * ({@link WalVolume}: bytes flushed, which the machine's load does not change). And whether the tables that take a row per event
 * stayed bounded while the burst passed ({@link EventLogBound}). Last, the same N servers checked again with nothing
 * changed, as a fleet's hourly sweep finds them ({@link #recheck}).
 */
final class PipelineThroughputFigure implements Figure {

    private static final Duration DRAINED_WITHIN = Duration.ofMinutes(20);

    @Override
    public String phase() {
        return "p1";
    }

    @Override
    public String name() {
        return "p1_pipeline";
    }

    @Override
    public void measure(Bench bench) throws Exception {
        // The burst runs on a drained pipeline: earlier phases' events still queued would slow it down.
        bench.awaitDrained(name(), DRAINED_WITHIN);
        int n = bench.options.servers();
        TableWrites rowsBefore = TableWrites.settled(bench);
        // EventLogBound.start first: it waits for the table statistics to settle, which is not the burst's CPU time.
        try (EventLogBound eventLog = EventLogBound.start(bench)) {
            Map<String, Double> rssBefore = rssAll(bench);
            Map<String, DatabaseSize> dbBefore = databaseSizes(bench);
            CpuTime cpuBefore = CpuTime.sample(bench.stack);
            WalVolume walBefore = WalVolume.sample(bench);
            Bench.log("P1 pipeline: publishing %d check results (REBOOT_REQUIRED) for %d servers to %s...", n, n, Topics.CHECKS);
            Instant since = Instant.now().minus(Duration.ofDays(2)).truncatedTo(ChronoUnit.SECONDS);
            if (burst(bench, n, since, rssBefore, dbBefore, cpuBefore, walBefore, rowsBefore)) {
                eventLog.report(name());
                recheck(bench, n, since);
            } else {
                eventLog.noReport("the burst did not complete and drain: the tables' state is not the burst's");
                bench.results.none("p1_recheck_throughput", "checks/s", "the burst did not complete and drain");
            }
        }
    }

    /**
     * The steady state: the N servers of the burst checked again, each still requiring its reboot with nothing changed
     * (same snapshot, boot id, packages), as most checks of a fleet find it. Nothing is to be notified, so the pass is
     * done when every consumer group has taken in every record and stays so ({@link Bench#awaitSettled}); the rate is N
     * over that time, the CPU per check is every component's over the same span. The events the pass published
     * (assessments, notification transitions: growth of those topics) are reported too: a steady state publishes
     * none, and a figure that found some says how many.
     */
    private void recheck(Bench bench, int n, Instant since) throws Exception {
        Results results = bench.results;
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bench.stack.kafka()))) {
            long eventsBefore = endOffsets(admin, List.of(Topics.PRIORITIES, Topics.NOTIFICATIONS));
            TableWrites rowsBefore = TableWrites.settled(bench);
            CpuTime cpuBefore = CpuTime.sample(bench.stack);
            WalVolume walBefore = WalVolume.sample(bench);
            Bench.log("P1 re-check: publishing %d check results for the same servers, nothing changed...", n);
            AtomicLong failed = new AtomicLong();
            long start = System.nanoTime();
            try (var producer = bench.producer("10")) {
                for (int i = 0; i < n; i++) {
                    String id = "p1-" + i;
                    producer.send(Bench.cloudEvent(Topics.CHECKS, id, EventTypes.CHECK_COMPLETED,
                                    Bench.rebootRequiredSince(id, "fleet-" + (i % 100), since)),
                            (metadata, failure) -> {
                                if (failure != null) {
                                    failed.incrementAndGet();
                                }
                            });
                }
                producer.flush();
            }
            if (failed.get() > 0) {
                throw new IllegalStateException(failed.get() + " re-check results could not be published");
            }
            // Nothing is notified: the pass is done once every group's lag is 0 and stays 0 (a late relay would show).
            long settled = bench.awaitSettled("p1_recheck", Duration.ofMinutes(Math.max(10, n / 2_000)), Duration.ofSeconds(3),
                    Duration.ofMillis(200));
            if (settled < 0) {
                return;
            }
            CpuTime cpuAfter = CpuTime.sample(bench.stack);
            WalVolume walAfter = WalVolume.sample(bench);
            double seconds = (settled - start) / 1e9;
            long published = endOffsets(admin, List.of(Topics.PRIORITIES, Topics.NOTIFICATIONS)) - eventsBefore;
            results.add("p1_recheck_seconds", Bench.round1(seconds), "s");
            results.add("p1_recheck_throughput", Math.round(n / seconds), "checks/s");
            Map<String, Double> perCheck = cpuAfter.millisPerUnitSince(cpuBefore, n);
            results.details.put("p1_recheck_cpu_ms_per_check_by_component", perCheck);
            results.add("p1_recheck_cpu_per_check", cpuAfter.stackMillisPerUnitSince(cpuBefore, n), "ms");
            results.add("p1_recheck_events_published", published, "events");
            Map<String, Object> wal = walAfter.perUnitSince(walBefore, n);
            results.add("p1_recheck_wal_bytes_per_check", (long) wal.get("bytes"), "B");
            results.details.put("p1_recheck_wal_per_check", wal);
            Map<String, Object> rows = TableWrites.settled(bench).perUnitSince(rowsBefore, n);
            results.details.put("p1_recheck_rows_written_per_check", rows);
            Bench.log("P1 re-check WAL per check: %s; rows written per check, by table: %s", wal, rows);
            Bench.log("P1 re-check CPU per check (ms), from the first send until every consumer group settled: %s; events published: %d",
                    perCheck, published);
        }
    }

    /** The sum of the topics' end offsets: records ever written to them. */
    private static long endOffsets(Admin admin, List<String> topics) throws Exception {
        var request = new HashMap<TopicPartition, OffsetSpec>();
        for (var description : admin.describeTopics(topics).allTopicNames().get(30, TimeUnit.SECONDS).values()) {
            description.partitions().forEach(p -> request.put(new TopicPartition(description.name(), p.partition()), OffsetSpec.latest()));
        }
        long sum = 0;
        for (var offset : admin.listOffsets(request).all().get(30, TimeUnit.SECONDS).values()) {
            sum += offset.offset();
        }
        return sum;
    }

    /** @return true when the burst completed and every consumer group drained after it */
    private boolean burst(Bench bench, int n, Instant since, Map<String, Double> rssBefore, Map<String, DatabaseSize> dbBefore,
                          CpuTime cpuBefore, WalVolume walBefore, TableWrites rowsBefore) throws Exception {
        Results results = bench.results;
        AtomicLong failed = new AtomicLong();
        long start = System.nanoTime();
        long published;
        try (var producer = bench.producer("10")) {
            for (int i = 0; i < n; i++) {
                String id = "p1-" + i;
                producer.send(Bench.cloudEvent(Topics.CHECKS, id, EventTypes.CHECK_COMPLETED, Bench.rebootRequiredSince(id, "fleet-" + (i % 100), since)),
                        (metadata, failure) -> {
                            if (failure != null) {
                                failed.incrementAndGet();
                            }
                        });
            }
            producer.flush();
            published = System.nanoTime();
        }
        if (failed.get() > 0) {
            throw new IllegalStateException(failed.get() + " check results could not be published");
        }
        Bench.log("  published in %.1f s; waiting for %d notification.opened events and OPEN rows...", (published - start) / 1e9, n);
        long eventsDone = -1;
        long dbDone = -1;
        long lastReport = System.nanoTime();
        Duration completeWithin = Duration.ofMinutes(Math.max(10, n / 2_000));
        long deadline = System.nanoTime() + completeWithin.toNanos();
        List<Map<String, Object>> progress = new ArrayList<>();
        results.details.put("p1_progress", progress);
        long openRowCounts = 0;
        try (Connection db = bench.database("notification")) {
            while (eventsDone < 0 || dbDone < 0) {
                long events = bench.notifications.count(EventTypes.NOTIFICATION_OPENED, "p1");
                if (System.nanoTime() > deadline) {
                    results.timedOut(name(), "notification.opened events and OPEN rows for p1-*: " + events + " events, "
                            + openRows(db) + " rows of " + n, completeWithin);
                    return false;
                }
                if (eventsDone < 0 && events >= n) {
                    eventsDone = System.nanoTime();
                }
                // Counting the OPEN rows reads every open notification and its CPU counts in PostgreSQL's share of
                // the figure: once per progress line during the burst, then until it matches once every event is in.
                // (It ran every 100 ms for the last second of each 5 s before: ~7 times as often, ~5 % of a core.)
                boolean progressDue = System.nanoTime() - lastReport > 5_000_000_000L;
                if (dbDone < 0 && (eventsDone > 0 || progressDue)) {
                    long rows = openRows(db);
                    openRowCounts++;
                    if (rows >= n) {
                        dbDone = System.nanoTime();
                    }
                    if (progressDue) {
                        lastReport = System.nanoTime();
                        double t = (lastReport - start) / 1e9;
                        Bench.log("  t=%.0f s: %d notification.opened, %d OPEN rows", t, events, rows);
                        progress.add(Map.of("seconds", Math.round(t), "events", events, "openRows", rows));
                    }
                }
                Thread.sleep(eventsDone > 0 ? 20 : 100);
            }
        }
        results.details.put("p1_open_row_counts", openRowCounts);
        long end = Math.max(eventsDone, dbDone);
        double seconds = (end - start) / 1e9;
        double rate = n / seconds;
        results.details.put("p1_publish_seconds", Bench.round1((published - start) / 1e9));
        results.add("p1_pipeline_seconds", Bench.round1(seconds), "s");
        results.add("p1_pipeline_throughput", Math.round(rate), "checks/s", 5_000, true);
        if (Double.isNaN(bench.rawRecordsPerSecond)) {
            results.none("p1_ratio_to_raw_kafka", "ratio", 0.025, true, "no raw Kafka reference in this run (phase raw)");
        } else {
            results.add("p1_ratio_to_raw_kafka", rate / bench.rawRecordsPerSecond, "ratio", 0.025, true);
        }
        results.add("p1_pipeline_time_per_server", Bench.round1(seconds * 1e6 / n), "us");
        return storageCost(bench, n, rssBefore, dbBefore, cpuBefore, walBefore, rowsBefore);
    }

    /**
     * What N more servers cost, once the pipeline has drained (plan-service and notification-service's fleet view
     * also consume the checks and priorities, after the notifications the throughput waited for): RSS of each service,
     * and the growth of each service database per server, the figure being exactly the sum of the per-database lines.
     */
    private boolean storageCost(Bench bench, int n, Map<String, Double> rssBefore, Map<String, DatabaseSize> dbBefore,
                                CpuTime cpuBefore, WalVolume walBefore, TableWrites rowsBefore) throws Exception {
        Results results = bench.results;
        boolean drained = bench.awaitDrained(name(), DRAINED_WITHIN);
        CpuTime cpuAfter = CpuTime.sample(bench.stack);
        WalVolume walAfter = WalVolume.sample(bench);
        if (drained) {
            // Every event of the burst taken in by every consumer: the CPU the N checks cost, end to end.
            Map<String, Double> perCheck = cpuAfter.millisPerUnitSince(cpuBefore, n);
            results.details.put("p1_cpu_ms_per_check_by_component", perCheck);
            results.add("p1_cpu_per_check", cpuAfter.stackMillisPerUnitSince(cpuBefore, n), "ms", 0.4, false);
            Bench.log("P1 CPU per check (ms), from the first send until every consumer group drained: %s", perCheck);
            // The same span's WAL: what the checks' commits flushed to disk, in bytes, whatever the machine's load.
            Map<String, Object> wal = walAfter.perUnitSince(walBefore, n);
            results.add("p1_wal_bytes_per_check", (long) wal.get("bytes"), "B");
            results.details.put("p1_wal_per_check", wal);
            Bench.log("P1 WAL per check, same span: %s", wal);
            // Which tables those bytes came from (read once the statistics settled: after the span, same rows).
            Map<String, Object> rows = TableWrites.settled(bench).perUnitSince(rowsBefore, n);
            results.details.put("p1_rows_written_per_check", rows);
            Bench.log("P1 rows written per check, by table: %s", rows);
        } else {
            results.none("p1_cpu_per_check", "ms", 0.4, false, "the pipeline did not drain: the burst's work was not all done");
            results.none("p1_wal_bytes_per_check", "B", "the pipeline did not drain: the burst's work was not all done");
        }
        Map<String, Double> rssAfter = rssAll(bench);
        Map<String, Object> rss = new LinkedHashMap<>();
        for (String service : BenchStack.SERVICES) {
            rss.put(service + ".rssMiBBefore", Bench.round1(rssBefore.get(service)));
            rss.put(service + ".rssMiBAfter", Bench.round1(rssAfter.get(service)));
        }
        results.details.put("p1_cost", rss);
        if (!drained) {
            results.none("p1_db_bytes_per_server", "B", "the pipeline did not drain: the databases had not taken in every event");
            return false;
        }
        Map<String, DatabaseSize> dbAfter = databaseSizes(bench);
        Map<String, Object> growth = new LinkedHashMap<>();
        long total = 0;
        StringBuilder line = new StringBuilder();
        for (var entry : dbAfter.entrySet()) {
            String database = entry.getKey();
            DatabaseSize before = dbBefore.get(database);
            DatabaseSize after = entry.getValue();
            long perServer = Math.round((after.bytes() - before.bytes()) / (double) n);
            total += perServer;
            line.append(line.length() == 0 ? "" : " + ").append(database).append(' ').append(perServer);
            Map<String, Long> tables = new LinkedHashMap<>();
            long tablesGrowth = 0;
            for (var table : after.tables().entrySet()) {
                long grew = table.getValue() - before.tables().getOrDefault(table.getKey(), 0L);
                tablesGrowth += grew;
                if (grew != 0) {
                    tables.put(table.getKey(), Math.round(grew / (double) n));
                }
            }
            Map<String, Object> detail = new LinkedHashMap<>();
            detail.put("bytesPerServer", perServer);
            detail.put("tablesBytesPerServer", tables);
            // Catalogs, and files not yet counted by a table (pg_database_size counts every file of the database).
            detail.put("otherBytesPerServer", Math.round((after.bytes() - before.bytes() - tablesGrowth) / (double) n));
            growth.put(database, detail);
            results.add("p1_db_bytes_per_server_" + database, perServer, "B");
        }
        results.details.put("p1_db_growth", growth);
        results.details.put("p1_db_bytes_per_server_is", "sum over the databases " + dbAfter.keySet()
                + " of pg_database_size growth / N, measured before the burst and after every consumer group drained");
        Bench.log("P1 database growth per server (pg_database_size): %s = %d B", line, total);
        results.add("p1_db_bytes_per_server", total, "B");
        return true;
    }

    private record DatabaseSize(long bytes, Map<String, Long> tables) {
    }

    /** Per service database: pg_database_size, and pg_total_relation_size (heap, indexes, TOAST) of each of its tables. */
    private static Map<String, DatabaseSize> databaseSizes(Bench bench) throws SQLException {
        Map<String, DatabaseSize> sizes = new LinkedHashMap<>();
        for (String service : BenchStack.SERVICES) {
            String database = BenchStack.database(service);
            try (Connection db = bench.database(database); Statement statement = db.createStatement()) {
                long bytes;
                try (ResultSet rows = statement.executeQuery("select pg_database_size(current_database())")) {
                    rows.next();
                    bytes = rows.getLong(1);
                }
                Map<String, Long> tables = new LinkedHashMap<>();
                try (ResultSet rows = statement.executeQuery("select n.nspname || '.' || c.relname, pg_total_relation_size(c.oid) "
                        + "from pg_class c join pg_namespace n on n.oid = c.relnamespace where c.relkind in ('r', 'p', 'm') "
                        + "and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg_toast%' order by 1")) {
                    while (rows.next()) {
                        tables.put(rows.getString(1), rows.getLong(2));
                    }
                }
                sizes.put(database, new DatabaseSize(bytes, tables));
            }
        }
        return sizes;
    }

    private static long openRows(Connection db) throws SQLException {
        return Bench.queryLong(db, "select count(*) from notification where status = 'OPEN' and server_id like 'p1-%'");
    }

    private static Map<String, Double> rssAll(Bench bench) {
        Map<String, Double> rss = new LinkedHashMap<>();
        BenchStack.SERVICES.forEach(s -> rss.put(s, bench.stack.rssMiB(s)));
        return rss;
    }
}
