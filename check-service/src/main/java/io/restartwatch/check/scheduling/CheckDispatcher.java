package io.restartwatch.check.scheduling;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.restartwatch.check.config.CheckSettings;
import io.restartwatch.check.domain.CheckRecorder;
import io.restartwatch.check.domain.CheckRecorder.Finished;
import io.restartwatch.check.persistence.ServerClaims;
import io.restartwatch.check.persistence.ServerClaims.Claim;
import io.restartwatch.check.persistence.SetGroupCommit;
import io.restartwatch.check.persistence.SetGroupCommit.Outcome;
import io.restartwatch.check.probe.ProbeResult;
import io.restartwatch.check.probe.ProbeTarget;
import io.restartwatch.check.probe.Probes;
import io.restartwatch.support.worker.BackgroundWorker;
import org.jboss.logging.Logger;

/**
 * Runs every due check: scheduled sweeps, deploy rechecks and manual rechecks all come through here. It
 * claims due servers from PostgreSQL (leases shared safely by any number of instances), probes them with
 * bounded concurrency, and records the results: whatever checks have finished when the recorder is free are
 * recorded together in one transaction of set-based statements (a lone check at once: it never waits for others).
 * Woken at once by a recheck request; polls otherwise.
 */
@ApplicationScoped
public class CheckDispatcher {

    private static final Logger LOG = Logger.getLogger(CheckDispatcher.class);

    private final ServerClaims claims;
    private final Probes probes;
    private final CheckRecorder recorder;
    private final CheckSettings settings;
    private final Clock clock;
    private final String owner = "check-" + UUID.randomUUID();
    private Semaphore slots;
    private ExecutorService workers;
    private BackgroundWorker loop;
    private SetGroupCommit<Finished, Void> results;

    public CheckDispatcher(ServerClaims claims, Probes probes, CheckRecorder recorder, CheckSettings settings, Clock clock) {
        this.claims = claims;
        this.probes = probes;
        this.recorder = recorder;
        this.settings = settings;
        this.clock = clock;
    }

    void start(@Observes StartupEvent event) {
        slots = new Semaphore(settings.concurrency());
        // At most one result per slot is ever waiting, so the queue never refuses one.
        results = new SetGroupCommit<>("check-results", finished -> {
            recorder.recordClaimedAll(finished);
            return finished.stream().map(f -> Outcome.<Void>written(null)).toList();
        }, settings.concurrency(), settings.concurrency());
        workers = Executors.newFixedThreadPool(settings.concurrency(), runnable -> {
            Thread thread = new Thread(runnable, "check-worker");
            thread.setDaemon(true);
            return thread;
        });
        loop = new BackgroundWorker("check-dispatcher", settings.pollInterval(), this::dispatchDue).start();
    }

    /** Graceful shutdown: stop claiming, let running checks finish and record. */
    void stop(@Observes ShutdownEvent event) throws InterruptedException {
        if (loop != null) {
            loop.stop(Duration.ofSeconds(5));
        }
        if (workers != null) {
            workers.shutdown();
            workers.awaitTermination(20, TimeUnit.SECONDS);
        }
        if (results != null) {
            results.close();
        }
    }

    /** Look for due servers now rather than at the next poll. */
    public void wakeUp() {
        if (loop != null) {
            loop.wakeUp();
        }
    }

    /** This instance's lease owner name. */
    public String owner() {
        return owner;
    }

    /** Claims as many due servers as there are free slots; true when it filled them all (more may be due). */
    private boolean dispatchDue() {
        int free = slots.availablePermits();
        if (free == 0) {
            return false;
        }
        Instant now = clock.instant();
        List<Claim> claimed = claims.claimDue(free, owner, now, now.plus(settings.lease()));
        for (Claim claim : claimed) {
            slots.acquireUninterruptibly();
            workers.submit(() -> check(claim));
        }
        return claimed.size() == free;
    }

    private void check(Claim claim) {
        try {
            long started = System.nanoTime();
            ProbeResult result = probes.probe(claim.probeKind(),
                    new ProbeTarget(claim.serverId(), claim.host(), claim.sshPort(), claim.sshUser()));
            results.submit(new Finished(claim, result, Duration.ofNanos(System.nanoTime() - started)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // shutting down: the lease expires and the server is claimed again
        } catch (RuntimeException e) {
            // The lease expires and the server is claimed again: nothing is lost.
            LOG.warnf("Check of %s failed to record: %s", claim.serverId(), e.toString());
        } finally {
            slots.release();
            wakeUp(); // a slot is free: more due servers may be waiting
        }
    }
}
