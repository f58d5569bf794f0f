package io.restartwatch.benchmarks;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The write-ahead log the PostgreSQL cluster wrote, sampled before and after a span of work: what every commit of the
 * span flushed to disk. Unlike CPU time it does not depend on how busy the machine was, so it compares runs that the
 * machine's noise does not let CPU compare. Cluster-wide: every database's writes, the retention passes' too, as a
 * shared server pays them.
 *
 * @param position the WAL insert position ({@code pg_current_wal_insert_lsn}, bytes since the cluster began): exact at
 *                 the moment it is read
 * @param records  WAL records ({@code pg_stat_wal}: each backend adds its own at least once a second, so it trails)
 * @param fullPages full-page images among them: a page's first change after a checkpoint logs the whole 8 KB page
 * @param checkpoints checkpoints begun, timed or requested ({@code pg_stat_checkpointer})
 */
record WalVolume(long position, long records, long fullPages, long checkpoints) {

    static WalVolume sample(Bench bench) throws SQLException {
        try (Connection db = bench.database("postgres"); Statement statement = db.createStatement();
             ResultSet row = statement.executeQuery("select pg_wal_lsn_diff(pg_current_wal_insert_lsn(), '0/0')::bigint, "
                     + "w.wal_records, w.wal_fpi, c.num_timed + c.num_requested from pg_stat_wal w, pg_stat_checkpointer c")) {
            row.next();
            return new WalVolume(row.getLong(1), row.getLong(2), row.getLong(3), row.getLong(4));
        }
    }

    /** Bytes, records and full-page images per unit of work since {@code before}, and the checkpoints begun. */
    Map<String, Object> perUnitSince(WalVolume before, long units) {
        Map<String, Object> perUnit = new LinkedHashMap<>();
        perUnit.put("bytes", Math.round((position - before.position) / (double) units));
        perUnit.put("records", Bench.round1((records - before.records) / (double) units));
        perUnit.put("fullPageImages", Bench.round1((fullPages - before.fullPages) / (double) units));
        perUnit.put("checkpointsBegun", checkpoints - before.checkpoints);
        return perUnit;
    }
}
