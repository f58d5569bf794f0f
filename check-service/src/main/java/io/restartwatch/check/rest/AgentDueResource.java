package io.restartwatch.check.rest;

import java.time.Clock;
import java.time.Instant;

import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.restartwatch.check.domain.Inventory;
import io.restartwatch.check.domain.ProbeKind;
import io.restartwatch.check.persistence.AgentReads;
import io.restartwatch.support.rest.ProblemException;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The agent's every-minute question "is anything due?": 204 when nothing is; 200 when a deploy asked for a report
 * ({@code reportDue}, {@code deployId}) and/or a planned restart is scheduled for the agent to execute
 * ({@code restart}: the earliest one not yet started, failed or cancelled whose window has not closed).
 * Authenticated by the server's agent token, like its reports; one read (the server's row by primary key, its
 * scheduled restarts by index), no write. Always the compact JSON the agent script reads with sed: every field
 * present, {@code restart} last.
 */
// No user role: it authenticates with the server's own agent token.
@PermitAll
@Path("/api/agent/due")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "agent", description = "What the push agent on a server calls, with that server's agent token")
public class AgentDueResource {

    private final AgentReads reads;

    private final Clock clock;

    public AgentDueResource(AgentReads reads, Clock clock) {
        this.reads = reads;
        this.clock = clock;
    }

    @GET
    @Operation(summary = "Whether this agent's server should report now (204: not due)")
    @SecurityRequirement(name = AgentReportResource.AGENT_TOKEN)
    public Response due(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, @QueryParam("serverId") String serverId) {
        String token = AgentReportResource.agentToken(authorization);
        if (serverId == null || !serverId.matches(ServerRequest.ID_PATTERN)) {
            throw ProblemException.badRequest("serverId", "must match " + ServerRequest.ID_PATTERN);
        }
        var row = reads.find(serverId, clock.instant())
                .filter(r -> Inventory.agentTokenMatches(r.agentTokenHash(), token))
                .orElseThrow(AgentReportResource::unauthorized);
        if (row.probeKind() != ProbeKind.AGENT) {
            throw ProblemException.conflict("Server '" + serverId + "' is checked by its " + row.probeKind().json()
                    + " probe, not by an agent: no report is due from one");
        }
        if (row.deployId() == null && row.restart() == null) {
            return Response.noContent().build();
        }
        boolean reportDue = row.deployId() != null;
        DueRestart restart = row.restart() == null ? null
                : new DueRestart(row.restart().restartId(), row.restart().notBefore(), row.restart().notAfter());
        return Response.ok(new Due(reportDue, reportDue ? "deploy" : "restart", row.deployId(), restart)).build();
    }

    /**
     * What is due, and why.
     *
     * @param reportDue whether a report is due now (a deploy asked for one)
     * @param reason    {@code deploy} when a report is due, else {@code restart}
     * @param restart   the planned restart to execute, or null
     */
    @JsonPropertyOrder({"reportDue", "reason", "deployId", "restart"})
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Due(boolean reportDue, String reason, String deployId, DueRestart restart) {
    }

    /** A planned restart: execute it between notBefore and notAfter (ISO-8601 instants, UTC), at most once. */
    @JsonPropertyOrder({"restartId", "notBefore", "notAfter"})
    public record DueRestart(String restartId, Instant notBefore, Instant notAfter) {
    }
}
