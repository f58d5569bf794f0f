package io.restartwatch.support.security;

import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.SecurityIdentityAugmentor;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;

/**
 * Gives every identity the roles its roles include ({@link Roles#withImplied}), whichever mechanism made it: an
 * OIDC token that says {@code admin} may also do what an {@code operator} and a {@code viewer} may. Provider
 * group names are mapped to our roles first with Quarkus's {@code quarkus.http.auth.roles-mapping}.
 */
@ApplicationScoped
public class RoleHierarchyAugmentor implements SecurityIdentityAugmentor {

    @Override
    public Uni<SecurityIdentity> augment(SecurityIdentity identity, AuthenticationRequestContext context) {
        if (identity.isAnonymous()) {
            return Uni.createFrom().item(identity);
        }
        Set<String> effective = Roles.withImplied(identity.getRoles());
        if (identity.getRoles().containsAll(effective)) {
            return Uni.createFrom().item(identity);
        }
        return Uni.createFrom().item(QuarkusSecurityIdentity.builder(identity).addRoles(effective).build());
    }
}
