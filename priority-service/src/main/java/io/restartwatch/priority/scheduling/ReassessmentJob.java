package io.restartwatch.priority.scheduling;

import java.time.Clock;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;

import io.quarkus.scheduler.Scheduled;
import io.restartwatch.priority.domain.Assessor;
import io.restartwatch.support.messaging.RetryingProcessor;

/**
 * Re-assesses pending restarts whose age crossed a threshold (a day, staleAfter, criticalAfter) with no
 * new check: reads only the due head of the {@code next_reassess_at} index, never the whole table.
 */
@ApplicationScoped
public class ReassessmentJob {

    private static final int BATCH = 500;

    private final EntityManager entityManager;
    private final Assessor assessor;
    private final RetryingProcessor processor;
    private final Clock clock;

    public ReassessmentJob(EntityManager entityManager, Assessor assessor, RetryingProcessor processor, Clock clock) {
        this.entityManager = entityManager;
        this.assessor = assessor;
        this.processor = processor;
        this.clock = clock;
    }

    @Scheduled(every = "${restartwatch.priority.reassess-every:30s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void reassessDue() {
        List<String> due;
        do {
            due = dueServers();
            for (String serverId : due) {
                processor.run("reassessment of " + serverId, () -> assessor.reassess(serverId));
            }
        } while (due.size() == BATCH);
    }

    /** @return how many servers were due (for tests that drive the job directly) */
    public int runOnce() {
        List<String> due = dueServers();
        due.forEach(assessor::reassess);
        return due.size();
    }

    @SuppressWarnings("unchecked")
    private List<String> dueServers() {
        return entityManager.createNativeQuery(
                        "select server_id from restart_state where pending and next_reassess_at <= :now order by next_reassess_at limit :limit")
                .setParameter("now", clock.instant())
                .setParameter("limit", BATCH)
                .getResultList();
    }
}
