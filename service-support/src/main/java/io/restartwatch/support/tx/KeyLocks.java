package io.restartwatch.support.tx;

import java.util.Collection;

import jakarta.persistence.EntityManager;

import org.hibernate.Session;

/**
 * Transaction-scoped PostgreSQL advisory locks on keys (server ids), a whole batch's in one statement. Two
 * transactions about the same server then apply one after the other, the second seeing what the first committed:
 * two threads of one service on different topics, or two instances while a partition moves between them and both
 * hold the same records. Taken in the order of the keys' lock numbers, so two batches never wait on each other in a
 * cycle; released at commit or rollback.
 */
public final class KeyLocks {

    private KeyLocks() {
    }

    public static void lockAll(EntityManager entityManager, Collection<String> keys) {
        if (keys.isEmpty()) {
            return;
        }
        entityManager.unwrap(Session.class).doWork(connection -> {
            try (var lock = connection.prepareStatement("""
                    select count(pg_advisory_xact_lock(lock_key))
                    from (select distinct hashtext(key) as lock_key from unnest(?::varchar[]) as keys(key) order by lock_key) locks""")) {
                lock.setArray(1, connection.createArrayOf("varchar", keys.toArray(String[]::new)));
                lock.executeQuery().close();
            }
        });
    }
}
