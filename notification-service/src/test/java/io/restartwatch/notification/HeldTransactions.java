package io.restartwatch.notification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import jakarta.persistence.EntityManager;

import io.quarkus.narayana.jta.QuarkusTransaction;

/** Two transactions interleaved on purpose: what one sees of the other's work before it commits. */
final class HeldTransactions {

    private HeldTransactions() {
    }

    /**
     * Runs {@code first} in a transaction held open (its statements sent) while {@code second} runs in another thread,
     * until {@code second} either waits on a lock or is done; then lets the first commit and waits for both.
     */
    static void whileOneHasNotCommitted(EntityManager entityManager, Runnable first, Runnable second) throws Exception {
        CountDownLatch firstDone = new CountDownLatch(1);
        CountDownLatch firstMayCommit = new CountDownLatch(1);
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            Future<?> held = threads.submit(() -> QuarkusTransaction.requiringNew().run(() -> {
                first.run();
                entityManager.flush();
                firstDone.countDown();
                awaitRelease(firstMayCommit);
            }));
            assertThat(firstDone.await(30, TimeUnit.SECONDS)).as("the first transaction did its work").isTrue();
            Future<?> then = threads.submit(second);
            await().atMost(Duration.ofSeconds(30)).until(() -> then.isDone() || backendsWaitingOnALock(entityManager) > 0);
            firstMayCommit.countDown();
            held.get(30, TimeUnit.SECONDS);
            then.get(30, TimeUnit.SECONDS);
        } finally {
            firstMayCommit.countDown();
            threads.shutdownNow();
        }
    }

    private static long backendsWaitingOnALock(EntityManager entityManager) {
        return QuarkusTransaction.requiringNew().call(() -> ((Number) entityManager.createNativeQuery("""
                        select count(*) from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'""")
                .getSingleResult()).longValue());
    }

    private static void awaitRelease(CountDownLatch latch) {
        try {
            if (!latch.await(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("never released");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
