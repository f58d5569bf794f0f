package io.restartwatch.support.sql;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.restartwatch.contracts.EventJson;

/**
 * A result row's columns read as the entities hold them, for hot paths that read rows by plain SQL
 * ({@link SetStatement#returning(jakarta.persistence.EntityManager, SetStatement.RowReader)}) instead of through
 * Hibernate: SQL null stays null, as Hibernate reads it.
 */
public final class RowColumns {

    private RowColumns() {
    }

    public static Instant instant(ResultSet row, String column) throws SQLException {
        Timestamp value = row.getTimestamp(column);
        return value == null ? null : value.toInstant();
    }

    /** An enum stored by name ({@code EnumType.STRING}); trimmed, as Hibernate reads it. */
    public static <E extends Enum<E>> E constant(ResultSet row, String column, Class<E> type) throws SQLException {
        String name = row.getString(column);
        return name == null ? null : Enum.valueOf(type, name.trim());
    }

    /**
     * A JSON column, read as events are ({@link EventJson}). Hibernate's own mapper differs only in refusing unknown
     * properties and reading a missing primitive as 0; neither occurs in what the services store (the rows' values are
     * this project's records, written whole), and the hot paths' tests compare both reads column by column.
     */
    public static <T> T json(ResultSet row, String column, Class<T> type) throws SQLException {
        String json = row.getString(column);
        return json == null ? null : EventJson.read(json, type);
    }

    /** A JSON array column as a mutable list, as an entity's list field holds it. */
    public static <T> List<T> jsonList(ResultSet row, String column, Class<T[]> type) throws SQLException {
        T[] elements = json(row, column, type);
        return elements == null ? null : new ArrayList<>(Arrays.asList(elements));
    }
}
