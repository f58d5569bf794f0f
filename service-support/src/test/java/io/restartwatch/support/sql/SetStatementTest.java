package io.restartwatch.support.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restartwatch.contracts.EventJson;
import io.restartwatch.testsupport.LocalInfraResource;
import org.junit.jupiter.api.Test;

/**
 * Every kind of column a set statement sends reads back from PostgreSQL as it was given: strings in the binary array
 * format (quotes, backslashes, braces, the word NULL, empty, non-Latin), numbers, booleans, instants and enums as text.
 */
@QuarkusTest
@WithTestResource(LocalInfraResource.class)
class SetStatementTest {

    @Inject
    EntityManager entityManager;

    enum Colour { RED }

    record Row(String name, Object json, Object count, Integer small, Boolean flag, Double ratio, Instant at, Colour colour) {
    }

    @Test
    void everyColumnKindReadsBackAsSent() {
        Instant at = Instant.parse("2026-12-02T23:59:59.123456Z");
        List<Row> rows = List.of(
                new Row("plain", Map.of("a", "b\"c"), Long.MAX_VALUE, Integer.MIN_VALUE, true, 0.25, at, Colour.RED),
                new Row("\"quoted\", {braced} \\back\\slash", List.of(), 7, 0, false, -1.5, at.plus(1, ChronoUnit.DAYS), null),
                new Row("NULL", "ü … ✓ — 日本", null, null, null, null, null, null),
                new Row("", null, -1L, 42, true, Double.MAX_VALUE, Instant.EPOCH, Colour.RED),
                new Row(null, Map.of("line", "one\ntwo"), 0L, 1, false, 0.0, at, Colour.RED),
                new Row(" lead and trail ", Map.of(), 1L, -1, null, null, at, null));

        List<List<Object>> read = QuarkusTransaction.requiringNew().call(() -> SetStatement.over(rows, """
                        select n, j::jsonb::text, c, s, f, r, t, k, ord from unnest(?::varchar[], ?::text[], ?::bigint[],
                            ?::integer[], ?::boolean[], ?::float8[], ?::timestamptz[], ?::varchar[])
                            with ordinality as v(n, j, c, s, f, r, t, k, ord) order by ord""")
                .column("varchar", Row::name)
                .jsonColumn(Row::json)
                .column("bigint", Row::count)
                .column("integer", Row::small)
                .column("boolean", Row::flag)
                .column("float8", Row::ratio)
                .column("varchar", Row::at)
                .column("varchar", Row::colour)
                .returning(entityManager, result -> {
                    List<Object> values = new ArrayList<>();
                    values.add(result.getString(1));
                    values.add(result.getString(2));
                    values.add(result.getObject(3));
                    values.add(result.getObject(4));
                    values.add(result.getObject(5));
                    values.add(result.getObject(6));
                    values.add(result.getTimestamp(7) == null ? null : result.getTimestamp(7).toInstant());
                    values.add(result.getString(8));
                    return values;
                }));

        assertThat(read).hasSize(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            Row row = rows.get(i);
            assertThat(read.get(i)).as("row %d", i).containsExactly(
                    row.name(),
                    row.json() == null ? null : normalised(EventJson.write(row.json())),
                    row.count() == null ? null : ((Number) row.count()).longValue(),
                    row.small(), row.flag(), row.ratio(), row.at(),
                    row.colour() == null ? null : row.colour().name());
        }
    }

    /** JSON text PostgreSQL's {@code jsonb} prints back: a space after {@code :} and {@code ,}. */
    private String normalised(String json) {
        return QuarkusTransaction.requiringNew().call(() -> (String) entityManager
                .createNativeQuery("select cast(cast(?1 as jsonb) as text)").setParameter(1, json).getSingleResult());
    }

    /**
     * A read run many times while its table was empty, then run against a full table, still finds its rows by the
     * index: the server planned it for its set, not by the generic plan it would have settled on for an empty table (a
     * sequential scan, kept until the table's statistics are next gathered: autovacuum never gathers a temporary
     * table's). Counted by this transaction's own scan statistics.
     */
    @Test
    void aReadOfASetIsPlannedForTheTableAsItIsNow() {
        QuarkusTransaction.requiringNew().run(() -> {
            entityManager.createNativeQuery("create temporary table planned (id varchar primary key, payload text) on commit drop")
                    .executeUpdate();
            entityManager.createNativeQuery("analyze planned").executeUpdate(); // known empty, as a fresh service's tables are
            List<String> ids = List.of("id-1", "id-2", "id-3");
            // pgjdbc prepares a statement on the server at its 5th run; the server settles on a plan after 5 more.
            for (int run = 0; run < 15; run++) {
                assertThat(readPlanned(ids)).isEmpty();
            }
            entityManager.createNativeQuery("insert into planned select 'id-' || n, repeat('x', 100) from generate_series(1, 50000) n")
                    .executeUpdate();
            long sequentialBefore = scans("seq_scan");
            long indexBefore = scans("idx_scan");

            assertThat(readPlanned(ids)).containsExactlyInAnyOrder("id-1", "id-2", "id-3");

            assertThat(scans("seq_scan") - sequentialBefore).as("sequential scans of the read").isZero();
            assertThat(scans("idx_scan") - indexBefore).as("index scans of the read (one per id)").isPositive();
        });
    }

    private List<String> readPlanned(List<String> ids) {
        return SetStatement.overKeys(ids, "select id from planned where id = any(?)").returning(entityManager);
    }

    private long scans(String column) {
        return ((Number) entityManager.createNativeQuery("select " + column + " from pg_stat_xact_all_tables where relid = 'planned'::regclass")
                .getSingleResult()).longValue();
    }
}
