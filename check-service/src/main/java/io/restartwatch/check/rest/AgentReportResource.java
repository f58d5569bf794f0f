package io.restartwatch.check.rest;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import jakarta.annotation.security.PermitAll;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.Valid;
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
import io.restartwatch.check.persistence.AgentReads;
import io.restartwatch.check.probe.FirewallRules;
import io.restartwatch.check.probe.Firewalls;
import io.restartwatch.check.probe.HostFacts;
import io.restartwatch.check.probe.LivepatchStatus;
import io.restartwatch.check.probe.MalformedOutputException;
import io.restartwatch.check.probe.NeedrestartBatch;
import io.restartwatch.check.probe.NeedsRestarting;
import io.restartwatch.check.probe.ProbeReport;
import io.restartwatch.check.probe.ProbeResult;
import io.restartwatch.check.probe.ProcNetListeners;
import io.restartwatch.contracts.CheckOutcome;
import io.restartwatch.contracts.DiscoveredExposure;
import io.restartwatch.contracts.ListeningSocket;
import io.restartwatch.contracts.Livepatch;
import io.restartwatch.support.rest.ProblemException;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Reports pushed by the agent on a server ({@code agent/restartwatch-agent}), authenticated by the server's token. */
// No user role: it authenticates with the server's own agent token.
@PermitAll
@Path("/api/agent/reports")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "agent", description = "What the push agent on a server calls, with that server's agent token")
@SecurityScheme(securitySchemeName = AgentReportResource.AGENT_TOKEN, type = SecuritySchemeType.HTTP, scheme = "bearer",
        description = "A server's agent token (issued by POST /api/servers/{id}/agent-token), as Authorization: Bearer")
public class AgentReportResource {

    /** The OpenAPI security scheme of the agent's endpoints. */
    static final String AGENT_TOKEN = "agentToken";

    private static final String BEARER = "Bearer ";

    private final AgentReads reads;
    private final AgentReports reports;
    private final Validator validator;

    public AgentReportResource(AgentReads reads, AgentReports reports, Validator validator) {
        this.reads = reads;
        this.reports = reports;
        this.validator = validator;
    }

    /** The body is validated by hand after the credentials are looked at: a caller without a token learns nothing of the format. */
    @POST
    @Operation(summary = "Accept an agent's report of its server's restart-required state")
    @SecurityRequirement(name = AGENT_TOKEN)
    public Response report(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, AgentReport report) throws InterruptedException {
        String token = agentToken(authorization);
        if (report == null) {
            throw ProblemException.badRequest("body", "must not be empty");
        }
        Set<ConstraintViolation<AgentReport>> violations = validator.validate(report);
        if (!violations.isEmpty()) {
            throw new ConstraintViolationException(violations);
        }
        // A few columns by primary key through the agents' own pool: the report's writes are the group commit's.
        var credentials = reads.credentials(report.serverId())
                .filter(c -> Inventory.agentTokenMatches(c.agentTokenHash(), token))
                .orElseThrow(AgentReportResource::unauthorized);
        // After authentication, so the answer tells no stranger how a server is checked; before anything is recorded.
        AgentReports.requireAgent(report.serverId(), credentials.probeKind());
        ProbeResult result = ProbeReport.from(report.rebootRequired(), report.requiredSince(), report.packages(),
                report.bootId(), report.runningKernel(), report.installedKernels(), hostFacts(report));
        if (result.outcome() == CheckOutcome.UNREACHABLE) {
            // A cap of ProbeReport (too many ports or services): refused whole, nothing is recorded.
            throw ProblemException.badRequest(result.reason().contains("FIREWALL") ? "firewall" : "body",
                    result.reason() + ": " + result.detail());
        }
        var check = reports.record(report.serverId(), result);
        return Response.accepted(new Accepted(check.id.toString(), check.outcome.name())).build();
    }

    /**
     * The optional facts of agent version 3 and later, read by the same parsers as the probe's output; garbage
     * answers 400 naming the field.
     */
    static HostFacts hostFacts(AgentReport report) {
        List<ListeningSocket> listening = null;
        if (report.listening() != null) {
            listening = new ArrayList<>();
            try {
                for (String socket : report.listening()) {
                    String[] parts = socket.trim().split(" ");
                    if (parts.length != 2) {
                        throw new MalformedOutputException("MALFORMED_OUTPUT", "'" + ProcNetListeners.printable(socket)
                                + "' is not \"<table> <local_address>\"");
                    }
                    listening.add(ProcNetListeners.decode(parts[0], parts[1]));
                }
            } catch (MalformedOutputException e) {
                throw ProblemException.badRequest("listening", e.reason() + ": " + e.getMessage());
            }
        }
        FirewallRules firewall = null;
        if (report.firewall() != null) {
            try {
                AgentFirewall reported = report.firewall();
                firewall = Firewalls.parse(reported.tool(), reported.output(), reported.output(), reported.output6());
            } catch (MalformedOutputException e) {
                throw ProblemException.badRequest("firewall", e.reason() + ": " + e.getMessage());
            }
        }
        NeedrestartBatch needrestart = report.needrestart() == null ? null : NeedrestartBatch.parse(report.needrestart());
        NeedsRestarting needsRestarting = report.needsRestarting() == null ? null
                : NeedsRestarting.parse(report.needsRestarting().rebootExitCode(), orEmpty(report.needsRestarting().rebootOutput()),
                        orEmpty(report.needsRestarting().services()));
        Livepatch livepatch = report.livepatch() == null ? null : switch (report.livepatch().tool()) {
            case "kpatch" -> LivepatchStatus.kpatch(orEmpty(report.livepatch().output()));
            default -> LivepatchStatus.canonical(orEmpty(report.livepatch().output()));
        };
        return new HostFacts(needrestart, needsRestarting, livepatch, listening, firewall);
    }

    private static List<String> orEmpty(List<String> lines) {
        return lines == null ? List.of() : lines;
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
            @Size(max = 64) String agentVersion,
            @Size(max = DiscoveredExposure.MAX_SOCKETS) List<@NotNull @Size(max = 64) String> listening,
            @Valid AgentFirewall firewall,
            @Size(max = MAX_LINES) List<@NotNull @Size(max = 1024) String> needrestart,
            @Valid AgentNeedsRestarting needsRestarting,
            @Valid AgentLivepatch livepatch) {
    }

    /** Lines of one tool's output at most: more than any real needrestart, livepatch or firewall output. */
    static final int MAX_LINES = 10_000;

    /**
     * The host firewall's own output: {@code nft -j list ruleset}, {@code iptables-save} (+ {@code ip6tables-save}
     * in {@code output6}) or {@code ufw status verbose}, one entry per line.
     */
    public record AgentFirewall(
            @NotNull @Pattern(regexp = "nftables|iptables|ufw", message = "must be nftables, iptables or ufw") String tool,
            @NotNull @Size(max = MAX_LINES) List<@NotNull @Size(max = ProbeReport.MAX_FIREWALL_BYTES) String> output,
            @Size(max = MAX_LINES) List<@NotNull @Size(max = 4096) String> output6) {
    }

    /** {@code dnf needs-restarting -r}: its exit status and output; {@code -s}: one service per entry. */
    public record AgentNeedsRestarting(
            Integer rebootExitCode,
            @Size(max = 100) List<@NotNull @Size(max = 1024) String> rebootOutput,
            @Size(max = ProbeReport.MAX_SERVICES) List<@NotNull @Size(max = 200) String> services) {
    }

    /** {@code canonical-livepatch status} or {@code kpatch list}, one entry per line. */
    public record AgentLivepatch(
            @NotNull @Pattern(regexp = "canonical-livepatch|kpatch", message = "must be canonical-livepatch or kpatch") String tool,
            @Size(max = 1000) List<@NotNull @Size(max = 1024) String> output) {
    }

    /** The check the report became. */
    public record Accepted(String checkId, String outcome) {
    }
}
