package io.restartwatch.plan.scheduling;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import io.restartwatch.plan.domain.FleetServer;
import io.restartwatch.plan.domain.PlanLifecycle;
import io.restartwatch.plan.domain.RestartPolicy;
import io.restartwatch.plan.domain.Selection;
import io.restartwatch.plan.persistence.FleetReadModel;
import io.restartwatch.plan.persistence.RestartPlanEntity;
import io.restartwatch.plan.persistence.RestartPolicies;
import io.restartwatch.plan.persistence.RestartPolicyEntity;
import io.restartwatch.support.rest.ProblemException;
import org.jboss.logging.Logger;

/**
 * Auto-plans: for each application whose policy has an {@code autoPlan}, every tick plans (and approves, as
 * {@code auto-plan}) the pending reboots at {@code minLevel} or above pending for at least {@code pendingFor} that
 * are in no active plan. Creation and approval share one transaction, so a crash never leaves an auto-plan DRAFT
 * holding its servers; plan creation is serialised (see {@link PlanLifecycle#create}), so several instances never
 * plan a server twice.
 */
@ApplicationScoped
public class AutoPlanJob {

    private static final Logger LOG = Logger.getLogger(AutoPlanJob.class);

    private final RestartPolicies policies;
    private final FleetReadModel fleet;
    private final PlanLifecycle lifecycle;
    private final java.time.Clock clock;

    public AutoPlanJob(RestartPolicies policies, FleetReadModel fleet, PlanLifecycle lifecycle, java.time.Clock clock) {
        this.policies = policies;
        this.fleet = fleet;
        this.lifecycle = lifecycle;
        this.clock = clock;
    }

    @Scheduled(every = "${restartwatch.plan.tick}", delayed = "${restartwatch.plan.tick}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void tick() {
        runOnce();
    }

    /** One pass; returns the ids of the plans it created and approved. */
    public List<String> runOnce() {
        Instant now = clock.instant();
        Map<String, Set<String>> due = QuarkusTransaction.requiringNew().call(() -> due(now));
        List<String> created = new ArrayList<>();
        due.forEach((application, serverIds) -> {
            try {
                String planId = QuarkusTransaction.requiringNew().call(() -> {
                    Selection selection = new Selection(application, null, null, null, null, null, serverIds);
                    RestartPlanEntity.SelectionDocument document = new RestartPlanEntity.SelectionDocument(application, null,
                            null, null, null, null, serverIds.stream().sorted().toList());
                    String id = lifecycle.create(selection, document, PlanLifecycle.AUTO_PLAN, true).planId();
                    lifecycle.approve(id, PlanLifecycle.AUTO_PLAN, "auto-plan of " + application + "'s restart policy");
                    return id;
                });
                LOG.infof("Auto-plan: plan %s for %s (%d pending restarts due)", planId, application, serverIds.size());
                created.add(planId);
            } catch (ProblemException e) {
                // Nothing plannable now (no window before the horizon, or taken by another plan meanwhile): next tick.
                LOG.debugf("Auto-plan for %s: %s", application, e.getMessage());
            }
        });
        return created;
    }

    /** Per application, the servers an auto-plan should take now. */
    private Map<String, Set<String>> due(Instant now) {
        Map<String, Set<String>> due = new TreeMap<>();
        List<String> applications = RestartPolicyEntity.<RestartPolicyEntity>list("autoPlan is not null").stream()
                .map(row -> row.applicationId).distinct().toList();
        if (applications.isEmpty()) {
            return due;
        }
        RestartPolicies.Snapshot snapshot = policies.snapshot();
        for (String application : applications) {
            for (FleetServer server : fleet.servers(application, false)) {
                if (!server.pending() || server.activePlanId() != null || server.level() == null || server.requiredSince() == null) {
                    continue;
                }
                RestartPolicy policy = snapshot.policyFor(application, server.environment());
                if (policy.autoPlan() != null && server.level().compareTo(policy.autoPlan().minLevel()) >= 0
                        && !server.requiredSince().plus(policy.autoPlan().pendingFor()).isAfter(now)) {
                    due.computeIfAbsent(application, a -> new HashSet<>()).add(server.serverId());
                }
            }
        }
        return due;
    }
}
