package io.restartwatch.check.rest;

import java.time.Instant;
import java.util.List;
import java.util.Set;

import jakarta.annotation.security.PermitAll;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.Validator;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.restartwatch.check.domain.AgentReports;
import io.restartwatch.check.domain.Inventory;
import io.restartwatch.check.probe.ProbeReport;
import io.restartwatch.check.probe.ProbeResult;
import io.restartwatch.support.rest.ProblemException;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Reports pushed by the agent on a server ({@code agent/restartwatch-agent}), authenticated by the server's token. */
// No user role: it authenticates with the server's own agent token.
@PermitAll
@Path("/api/agent/reports")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "agent")
public class AgentReportResource {

    private static final String BEARER = "Bearer ";

    private final Inventory inventory;
    private final AgentReports reports;
    private final Validator validator;

    public AgentReportResource(Inventory inventory, AgentReports reports, Validator validator) {
        this.inventory = inventory;
        this.reports = reports;
        this.validator = validator;
    }

    /** The body is validated by hand after the credentials are looked at: a caller without a token learns nothing of the format. */
    @POST
    @Operation(summary = "Accept an agent's report of its server's restart-required state")
    public Response report(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, AgentReport report) throws InterruptedException {
        String token = agentToken(authorization);
        if (report == null) {
            throw ProblemException.badRequest("body", "must not be empty");
        }
        Set<ConstraintViolation<AgentReport>> violations = validator.validate(report);
        if (!violations.isEmpty()) {
            throw new ConstraintViolationException(violations);
        }
        var server = inventory.find(report.serverId())
                .filter(s -> inventory.agentTokenMatches(s, token))
                .orElseThrow(AgentReportResource::unauthorized);
        // After authentication, so the answer tells no stranger how a server is checked; before anything is recorded.
        AgentReports.requireAgentServer(server, report.serverId());
        ProbeResult result = ProbeReport.from(report.rebootRequired(), report.requiredSince(), report.packages(),
                report.bootId(), report.runningKernel(), report.installedKernels());
        var check = reports.record(server.id, result);
        return Response.accepted(new Accepted(check.id.toString(), check.outcome.name())).build();
    }

    /** The bearer token of the request; 401 when there is none. */
    static String agentToken(String authorization) {
        String token = authorization != null && authorization.startsWith(BEARER) ? authorization.substring(BEARER.length()).trim() : null;
        if (token == null || token.isEmpty()) {
            throw unauthorized();
        }
        return token;
    }

    static ProblemException unauthorized() {
        return new ProblemException(Response.Status.UNAUTHORIZED, "A valid agent token for this server is required (Authorization: Bearer <token>)");
    }

    /** What the agent sends. */
    public record AgentReport(
            @NotBlank @Pattern(regexp = ServerRequest.ID_PATTERN, message = "must match " + ServerRequest.ID_PATTERN) String serverId,
            boolean rebootRequired,
            Instant requiredSince,
            @Size(max = ProbeReport.MAX_PACKAGES) List<@NotNull @Size(max = 200) String> packages,
            @Size(max = 64) String bootId,
            @Size(max = 128) String runningKernel,
            @Size(max = 100) List<@NotNull @Size(max = 128) String> installedKernels,
            @Size(max = 64) String agentVersion) {
    }

    /** The check the report became. */
    public record Accepted(String checkId, String outcome) {
    }
}
