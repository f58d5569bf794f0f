package io.restartwatch.support.retention;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;

import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import org.jboss.logging.Logger;

/**
 * Keeps history tables bounded: once per {@code restartwatch.retention.interval} it runs the platform's own rule (the
 * idempotent-consumer log, {@code processed_event}, which every service's database has) and every rule the service
 * contributes for its tables ({@link RetentionRules}), batch by batch, each batch in its own short transaction. The
 * platform rule lives here, not in each service, so a service that consumes events cannot forget it. One instance per
 * database at a time: the pass holds a PostgreSQL advisory lock (session level, on the connection it deletes with), and
 * another instance that finds it taken skips its pass.
 */
@ApplicationScoped
public class RetentionJob {

    private static final Logger LOG = Logger.getLogger(RetentionJob.class);
    /** Advisory lock id: any constant other than the outbox relay's; each service has its own database. */
    private static final long RETENTION_LOCK = 0x5245_5445_4E54L;

    private final AgroalDataSource dataSource;
    private final MeterRegistry metrics;
    private final Clock clock;
    private final RetentionSettings settings;
    private final List<RetentionRule> rules;
    private ScheduledExecutorService scheduler;

    public RetentionJob(AgroalDataSource dataSource, MeterRegistry metrics, Clock clock, RetentionSettings settings,
                        Instance<RetentionRules> contributed) {
        this.dataSource = dataSource;
        this.metrics = metrics;
        this.clock = clock;
        this.settings = settings;
        this.rules = Stream.concat(Stream.of(RetentionRule.processedEvents(settings)),
                contributed.stream().flatMap(r -> r.rules().stream())).toList();
    }

    void start(@Observes StartupEvent event) {
        if (!settings.enabled()) {
            return;
        }
        scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "retention");
            thread.setDaemon(true);
            return thread;
        });
        long interval = settings.interval().toMillis();
        // A random first pass: instances started together do not contend, and frequent restarts still run it.
        scheduler.scheduleWithFixedDelay(this::runQuietly, ThreadLocalRandom.current().nextLong(interval), interval,
                TimeUnit.MILLISECONDS);
    }

    void stop(@Observes ShutdownEvent event) {
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
    }

    /**
     * Runs one pass of every rule now.
     *
     * @return rows deleted per table, or an empty map when another instance holds the lock
     */
    public Map<String, Integer> runOnce() throws SQLException {
        Map<String, Integer> deleted = new LinkedHashMap<>();
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(true);
            if (!lock(connection, "select pg_try_advisory_lock(?)")) {
                LOG.debug("Retention: another instance is running a pass; skipping this one");
                return deleted;
            }
            try {
                connection.setAutoCommit(false);
                Instant now = clock.instant();
                for (RetentionRule rule : rules) {
                    RetentionRule.Pass pass = rule.start(now, settings.batchSize());
                    boolean more;
                    do {
                        Map<String, Integer> batch = new LinkedHashMap<>();
                        try {
                            more = pass.deleteBatch(connection, (table, rows) -> batch.merge(table, rows, Integer::sum));
                            connection.commit();
                        } catch (SQLException | RuntimeException e) {
                            connection.rollback();
                            throw e;
                        }
                        batch.forEach((table, rows) -> {
                            deleted.merge(table, rows, Integer::sum);
                            metrics.counter("restartwatch.retention.deleted", "table", table).increment(rows);
                        });
                    } while (more);
                }
            } finally {
                connection.setAutoCommit(true);
                lock(connection, "select pg_advisory_unlock(?)");
            }
        }
        LOG.infof("Retention pass deleted %s", deleted);
        return deleted;
    }

    private void runQuietly() {
        try {
            runOnce();
        } catch (Exception e) {
            LOG.warnf("Retention pass failed, the next one retries: %s", e.toString());
        }
    }

    private static boolean lock(Connection connection, String sql) throws SQLException {
        try (PreparedStatement lock = connection.prepareStatement(sql)) {
            lock.setLong(1, RETENTION_LOCK);
            try (ResultSet result = lock.executeQuery()) {
                return result.next() && result.getBoolean(1);
            }
        }
    }
}
