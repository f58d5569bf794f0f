package io.restartwatch.check.rest;

import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.restartwatch.check.domain.Inventory;
import io.restartwatch.check.domain.ProbeKind;
import io.restartwatch.check.persistence.ReportDueReads;
import io.restartwatch.support.rest.ProblemException;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The agent's every-minute question "is a report due?": 204 when not, 200 with the reason when a deploy asked
 * for one. Authenticated by the server's agent token, like its reports; one primary-key read, no write.
 */
// No user role: it authenticates with the server's own agent token.
@PermitAll
@Path("/api/agent/due")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "agent")
public class AgentDueResource {

    private final ReportDueReads reads;

    public AgentDueResource(ReportDueReads reads) {
        this.reads = reads;
    }

    @GET
    @Operation(summary = "Whether this agent's server should report now (204: not due)")
    public Response due(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, @QueryParam("serverId") String serverId) {
        String token = AgentReportResource.agentToken(authorization);
        if (serverId == null || !serverId.matches(ServerRequest.ID_PATTERN)) {
            throw ProblemException.badRequest("serverId", "must match " + ServerRequest.ID_PATTERN);
        }
        var row = reads.find(serverId)
                .filter(r -> Inventory.agentTokenMatches(r.agentTokenHash(), token))
                .orElseThrow(AgentReportResource::unauthorized);
        if (row.probeKind() != ProbeKind.AGENT) {
            throw ProblemException.conflict("Server '" + serverId + "' is checked by its " + row.probeKind().json()
                    + " probe, not by an agent: no report is due from one");
        }
        if (row.deployId() == null) {
            return Response.noContent().build();
        }
        return Response.ok(new Due(true, "deploy", row.deployId())).build();
    }

    /** A report is due, and why. */
    public record Due(boolean reportDue, String reason, String deployId) {
    }
}
