package io.restartwatch.support.security;

import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.AuthenticationRequest;
import io.quarkus.vertx.http.runtime.security.ChallengeData;
import io.quarkus.vertx.http.runtime.security.HttpAuthenticationMechanism;
import io.quarkus.vertx.http.runtime.security.HttpSecurityUtils;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;

/**
 * Takes an API key from {@code Authorization: Bearer rwk_…} or, for the dashboard in a browser, from the session
 * cookie. Anything else in the Authorization header is left to the OIDC mechanism, which runs after this one.
 *
 * <p>A cookie is sent by the browser on its own, so a state-changing request carrying only the cookie must come
 * from our own page: the cookie is {@code SameSite=Strict}, and a request that says it comes from another site
 * ({@code Sec-Fetch-Site}, {@code Origin}) is not authenticated by it.
 */
@ApplicationScoped
public class ApiKeyAuthenticationMechanism implements HttpAuthenticationMechanism {

    private static final String BEARER = "bearer ";

    private final SecuritySettings settings;

    public ApiKeyAuthenticationMechanism(SecuritySettings settings) {
        this.settings = settings;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(RoutingContext context, IdentityProviderManager identityProviderManager) {
        String key = fromAuthorizationHeader(context);
        if (key == null) {
            key = fromSessionCookie(context);
        }
        if (key == null) {
            return Uni.createFrom().optional(java.util.Optional.empty());
        }
        return identityProviderManager.authenticate(
                HttpSecurityUtils.setRoutingContextAttribute(new ApiKeyAuthenticationRequest(key), context));
    }

    @Override
    public Uni<ChallengeData> getChallenge(RoutingContext context) {
        return Uni.createFrom().item(new ChallengeData(401, "WWW-Authenticate", "Bearer realm=\"restartwatch\""));
    }

    @Override
    public Set<Class<? extends AuthenticationRequest>> getCredentialTypes() {
        return Set.of(ApiKeyAuthenticationRequest.class);
    }

    /** Before OIDC's bearer mechanism, which would reject our keys as malformed tokens. */
    @Override
    public int getPriority() {
        return DEFAULT_PRIORITY + 100;
    }

    private static String fromAuthorizationHeader(RoutingContext context) {
        String header = context.request().getHeader(HttpHeaders.AUTHORIZATION);
        if (header == null || header.length() <= BEARER.length() || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return null;
        }
        String credential = header.substring(BEARER.length()).trim();
        return credential.startsWith(ApiKeys.PREFIX) ? credential : null;
    }

    private String fromSessionCookie(RoutingContext context) {
        Cookie cookie = context.request().getCookie(settings.sessionCookie());
        if (cookie == null || !cookie.getValue().startsWith(ApiKeys.PREFIX)) {
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
