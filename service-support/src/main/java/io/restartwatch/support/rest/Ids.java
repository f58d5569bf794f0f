package io.restartwatch.support.rest;

/**
 * The one id rule of Restart Watch: server, application and environment ids are lower-case DNS-label-like names
 * (at most 63 characters), so every service checks a path or query parameter the same way check-service checked
 * the id when the server was registered.
 */
public final class Ids {

    /** A server, application or environment id, for {@code @Pattern(regexp = ...)}. */
    public static final String ID_PATTERN = "[a-z0-9][a-z0-9._-]{0,62}";

    private Ids() {
    }
}
