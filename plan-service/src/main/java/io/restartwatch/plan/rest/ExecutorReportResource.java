package io.restartwatch.plan.rest;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import io.quarkus.security.identity.SecurityIdentity;
import io.restartwatch.plan.scheduling.ExecutorReports;
import io.restartwatch.plan.scheduling.ExecutorReports.Result;
import io.restartwatch.support.rest.ProblemException;
import io.restartwatch.support.security.Actors;
import io.restartwatch.support.security.Roles;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * For executors other than the agent (a configuration-management job, a script): report that a released restart
 * began or failed, with the same effect as {@code restart.started} / {@code restart.failed} on the topic, which
 * plan-service then publishes in the executor's name (the caller's credential). Repeating a report is harmless.
 */
@Path("/api/restarts")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "restart execution", description = "What an executor reports about a planned restart")
@RolesAllowed(Roles.OPERATOR)
public class ExecutorReportResource {

    static final String RESTART_ID = "[A-Za-z0-9][A-Za-z0-9._:-]{0,63}";

    private final ExecutorReports reports;
    private final SecurityIdentity identity;

    public ExecutorReportResource(ExecutorReports reports, SecurityIdentity identity) {
        this.reports = reports;
        this.identity = identity;
    }

    /** A failure as an executor reports it. */
    public record FailureReport(
            @Pattern(regexp = "[A-Z][A-Z0-9_]{0,63}", message = "must be an upper-case reason such as PRE_HOOK_FAILED") String reason,
            @Size(max = 2000) String detail) {
    }

    /** Where the restart stands after the report. */
    public record ReportAnswer(String restartId, String status) {
    }

    @POST
    @Path("/{restartId}/started")
    @Operation(summary = "An executor began the released restart (pre-hook, then the reboot command); 409 when it is not released or has ended")
    public ReportAnswer started(@PathParam("restartId") @Pattern(regexp = RESTART_ID) String restartId) {
        return answer(restartId, reports.started(restartId, Actors.of(identity), true));
    }

    @POST
    @Path("/{restartId}/failed")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "An executor could not restart the server (reason defaults to EXECUTOR_FAILED): the restart fails and its plan halts")
    public ReportAnswer failed(@PathParam("restartId") @Pattern(regexp = RESTART_ID) String restartId, @Valid FailureReport report) {
        String reason = report == null ? null : report.reason();
        String detail = report == null ? null : report.detail();
        return answer(restartId, reports.failed(restartId, reason, detail, Actors.of(identity), true));
    }

    private static ReportAnswer answer(String restartId, Result result) {
        return switch (result.outcome()) {
            case APPLIED, ALREADY -> new ReportAnswer(restartId, result.status());
            case UNKNOWN -> throw ProblemException.notFound("No planned restart '" + restartId + "'");
            case NOT_IN_PROGRESS -> throw ProblemException.conflict("Restart '" + restartId + "' is " + result.status()
                    + ("PLANNED".equals(result.status()) ? ": not released to executors yet" : ": it has ended"));
        };
    }
}
