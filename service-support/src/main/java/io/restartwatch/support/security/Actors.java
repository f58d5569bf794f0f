package io.restartwatch.support.security;

import io.quarkus.security.identity.SecurityIdentity;

/** Who did something, as timelines and audit records name them: taken from the authenticated identity, never from a request body. */
public final class Actors {

    /** Principal names of API-key identities: {@code key:<name>}; OIDC identities keep the provider's user name. */
    public static final String API_KEY_PREFIX = "key:";

    private Actors() {
    }

    public static String of(SecurityIdentity identity) {
        if (identity == null || identity.isAnonymous()) {
            throw new IllegalStateException("An action was attributed to an anonymous caller");
        }
        return identity.getPrincipal().getName();
    }
}
