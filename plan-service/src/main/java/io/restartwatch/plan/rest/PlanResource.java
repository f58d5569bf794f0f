package io.restartwatch.plan.rest;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.annotation.security.RolesAllowed;
import jakarta.transaction.Transactional;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;

import io.quarkus.hibernate.orm.panache.PanacheQuery;
import io.quarkus.panache.common.Sort;
import io.quarkus.security.identity.SecurityIdentity;
import io.restartwatch.contracts.EventJson;
import io.restartwatch.contracts.Exposure;
import io.restartwatch.contracts.PlanStatus;
import io.restartwatch.contracts.PriorityLevel;
import io.restartwatch.plan.domain.PlanLifecycle;
import io.restartwatch.plan.domain.PlanModel;
import io.restartwatch.plan.domain.Selection;
import io.restartwatch.plan.persistence.RestartPlanEntity;
import io.restartwatch.support.rest.ProblemException;
import io.restartwatch.support.security.Actors;
import io.restartwatch.support.security.Roles;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Restart plans: preview a selection's waves, create a DRAFT, approve it (the runner then releases its waves), pause,
 * resume, cancel; watch one live.
 */
@Path("/api/plans")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "plans", description = "Restart plans: preview, create, approve, pause, resume, cancel")
public class PlanResource {

    /** A comment line this often keeps proxies from closing a quiet stream. */
    private static final int HEARTBEAT_TICKS = 15;

    private final PlanLifecycle lifecycle;
    private final PlanViews views;
    private final SecurityIdentity identity;

    public PlanResource(PlanLifecycle lifecycle, PlanViews views, SecurityIdentity identity) {
        this.lifecycle = lifecycle;
        this.views = views;
        this.identity = identity;
    }

    @POST
    @Path("/preview")
    @RolesAllowed(Roles.VIEWER)
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "The waves a plan of this selection would have now, with planned times and why; changes nothing")
    public PlanModel.Preview previewPlan(@Valid PlanRequest request) {
        return lifecycle.preview(PlanRequest.orAll(request).selection());
    }

    @POST
    @RolesAllowed(Roles.OPERATOR)
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Create a DRAFT plan of the selection's pending reboots, in waves; nothing is released before it is approved")
    public Response createPlan(@Valid PlanRequest request) {
        PlanRequest body = PlanRequest.orAll(request);
        PlanLifecycle.Created created = lifecycle.create(body.selection(), body.document(), Actors.of(identity), false);
        return Response.created(URI.create("/api/plans/" + created.planId()))
                .entity(views.view(created.planId()).orElseThrow()).build();
    }

    @GET
    @RolesAllowed(Roles.VIEWER)
    @Transactional
    @Operation(summary = "Plans, newest first, optionally of some statuses")
    public Page<PlanSummary> listPlans(@QueryParam("status") List<PlanStatus> statuses,
                                       @QueryParam("page") @DefaultValue("0") @Min(0) @Max(100000) int page,
                                       @QueryParam("size") @DefaultValue("50") @Min(1) @Max(500) int size) {
        return PlanSummary.page(statuses, page, size);
    }

    @GET
    @Path("/{planId}")
    @RolesAllowed(Roles.VIEWER)
    @Operation(summary = "A plan: its state, who created and approved it, its waves with every restart's status, hold reason")
    public PlanViews.PlanView getPlan(@PathParam("planId") @Pattern(regexp = Ids.PLAN_ID_PATTERN) String planId) {
        return views.view(planId).orElseThrow(() -> ProblemException.notFound("No plan '" + planId + "'"));
    }

    @POST
    @Path("/{planId}/approve")
    @RolesAllowed(Roles.OPERATOR)
    @Operation(summary = "Approve a DRAFT plan: it runs, its waves are released one after the other (409 unless DRAFT)")
    public PlanViews.PlanView approvePlan(@PathParam("planId") @Pattern(regexp = Ids.PLAN_ID_PATTERN) String planId,
                                        @RequestBody(required = false, content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Note.class))) String note) {
        lifecycle.approve(planId, Actors.of(identity), Note.text(note));
        return getPlan(planId);
    }

    @POST
    @Path("/{planId}/pause")
    @RolesAllowed(Roles.OPERATOR)
    @Operation(summary = "Pause a RUNNING plan: no further wave is released; restarts already released go on (409 unless RUNNING)")
    public PlanViews.PlanView pausePlan(@PathParam("planId") @Pattern(regexp = Ids.PLAN_ID_PATTERN) String planId,
                                        @RequestBody(required = false, content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Note.class))) String note) {
        lifecycle.pause(planId, Actors.of(identity), Note.text(note));
        return getPlan(planId);
    }

    @POST
    @Path("/{planId}/resume")
    @RolesAllowed(Roles.OPERATOR)
    @Operation(summary = "Resume a PAUSED or HALTED plan (failed restarts stay failed; the plan goes on with the next wave)")
    public PlanViews.PlanView resumePlan(@PathParam("planId") @Pattern(regexp = Ids.PLAN_ID_PATTERN) String planId,
                                        @RequestBody(required = false, content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Note.class))) String note) {
        lifecycle.resume(planId, Actors.of(identity), Note.text(note));
        return getPlan(planId);
    }

    @POST
    @Path("/{planId}/cancel")
    @RolesAllowed(Roles.OPERATOR)
    @Operation(summary = "Cancel a plan: restarts released but not begun are cancelled (restart.cancelled), the rest never are")
    public PlanViews.PlanView cancelPlan(@PathParam("planId") @Pattern(regexp = Ids.PLAN_ID_PATTERN) String planId,
                                        @RequestBody(required = false, content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Note.class))) String note) {
        lifecycle.cancel(planId, Actors.of(identity), Note.text(note));
        return getPlan(planId);
    }

    @GET
    @Path("/{planId}/stream")
    @RolesAllowed(Roles.VIEWER)
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @Blocking
    @Operation(summary = "Server-Sent Events: the plan view (event \"plan\") at once and on every change")
    public Multi<OutboundSseEvent> streamPlan(@PathParam("planId") @Pattern(regexp = Ids.PLAN_ID_PATTERN) String planId, @Context Sse sse) {
        getPlan(planId); // 404 before the stream begins
        AtomicReference<PlanViews.PlanView> last = new AtomicReference<>();
        AtomicInteger quiet = new AtomicInteger();
        // One cheap read a second per open stream; a view is sent only when it differs from the last one.
        return Multi.createFrom().ticks().startingAfter(Duration.ofMillis(1)).every(Duration.ofSeconds(1))
                .onOverflow().drop()
                .emitOn(Infrastructure.getDefaultWorkerPool())
                .onItem().transformToIterable(tick -> {
                    PlanViews.PlanView view = views.view(planId).orElse(null);
                    if (view != null && !view.equals(last.get())) {
                        last.set(view);
                        quiet.set(0);
                        return List.of(sse.newEventBuilder().name("plan").mediaType(MediaType.APPLICATION_JSON_TYPE)
                                .data(PlanViews.PlanView.class, view).build());
                    }
                    return quiet.incrementAndGet() % HEARTBEAT_TICKS == 0
                            ? List.of(sse.newEventBuilder().comment("heartbeat").build()) : List.<OutboundSseEvent>of();
                });
    }

    /**
     * Body of preview and create: which pending reboots to plan. Every criterion given must match; none given takes
     * every pending reboot of the fleet.
     *
     * @param labels each key must carry that value
     */
    public record PlanRequest(
            @Pattern(regexp = Ids.ID_PATTERN, message = "must match " + Ids.ID_PATTERN) String application,
            @Pattern(regexp = Ids.ID_PATTERN, message = "must match " + Ids.ID_PATTERN) String environment,
            @Size(max = 4) Set<PriorityLevel> levels,
            @Size(max = 3) Set<Exposure> exposures,
            @Size(max = 20) Map<@NotBlank @Size(max = 100) String, @NotBlank @Size(max = 200) String> labels) {

        static PlanRequest orAll(PlanRequest request) {
            return request == null ? new PlanRequest(null, null, null, null, null) : request;
        }

        Selection selection() {
            return new Selection(application, environment, levels, exposures, labels, null, null);
        }

        RestartPlanEntity.SelectionDocument document() {
            return new RestartPlanEntity.SelectionDocument(application, environment,
                    levels == null ? null : levels.stream().map(Enum::name).sorted().toList(),
                    exposures == null ? null : exposures.stream().map(Enum::name).sorted().toList(),
                    labels, null, null);
        }
    }

    /**
     * Optional body of the transitions, {@code {"note":"…"}}: the operator's note, kept as the plan's status reason and
     * in the event. Read by hand so a transition needs no body and no Content-Type at all.
     */
    public record Note(String note) {

        static final int MAX_LENGTH = 500;

        static String text(String body) {
            if (body == null || body.isBlank()) {
                return null;
            }
            Note note;
            try {
                note = EventJson.read(body, Note.class);
            } catch (IllegalArgumentException e) {
                throw ProblemException.badRequest("note", "the body must be empty or {\"note\": \"…\"}");
            }
            if (note == null || note.note() == null || note.note().isBlank()) {
                return null;
            }
            if (note.note().length() > MAX_LENGTH) {
                throw ProblemException.badRequest("note", "must be at most " + MAX_LENGTH + " characters");
            }
            return note.note().trim();
        }
    }

    /** A plan in a list. */
    public record PlanSummary(String planId, String applicationId, PlanStatus status, int currentWave, int waveCount,
                              String holdReason, boolean auto, String createdBy, Instant createdAt, String approvedBy,
                              Instant approvedAt, Instant finishedAt) {

        static Page<PlanSummary> page(List<PlanStatus> statuses, int page, int size) {
            PanacheQuery<RestartPlanEntity> query = statuses == null || statuses.isEmpty()
                    ? RestartPlanEntity.findAll(Sort.by("createdAt").descending().and("planId"))
                    : RestartPlanEntity.find("status in ?1", Sort.by("createdAt").descending().and("planId"), statuses);
            List<PlanSummary> items = query.page(page, size).list().stream().map(PlanSummary::of).toList();
            return new Page<>(items, page, size, query.count());
        }

        static PlanSummary of(RestartPlanEntity plan) {
            return new PlanSummary(plan.planId, plan.applicationId, plan.status, plan.currentWave, plan.waves, plan.holdReason,
                    plan.auto, plan.createdBy, plan.createdAt, plan.approvedBy, plan.approvedAt, plan.finishedAt);
        }
    }
}
