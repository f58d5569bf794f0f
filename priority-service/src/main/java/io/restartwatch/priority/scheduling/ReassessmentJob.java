package io.restartwatch.priority.scheduling;

import java.time.Clock;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.control.ActivateRequestContext;
import jakarta.enterprise.event.Observes;
import jakarta.persistence.EntityManager;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import io.restartwatch.priority.domain.Assessor;
import io.restartwatch.support.messaging.RetryingProcessor;
import org.jboss.logging.Logger;

/**
 * Re-assesses pending restarts whose age crossed a threshold (a day, staleAfter, criticalAfter) with no
 * new check: reads only the due head of the {@code next_reassess_at} index, never the whole table.
 */
@ApplicationScoped
public class ReassessmentJob {

    private static final Logger LOG = Logger.getLogger(ReassessmentJob.class);
    private static final int BATCH = 500;

    private final EntityManager entityManager;
    private final Assessor assessor;
    private final RetryingProcessor processor;
    private final Clock clock;
    private volatile boolean stopping;

    public ReassessmentJob(EntityManager entityManager, Assessor assessor, RetryingProcessor processor, Clock clock) {
        this.entityManager = entityManager;
        this.assessor = assessor;
        this.processor = processor;
        this.clock = clock;
    }

    @Scheduled(every = "${restartwatch.priority.reassess-every:30s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void reassessDue() {
        if (!stopping) {
            runOnce();
        }
    }

    /** A run that starts while the application stops would only fail on a closed database. */
    void onStop(@Observes ShutdownEvent event) {
        stopping = true;
    }

    /**
     * Re-assesses every server whose next threshold has passed, a batch at a time. A server that fails is
     * logged and skipped (it stays due and is retried next run), so it never holds up the others.
     *
     * @return how many servers were re-assessed
     */
    @ActivateRequestContext
    public int runOnce() {
        int done = 0;
        boolean failures = false;
        List<String> due;
        do {
            due = dueServers();
            for (String serverId : due) {
                try {
                    processor.run("reassessment of " + serverId, () -> assessor.reassess(serverId));
                    done++;
                } catch (RuntimeException e) {
                    LOG.errorf(e, "Could not re-assess %s; it stays due until the next run", serverId);
                    failures = true;
                }
            }
        } while (due.size() == BATCH && !failures); // a failed server would come back at the head of the next batch
        return done;
    }

    @SuppressWarnings("unchecked")
    private List<String> dueServers() {
        // Served by the partial index restart_state_reassess (next_reassess_at) where pending.
        return entityManager.createNativeQuery("""
                        select server_id from restart_state
                        where pending and next_reassess_at <= :now
                        order by next_reassess_at limit :limit""")
                .setParameter("now", clock.instant())
                .setParameter("limit", BATCH)
                .getResultList();
    }
}
