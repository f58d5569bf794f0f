package io.restartwatch.support.sql;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Collectors;

import jakarta.persistence.EntityManager;

/**
 * Writes whole rows of one table, new or changed, with one {@code insert … on conflict (key) do update} over arrays
 * ({@link SetStatement}). Each column is declared once, with its SQL type and how a row gives its value; the SQL
 * (column list, one cast array parameter per column, the update list) is made from the declarations, so it cannot
 * fall out of step with the bindings.
 *
 * <p>For a caller that read the rows in its transaction under a lock, as the consumers' batches do: a conflicting row
 * is replaced, column by column, except the key and the columns declared {@link #insertOnly}. One row per key.
 */
public final class SetUpsert<R> {

    /** Element types the driver can build arrays of directly; every other type travels as text and is cast. */
    private static final List<String> DRIVER_ARRAY_TYPES = List.of("boolean", "bigint", "integer");

    private final String table;
    private final List<Column<R>> columns = new ArrayList<>();
    private String sql;

    private SetUpsert(String table) {
        this.table = table;
    }

    /** An upsert into {@code table}; declare the key first, then the other columns. */
    public static <R> SetUpsert<R> into(String table) {
        return new SetUpsert<>(table);
    }

    /** The conflict target: inserted, never updated. */
    public SetUpsert<R> key(String name, String sqlType, Function<? super R, ?> value) {
        return add(new Column<>(name, sqlType, value, Role.KEY));
    }

    /** A column written on insert and replaced on conflict. */
    public SetUpsert<R> column(String name, String sqlType, Function<? super R, ?> value) {
        return add(new Column<>(name, sqlType, value, Role.REPLACED));
    }

    /** A {@code jsonb} column, its value written as events carry it ({@link SetStatement#jsonColumn}), replaced on conflict. */
    public SetUpsert<R> json(String name, Function<? super R, ?> value) {
        return add(new Column<>(name, "jsonb", value, Role.JSON));
    }

    /** A column written on insert and left as it is on conflict (what someone else owns, or what never changes). */
    public SetUpsert<R> insertOnly(String name, String sqlType, Function<? super R, ?> value) {
        return add(new Column<>(name, sqlType, value, Role.INSERT_ONLY));
    }

    /** @return the number of rows inserted or updated; nothing is sent for no rows */
    public int execute(EntityManager entityManager, Collection<R> rows) {
        SetStatement<R> statement = SetStatement.over(rows, sql());
        for (Column<R> column : columns) {
            if (column.role == Role.JSON) {
                statement.jsonColumn(column.value);
            } else {
                statement.column(DRIVER_ARRAY_TYPES.contains(column.sqlType) ? column.sqlType : "varchar", column.value);
            }
        }
        return statement.execute(entityManager);
    }

    /** The statement's SQL, made once from the declarations. */
    public synchronized String sql() {
        if (sql == null) {
            List<Column<R>> keys = columns.stream().filter(column -> column.role == Role.KEY).toList();
            if (keys.isEmpty()) {
                throw new IllegalStateException("An upsert into " + table + " needs a key");
            }
            String updates = columns.stream()
                    .filter(column -> column.role == Role.REPLACED || column.role == Role.JSON)
                    .map(column -> column.name + " = excluded." + column.name)
                    .collect(Collectors.joining(", "));
            sql = "insert into " + table + " (" + columns.stream().map(column -> column.name).collect(Collectors.joining(", "))
                    + ") select * from unnest(" + columns.stream().map(column -> "?::" + column.sqlType + "[]").collect(Collectors.joining(", "))
                    + ") on conflict (" + keys.stream().map(column -> column.name).collect(Collectors.joining(", ")) + ") do "
                    + (updates.isEmpty() ? "nothing" : "update set " + updates);
        }
        return sql;
    }

    private synchronized SetUpsert<R> add(Column<R> column) {
        if (sql != null) {
            throw new IllegalStateException("The upsert into " + table + " is already in use");
        }
        columns.add(column);
        return this;
    }

    private enum Role { KEY, REPLACED, JSON, INSERT_ONLY }

    private record Column<R>(String name, String sqlType, Function<? super R, ?> value, Role role) {
    }
}
