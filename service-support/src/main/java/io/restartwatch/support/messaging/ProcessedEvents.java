package io.restartwatch.support.messaging;

import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import io.restartwatch.support.sql.SetStatement;

/**
 * The idempotent-consumer record: which event ids a consumer has applied, written in the same transaction as
 * the effect, so a redelivered event is recognised and skipped. Every service has a {@code processed_event} table.
 */
@ApplicationScoped
public class ProcessedEvents {

    private final EntityManager entityManager;

    public ProcessedEvents(EntityManager entityManager) {
        this.entityManager = entityManager;
    }

    /**
     * @return true the first time {@code consumer} sees {@code eventId}; false for a duplicate delivery
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public boolean firstDelivery(String consumer, String eventId) {
        int inserted = entityManager.createNativeQuery("""
                        insert into processed_event (consumer, event_id, processed_at) values (:consumer, :eventId, now())
                        on conflict do nothing""")
                .setParameter("consumer", consumer)
                .setParameter("eventId", eventId)
                .executeUpdate();
        return inserted == 1;
    }

    /**
     * A polled batch's de-duplication in one statement (one round trip, one executor call) instead of one insert
     * per event. An id that appears twice in {@code eventIds} is returned once: the caller applies its first
     * occurrence only. Runs on the transaction's connection without flushing the persistence context.
     *
     * @return the ids {@code consumer} sees for the first time
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public Set<String> firstDeliveries(String consumer, Collection<String> eventIds) {
        if (eventIds.isEmpty()) {
            return Set.of();
        }
        return new HashSet<>(SetStatement.over(eventIds, """
                        insert into processed_event (consumer, event_id, processed_at)
                        select ?, id, now() from unnest(?::varchar[]) as id
                        on conflict do nothing
                        returning event_id""")
                .value(consumer)
                .column("varchar", id -> id)
                .returning(entityManager));
    }

    /**
     * {@link #firstDeliveries} for a batch of events: those {@code consumer} sees for the first time, in the batch's
     * order, an event repeated in the batch once (its first occurrence).
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public <E> List<E> firstDeliveriesOf(String consumer, List<E> events, Function<E, String> eventId) {
        Set<String> first = new HashSet<>(firstDeliveries(consumer, events.stream().map(eventId).toList()));
        return events.stream().filter(event -> first.remove(eventId.apply(event))).toList();
    }
}
