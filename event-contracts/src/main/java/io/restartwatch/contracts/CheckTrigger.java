package io.restartwatch.contracts;

/** Why a check ran. */
public enum CheckTrigger {
    /** The periodic sweep. */
    SCHEDULED,
    /** A deploy of the server's application completed. */
    DEPLOY,
    /** Someone asked for a recheck. */
    MANUAL,
    /** The server's agent pushed a report. */
    AGENT
}
