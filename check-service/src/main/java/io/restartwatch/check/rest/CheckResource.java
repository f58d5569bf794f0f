package io.restartwatch.check.rest;

import java.time.Instant;
import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.restartwatch.check.domain.Inventory;
import io.restartwatch.check.domain.ProbeKind;
import io.restartwatch.check.domain.Rechecks;
import io.restartwatch.check.persistence.CheckEntity;
import io.restartwatch.check.persistence.CheckFacts;
import io.restartwatch.contracts.CheckOutcome;
import io.restartwatch.contracts.CheckTrigger;
import io.restartwatch.contracts.DiscoveredExposure;
import io.restartwatch.contracts.Livepatch;
import io.restartwatch.support.rest.ProblemException;
import io.restartwatch.support.security.Roles;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** A server's check history, and "recheck now". */
@Path("/api/servers/{id}/checks")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "checks", description = "Checks of a server and the rechecks a deploy triggered")
public class CheckResource {

    private final Inventory inventory;
    private final Rechecks rechecks;

    public CheckResource(Inventory inventory, Rechecks rechecks) {
        this.inventory = inventory;
        this.rechecks = rechecks;
    }

    @GET
    @RolesAllowed(Roles.VIEWER)
    @Operation(summary = "The server's checks, newest first")
    public List<CheckView> history(@PathParam("id") @Pattern(regexp = ServerRequest.ID_PATTERN) String id,
                                   @QueryParam("limit") @DefaultValue("50") @Min(1) @Max(1000) int limit) {
        inventory.require(id);
        return CheckEntity.newestFirst(id, limit).stream().map(CheckView::of).toList();
    }

    @POST
    @RolesAllowed(Roles.OPERATOR)
    @Operation(summary = "Recheck the server now (trigger MANUAL)")
    public Response recheck(@PathParam("id") @Pattern(regexp = ServerRequest.ID_PATTERN) String id) {
        var server = inventory.require(id);
        if (server.probeKind == ProbeKind.AGENT) {
            throw ProblemException.conflict("Server '" + id + "' is agent-reported: its agent decides when it reports");
        }
        rechecks.requestManual(id);
        return Response.accepted(new RecheckView(id, CheckTrigger.MANUAL)).build();
    }

    /**
     * One check as the API shows it.
     *
     * @param services   services to restart without a reboot (needrestart, needs-restarting -s)
     * @param detectedBy what said a reboot is needed: sentinel, kernel, needrestart, needs-restarting
     * @param livepatch  null when no livepatch tool answered
     * @param discovered listening sockets and host firewall; null when the check did not see them
     */
    public record CheckView(String checkId, Instant checkedAt, CheckTrigger trigger, CheckOutcome outcome, String reason,
                            String detail, List<String> packages, Instant requiredSince, String bootId,
                            String runningKernel, String installedKernel, Integer durationMs, List<String> services,
                            List<String> detectedBy, Livepatch livepatch, DiscoveredExposure discovered) {

        static CheckView of(CheckEntity check) {
            CheckFacts facts = check.hostFacts != null ? check.hostFacts : new CheckFacts(List.of(), List.of(), null, null);
            return new CheckView(check.id.toString(), check.checkedAt, check.trigger, check.outcome, check.reason,
                    check.detail, check.packages, check.requiredSince, check.bootId, check.runningKernel,
                    check.installedKernel, check.durationMs, facts.services(), facts.detectedBy(), facts.livepatch(),
                    facts.discovered());
        }
    }

    /** Answer to a recheck request: it is queued, the result arrives as a check. */
    public record RecheckView(String serverId, CheckTrigger trigger) {
    }
}
