package io.restartwatch.support.security;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The one role model of every service. Each role includes the ones below it, so an endpoint names the lowest
 * role that may call it: {@code @RolesAllowed(Roles.VIEWER)} lets operators and admins in too.
 *
 * <ul>
 *   <li>{@link #VIEWER}: views, timeline, stream, dashboard, priorities, check history</li>
 *   <li>{@link #OPERATOR}: acknowledge, snooze, manual recheck</li>
 *   <li>{@link #ADMIN}: inventory, agent tokens, policies, webhooks, pipelines, API keys</li>
 * </ul>
 */
public final class Roles {

    public static final String VIEWER = "viewer";
    public static final String OPERATOR = "operator";
    public static final String ADMIN = "admin";

    /** Highest first. */
    public static final java.util.List<String> ALL = java.util.List.of(ADMIN, OPERATOR, VIEWER);

    private Roles() {
    }

    /** The roles granted, each with every role it includes; names that are not ours are dropped. */
    public static Set<String> withImplied(Set<String> granted) {
        Set<String> effective = new LinkedHashSet<>();
        boolean below = false;
        for (String role : ALL) {
            below |= granted.contains(role);
            if (below) {
                effective.add(role);
            }
        }
        return effective;
    }

    public static boolean isRole(String name) {
        return ALL.contains(name);
    }
}
