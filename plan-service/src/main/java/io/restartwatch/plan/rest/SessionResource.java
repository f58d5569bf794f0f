package io.restartwatch.plan.rest;

import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.NewCookie;
import jakarta.ws.rs.core.Response;

import io.quarkus.security.identity.SecurityIdentity;
import io.restartwatch.support.rest.ProblemException;
import io.restartwatch.support.security.ApiKeys;
import io.restartwatch.support.security.Roles;
import io.restartwatch.support.security.SecuritySettings;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Sign-in for the plan pages, as notification-service's pages do it: the API key is presented once in the
 * Authorization header and kept in an HttpOnly, SameSite=Strict session cookie, which the browser also sends with
 * the plan's live stream (EventSource cannot set headers). No server-side session.
 */
@Path("/api/session")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "session", description = "Signing in to the pages and who is signed in")
public class SessionResource {

    private static final String BEARER = "Bearer ";

    private final SecuritySettings settings;
    private final SecurityIdentity identity;

    public SessionResource(SecuritySettings settings, SecurityIdentity identity) {
        this.settings = settings;
        this.identity = identity;
    }

    @GET
    @RolesAllowed(Roles.VIEWER)
    @Operation(summary = "Who the caller is and what they may do")
    public Caller whoAmI() {
        return Caller.of(identity);
    }

    @POST
    @RolesAllowed(Roles.VIEWER)
    @Operation(summary = "Sign the browser in with the API key in the Authorization header (kept for this browser session)")
    public Response signIn(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
                           @HeaderParam("X-Forwarded-Proto") String forwardedProto) {
        String key = authorization != null && authorization.startsWith(BEARER) ? authorization.substring(BEARER.length()).trim() : null;
        if (!ApiKeys.hasKeyForm(key)) {
            throw ProblemException.badRequest("Authorization", "sign in with an API key");
        }
        return Response.ok(Caller.of(identity)).cookie(cookie(key, "https".equalsIgnoreCase(forwardedProto), -1)).build();
    }

    @DELETE
    @RolesAllowed(Roles.VIEWER)
    @Operation(summary = "Sign the browser out")
    public Response signOut() {
        return Response.noContent().cookie(cookie("", false, 0)).build();
    }

    /** maxAge -1: a session cookie, gone when the browser closes. */
    private NewCookie cookie(String value, boolean secure, int maxAge) {
        return new NewCookie.Builder(settings.sessionCookie()).value(value).path("/").httpOnly(true).secure(secure)
                .sameSite(NewCookie.SameSite.STRICT).maxAge(maxAge).build();
    }

    public record Caller(String name, List<String> roles) {

        static Caller of(SecurityIdentity identity) {
            return new Caller(identity.getPrincipal().getName(), Roles.ALL.stream().filter(identity.getRoles()::contains).toList());
        }
    }

}
