package io.restartwatch.check.rest;

import java.net.URI;
import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.restartwatch.check.config.CheckSettings;
import io.restartwatch.check.domain.Inventory;
import io.restartwatch.check.domain.ProbeKind;
import io.restartwatch.check.probe.LocalProbe;
import io.restartwatch.support.rest.ProblemException;
import io.restartwatch.support.security.Roles;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The server inventory. */
@Path("/api/servers")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "servers", description = "The inventory: register, update and remove servers, issue agent tokens")
@RolesAllowed(Roles.ADMIN)
public class ServerResource {

    private final Inventory inventory;
    private final LocalProbe localProbe;
    private final CheckSettings settings;

    public ServerResource(Inventory inventory, LocalProbe localProbe, CheckSettings settings) {
        this.inventory = inventory;
        this.localProbe = localProbe;
        this.settings = settings;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Register a server; pull-probed servers are checked at once")
    public Response register(@NotNull @Valid ServerRequest request) {
        if (request.id() == null) {
            throw ProblemException.badRequest("id", "must not be blank");
        }
        requireUsableProbe(request.probeKind());
        var server = inventory.register(request.id(), request.toDefinition());
        return Response.created(URI.create("/api/servers/" + server.id)).entity(ServerView.of(server, settings)).build();
    }

    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    @Path("/{id}")
    @Operation(summary = "Replace a server's description (e.g. after a firewall change)")
    public ServerView update(@PathParam("id") @Pattern(regexp = ServerRequest.ID_PATTERN) String id,
                             @NotNull @Valid ServerRequest request) {
        if (request.id() != null && !request.id().equals(id)) {
            throw ProblemException.badRequest("id", "must match the id in the path");
        }
        requireUsableProbe(request.probeKind());
        return ServerView.of(inventory.update(id, request.toDefinition()), settings);
    }

    @GET
    @Path("/{id}")
    @RolesAllowed(Roles.VIEWER)
    @Operation(operationId = "getServer", summary = "A server: its definition, state and last check")
    public ServerView get(@PathParam("id") @Pattern(regexp = ServerRequest.ID_PATTERN) String id) {
        return ServerView.of(inventory.require(id), settings);
    }

    @GET
    @RolesAllowed(Roles.VIEWER)
    @Operation(operationId = "listServers", summary = "List servers, optionally of one application and environment, or only the (un)verified ones")
    public List<ServerView> list(@QueryParam("applicationId") @Pattern(regexp = ServerRequest.ID_PATTERN) String applicationId,
                                 @QueryParam("environment") @Pattern(regexp = ServerRequest.ID_PATTERN) String environment,
                                 @QueryParam("verified") @Pattern(regexp = "true|false", message = "must be true or false") String verified) {
        return inventory.list(applicationId, environment).stream()
                .filter(server -> verified == null || (server.unverifiedSince == null) == Boolean.parseBoolean(verified))
                .map(server -> ServerView.of(server, settings)).toList();
    }

    @DELETE
    @Path("/{id}")
    public Response remove(@PathParam("id") @Pattern(regexp = ServerRequest.ID_PATTERN) String id) {
        inventory.remove(id);
        return Response.noContent().build();
    }

    @POST
    @Path("/{id}/agent-token")
    @Operation(summary = "Issue (or rotate) the server's agent token; it is shown only in this response")
    public AgentTokenView issueAgentToken(@PathParam("id") @Pattern(regexp = ServerRequest.ID_PATTERN) String id) {
        return new AgentTokenView(id, inventory.issueAgentToken(id));
    }

    private void requireUsableProbe(ProbeKind kind) {
        if (kind == ProbeKind.LOCAL && !localProbe.enabled()) {
            throw ProblemException.badRequest("probeKind", "local probing is disabled on this check-service");
        }
    }

    /** The token an agent sends as {@code Authorization: Bearer <token>}. */
    public record AgentTokenView(String serverId, String token) {
    }
}
