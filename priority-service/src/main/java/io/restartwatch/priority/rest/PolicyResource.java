package io.restartwatch.priority.rest;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.annotation.security.RolesAllowed;
import jakarta.transaction.Transactional;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.restartwatch.priority.domain.Assessor;
import io.restartwatch.priority.domain.Policy;
import io.restartwatch.priority.messaging.PolicyPublisher;
import io.restartwatch.priority.persistence.ApplicationPolicyEntity;
import io.restartwatch.priority.persistence.RestartStateEntity;
import io.restartwatch.support.rest.ProblemException;
import io.restartwatch.support.security.Roles;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Per-application policy: when a pending restart becomes stale or critical, and how packages weigh. Every change
 * is published on {@code restartwatch.policies}.
 */
@Path("/api/policies/{applicationId}")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "policies", description = "Per-application scoring policies (stale and critical ages)")
public class PolicyResource {

    private static final Duration MAX_DURATION = Duration.ofDays(3650);

    private final Assessor assessor;
    private final PolicyPublisher policies;
    private final Clock clock;

    public PolicyResource(Assessor assessor, PolicyPublisher policies, Clock clock) {
        this.assessor = assessor;
        this.policies = policies;
        this.clock = clock;
    }

    @GET
    @RolesAllowed(Roles.VIEWER)
    @Operation(operationId = "getPolicy", summary = "The application's policy (the defaults when it has none)")
    public PolicyView get(@PathParam("applicationId") @Pattern(regexp = PriorityResource.ID_PATTERN) String applicationId) {
        return PolicyView.of(applicationId, ApplicationPolicyEntity.policyFor(applicationId));
    }

    @PUT
    @RolesAllowed(Roles.ADMIN)
    @Consumes(MediaType.APPLICATION_JSON)
    @Transactional
    @Operation(operationId = "putPolicy", summary = "Set the application's policy; its pending restarts are re-assessed at once")
    public PolicyView put(@PathParam("applicationId") @Pattern(regexp = PriorityResource.ID_PATTERN) String applicationId,
                          @NotNull @Valid PolicyRequest request) {
        Duration staleAfter = duration("staleAfter", request.staleAfter());
        Duration criticalAfter = duration("criticalAfter", request.criticalAfter());
        if (criticalAfter.compareTo(staleAfter) < 0) {
            throw ProblemException.badRequest("criticalAfter", "must not be shorter than staleAfter");
        }
        ApplicationPolicyEntity entity = ApplicationPolicyEntity.findById(applicationId);
        boolean created = entity == null;
        Policy before = created ? null : entity.toPolicy();
        if (created) {
            entity = new ApplicationPolicyEntity();
            entity.applicationId = applicationId;
        }
        entity.staleAfter = staleAfter.toString();
        entity.criticalAfter = criticalAfter.toString();
        entity.multiplier = request.multiplier() == null ? BigDecimal.ONE : request.multiplier();
        entity.packageWeights = request.packageWeights() == null ? new HashMap<>() : new HashMap<>(request.packageWeights());
        entity.updatedAt = clock.instant();
        Policy after = entity.toPolicy();
        if (created || !after.equals(before) || !entity.published) {
            policies.publish(applicationId, after, false);
            entity.published = true;
        }
        if (created) {
            entity.persist(); // only once complete: the re-assessment below flushes it
        }
        reassessPending(applicationId);
        return PolicyView.of(applicationId, after);
    }

    @DELETE
    @RolesAllowed(Roles.ADMIN)
    @Transactional
    @Operation(operationId = "deletePolicy", summary = "Delete the application's own policy: the defaults apply again, its pending restarts are re-assessed at once")
    public Response delete(@PathParam("applicationId") @Pattern(regexp = PriorityResource.ID_PATTERN) String applicationId) {
        ApplicationPolicyEntity entity = ApplicationPolicyEntity.findById(applicationId);
        if (entity == null) {
            throw ProblemException.notFound("Application '" + applicationId + "' has no policy of its own");
        }
        entity.delete();
        policies.publish(applicationId, Policy.defaults(), true);
        reassessPending(applicationId);
        return Response.noContent().build();
    }

    private void reassessPending(String applicationId) {
        List<String> pending = RestartStateEntity.<RestartStateEntity>list("applicationId = ?1 and pending = true", applicationId)
                .stream().map(s -> s.serverId).toList();
        pending.forEach(assessor::reassess);
    }

    /** ISO-8601, positive, at most ten years (so "requiredSince + staleAfter" is always a valid instant). */
    private static Duration duration(String field, String value) {
        Duration duration;
        try {
            duration = Duration.parse(value.trim());
        } catch (DateTimeParseException | ArithmeticException e) {
            throw ProblemException.badRequest(field, "must be an ISO-8601 duration such as P7D or PT36H");
        }
        if (duration.isNegative() || duration.isZero()) {
            throw ProblemException.badRequest(field, "must be a positive duration");
        }
        if (duration.compareTo(MAX_DURATION) > 0) {
            throw ProblemException.badRequest(field, "must be at most " + MAX_DURATION.toDays() + " days");
        }
        return duration;
    }

    /**
     * Body of {@code PUT /api/policies/{applicationId}}.
     *
     * @param multiplier     the application's criticality (default 1.0)
     * @param packageWeights weights laid over the defaults: name or prefix ending in {@code *} to points (0 ignores a package)
     */
    public record PolicyRequest(
            @NotBlank String staleAfter,
            @NotBlank String criticalAfter,
            @DecimalMin("0.1") @DecimalMax("5.0") BigDecimal multiplier,
            @Size(max = 100) Map<@NotBlank @Size(max = 100) @Pattern(regexp = "[a-z0-9][a-z0-9.+-]*\\*?", message = "must be a package name, optionally ending in *") String,
                    @NotNull @Min(0) @Max(30) Integer> packageWeights) {
    }

    /** A policy as the API shows it: {@code packageWeights} are the effective weights, defaults included. */
    public record PolicyView(String applicationId, String staleAfter, String criticalAfter, double multiplier,
                             Map<String, Integer> packageWeights) {

        static PolicyView of(String applicationId, Policy policy) {
            return new PolicyView(applicationId, iso(policy.staleAfter()), iso(policy.criticalAfter()),
                    policy.multiplier(), policy.packageWeights());
        }

        /** "P7D" rather than Duration's "PT168H" when the duration is whole days. */
        static String iso(Duration duration) {
            return duration.toSeconds() % Duration.ofDays(1).toSeconds() == 0 && duration.getNano() == 0
                    ? "P" + duration.toDays() + "D" : duration.toString();
        }
    }
}
