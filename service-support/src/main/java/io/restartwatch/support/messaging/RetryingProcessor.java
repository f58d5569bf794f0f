package io.restartwatch.support.messaging;

import java.time.Duration;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;

import io.restartwatch.support.sql.DatabaseFailures;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Runs an event's (transactional) processing, retrying what may pass: a database that is restarting, a lost
 * connection, a serialisation conflict. Those are retried with backoff for as long as it takes, because
 * dead-lettering them would lose the event. Anything else is retried a few times and then rethrown, for the
 * channel's dead-letter strategy.
 */
@ApplicationScoped
public class RetryingProcessor {

    private static final Logger LOG = Logger.getLogger(RetryingProcessor.class);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

    private final int attemptsForOtherErrors;

    public RetryingProcessor(@ConfigProperty(name = "restartwatch.consumer.attempts", defaultValue = "3") int attemptsForOtherErrors) {
        this.attemptsForOtherErrors = attemptsForOtherErrors;
    }

    public <T> T process(String what, Supplier<T> work) {
        return process(what, work, attemptsForOtherErrors);
    }

    /** Retries only transient failures (the database away); any other failure is rethrown at once. */
    public void runRetryingTransientOnly(String what, Runnable work) {
        process(what, () -> {
            work.run();
            return null;
        }, 1);
    }

    private <T> T process(String what, Supplier<T> work, int attemptsForOtherErrors) {
        Duration backoff = Duration.ofMillis(100);
        int otherFailures = 0;
        while (true) {
            try {
                return work.get();
            } catch (PoisonEventException e) {
                throw e;
            } catch (RuntimeException e) {
                if (!DatabaseFailures.transientFailure(e) && ++otherFailures >= attemptsForOtherErrors) {
                    throw e;
                }
                LOG.warnf("Processing %s failed (%s), retrying in %d ms", what, rootMessage(e), backoff.toMillis());
                sleep(backoff);
                backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
            }
        }
    }

    public void run(String what, Runnable work) {
        process(what, () -> {
            work.run();
            return null;
        });
    }

    private static String rootMessage(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while retrying", e);
        }
    }
}
