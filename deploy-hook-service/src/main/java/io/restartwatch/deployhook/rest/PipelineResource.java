package io.restartwatch.deployhook.rest;

import java.net.URI;
import java.time.Instant;
import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.restartwatch.deployhook.domain.Pipelines;
import io.restartwatch.deployhook.persistence.PipelineEntity;
import io.restartwatch.support.security.Roles;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Admin endpoints for pipeline credentials. */
@Path("/api/pipelines")
@RolesAllowed(Roles.ADMIN)
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "pipelines", description = "Pipeline credentials for the deploy hook (token and HMAC secret)")
public class PipelineResource {

    private final Pipelines pipelines;

    public PipelineResource(Pipelines pipelines) {
        this.pipelines = pipelines;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Create a pipeline credential; its token and HMAC secret are shown only in this response")
    public Response create(@NotNull @Valid PipelineRequest request) {
        var issued = pipelines.create(request.id(), request.name(), request.applicationIds());
        return Response.created(URI.create("/api/pipelines/" + issued.pipelineId())).entity(issued).build();
    }

    @GET
    public List<PipelineView> list() {
        return pipelines.list().stream().map(PipelineView::of).toList();
    }

    @POST
    @Path("/{id}/rotate")
    @Operation(summary = "Issue a new token and secret; the old ones stop working at once")
    public Pipelines.IssuedCredentials rotate(@PathParam("id") @Pattern(regexp = DeployRequest.ID) String id) {
        return pipelines.rotate(id);
    }

    @DELETE
    @Path("/{id}")
    @Operation(summary = "Revoke the pipeline's credentials")
    public Response revoke(@PathParam("id") @Pattern(regexp = DeployRequest.ID) String id) {
        pipelines.revoke(id);
        return Response.noContent().build();
    }

    /** Body of {@code POST /api/pipelines}. {@code *} in applicationIds allows every application. */
    public record PipelineRequest(
            @NotBlank @Pattern(regexp = DeployRequest.ID, message = "must match " + DeployRequest.ID) String id,
            @NotBlank @Size(max = 200) String name,
            @NotEmpty @Size(max = 100) List<@NotNull @Pattern(regexp = "\\*|" + DeployRequest.ID, message = "must be an application id or *") String> applicationIds) {
    }

    /** A pipeline without its secrets. */
    public record PipelineView(String id, String name, List<String> applicationIds, Instant createdAt, Instant rotatedAt,
                               Instant revokedAt) {
        static PipelineView of(PipelineEntity p) {
            return new PipelineView(p.id, p.name, p.applicationIds, p.createdAt, p.rotatedAt, p.revokedAt);
        }
    }
}
