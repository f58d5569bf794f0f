package io.restartwatch.support.messaging;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;

import io.quarkus.narayana.jta.QuarkusTransaction;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jboss.logging.Logger;

/**
 * Applies a batch of records in one database transaction: one commit (one WAL flush) and one relay pass for
 * hundreds of events instead of one each, which is what a patch-day burst needs. Every guarantee of the
 * record-at-a-time path stays: a record that cannot be parsed goes to the dead-letter topic alone; a batch
 * that fails for another reason than a transient one is applied again record by record, each in its own
 * transaction, so only the record that fails is dead-lettered; transient failures (database restarting) are
 * retried for as long as it takes, never dead-lettered.
 */
@ApplicationScoped
public class BatchApplier {

    private static final Logger LOG = Logger.getLogger(BatchApplier.class);

    private final RetryingProcessor processor;
    private final DeadLetters deadLetters;
    private final EntityManager entityManager;

    public BatchApplier(RetryingProcessor processor, DeadLetters deadLetters, EntityManager entityManager) {
        this.processor = processor;
        this.deadLetters = deadLetters;
        this.entityManager = entityManager;
    }

    /**
     * Applies the batch event by event inside its one transaction, the persistence context flushed and cleared after
     * each (Hibernate's flush-time dirty checking stays one event small).
     *
     * @param parse   the record's event; throws {@link PoisonEventException} for a record that can never apply
     * @param lockKey the key the effect locks (the server id): the batch is applied in this key's order, stable
     *                within a key, so concurrent batches take their locks in the same order
     * @param apply   the effect, {@code @Transactional} so that it joins the batch's transaction
     */
    public <E> void apply(Iterable<ConsumerRecord<String, String>> records, Function<ConsumerRecord<String, String>, E> parse,
                          Function<E, String> lockKey, Consumer<E> apply) {
        applyBatch(records, parse, lockKey, events -> {
            for (E event : events) {
                apply.accept(event);
                entityManager.flush();
                entityManager.clear();
            }
        }, apply);
    }

    /**
     * Applies the batch as a set: {@code applyAll} receives every event of the batch at once and does a constant
     * number of database round trips for it (one read of the state of all its keys, set-based writes). If the batch
     * fails for another reason than a transient one, each event is applied again alone ({@code applyAll} with a
     * list of one), each in its own transaction, so only the failing record is dead-lettered.
     *
     * @param applyAll the effect of a list of events in lock-key order, {@code @Transactional} so that it joins the
     *                 batch's transaction
     */
    public <E> void applyAll(Iterable<ConsumerRecord<String, String>> records, Function<ConsumerRecord<String, String>, E> parse,
                             Function<E, String> lockKey, Consumer<List<E>> applyAll) {
        applyBatch(records, parse, lockKey, applyAll, event -> applyAll.accept(List.of(event)));
    }

    private <E> void applyBatch(Iterable<ConsumerRecord<String, String>> records, Function<ConsumerRecord<String, String>, E> parse,
                                Function<E, String> lockKey, Consumer<List<E>> wholeBatch, Consumer<E> alone) {
        List<Parsed<E>> batch = new ArrayList<>();
        for (ConsumerRecord<String, String> record : records) {
            try {
                batch.add(new Parsed<>(record, parse.apply(record)));
            } catch (PoisonEventException e) {
                deadLetters.send(record, e);
            }
        }
        if (batch.isEmpty()) {
            return;
        }
        batch.sort(Comparator.comparing(parsed -> lockKey.apply(parsed.event())));
        List<E> events = batch.stream().map(Parsed::event).toList();
        try {
            processor.runRetryingTransientOnly("a batch of " + batch.size(),
                    () -> QuarkusTransaction.requiringNew().run(() -> wholeBatch.accept(events)));
        } catch (RuntimeException batchFailed) {
            LOG.warnf("A batch of %d failed (%s); applying its records one by one", batch.size(), batchFailed.toString());
            for (Parsed<E> parsed : batch) {
                ConsumerRecord<String, String> record = parsed.record();
                try {
                    processor.run(record.topic() + "-" + record.partition() + "@" + record.offset(),
                            () -> alone.accept(parsed.event()));
                } catch (RuntimeException failed) {
                    if (Thread.currentThread().isInterrupted()) {
                        throw failed; // shutting down: not acknowledged, so redelivered, never dead-lettered
                    }
                    deadLetters.send(record, failed);
                }
            }
        }
    }

    /**
     * The batch with each event id once, at its first occurrence, in order: a record delivered twice in one poll
     * (a producer's retry) counts once. For consumers whose writes only replace a strictly older row and need no
     * {@link ProcessedEvents} log: a redelivery in a later poll finds its row already as new and changes nothing.
     */
    public static <E> List<E> firstOccurrences(List<E> events, Function<E, String> eventId) {
        Set<String> seen = new HashSet<>();
        return events.stream().filter(event -> seen.add(eventId.apply(event))).toList();
    }

    /**
     * One event per key, the one a table keeps when the events are applied in order by upserts that only replace a
     * strictly older row: the newest by {@code counter}, the earliest of equals; keys in order of first appearance.
     * A set-based upsert needs it: PostgreSQL refuses an {@code on conflict do update} that meets one row twice.
     */
    public static <E, C extends Comparable<? super C>> List<E> newestPerKey(List<E> events, Function<E, String> key,
                                                                          Function<E, C> counter) {
        Comparator<E> byCounter = Comparator.comparing(counter, Comparator.nullsFirst(Comparator.naturalOrder()));
        Map<String, E> newest = new LinkedHashMap<>();
        for (E event : events) {
            newest.merge(key.apply(event), event, (kept, next) -> byCounter.compare(next, kept) > 0 ? next : kept);
        }
        return List.copyOf(newest.values());
    }

    private record Parsed<E>(ConsumerRecord<String, String> record, E event) {
    }
}
