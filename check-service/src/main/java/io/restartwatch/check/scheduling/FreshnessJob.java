package io.restartwatch.check.scheduling;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.restartwatch.check.config.CheckSettings;
import io.restartwatch.check.domain.Freshness;
import io.restartwatch.check.persistence.FreshnessRows;
import org.jboss.logging.Logger;

/**
 * Time-driven freshness: every {@code restartwatch.checks.freshness-interval} it marks the servers silent past their
 * max-silence unverified ({@link Freshness#markSilent}), batch by batch, so a server nobody checks any more is
 * flagged with no check arriving. Every instance runs it; claims with {@code SKIP LOCKED} share the work. It also
 * refreshes the gauge {@code restartwatch_servers_unverified} (a scrape never touches the database).
 */
@ApplicationScoped
public class FreshnessJob {

    private static final Logger LOG = Logger.getLogger(FreshnessJob.class);
    private static final int BATCH = 200;

    private final Freshness freshness;
    private final FreshnessRows rows;
    private final CheckSettings settings;
    private final MeterRegistry metrics;
    private final AtomicLong unverified = new AtomicLong();
    private final AtomicLong passes = new AtomicLong();
    private ScheduledExecutorService scheduler;
    private Gauge gauge;

    public FreshnessJob(Freshness freshness, FreshnessRows rows, CheckSettings settings, MeterRegistry metrics) {
        this.freshness = freshness;
        this.rows = rows;
        this.settings = settings;
        this.metrics = metrics;
    }

    void start(@Observes StartupEvent event) {
        gauge = Gauge.builder("restartwatch.servers.unverified", unverified, AtomicLong::get)
                .description("Servers Restart Watch cannot currently vouch for: no successful check within their max-silence")
                .strongReference(true)
                .register(metrics);
        scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "freshness");
            thread.setDaemon(true);
            return thread;
        });
        long interval = settings.freshnessInterval().toMillis();
        // A random first pass: instances started together do not contend.
        scheduler.scheduleWithFixedDelay(this::runQuietly, ThreadLocalRandom.current().nextLong(interval), interval,
                TimeUnit.MILLISECONDS);
    }

    void stop(@Observes ShutdownEvent event) {
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
        // A registry that outlives this application (tests start several in one JVM) would otherwise answer the next
        // registration with this gauge, bound to this instance's counter, which nothing updates any more.
        if (gauge != null) {
            metrics.remove(gauge);
        }
    }

    /**
     * One pass now: marks every server silent past its max-silence, then refreshes the gauge.
     *
     * @return how many servers this pass marked unverified
     */
    public int runOnce() {
        int marked = 0;
        int batch;
        do {
            batch = freshness.markSilent(BATCH);
            marked += batch;
        } while (batch == BATCH);
        if (marked > 0) {
            LOG.infof("Freshness: %d server(s) became unverified", marked);
        }
        unverified.set(rows.countUnverified());
        passes.incrementAndGet();
        return marked;
    }

    /** Passes completed since start: lets a test wait for later passes before counting events. */
    public long passes() {
        return passes.get();
    }

    private void runQuietly() {
        try {
            runOnce();
        } catch (RuntimeException e) {
            LOG.warnf("Freshness pass failed, the next one retries: %s", e.toString());
        }
    }
}
