package io.restartwatch.notification.metrics;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.restartwatch.contracts.Exposure;
import io.restartwatch.contracts.NotificationKind;
import io.restartwatch.contracts.PriorityLevel;
import io.restartwatch.notification.domain.TransitionListeners;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Prometheus gauges {@code restartwatch_pending_restarts{level,exposure,kind}} (kind REBOOT or SERVICE_RESTART),
 * {@code restartwatch_oldest_pending_seconds} and {@code restartwatch_unverified_servers} (open UNVERIFIED
 * notifications: servers Restart Watch cannot vouch for). A scrape reads a snapshot and never touches the database: the
 * snapshot is one grouped query, refreshed shortly after each transition and on a fixed interval (for changes
 * that are not transitions). The oldest pending age is computed at scrape time from the snapshot's oldest
 * {@code pending_since}, so it grows between refreshes.
 */
@ApplicationScoped
public class PendingRestartMetrics {

    private static final Logger LOG = Logger.getLogger(PendingRestartMetrics.class);
    /** Exposure tag of a server whose exposure was not assessed. */
    static final String UNKNOWN = "UNKNOWN";
    private static final long MIN_REFRESH_DELAY_MILLIS = 200;
    private static final long REFRESH_DELAY_PER_QUERY_TIME = 100;

    private final AgroalDataSource dataSource;
    private final MeterRegistry registry;
    private final TransitionListeners listeners;
    private final Clock clock;
    private final Duration refreshInterval;
    private final AtomicBoolean refreshQueued = new AtomicBoolean();
    private volatile long lastRefreshMillis;
    /** The kinds that are restarts; UNVERIFIED is counted apart, it has no pending restart. */
    private static final List<NotificationKind> RESTART_KINDS = List.of(NotificationKind.REBOOT, NotificationKind.SERVICE_RESTART);

    private volatile Snapshot snapshot = new Snapshot(Map.of(), null, Map.of(), 0);
    private ScheduledExecutorService executor;
    private Runnable unsubscribe;
    private final List<Gauge> gauges = new ArrayList<>();

    public PendingRestartMetrics(AgroalDataSource dataSource, MeterRegistry registry, TransitionListeners listeners, Clock clock,
                                 @ConfigProperty(name = "restartwatch.metrics.refresh-interval", defaultValue = "PT30S") Duration refreshInterval) {
        this.dataSource = dataSource;
        this.registry = registry;
        this.listeners = listeners;
        this.clock = clock;
        this.refreshInterval = refreshInterval;
    }

    void start(@Observes StartupEvent event) {
        for (NotificationKind kind : RESTART_KINDS) {
            for (PriorityLevel level : PriorityLevel.values()) {
                for (String exposure : exposureTags()) {
                    String key = key(kind.name(), level.name(), exposure);
                    gauges.add(Gauge.builder("restartwatch.pending.restarts", this, m -> m.snapshot.counts().getOrDefault(key, 0L))
                            .description("Open notifications of pending restarts by kind (REBOOT, SERVICE_RESTART), level and exposure")
                            .tags("kind", kind.name(), "level", level.name(), "exposure", exposure)
                            .strongReference(true)
                            .register(registry));
                }
            }
        }
        gauges.add(Gauge.builder("restartwatch.unverified.servers", this, m -> m.snapshot.unverified())
                .description("Servers Restart Watch cannot vouch for: open UNVERIFIED notifications (no successful check for their max-silence)")
                .strongReference(true)
                .register(registry));
        gauges.add(Gauge.builder("restartwatch.oldest.pending.seconds", this, PendingRestartMetrics::oldestPendingSeconds)
                .description("Age of the oldest pending restart, 0 when none is pending")
                .strongReference(true)
                .register(registry));
        for (String exposure : exposureTags()) {
            // Per exposure, so an alert can watch public servers alone.
            gauges.add(Gauge.builder("restartwatch.oldest.pending.by.exposure.seconds", this, m -> m.oldestPendingSeconds(exposure))
                    .description("Age of the oldest pending restart of servers with this exposure, 0 when none")
                    .tags("exposure", exposure)
                    .strongReference(true)
                    .register(registry));
        }
        executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "pending-restart-metrics");
            thread.setDaemon(true);
            return thread;
        });
        executor.scheduleWithFixedDelay(this::refresh, 0, refreshInterval.toMillis(), TimeUnit.MILLISECONDS);
        unsubscribe = listeners.subscribe(transition -> queueRefresh());
    }

    void stop(@Observes ShutdownEvent event) {
        if (unsubscribe != null) {
            unsubscribe.run();
        }
        if (executor != null) {
            executor.shutdownNow();
        }
        // A registry that outlives this application (tests start several in one JVM) would otherwise answer the next
        // registration with these gauges, bound to this instance, which nothing refreshes any more.
        gauges.forEach(registry::remove);
    }

    double oldestPendingSeconds() {
        return secondsSince(snapshot.oldestPendingSince());
    }

    double oldestPendingSeconds(String exposure) {
        return secondsSince(snapshot.oldestByExposure().get(exposure));
    }

    private double secondsSince(Instant oldest) {
        return oldest == null ? 0 : Math.max(0, Duration.between(oldest, clock.instant()).toSeconds());
    }

    /**
     * Coalesces a burst of transitions into one query. The query reads every open notification, so during a
     * patch-day burst with a million of them it would run back to back: the wait after a transition grows with
     * the last query's duration, keeping the refreshes at most ~1 % of one core. At 100 000 open notifications (86 ms
     * a query in P1) the gauges then trail a burst by ~9 s, inside a 15 s scrape interval; at 20× they took 4.5 % of
     * PostgreSQL's statement time in that burst.
     */
    private void queueRefresh() {
        if (refreshQueued.compareAndSet(false, true)) {
            long delayMillis = Math.max(MIN_REFRESH_DELAY_MILLIS, REFRESH_DELAY_PER_QUERY_TIME * lastRefreshMillis);
            executor.schedule(() -> {
                refreshQueued.set(false);
                refresh();
            }, delayMillis, TimeUnit.MILLISECONDS);
        }
    }

    private void refresh() {
        long started = System.nanoTime();
        try {
            query();
        } finally {
            lastRefreshMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        }
    }

    private void query() {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement query = connection.prepareStatement("""
                     select kind, level, coalesce(exposure, ?), count(*), min(pending_since)
                     from notification where status = 'OPEN' group by 1, 2, 3""")) {
            query.setString(1, UNKNOWN);
            Map<String, Long> counts = new HashMap<>();
            Map<String, Instant> oldestByExposure = new HashMap<>();
            Instant oldest = null;
            long unverified = 0;
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    if (NotificationKind.UNVERIFIED.name().equals(rows.getString(1))) {
                        unverified += rows.getLong(4);
                        continue; // not a pending restart: neither counted nor aged with them
                    }
                    counts.put(key(rows.getString(1), rows.getString(2), rows.getString(3)), rows.getLong(4));
                    Timestamp since = rows.getTimestamp(5);
                    if (since != null && (oldest == null || since.toInstant().isBefore(oldest))) {
                        oldest = since.toInstant();
                    }
                    if (since != null) {
                        oldestByExposure.merge(rows.getString(3), since.toInstant(), (a, b) -> a.isBefore(b) ? a : b);
                    }
                }
            }
            snapshot = new Snapshot(Map.copyOf(counts), oldest, Map.copyOf(oldestByExposure), unverified);
        } catch (SQLException | RuntimeException e) {
            // Keep the last snapshot: a gauge that drops to zero while the database restarts would page someone.
            LOG.warnf("Could not refresh pending-restart metrics: %s", e.toString());
        }
    }

    private static String[] exposureTags() {
        String[] tags = new String[Exposure.values().length + 1];
        for (Exposure exposure : Exposure.values()) {
            tags[exposure.ordinal()] = exposure.name();
        }
        tags[tags.length - 1] = UNKNOWN;
        return tags;
    }

    private static String key(String kind, String level, String exposure) {
        return kind + "/" + level + "/" + exposure;
    }

    private record Snapshot(Map<String, Long> counts, Instant oldestPendingSince, Map<String, Instant> oldestByExposure,
                            long unverified) {
    }
}
