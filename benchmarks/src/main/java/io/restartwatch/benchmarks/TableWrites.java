package io.restartwatch.benchmarks;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The rows each table of the service databases took in, changed (of which without touching an index: HOT) and removed,
 * from {@code pg_stat_user_tables}, read once settled: which tables a check writes, and so where its WAL comes from.
 * Cluster statistics, so every writer's rows count: the retention passes' deletes too, as a live system pays them.
 *
 * @param counters per "database.table": inserted, updated, HOT-updated, deleted
 * @param settled  false when the statistics kept changing for a minute (the figures then trail by up to 10 s of work)
 */
record TableWrites(Map<String, List<Long>> counters, boolean settled) {

    static TableWrites settled(Bench bench) throws Exception {
        Map<String, List<Long>> settled = Bench.settledStatistics("rows written", () -> read(bench));
        return settled == null ? new TableWrites(read(bench), false) : new TableWrites(settled, true);
    }

    private static Map<String, List<Long>> read(Bench bench) throws SQLException {
        Map<String, List<Long>> counters = new LinkedHashMap<>();
        for (String service : BenchStack.SERVICES) {
            String database = BenchStack.database(service);
            try (Connection db = bench.database(database); Statement statement = db.createStatement();
                 ResultSet rows = statement.executeQuery("select relname, n_tup_ins, n_tup_upd, n_tup_hot_upd, n_tup_del "
                         + "from pg_stat_user_tables order by relname")) {
                while (rows.next()) {
                    counters.put(database + "." + rows.getString(1), List.of(rows.getLong(2), rows.getLong(3), rows.getLong(4), rows.getLong(5)));
                }
            }
        }
        return counters;
    }

    /** Per table that changed since {@code before}: rows inserted, updated, HOT-updated and deleted per unit of work. */
    Map<String, Object> perUnitSince(TableWrites before, long units) {
        Map<String, Object> perUnit = new LinkedHashMap<>();
        String[] names = {"inserted", "updated", "hotUpdated", "deleted"};
        counters.forEach((table, after) -> {
            List<Long> was = before.counters.getOrDefault(table, List.of(0L, 0L, 0L, 0L));
            Map<String, Double> line = new LinkedHashMap<>();
            for (int i = 0; i < names.length; i++) {
                long grew = after.get(i) - was.get(i);
                if (grew != 0) {
                    line.put(names[i], Bench.round2(grew / (double) units));
                }
            }
            if (!line.isEmpty()) {
                perUnit.put(table, line);
            }
        });
        perUnit.put("statisticsSettled", settled && before.settled);
        return perUnit;
    }
}
