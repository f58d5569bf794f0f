package io.restartwatch.plan.persistence;

import jakarta.enterprise.context.ApplicationScoped;

import io.restartwatch.plan.domain.FleetLimits;
import io.restartwatch.plan.domain.RestartPolicy;

/** TEMPORARY stand-in until plan-api's lookups are merged (removed before pulling main). */
@ApplicationScoped
public class RestartPolicies {

    public RestartPolicy policyFor(String applicationId, String environment) {
        return RestartPolicy.defaults(applicationId);
    }

    public FleetLimits fleetLimits() {
        return FleetLimits.DEFAULTS;
    }
}
