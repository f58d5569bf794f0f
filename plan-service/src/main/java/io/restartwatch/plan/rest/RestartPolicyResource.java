package io.restartwatch.plan.rest;

import java.time.Clock;
import java.time.Instant;
import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.transaction.Transactional;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.quarkus.panache.common.Sort;
import io.quarkus.security.identity.SecurityIdentity;
import io.restartwatch.plan.domain.RestartPolicy;
import io.restartwatch.plan.persistence.PolicyDocument;
import io.restartwatch.plan.persistence.RestartPolicies;
import io.restartwatch.plan.persistence.RestartPolicyEntity;
import io.restartwatch.support.rest.ProblemException;
import io.restartwatch.support.security.Actors;
import io.restartwatch.support.security.Roles;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * When and how fast an application's servers may be restarted: weekly windows in a time zone, blackouts,
 * maxUnavailable, restart timeout, health URL and auto-plan, per environment ({@code *} for every environment).
 */
@Path("/api/restart-policies")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "restart policies", description = "Per-application maintenance windows, blackouts and maxUnavailable")
public class RestartPolicyResource {

    private final RestartPolicies policies;
    private final SecurityIdentity identity;
    private final Clock clock;

    public RestartPolicyResource(RestartPolicies policies, SecurityIdentity identity, Clock clock) {
        this.policies = policies;
        this.identity = identity;
        this.clock = clock;
    }

    @GET
    @RolesAllowed(Roles.VIEWER)
    @Transactional
    @Operation(summary = "Every stored restart policy, by application and environment")
    public List<PolicyView> listPolicies() {
        List<RestartPolicyEntity> rows = RestartPolicyEntity.listAll(Sort.by("applicationId").and("environment"));
        return rows.stream().map(PolicyView::of).toList();
    }

    @GET
    @Path("/{applicationId}")
    @RolesAllowed(Roles.VIEWER)
    @Transactional
    @Operation(summary = "The policy that applies to the application in the environment: its own row, else the application's '*' row, else the defaults")
    public PolicyView getPolicy(@PathParam("applicationId") @Pattern(regexp = Ids.ID_PATTERN) String applicationId,
                                @QueryParam("environment") @DefaultValue("*") @Pattern(regexp = Ids.ENVIRONMENT_PATTERN) String environment) {
        RestartPolicyEntity exact = RestartPolicyEntity.find(applicationId, environment);
        if (exact != null) {
            return PolicyView.of(exact);
        }
        RestartPolicyEntity any = RestartPolicyEntity.find(applicationId, RestartPolicy.ANY_ENVIRONMENT);
        if (any != null) {
            return PolicyView.of(any);
        }
        return PolicyView.defaults(policies.policyFor(applicationId, environment));
    }

    @PUT
    @Path("/{applicationId}")
    @RolesAllowed(Roles.ADMIN)
    @Consumes(MediaType.APPLICATION_JSON)
    @Transactional
    @Operation(summary = "Set the application's policy for the environment ('*' when none is given); plans released from now on follow it")
    public PolicyView putPolicy(@PathParam("applicationId") @Pattern(regexp = Ids.ID_PATTERN) String applicationId,
                                @QueryParam("environment") @DefaultValue("*") @Pattern(regexp = Ids.ENVIRONMENT_PATTERN) String environment,
                                @NotNull @Valid PolicyDocument request) {
        // The domain checks every rule; the stored form is its canonical document (days sorted, P3D not PT72H).
        PolicyDocument canonical = PolicyDocument.of(request.toPolicy(applicationId, environment));
        RestartPolicyEntity entity = RestartPolicyEntity.find(applicationId, environment);
        boolean created = entity == null;
        if (created) {
            entity = new RestartPolicyEntity();
            entity.applicationId = applicationId;
            entity.environment = environment;
        }
        entity.set(canonical);
        entity.updatedBy = Actors.of(identity);
        entity.updatedAt = clock.instant();
        if (created) {
            entity.persist();
        }
        return PolicyView.of(entity);
    }

    @DELETE
    @Path("/{applicationId}")
    @RolesAllowed(Roles.ADMIN)
    @Transactional
    @Operation(summary = "Delete the application's policy for the environment: the '*' row or the defaults apply again")
    public Response deletePolicy(@PathParam("applicationId") @Pattern(regexp = Ids.ID_PATTERN) String applicationId,
                                 @QueryParam("environment") @DefaultValue("*") @Pattern(regexp = Ids.ENVIRONMENT_PATTERN) String environment) {
        RestartPolicyEntity entity = RestartPolicyEntity.find(applicationId, environment);
        if (entity == null) {
            throw ProblemException.notFound("Application '" + applicationId + "' has no policy for environment '" + environment + "'");
        }
        entity.delete();
        return Response.noContent().build();
    }

    /**
     * A policy as the API shows it.
     *
     * @param environment the row's environment ({@code *} for the application's default row)
     * @param defaults    true when no row exists and the built-in defaults apply
     */
    public record PolicyView(String applicationId, String environment, boolean defaults, String timeZone,
                             List<PolicyDocument.WindowDocument> windows, List<PolicyDocument.BlackoutDocument> blackouts,
                             String maxUnavailable, String restartTimeout, String healthUrl,
                             PolicyDocument.AutoPlanDocument autoPlan, String updatedBy, Instant updatedAt) {

        static PolicyView of(RestartPolicyEntity entity) {
            return of(entity.applicationId, entity.environment, false, entity.document(), entity.updatedBy, entity.updatedAt);
        }

        static PolicyView defaults(RestartPolicy policy) {
            return of(policy.applicationId(), policy.environment(), true, PolicyDocument.of(policy), null, null);
        }

        private static PolicyView of(String applicationId, String environment, boolean defaults, PolicyDocument document,
                                     String updatedBy, Instant updatedAt) {
            return new PolicyView(applicationId, environment, defaults, document.timeZone(),
                    document.windows() == null ? List.of() : document.windows(),
                    document.blackouts() == null ? List.of() : document.blackouts(),
                    document.maxUnavailable(), document.restartTimeout(), document.healthUrl(), document.autoPlan(),
                    updatedBy, updatedAt);
        }
    }
}
