package io.restartwatch.support.tx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restartwatch.support.testapp.AppliedRecords;
import io.restartwatch.testsupport.LocalInfraResource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Group commit on a real database: callers queued together share one transaction, a bad item fails alone. */
@QuarkusTest
@WithTestResource(LocalInfraResource.class)
class GroupCommitTest {

    private static final int CALLERS = 20;

    @Inject
    AppliedRecords records;
    @Inject
    EntityManager entityManager;

    private final ExecutorService callers = Executors.newFixedThreadPool(CALLERS + 1);

    @AfterEach
    void stopCallers() {
        callers.shutdownNow();
    }

    @Test
    void callersQueuedWhileATransactionRunsShareTheNextOneAndReturnOnlyOnceCommitted() throws Exception {
        String prefix = UUID.randomUUID() + "-";
        CountDownLatch writerHeld = new CountDownLatch(1);
        CountDownLatch firstWriteMayEnd = new CountDownLatch(1);
        try (GroupCommit<String, String> group = new GroupCommit<>("test", id -> {
            if (id.endsWith("-blocker")) {
                writerHeld.countDown();
                waitFor(firstWriteMayEnd); // holds the writer so the others queue up behind it
            }
            return records.insert(id, "v");
        }, entityManager, 100, 1000)) {
            CompletableFuture<String> blocker = submit(group, prefix + "blocker");
            waitFor(writerHeld);
            List<CompletableFuture<String>> queued = new ArrayList<>();
            for (int n = 0; n < CALLERS; n++) {
                queued.add(submit(group, prefix + n));
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> group.waiting() == CALLERS);
            assertThat(queued).noneMatch(CompletableFuture::isDone);

            firstWriteMayEnd.countDown();

            Set<String> ids = new HashSet<>();
            ids.add(blocker.get(60, TimeUnit.SECONDS));
            for (CompletableFuture<String> caller : queued) {
                String id = caller.get(60, TimeUnit.SECONDS);
                // Returned: so committed, and visible to any other transaction.
                assertThat(records.txById(Set.of(id))).containsKey(id);
                ids.add(id);
            }
            Map<String, Long> tx = records.txById(ids);
            assertThat(tx).hasSize(CALLERS + 1);
            assertThat(new HashSet<>(tx.values())).as("transactions: the blocker's, then one for all the queued callers").hasSize(2);
        }
    }

    @Test
    void aBadItemFailsItsOwnCallerOnlyAndTheRestOfItsGroupCommits() throws Exception {
        String prefix = UUID.randomUUID() + "-";
        String taken = prefix + "taken";
        records.insert(taken, "already there");
        CountDownLatch writerHeld = new CountDownLatch(1);
        CountDownLatch firstWriteMayEnd = new CountDownLatch(1);
        try (GroupCommit<String, String> group = new GroupCommit<>("test", id -> {
            if (id.endsWith("-blocker")) {
                writerHeld.countDown();
                waitFor(firstWriteMayEnd);
            }
            return records.insert(id, "v");
        }, entityManager, 100, 1000)) {
            CompletableFuture<String> blocker = submit(group, prefix + "blocker");
            waitFor(writerHeld);
            List<CompletableFuture<String>> good = new ArrayList<>();
            for (int n = 0; n < 5; n++) {
                good.add(submit(group, prefix + n));
            }
            CompletableFuture<String> bad = submit(group, taken); // primary key taken: this insert can never succeed
            for (int n = 5; n < 10; n++) {
                good.add(submit(group, prefix + n));
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> group.waiting() == 11);
            firstWriteMayEnd.countDown();

            assertThat(bad).failsWithin(Duration.ofSeconds(60));
            Set<String> ids = new HashSet<>();
            for (CompletableFuture<String> caller : good) {
                ids.add(caller.get(60, TimeUnit.SECONDS));
            }
            assertThat(records.txById(ids)).hasSize(10);
            assertThat(records.txById(Set.of(taken))).hasSize(1);
        }
    }

    private CompletableFuture<String> submit(GroupCommit<String, String> group, String id) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return group.submit(id);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }, callers);
    }

    private static void waitFor(CountDownLatch latch) {
        try {
            if (!latch.await(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the test never released the writer");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
