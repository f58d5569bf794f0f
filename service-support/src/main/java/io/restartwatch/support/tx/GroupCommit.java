package io.restartwatch.support.tx;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import jakarta.persistence.EntityManager;

import io.quarkus.narayana.jta.QuarkusTransaction;
import org.jboss.logging.Logger;

/**
 * Group commit: many callers' writes share one transaction, so a burst of small requests pays one commit (one
 * WAL flush) per batch instead of one each, and every caller still returns only once its own write is
 * committed. The writer takes what is queued when it wakes, never waiting for a group to fill: a lone item is
 * written at once. A batch that fails is applied again item by item, so one bad item fails alone.
 *
 * <p>The write is per item ({@link #GroupCommit constructor}) or takes the whole group at once ({@link #ofGroups}),
 * so a group costs a constant number of statements; such a write may refuse single items ({@link Outcome#refused})
 * while the rest of the group commits.
 *
 * @param <T> what a caller submits
 * @param <R> what its write returns
 */
public final class GroupCommit<T, R> implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(GroupCommit.class);

    private final Function<List<T>, List<Outcome<R>>> write;
    private final int maxBatch;
    private final BlockingQueue<Pending<T, R>> queue;
    private final Thread writer;
    private volatile boolean running = true;

    /**
     * @param write joins the current transaction ({@code @Transactional} or plain Panache calls)
     */
    public GroupCommit(String name, Function<T, R> write, EntityManager entityManager, int maxBatch, int maxQueued) {
        this(name, items -> {
            List<Outcome<R>> outcomes = new ArrayList<>(items.size());
            for (T item : items) {
                outcomes.add(Outcome.written(write.apply(item)));
                entityManager.flush();
                entityManager.clear(); // one item's entities at a time in the persistence context
            }
            return outcomes;
        }, maxBatch, maxQueued);
    }

    /**
     * @param write joins the current transaction and returns one outcome per item, in the order of the items
     */
    public static <T, R> GroupCommit<T, R> ofGroups(String name, Function<List<T>, List<Outcome<R>>> write, int maxGroup, int maxQueued) {
        return new GroupCommit<>(name, write, maxGroup, maxQueued);
    }

    private GroupCommit(String name, Function<List<T>, List<Outcome<R>>> write, int maxBatch, int maxQueued) {
        this.write = write;
        this.maxBatch = maxBatch;
        this.queue = new ArrayBlockingQueue<>(maxQueued);
        this.writer = new Thread(this::run, name + "-group-commit");
        this.writer.setDaemon(true);
        this.writer.start();
    }

    /**
     * Writes {@code item} and returns once it is committed.
     *
     * @throws Overloaded when the queue is full (the caller should ask to retry later)
     */
    public R submit(T item) throws InterruptedException {
        Pending<T, R> pending = new Pending<>(item, new CompletableFuture<>());
        if (!running || !queue.offer(pending, 1, TimeUnit.SECONDS)) {
            throw new Overloaded();
        }
        try {
            return pending.result().get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /** Callers queued for the next transaction. */
    public int waiting() {
        return queue.size();
    }

    private void run() {
        List<Pending<T, R>> batch = new ArrayList<>(maxBatch);
        while (running || !queue.isEmpty()) {
            try {
                Pending<T, R> first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, maxBatch - 1);
                writeBatch(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                running = false;
            } catch (RuntimeException e) {
                LOG.errorf(e, "Group commit failed unexpectedly");
                batch.forEach(p -> p.result().completeExceptionally(e));
            } finally {
                batch.clear();
            }
        }
        queue.forEach(p -> p.result().completeExceptionally(new Overloaded()));
    }

    private void writeBatch(List<Pending<T, R>> batch) {
        List<Outcome<R>> outcomes;
        try {
            outcomes = QuarkusTransaction.requiringNew().call(() -> write.apply(batch.stream().map(Pending::item).toList()));
        } catch (RuntimeException batchFailed) {
            if (batch.size() == 1) {
                batch.get(0).result().completeExceptionally(batchFailed);
                return;
            }
            LOG.debugf("A group of %d failed (%s); writing its items one by one", batch.size(), batchFailed.toString());
            for (Pending<T, R> pending : batch) {
                try {
                    complete(pending, QuarkusTransaction.requiringNew().call(() -> write.apply(List.of(pending.item()))).get(0));
                } catch (RuntimeException failed) {
                    pending.result().completeExceptionally(failed);
                }
            }
            return;
        }
        for (int i = 0; i < batch.size(); i++) {
            complete(batch.get(i), outcomes.get(i));
        }
    }

    private static <T, R> void complete(Pending<T, R> pending, Outcome<R> outcome) {
        if (outcome.refused() != null) {
            pending.result().completeExceptionally(outcome.refused());
        } else {
            pending.result().complete(outcome.result());
        }
    }

    /** Stops taking items, writes what is queued, then returns. */
    @Override
    public void close() {
        running = false;
        try {
            writer.join(TimeUnit.SECONDS.toMillis(15));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** More callers waiting than the queue holds. */
    public static final class Overloaded extends RuntimeException {
        public Overloaded() {
            super("Too many writes waiting; retry shortly");
        }
    }

    /** One item's outcome within its group: its result, or why it alone was refused (nothing of it written). */
    public record Outcome<R>(R result, RuntimeException refused) {

        public static <R> Outcome<R> written(R result) {
            return new Outcome<>(result, null);
        }

        public static <R> Outcome<R> refused(RuntimeException why) {
            return new Outcome<>(null, why);
        }
    }

    private record Pending<T, R>(T item, CompletableFuture<R> result) {
    }
}
