package io.restartwatch.support.security;

import java.util.Optional;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.oidc.AccessTokenCredential;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.AuthenticationRequest;
import io.quarkus.security.identity.request.TokenAuthenticationRequest;
import io.quarkus.vertx.http.runtime.security.ChallengeData;
import io.quarkus.vertx.http.runtime.security.HttpAuthenticationMechanism;
import io.quarkus.vertx.http.runtime.security.HttpSecurityUtils;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Takes an API key from {@code Authorization: Bearer rwk_…} or, for the dashboard in a browser, the credential in
 * the session cookie: an API key, or the OIDC access token of a user who signed in through the provider, which
 * the default OIDC tenant verifies exactly as it would in a header. Anything else in the Authorization header is
 * left to the OIDC mechanism, which runs after this one; a request with an Authorization header is never
 * authenticated by the cookie.
 *
 * <p>A cookie is sent by the browser on its own, so a state-changing request carrying only the cookie must come
 * from our own page: the cookie is {@code SameSite=Strict}, and a request that says it comes from another site
 * ({@code Sec-Fetch-Site}, {@code Origin}) is not authenticated by it.
 */
@ApplicationScoped
public class ApiKeyAuthenticationMechanism implements HttpAuthenticationMechanism {

    private static final String BEARER = "bearer ";

    private final SecuritySettings settings;
    private final boolean oidcEnabled;

    public ApiKeyAuthenticationMechanism(SecuritySettings settings,
                                         @ConfigProperty(name = "quarkus.oidc.tenant-enabled", defaultValue = "true") boolean oidcEnabled) {
        this.settings = settings;
        this.oidcEnabled = oidcEnabled;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(RoutingContext context, IdentityProviderManager identityProviderManager) {
        String header = context.request().getHeader(HttpHeaders.AUTHORIZATION);
        String credential = header != null ? apiKeyFrom(header) : fromSessionCookie(context);
        if (credential == null) {
            return Uni.createFrom().optional(Optional.empty());
        }
        if (credential.startsWith(ApiKeys.PREFIX)) {
            return identityProviderManager.authenticate(
                    HttpSecurityUtils.setRoutingContextAttribute(new ApiKeyAuthenticationRequest(credential), context));
        }
        if (!oidcEnabled) {
            return Uni.createFrom().failure(new AuthenticationFailedException("Session cookie holds no API key and OIDC is off"));
        }
        // The default (service) tenant verifies it: signature against the JWKS, issuer, audience, expiry.
        return identityProviderManager.authenticate(HttpSecurityUtils.setRoutingContextAttribute(
                        new TokenAuthenticationRequest(new AccessTokenCredential(credential)), context))
                .onFailure(failure -> !(failure instanceof AuthenticationFailedException))
                .transform(failure -> new AuthenticationFailedException("Session cookie token not verified", failure));
    }

    @Override
    public Uni<ChallengeData> getChallenge(RoutingContext context) {
        return Uni.createFrom().item(new ChallengeData(401, "WWW-Authenticate", "Bearer realm=\"restartwatch\""));
    }

    @Override
    public Set<Class<? extends AuthenticationRequest>> getCredentialTypes() {
        return Set.of(ApiKeyAuthenticationRequest.class, TokenAuthenticationRequest.class);
    }

    /** Before OIDC's bearer mechanism, which would reject our keys as malformed tokens. */
    @Override
    public int getPriority() {
        return DEFAULT_PRIORITY + 100;
    }

    private static String apiKeyFrom(String header) {
        if (header.length() <= BEARER.length() || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return null;
        }
        String credential = header.substring(BEARER.length()).trim();
        return credential.startsWith(ApiKeys.PREFIX) ? credential : null;
    }

    private String fromSessionCookie(RoutingContext context) {
        Cookie cookie = context.request().getCookie(settings.sessionCookie());
        if (cookie == null || cookie.getValue().isBlank()) {
            return null;
        }
        return isSafe(context.request().method()) || sameOrigin(context) ? cookie.getValue() : null;
    }

    private static boolean isSafe(HttpMethod method) {
        return HttpMethod.GET.equals(method) || HttpMethod.HEAD.equals(method) || HttpMethod.OPTIONS.equals(method);
    }

    /** Browsers send Sec-Fetch-Site and Origin; a request that carries neither cannot be a browser's cross-site one. */
    static boolean sameOrigin(RoutingContext context) {
        String fetchSite = context.request().getHeader("Sec-Fetch-Site");
        if (fetchSite != null && !fetchSite.equals("same-origin") && !fetchSite.equals("none")) {
            return false;
        }
        String origin = context.request().getHeader(HttpHeaders.ORIGIN);
        if (origin == null) {
            return true;
        }
        String host = context.request().getHeader(HttpHeaders.HOST);
        try {
            java.net.URI uri = java.net.URI.create(origin);
            String originHost = uri.getPort() == -1 ? uri.getHost() : uri.getHost() + ":" + uri.getPort();
            return host != null && host.equalsIgnoreCase(originHost);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
