package io.restartwatch.check.rest;

import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;

import io.restartwatch.check.domain.AgentRestarts;
import io.restartwatch.check.domain.Inventory;
import io.restartwatch.contracts.RestartStatus;
import io.restartwatch.support.rest.ProblemException;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The agent's reports on a planned restart it executes (see {@link AgentDueResource}): started before its pre-hook
 * and reboot command, failed when one of them failed. Authenticated by the agent token of the restart's server;
 * published as {@code restart.started} / {@code restart.failed} on restartwatch.restarts. Repeating a report is
 * harmless: the answer is the same, no second event.
 */
// No user role: it authenticates with the server's own agent token.
@PermitAll
@Path("/api/agent/restarts/{restartId}")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "agent", description = "What the push agent on a server calls, with that server's agent token")
public class AgentRestartResource {

    private static final int MAX_DETAIL = 1000;

    private final AgentRestarts restarts;

    public AgentRestartResource(AgentRestarts restarts) {
        this.restarts = restarts;
    }

    @POST
    @Path("/started")
    @Operation(summary = "The agent began a planned restart (its pre-hook, then the reboot command)")
    @SecurityRequirement(name = AgentReportResource.AGENT_TOKEN)
    public Reported started(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, @PathParam("restartId") String restartId) {
        authenticate(authorization, restartId);
        return new Reported(restartId, restarts.started(restartId));
    }

    @POST
    @Path("/failed")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "The agent could not carry out a planned restart (reason PRE_HOOK_FAILED or EXECUTOR_FAILED)")
    @SecurityRequirement(name = AgentReportResource.AGENT_TOKEN)
    public Reported failed(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, @PathParam("restartId") String restartId,
                           Failure failure) {
        authenticate(authorization, restartId);
        if (failure == null || failure.reason() == null || !AgentRestarts.FAILURE_REASONS.contains(failure.reason())) {
            throw ProblemException.badRequest("reason", "must be one of " + String.join(", ", AgentRestarts.FAILURE_REASONS));
        }
        if (failure.detail() != null && failure.detail().length() > MAX_DETAIL) {
            throw ProblemException.badRequest("detail", "must be at most " + MAX_DETAIL + " characters");
        }
        return new Reported(restartId, restarts.failed(restartId, failure.reason(), failure.detail()));
    }

    /** 401 without a token, 404 for a restart no agent was given, 401 when the token is not its server's. */
    private void authenticate(String authorization, String restartId) {
        String token = AgentReportResource.agentToken(authorization);
        var owner = restarts.owner(restartId)
                .orElseThrow(() -> ProblemException.notFound("No restart " + restartId + " is scheduled for an agent"));
        if (!Inventory.agentTokenMatches(owner.agentTokenHash(), token)) {
            throw AgentReportResource.unauthorized();
        }
    }

    /** Why the restart could not be carried out. */
    public record Failure(String reason, String detail) {
    }

    /** Where the restart stands now. */
    public record Reported(String restartId, RestartStatus status) {
    }
}
