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
 * committed. A batch that fails is applied again item by item, so one bad item fails alone.
 *
 * @param <T> what a caller submits
 * @param <R> what its write returns
 */
public final class GroupCommit<T, R> implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(GroupCommit.class);

    private final Function<T, R> write;
    private final EntityManager entityManager;
    private final int maxBatch;
    private final BlockingQueue<Pending<T, R>> queue;
    private final Thread writer;
    private volatile boolean running = true;

    /**
     * @param write joins the current transaction ({@code @Transactional} or plain Panache calls)
     */
    public GroupCommit(String name, Function<T, R> write, EntityManager entityManager, int maxBatch, int maxQueued) {
        this.write = write;
        this.entityManager = entityManager;
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
        List<R> results = new ArrayList<>(batch.size());
        try {
            QuarkusTransaction.requiringNew().run(() -> {
                results.clear();
                for (Pending<T, R> pending : batch) {
                    results.add(write.apply(pending.item()));
                    entityManager.flush();
                    entityManager.clear(); // one item's entities at a time in the persistence context
                }
            });
        } catch (RuntimeException batchFailed) {
            if (batch.size() == 1) {
                batch.get(0).result().completeExceptionally(batchFailed);
                return;
            }
            LOG.debugf("A group of %d failed (%s); writing its items one by one", batch.size(), batchFailed.toString());
            for (Pending<T, R> pending : batch) {
                try {
                    pending.result().complete(QuarkusTransaction.requiringNew().call(() -> write.apply(pending.item())));
                } catch (RuntimeException failed) {
                    pending.result().completeExceptionally(failed);
                }
            }
            return;
        }
        for (int i = 0; i < batch.size(); i++) {
            batch.get(i).result().complete(results.get(i));
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

    private record Pending<T, R>(T item, CompletableFuture<R> result) {
    }
}
