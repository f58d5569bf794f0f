package io.restartwatch.notification.rest;

import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.quarkus.security.identity.SecurityIdentity;
import io.restartwatch.notification.domain.ApiKeyAdministration;
import io.restartwatch.notification.persistence.ApiKeyEntity;
import io.restartwatch.support.security.Actors;
import io.restartwatch.support.security.Roles;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** API keys for people and automation: issued with roles and an optional expiry, shown once, revocable. */
@Path("/api/keys")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "api-keys", description = "API keys: issue, list and revoke (hashes only are kept)")
@RolesAllowed(Roles.ADMIN)
public class ApiKeyResource {

    private final ApiKeyAdministration keys;
    private final SecurityIdentity identity;

    public ApiKeyResource(ApiKeyAdministration keys, SecurityIdentity identity) {
        this.keys = keys;
        this.identity = identity;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Issue an API key; the key itself is in this response only")
    public Response issue(@NotNull @Valid IssueKey request) {
        var issued = keys.issue(request.name(), Set.copyOf(request.roles()), request.expiresAt(), Actors.of(identity));
        return Response.created(URI.create("/api/keys/" + issued.record().keyId))
                .entity(new IssuedKey(KeyView.of(issued.record()), issued.key()))
                .build();
    }

    @GET
    @Operation(operationId = "listApiKeys", summary = "API keys with their roles, expiry and last use (never the keys)")
    public List<KeyView> list(@QueryParam("includeRevoked") @DefaultValue("false")
                              @Pattern(regexp = "true|false", message = "must be true or false") String includeRevoked) {
        // A String, not a boolean: JAX-RS reads any value but "true" as false, so "yes" would quietly hide revoked keys.
        return keys.list(Boolean.parseBoolean(includeRevoked)).stream().map(KeyView::of).toList();
    }

    @DELETE
    @Path("/{keyId}")
    @Operation(summary = "Revoke an API key: every service refuses it within seconds")
    public KeyView revoke(@PathParam("keyId") @Pattern(regexp = "[0-9a-f]{16}") String keyId) {
        return KeyView.of(keys.revoke(keyId, Actors.of(identity)));
    }

    /** What to issue. */
    public record IssueKey(
            @NotBlank @Size(max = 100) @Pattern(regexp = "[A-Za-z0-9][A-Za-z0-9 ._@-]*", message = "letters, digits, space and . _ @ - only") String name,
            @NotEmpty @Size(max = 3) List<@NotNull @Pattern(regexp = "viewer|operator|admin", message = "must be viewer, operator or admin") String> roles,
            Instant expiresAt) {
    }

    /** A key as listed. */
    public record KeyView(String keyId, String name, List<String> roles, Instant createdAt, String createdBy,
                          Instant expiresAt, Instant revokedAt, String revokedBy, Instant lastUsedAt) {

        static KeyView of(ApiKeyEntity key) {
            return new KeyView(key.keyId, key.name, key.roleList(), key.createdAt, key.createdBy, key.expiresAt,
                    key.revokedAt, key.revokedBy, key.lastUsedAt);
        }
    }

    /** The answer to an issue: the only time the key is shown. */
    public record IssuedKey(KeyView apiKey, String key) {
    }
}
