package io.restartwatch.contracts;

/** Where one planned restart of one server stands. */
public enum RestartStatus {
    /** Released to the executors: act between {@code notBefore} and {@code notAfter}. */
    SCHEDULED,
    /** An executor reports it began (pre-hook, then the reboot command). */
    STARTED,
    /** A check after the release saw a new boot id and no reboot-required sentinel (and the health URL answered). */
    VERIFIED,
    /** Not back within the restart timeout, or the executor reported a failure: the plan halts. */
    FAILED,
    /** The plan was cancelled before the restart began: executors must not act on it. */
    CANCELLED
}
