package io.restartwatch.check.rest;

import java.time.Instant;
import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import io.restartwatch.check.domain.DeployRechecks;
import io.restartwatch.check.domain.DeployRechecks.DeployRecheck;
import io.restartwatch.check.domain.DeployRechecks.ServerRecheck;
import io.restartwatch.support.rest.ProblemException;
import io.restartwatch.support.security.Roles;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Which servers a deploy rechecked and with what outcome, for the pipeline that deployed. */
@Path("/api/deploys/{applicationId}/{deployId}/rechecks")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "checks", description = "Checks of a server and the rechecks a deploy triggered")
public class DeployRecheckResource {

    private final DeployRechecks rechecks;

    public DeployRecheckResource(DeployRechecks rechecks) {
        this.rechecks = rechecks;
    }

    @GET
    @RolesAllowed(Roles.VIEWER)
    @Operation(operationId = "getDeployRechecks", summary = "Every server the deploy rechecks: RECHECKED (outcome), PENDING, or NOT_RECHECKED (why)")
    public DeployRecheckView get(@PathParam("applicationId") @Pattern(regexp = ServerRequest.ID_PATTERN) String applicationId,
                                 @PathParam("deployId") @Size(max = 200) String deployId) {
        return rechecks.find(applicationId, deployId).map(DeployRecheckView::of)
                .orElseThrow(() -> ProblemException.notFound("No deploy '" + deployId + "' of '" + applicationId
                        + "' has reached check-service (yet)"));
    }

    /** The deploy's recheck as the API shows it. */
    public record DeployRecheckView(String applicationId, String deployId, Instant receivedAt,
                                    Instant deadline, boolean complete, List<ServerRecheck> servers) {

        static DeployRecheckView of(DeployRecheck recheck) {
            return new DeployRecheckView(recheck.applicationId(), recheck.deployId(), recheck.receivedAt(), recheck.deadline(),
                    recheck.complete(), recheck.servers());
        }
    }
}
