package io.restartwatch.contracts;

/** What a notification is about; a server has at most one open notification of each kind. */
public enum NotificationKind {
    /** The server needs a reboot. */
    REBOOT,
    /** Some services need a restart, no reboot. */
    SERVICE_RESTART,
    /** Restart Watch has had no successful check of the server for its max-silence: it cannot vouch for it. */
    UNVERIFIED,
    /**
     * A restart plan halted because this server did not come back (or its executor failed); cleared when the plan
     * is resumed, cancelled or completes, or the server's restart is verified after all.
     */
    PLAN_HALTED
}
