package io.restartwatch.support.security;

import java.time.Clock;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;

/** Turns a presented API key into an identity from memory ({@link ApiKeyDirectory}): no I/O on the request path. */
@ApplicationScoped
public class ApiKeyIdentityProvider implements IdentityProvider<ApiKeyAuthenticationRequest> {

    /** Identity attribute with the key's id, for audit records. */
    public static final String KEY_ID = "restartwatch.api-key-id";

    private final ApiKeyDirectory directory;
    private final ApiKeyUsage usage;
    private final Clock clock;

    public ApiKeyIdentityProvider(ApiKeyDirectory directory, ApiKeyUsage usage, Clock clock) {
        this.directory = directory;
        this.usage = usage;
        this.clock = clock;
    }

    @Override
    public Class<ApiKeyAuthenticationRequest> getRequestType() {
        return ApiKeyAuthenticationRequest.class;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(ApiKeyAuthenticationRequest request, AuthenticationRequestContext context) {
        var key = directory.authenticate(request.key(), clock.instant());
        if (key.isEmpty()) {
            return Uni.createFrom().failure(new AuthenticationFailedException("Unknown, expired or revoked API key"));
        }
        usage.used(key.get().keyId());
        return Uni.createFrom().item(QuarkusSecurityIdentity.builder()
                .setPrincipal(new QuarkusPrincipal(Actors.API_KEY_PREFIX + key.get().name()))
                .addRoles(Roles.withImplied(java.util.Set.copyOf(key.get().roles())))
                .addAttribute(KEY_ID, key.get().keyId())
                .build());
    }
}
