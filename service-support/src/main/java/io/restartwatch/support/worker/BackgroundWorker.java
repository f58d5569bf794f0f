package io.restartwatch.support.worker;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import org.jboss.logging.Logger;

/**
 * A daemon thread that runs a pass of work every poll interval, at once when woken, and again at once while a pass
 * says more is waiting (a full batch). A failed pass is logged and retried after a backoff that doubles up to a
 * cap (the database or Kafka may be restarting), so a long outage neither spins nor floods the log; the owner reads
 * {@link #isFailing()} for its health check. Its owner starts it on Quarkus' {@code StartupEvent} and stops it on
 * {@code ShutdownEvent}. The outbox relay, check-service's dispatcher and notification-service's webhook dispatcher
 * all run on one.
 */
public final class BackgroundWorker {

    private static final Logger LOG = Logger.getLogger(BackgroundWorker.class);

    /** One pass of work. */
    @FunctionalInterface
    public interface Pass {
        /** @return true when more work may be waiting, so the next pass runs at once instead of after a poll */
        boolean run() throws Exception;
    }

    private final String name;
    private final Duration pollInterval;
    private final Pass pass;
    private final Semaphore wakeUps = new Semaphore(0);
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private Duration initialBackoff = Duration.ofMillis(200);
    private Duration maxBackoff = Duration.ofSeconds(5);
    private boolean drainOnStop;
    private volatile boolean running;
    private volatile boolean failing;
    private Thread thread;

    public BackgroundWorker(String name, Duration pollInterval, Pass pass) {
        if (pollInterval.isNegative() || pollInterval.isZero()) {
            throw new IllegalArgumentException(name + ": the poll interval must be positive, not " + pollInterval);
        }
        this.name = name;
        this.pollInterval = pollInterval;
        this.pass = pass;
    }

    /** Backoff after a failed pass: {@code initial}, doubled after each further failure, at most {@code max}. */
    public BackgroundWorker backoff(Duration initial, Duration max) {
        this.initialBackoff = initial;
        this.maxBackoff = max;
        return this;
    }

    /** On stop, run passes until nothing is left (or one fails) before the thread ends: e.g. publish what is committed. */
    public BackgroundWorker drainOnStop() {
        this.drainOnStop = true;
        return this;
    }

    public synchronized BackgroundWorker start() {
        if (thread != null) {
            throw new IllegalStateException(name + " is already started");
        }
        running = true;
        thread = new Thread(this::loop, name);
        thread.setDaemon(true);
        thread.start();
        return this;
    }

    /** Asks for a pass now instead of at the next poll (a failed pass's backoff is not cut short). */
    public void wakeUp() {
        wakeUps.release();
    }

    /** True while the last pass failed. */
    public boolean isFailing() {
        return failing;
    }

    /**
     * Stops taking new passes, lets the current one (and the drain, if asked for) finish within {@code timeout}.
     *
     * @return true when the thread has ended
     */
    public boolean stop(Duration timeout) throws InterruptedException {
        Thread started;
        synchronized (this) {
            started = thread;
        }
        running = false;
        stopRequested.countDown();
        wakeUp();
        if (started == null) {
            return true;
        }
        started.join(timeout.toMillis());
        return !started.isAlive();
    }

    private void loop() {
        Duration backoff = initialBackoff;
        boolean retryNow = false;
        while (true) {
            try {
                if (running && !retryNow) {
                    wakeUps.tryAcquire(pollInterval.toMillis(), TimeUnit.MILLISECONDS);
                    wakeUps.drainPermits();
                }
                retryNow = false;
                boolean finalPass = !running;
                if (finalPass && !drainOnStop) {
                    return;
                }
                while (pass.run() && (running || finalPass)) {
                    // more is waiting: go on at once
                }
                if (failing) {
                    LOG.infof("%s: passes succeed again", name);
                }
                failing = false;
                backoff = initialBackoff;
                if (finalPass) {
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                failing = true;
                if (!running) {
                    LOG.warnf("%s: a pass failed while stopping: %s", name, e.toString());
                    return;
                }
                LOG.warnf("%s: a pass failed, next try in %d ms: %s", name, backoff.toMillis(), e.toString());
                try {
                    if (stopRequested.await(backoff.toMillis(), TimeUnit.MILLISECONDS) && !drainOnStop) {
                        return;
                    }
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return;
                }
                backoff = backoff.multipliedBy(2).compareTo(maxBackoff) > 0 ? maxBackoff : backoff.multipliedBy(2);
                retryNow = true;
            }
        }
    }
}
