package io.restartwatch.priority.domain;

/**
 * How a port found listening on every interface, that no declared rule covers and no host firewall rule decides,
 * is weighed ({@code restartwatch.priority.undeclared}). Restart Watch cannot see the network's own filtering
 * (security groups, edge firewalls), so this is the operator's assumption about it.
 */
public enum UndeclaredExposure {
    /** Assume nothing filters it: counts as open to anywhere. */
    PUBLIC,
    /** Assume something filters it, but not down to private ranges: counts as restricted (the default). */
    RESTRICTED,
    /** Listed and flagged, but never raises the exposure. */
    IGNORE
}
