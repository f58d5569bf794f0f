package io.restartwatch.plan.persistence;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import io.restartwatch.plan.domain.FleetLimits;
import io.restartwatch.plan.domain.RestartPolicy;

/**
 * Which policy applies to a server, and the fleet's limits: the lookups the planner and the runner share.
 * A server's policy is its application's row for its environment, else the application's {@code *} row, else
 * {@link RestartPolicy#defaults}.
 */
@ApplicationScoped
public class RestartPolicies {

    @Transactional
    public RestartPolicy policyFor(String applicationId, String environment) {
        if (applicationId == null) {
            return RestartPolicy.defaults(null);
        }
        if (environment != null && !environment.equals(RestartPolicy.ANY_ENVIRONMENT)) {
            RestartPolicyEntity exact = RestartPolicyEntity.find(applicationId, environment);
            if (exact != null) {
                return exact.toPolicy();
            }
        }
        RestartPolicyEntity any = RestartPolicyEntity.find(applicationId, RestartPolicy.ANY_ENVIRONMENT);
        return any != null ? any.toPolicy() : RestartPolicy.defaults(applicationId);
    }

    @Transactional
    public FleetLimits fleetLimits() {
        FleetLimitsEntity row = FleetLimitsEntity.findById(FleetLimitsEntity.ONLY_ROW);
        return row == null ? FleetLimits.DEFAULTS : row.toLimits();
    }

    /** Every stored policy at once, resolved in memory: for planning many applications in one pass. */
    @Transactional
    public Snapshot snapshot() {
        Map<String, Map<String, RestartPolicy>> byApplication = new HashMap<>();
        List<RestartPolicyEntity> rows = RestartPolicyEntity.listAll();
        for (RestartPolicyEntity row : rows) {
            byApplication.computeIfAbsent(row.applicationId, a -> new HashMap<>()).put(row.environment, row.toPolicy());
        }
        return new Snapshot(byApplication, fleetLimits());
    }

    /** The stored policies and limits as of one read, answering {@link #policyFor} the same way. */
    public record Snapshot(Map<String, Map<String, RestartPolicy>> byApplication, FleetLimits fleetLimits) {

        public RestartPolicy policyFor(String applicationId, String environment) {
            Map<String, RestartPolicy> rows = applicationId == null ? null : byApplication.get(applicationId);
            if (rows == null) {
                return RestartPolicy.defaults(applicationId);
            }
            RestartPolicy exact = environment == null ? null : rows.get(environment);
            if (exact != null) {
                return exact;
            }
            RestartPolicy any = rows.get(RestartPolicy.ANY_ENVIRONMENT);
            return any != null ? any : RestartPolicy.defaults(applicationId);
        }
    }
}
