package io.restartwatch.testsupport;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;

/**
 * An entity's column fields compared between two instances of it: a hot path's plain-SQL read of a row against
 * Hibernate's mapping of the same row, so that a column the plain read forgets or reads differently cannot pass unseen.
 */
public final class EntityFields {

    private EntityFields() {
    }

    @FunctionalInterface
    public interface FieldCheck {
        void check(String name, Class<?> type, Object expected, Object actual);
    }

    /**
     * Calls {@code check} with each field {@code entityClass} declares, read from both instances.
     *
     * @return the number of fields compared, for the caller to assert against the table's column count
     */
    public static int compare(Class<?> entityClass, Object expected, Object actual, FieldCheck check) {
        int compared = 0;
        try {
            for (Field field : entityClass.getDeclaredFields()) {
                if (Modifier.isStatic(field.getModifiers()) || field.isSynthetic() || field.getName().startsWith("$$_")) {
                    continue; // the columns are the entity's own fields; "$$_hibernate_…" are its enhancement's
                }
                field.setAccessible(true);
                check.check(field.getName(), field.getType(), field.get(expected), field.get(actual));
                compared++;
            }
        } catch (IllegalAccessException e) {
            throw new AssertionError(e);
        }
        return compared;
    }
}
