package io.restartwatch.support.testapp;

import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import org.hibernate.exception.JDBCConnectionException;

/** A service-like effect for the tests: one row per applied item, in the caller's transaction (or its own). */
@ApplicationScoped
public class AppliedRecords {

    private final EntityManager entityManager;

    public AppliedRecords(EntityManager entityManager) {
        this.entityManager = entityManager;
    }

    /** Inserts {@code id}; a second insert of the same id fails (primary key), as a real constraint would. */
    @Transactional
    public String insert(String id, String value) {
        entityManager.createNativeQuery("insert into applied_record (id, value, tx) values (:id, :value, txid_current())")
                .setParameter("id", id)
                .setParameter("value", value)
                .executeUpdate();
        return id;
    }

    /** Inserts unless {@code failWhen} says otherwise: then it throws what it is told to. */
    @Transactional
    public void insertOrFail(String id, String value, Predicate<String> failWhen, RuntimeException failure) {
        if (failWhen.test(id)) {
            throw failure;
        }
        insert(id, value);
    }

    /** The kind of failure a database restart causes (SQLState 08006). */
    public static RuntimeException connectionLost() {
        return new JDBCConnectionException("connection lost (test)", new java.sql.SQLException("I/O error", "08006"));
    }

    @SuppressWarnings("unchecked")
    @Transactional
    public Map<String, Long> txById(Set<String> ids) {
        Map<String, Long> result = new java.util.HashMap<>();
        for (Object[] row : (java.util.List<Object[]>) entityManager
                .createNativeQuery("select id, tx from applied_record where id in (:ids)")
                .setParameter("ids", ids).getResultList()) {
            result.put((String) row[0], ((Number) row[1]).longValue());
        }
        return result;
    }
}
