package io.restartwatch.support.sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.function.UnaryOperator;

import jakarta.persistence.EntityManager;

import io.restartwatch.contracts.EventJson;
import org.hibernate.Session;
import org.postgresql.PGStatement;

/**
 * One SQL statement over a whole set of rows: each column travels as one array parameter that the SQL unnests
 * ({@code from unnest(?::varchar[], ?::text[]) as v(id, at)}), so a batch of 1 or of 500 rows costs one round trip
 * and one plan, where JDBC batching would still send one statement per row. Runs on the transaction's connection,
 * without flushing the persistence context.
 *
 * <p>Parameters are bound in the order they are declared: {@link #value} for a scalar, {@link #column} for an array
 * built from the rows. An {@link Instant} goes as ISO-8601 text and an enum as its name, each cast by the SQL; null as
 * SQL null. Strings, numbers and booleans go in PostgreSQL's binary array format ({@link ElementKind}).
 *
 * <p>An {@code insert … on conflict do update} must not meet one key twice in a statement (PostgreSQL refuses to
 * update a row twice): callers reduce the set to one row per key first.
 */
public final class SetStatement<R> {

    private final String sql;
    private final List<R> rows;
    private final List<Function<Connection, Object>> parameters = new ArrayList<>();
    private boolean plannedForItsSet;

    private SetStatement(String sql, Collection<R> rows) {
        this.sql = sql;
        this.rows = List.copyOf(rows);
    }

    /** A statement over {@code rows}; nothing is sent for an empty set. */
    public static <R> SetStatement<R> over(Collection<R> rows, String sql) {
        return new SetStatement<>(sql, rows);
    }

    /**
     * A statement over a set of keys (ids), sent as its first parameter, a {@code varchar} array: the common shape of a
     * set's read or lock ({@code … where id = any(?)}).
     */
    public static SetStatement<String> overKeys(Collection<String> keys, String sql) {
        return new SetStatement<>(sql, keys).column("varchar", key -> key);
    }

    /**
     * A write that finds its rows by a search (a delete of what a ranked read selects) is planned for its own set at
     * every run, as every read is ({@link #returning}); an upsert by key does not need it.
     */
    public SetStatement<R> plannedForItsSet() {
        this.plannedForItsSet = true;
        return this;
    }

    /** The next parameter: one value for the whole statement. */
    public SetStatement<R> value(Object value) {
        Object bound = element(value);
        parameters.add(connection -> bound);
        return this;
    }

    /** The next parameter: an array of {@code elementType} with one element per row, in the rows' order. */
    public SetStatement<R> column(String elementType, Function<? super R, ?> value) {
        ElementKind kind = ElementKind.of(elementType);
        parameters.add(connection -> {
            Object[] elements = kind.newArray(rows.size());
            for (int i = 0; i < elements.length; i++) {
                elements[i] = kind.convert(element(value.apply(rows.get(i))));
            }
            try {
                return connection.createArrayOf(elementType, elements);
            } catch (SQLException e) {
                throw new IllegalStateException("Cannot build a " + elementType + " array", e);
            }
        });
        return this;
    }

    /**
     * The next parameter: a {@code text} array of each row's value as JSON, written as events carry it
     * ({@link EventJson}), null as SQL null; the SQL casts it ({@code ?::jsonb[]}).
     */
    public SetStatement<R> jsonColumn(Function<? super R, ?> value) {
        return column("text", row -> {
            Object data = value.apply(row);
            return data == null ? null : EventJson.write(data);
        });
    }

    /** @return the number of rows the statement changed */
    public int execute(EntityManager entityManager) {
        if (rows.isEmpty()) {
            return 0;
        }
        return entityManager.unwrap(Session.class).doReturningWork(connection -> {
            try (PreparedStatement statement = prepare(connection)) {
                if (plannedForItsSet) {
                    planEachRun(statement);
                }
                return statement.executeUpdate();
            }
        });
    }

    /** @return the first column of every row the statement returns ({@code … returning server_id}) */
    public List<String> returning(EntityManager entityManager) {
        return returning(entityManager, row -> row.getString(1));
    }

    /** @return every row the statement returns, each read by {@code reader} */
    public <T> List<T> returning(EntityManager entityManager, RowReader<T> reader) {
        if (rows.isEmpty()) {
            return List.of();
        }
        return entityManager.unwrap(Session.class).doReturningWork(connection -> {
            try (PreparedStatement statement = prepare(connection)) {
                planEachRun(statement);
                return read(statement, reader);
            }
        });
    }

    /**
     * A statement that reads rows is planned for its own set at every run, never by a plan the server cached for its
     * text: PostgreSQL settles on a generic plan after five runs of a prepared statement, and one settled while a table
     * was nearly empty (a fresh database, the first seconds of a burst) reads the whole table for every set until the
     * table's statistics are next gathered. Seen in P1 (pg_stat_statements): 139 ms per batch for the read of 500
     * servers' open notifications among 100 000, where the index answers in under a millisecond; planning it costs
     * ~0.5 ms. Writes keep the driver's default unless they search ({@link #plannedForItsSet}): planned for their
     * arrays, the wide upserts by key cost 13–22 ms a batch to plan (P1's planning time went from 1.6 to 9.8 s), more
     * than any plan it could mend.
     */
    private static void planEachRun(PreparedStatement statement) throws SQLException {
        statement.unwrap(PGStatement.class).setPrepareThreshold(0);
    }

    private static <T> List<T> read(PreparedStatement statement, RowReader<T> reader) throws SQLException {
        try (ResultSet result = statement.executeQuery()) {
            List<T> returned = new ArrayList<>();
            while (result.next()) {
                returned.add(reader.read(result));
            }
            return returned;
        }
    }

    /** Reads the current row of a statement's result. */
    @FunctionalInterface
    public interface RowReader<T> {
        T read(ResultSet row) throws SQLException;
    }

    private PreparedStatement prepare(Connection connection) throws SQLException {
        PreparedStatement statement = connection.prepareStatement(sql);
        try {
            for (int i = 0; i < parameters.size(); i++) {
                statement.setObject(i + 1, parameters.get(i).apply(connection));
            }
            return statement;
        } catch (SQLException | RuntimeException e) {
            statement.close();
            throw e;
        }
    }

    /**
     * The Java array an element type is sent as. The driver sends a {@code String[]}, {@code Long[]}, {@code Integer[]},
     * {@code Boolean[]} or {@code Double[]} in PostgreSQL's binary array format; an {@code Object[]} goes as an array
     * literal, escaped character by character, which the server then parses: that escaping was an eighth of the
     * consumers' CPU (JFR), the JSON columns and outbox payloads being long and full of quotes.
     */
    private enum ElementKind {
        STRING(String[]::new, Object::toString),
        LONG(Long[]::new, element -> ((Number) element).longValue()),
        INTEGER(Integer[]::new, element -> ((Number) element).intValue()),
        DOUBLE(Double[]::new, element -> ((Number) element).doubleValue()),
        BOOLEAN(Boolean[]::new, element -> element),
        OTHER(Object[]::new, element -> element);

        private final IntFunction<Object[]> arrays;
        private final UnaryOperator<Object> conversion;

        ElementKind(IntFunction<Object[]> arrays, UnaryOperator<Object> conversion) {
            this.arrays = arrays;
            this.conversion = conversion;
        }

        static ElementKind of(String elementType) {
            return switch (elementType) {
                case "varchar", "text" -> STRING;
                case "bigint", "int8" -> LONG;
                case "integer", "int", "int4" -> INTEGER;
                case "float8" -> DOUBLE;
                case "boolean", "bool" -> BOOLEAN;
                default -> OTHER;
            };
        }

        Object[] newArray(int size) {
            return arrays.apply(size);
        }

        Object convert(Object element) {
            return element == null ? null : conversion.apply(element);
        }
    }

    private static Object element(Object value) {
        if (value instanceof Instant instant) {
            return instant.toString();
        }
        if (value instanceof Enum<?> constant) {
            return constant.name();
        }
        return value;
    }
}
