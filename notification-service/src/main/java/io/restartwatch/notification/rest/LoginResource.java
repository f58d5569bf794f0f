package io.restartwatch.notification.rest;

import java.net.URI;

import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.NewCookie;
import jakarta.ws.rs.core.Response;

import io.quarkus.oidc.AccessTokenCredential;
import io.quarkus.oidc.AuthorizationCodeFlow;
import io.quarkus.oidc.OidcSession;
import io.quarkus.oidc.Tenant;
import io.quarkus.security.Authenticated;
import io.quarkus.security.UnauthorizedException;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.vertx.http.runtime.security.HttpAuthenticator;
import io.restartwatch.support.rest.Problem;
import io.restartwatch.support.security.SecuritySettings;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Sign-in of the pages through the OIDC provider (authorization-code flow, OIDC tenant {@code web}, off unless
 * {@code quarkus.oidc.web.tenant-enabled=true}). The flow ends here: the user's access token goes into the same
 * session cookie an API key sign-in uses, and from then on every request is authenticated from that cookie by the
 * default (bearer) tenant, exactly as if the token came in a header. The code flow's own session cookie is dropped,
 * so there is still no server-side session, and a token that expires ends the page's session.
 */
@Path("/login")
public class LoginResource {

    /** The web tenant; quarkus.oidc.tenant-paths keeps every /api path on the default tenant, even /api/servers/web. */
    public static final String WEB_TENANT = "web";

    private final SecuritySettings settings;
    private final SecurityIdentity identity;
    private final OidcSession oidcSession;
    private final HttpAuthenticator authenticator;
    private final boolean oidcSignIn;
    private final PageSettings pages;

    public LoginResource(SecuritySettings settings, SecurityIdentity identity, OidcSession oidcSession, HttpAuthenticator authenticator,
                         @ConfigProperty(name = "quarkus.oidc." + WEB_TENANT + ".tenant-enabled", defaultValue = "false") boolean oidcSignIn,
                         PageSettings pages) {
        this.pages = pages;
        this.settings = settings;
        this.identity = identity;
        this.oidcSession = oidcSession;
        this.authenticator = authenticator;
        this.oidcSignIn = oidcSignIn;
    }

    @GET
    @Path("options")
    @PermitAll
    @Produces(MediaType.APPLICATION_JSON)
    // Pages' plumbing, not API: left out of the OpenAPI document.
    @Operation(hidden = true)
    public LoginOptions options() {
        return new LoginOptions(oidcSignIn, pages.plansUrl());
    }

    /**
     * Only the code-flow mechanism of the web tenant authenticates here: an API key or token cookie must not stand
     * in for the provider's sign-in, and an unauthenticated browser must be redirected to the provider.
     */
    @GET
    @Path("oidc")
    @Tenant(WEB_TENANT)
    @AuthorizationCodeFlow
    @Authenticated
    @Operation(hidden = true)
    public Uni<Response> signedIn(@HeaderParam("X-Forwarded-Proto") String forwardedProto) {
        AccessTokenCredential accessToken = identity.getCredential(AccessTokenCredential.class);
        // SameSite=Strict works after the cross-site redirects: the browser stores it, and the dashboard that the
        // redirect to / loads needs no cookie; the page's own requests that follow are same-site and send it.
        NewCookie cookie = new NewCookie.Builder(settings.sessionCookie()).value(accessToken.getToken()).path("/")
                .httpOnly(true).secure("https".equalsIgnoreCase(forwardedProto)).sameSite(NewCookie.SameSite.STRICT)
                .maxAge(-1).build();
        Response toDashboard = Response.seeOther(URI.create("/")).cookie(cookie).build();
        return oidcSession.logout().replaceWith(toDashboard);
    }

    /**
     * The shared problem+json mapper answers every UnauthorizedException with 401; here the code-flow mechanism's
     * own challenge must go out instead: a redirect to the provider (with its state cookie).
     */
    @ServerExceptionMapper
    public Uni<Response> toTheProvider(UnauthorizedException exception, RoutingContext context) {
        if (!oidcSignIn) {
            return Uni.createFrom().item(Problem.of(Response.Status.UNAUTHORIZED, "Sign-in through an OIDC provider is not configured").toResponse());
        }
        return authenticator.getChallenge(context).map(challenge -> {
            Response.ResponseBuilder response = Response.status(challenge.status);
            challenge.getHeaders().forEach((name, value) -> response.header(name.toString(), value));
            return response.build();
        });
    }

    /** Whether the page offers "Sign in with SSO", and where its "Restart plans" link leads. */
    public record LoginOptions(boolean oidc, String plansUrl) {
    }
}
