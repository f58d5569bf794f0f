package io.restartwatch.check.persistence;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.restartwatch.support.tx.GroupCommit.Overloaded;
import org.jboss.logging.Logger;

/**
 * Group commit whose write takes the whole group at once, so a group costs a constant number of statements, not a
 * few per item (service-support's {@code GroupCommit} applies its items one by one). The writer takes what is
 * queued when it wakes, never waiting for a group to fill: a lone item is written at once. Every caller returns
 * only once its own item is committed. An item the write refuses ({@link Outcome#refused}) fails alone and the
 * rest of its group commits; a group whose transaction fails is written again item by item, each in its own
 * transaction, so one bad item fails alone.
 *
 * @param <T> what a caller submits
 * @param <R> what its write returns
 */
public final class SetGroupCommit<T, R> implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(SetGroupCommit.class);

    private final Function<List<T>, List<Outcome<R>>> write;
    private final int maxGroup;
    private final BlockingQueue<Pending<T, R>> queue;
    private final Thread writer;
    private volatile boolean running = true;

    /**
     * @param write joins the current transaction and returns one outcome per item, in the order of the items
     */
    public SetGroupCommit(String name, Function<List<T>, List<Outcome<R>>> write, int maxGroup, int maxQueued) {
        this.write = write;
        this.maxGroup = maxGroup;
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
        List<Pending<T, R>> group = new ArrayList<>(maxGroup);
        while (running || !queue.isEmpty()) {
            try {
                Pending<T, R> first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                group.add(first);
                queue.drainTo(group, maxGroup - 1);
                writeGroup(group);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                running = false;
            } catch (RuntimeException e) {
                LOG.errorf(e, "Group commit failed unexpectedly");
                group.forEach(p -> p.result().completeExceptionally(e));
            } finally {
                group.clear();
            }
        }
        queue.forEach(p -> p.result().completeExceptionally(new Overloaded()));
    }

    private void writeGroup(List<Pending<T, R>> group) {
        List<Outcome<R>> outcomes;
        try {
            outcomes = QuarkusTransaction.requiringNew().call(() -> write.apply(group.stream().map(Pending::item).toList()));
        } catch (RuntimeException groupFailed) {
            if (group.size() == 1) {
                group.get(0).result().completeExceptionally(groupFailed);
                return;
            }
            LOG.debugf("A group of %d failed (%s); writing its items one by one", group.size(), groupFailed.toString());
            for (Pending<T, R> pending : group) {
                try {
                    complete(pending, QuarkusTransaction.requiringNew().call(() -> write.apply(List.of(pending.item()))).get(0));
                } catch (RuntimeException failed) {
                    pending.result().completeExceptionally(failed);
                }
            }
            return;
        }
        for (int i = 0; i < group.size(); i++) {
            complete(group.get(i), outcomes.get(i));
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
