package io.restartwatch.contracts;

/** Where a pending restart is shown. */
public enum Surface {
    /** The server's own page: every pending restart. */
    SERVER,
    /** The fleet dashboard: public or urgent ones. */
    DASHBOARD,
    /** The application's page: stale ones. */
    APPLICATION
}
