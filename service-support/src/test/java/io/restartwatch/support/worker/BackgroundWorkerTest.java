package io.restartwatch.support.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BackgroundWorkerTest {

    /** Long enough that a pass seen in a test came from a wake-up or a "more", never from the poll. */
    private static final Duration NEVER = Duration.ofHours(1);

    private BackgroundWorker worker;

    @AfterEach
    void stop() throws InterruptedException {
        if (worker != null) {
            assertThat(worker.stop(Duration.ofSeconds(30))).isTrue();
        }
    }

    @Test
    void aWakeUpRunsAPassWithoutWaitingForThePoll() {
        AtomicInteger passes = new AtomicInteger();
        worker = new BackgroundWorker("test", NEVER, () -> {
            passes.incrementAndGet();
            return false;
        }).start();

        worker.wakeUp();
        await().atMost(Duration.ofSeconds(30)).until(() -> passes.get() == 1);
        worker.wakeUp();
        await().atMost(Duration.ofSeconds(30)).until(() -> passes.get() == 2);
    }

    @Test
    void itPollsOnItsOwn() {
        AtomicInteger passes = new AtomicInteger();
        worker = new BackgroundWorker("test", Duration.ofMillis(50), () -> {
            passes.incrementAndGet();
            return false;
        }).start();

        await().atMost(Duration.ofSeconds(30)).until(() -> passes.get() >= 3);
    }

    @Test
    void aPassThatSaysMoreIsWaitingIsFollowedByAnotherAtOnce() {
        AtomicInteger batchesLeft = new AtomicInteger(5);
        worker = new BackgroundWorker("test", NEVER, () -> batchesLeft.decrementAndGet() > 0).start();

        worker.wakeUp();
        await().atMost(Duration.ofSeconds(30)).until(() -> batchesLeft.get() == 0);
    }

    @Test
    void failedPassesAreRetriedAfterABackoffAndReportedUntilOneSucceeds() {
        AtomicInteger failuresLeft = new AtomicInteger(3);
        List<Boolean> failingBeforeEachPass = new CopyOnWriteArrayList<>();
        BackgroundWorker[] self = new BackgroundWorker[1];
        worker = new BackgroundWorker("test", NEVER, () -> {
            failingBeforeEachPass.add(self[0].isFailing());
            if (failuresLeft.getAndDecrement() > 0) {
                throw new IllegalStateException("database away");
            }
            return false;
        }).backoff(Duration.ofMillis(10), Duration.ofMillis(40));
        self[0] = worker;

        worker.start().wakeUp();

        // Three failures retried without any wake-up, then a success.
        await().atMost(Duration.ofSeconds(30)).until(() -> failingBeforeEachPass.size() == 4 && !worker.isFailing());
        assertThat(failingBeforeEachPass).containsExactly(false, true, true, true);
    }

    @Test
    void stopEndsTheThreadAndADrainingWorkerFinishesWhatIsWaitingFirst() throws InterruptedException {
        AtomicInteger drained = new AtomicInteger();
        AtomicInteger waiting = new AtomicInteger(3);
        BackgroundWorker draining = new BackgroundWorker("draining", NEVER, () -> {
            if (waiting.get() > 0) {
                waiting.decrementAndGet();
                drained.incrementAndGet();
            }
            return waiting.get() > 0;
        }).drainOnStop().start();
        AtomicInteger plainPasses = new AtomicInteger();
        BackgroundWorker plain = new BackgroundWorker("plain", NEVER, () -> {
            plainPasses.incrementAndGet();
            return false;
        }).start();

        assertThat(draining.stop(Duration.ofSeconds(30))).isTrue();
        assertThat(plain.stop(Duration.ofSeconds(30))).isTrue();

        assertThat(drained.get()).isEqualTo(3);
        assertThat(plainPasses.get()).isZero();
    }

    @Test
    void aPollIntervalMustBePositive() {
        assertThatThrownBy(() -> new BackgroundWorker("test", Duration.ZERO, () -> false))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
