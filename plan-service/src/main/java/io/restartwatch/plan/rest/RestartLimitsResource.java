package io.restartwatch.plan.rest;

import java.time.Clock;
import java.time.Instant;
import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.transaction.Transactional;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import io.quarkus.security.identity.SecurityIdentity;
import io.restartwatch.plan.domain.FleetLimits;
import io.restartwatch.plan.persistence.FleetLimitsEntity;
import io.restartwatch.plan.persistence.PolicyDocument;
import io.restartwatch.support.security.Actors;
import io.restartwatch.support.security.Roles;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Fleet-wide: how many restarts may be in progress at once across every plan, and blackouts for everyone. */
@Path("/api/restart-limits")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "restart policies", description = "Per-application maintenance windows, blackouts and maxUnavailable")
public class RestartLimitsResource {

    private final SecurityIdentity identity;
    private final Clock clock;

    public RestartLimitsResource(SecurityIdentity identity, Clock clock) {
        this.identity = identity;
        this.clock = clock;
    }

    @GET
    @RolesAllowed(Roles.VIEWER)
    @Transactional
    @Operation(summary = "The fleet's limits (the defaults until an admin sets them: 10 at once, no blackouts)")
    public LimitsView getLimits() {
        FleetLimitsEntity row = FleetLimitsEntity.findById(FleetLimitsEntity.ONLY_ROW);
        if (row == null) {
            return new LimitsView(FleetLimits.DEFAULTS.maxConcurrent(), List.of(), true, null, null);
        }
        return LimitsView.of(row);
    }

    @PUT
    @RolesAllowed(Roles.ADMIN)
    @Consumes(MediaType.APPLICATION_JSON)
    @Transactional
    @Operation(summary = "Set the fleet's limits")
    public LimitsView putLimits(@NotNull @Valid LimitsRequest request) {
        FleetLimits limits = new FleetLimits(request.maxConcurrent(), PolicyDocument.blackouts("blackouts", request.blackouts()));
        FleetLimitsEntity row = FleetLimitsEntity.findById(FleetLimitsEntity.ONLY_ROW);
        boolean created = row == null;
        if (created) {
            row = new FleetLimitsEntity();
        }
        row.maxConcurrent = limits.maxConcurrent();
        row.blackouts = PolicyDocument.blackoutDocuments(limits.blackouts());
        row.updatedBy = Actors.of(identity);
        row.updatedAt = clock.instant();
        if (created) {
            row.persist();
        }
        return LimitsView.of(row);
    }

    /** Body of {@code PUT /api/restart-limits}. */
    public record LimitsRequest(@NotNull @Min(1) @Max(100000) Integer maxConcurrent,
                                @Size(max = 100) List<PolicyDocument.@Valid BlackoutDocument> blackouts) {
    }

    public record LimitsView(int maxConcurrent, List<PolicyDocument.BlackoutDocument> blackouts, boolean defaults,
                             String updatedBy, Instant updatedAt) {

        static LimitsView of(FleetLimitsEntity row) {
            return new LimitsView(row.maxConcurrent, row.blackouts == null ? List.of() : row.blackouts, false, row.updatedBy, row.updatedAt);
        }
    }
}
