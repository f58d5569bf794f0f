package io.restartwatch.testsupport;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Collection;
import java.util.Map;
import java.util.Objects;

/**
 * An entity's column fields compared between two instances of it: a hot path's plain-SQL read of a row against
 * Hibernate's mapping of the same row, so that a column the plain read forgets or reads differently cannot pass unseen.
 */
public final class EntityFields {

    private EntityFields() {
    }

    /**
     * Asserts that each field {@code entityClass} declares holds in {@code actual} what it holds in {@code expected},
     * and that there are {@code columns} of them (one per column of the table: a field added without a column, or
     * the other way round, fails).
     */
    public static void assertSameColumns(Class<?> entityClass, Object expected, Object actual, int columns) {
        compare(entityClass, expected, actual, columns, false);
    }

    /**
     * As {@link #assertSameColumns}, after asserting that the fixture set every column of {@code expected}: none null,
     * empty or its type's default (0, false), so that a column the plain read forgets cannot match by chance.
     */
    public static void assertEveryColumnSetAndSame(Class<?> entityClass, Object expected, Object actual, int columns) {
        compare(entityClass, expected, actual, columns, true);
    }

    private static void compare(Class<?> entityClass, Object expected, Object actual, int columns, boolean everySet) {
        int compared = 0;
        try {
            for (Field field : entityClass.getDeclaredFields()) {
                if (Modifier.isStatic(field.getModifiers()) || field.isSynthetic() || field.getName().startsWith("$$_")) {
                    continue; // the columns are the entity's own fields; "$$_hibernate_…" are its enhancement's
                }
                field.setAccessible(true);
                Object expectedValue = field.get(expected);
                if (everySet && unset(expectedValue)) {
                    throw new AssertionError(field.getName() + " is not set by the fixture: " + expectedValue);
                }
                Object actualValue = field.get(actual);
                if (!Objects.equals(expectedValue, actualValue)) {
                    throw new AssertionError(field.getName() + ": expected " + expectedValue + " but was " + actualValue);
                }
                compared++;
            }
        } catch (IllegalAccessException e) {
            throw new AssertionError(e);
        }
        if (compared != columns) {
            throw new AssertionError("fields compared: " + compared + ", columns of " + entityClass.getSimpleName() + ": " + columns);
        }
    }

    private static boolean unset(Object value) {
        return value == null || value.equals(0) || value.equals(0L) || value.equals(false) || value.equals("")
                || value instanceof Collection<?> collection && collection.isEmpty()
                || value instanceof Map<?, ?> map && map.isEmpty();
    }
}
