package io.restartwatch.support.security;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
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
 * groups are mapped to our roles first ({@code restartwatch.security.role-mapping}): Quarkus's own
 * {@code quarkus.http.auth.roles-mapping} applies after augmentors, so a group mapped there would miss the roles
 * below its role.
 */
@ApplicationScoped
public class RoleHierarchyAugmentor implements SecurityIdentityAugmentor {

    private final Map<String, List<String>> roleMapping;

    public RoleHierarchyAugmentor(SecuritySettings settings) {
        this.roleMapping = settings.roleMapping();
    }

    @Override
    public Uni<SecurityIdentity> augment(SecurityIdentity identity, AuthenticationRequestContext context) {
        if (identity.isAnonymous()) {
            return Uni.createFrom().item(identity);
        }
        Set<String> granted = new HashSet<>(identity.getRoles());
        identity.getRoles().forEach(group -> granted.addAll(roleMapping.getOrDefault(group, List.of())));
        Set<String> effective = Roles.withImplied(granted);
        if (identity.getRoles().containsAll(effective)) {
            return Uni.createFrom().item(identity);
        }
        return Uni.createFrom().item(QuarkusSecurityIdentity.builder(identity).addRoles(effective).build());
    }
}
