package io.restartwatch.contracts;

/** What a check found. */
public enum CheckOutcome {
    REBOOT_REQUIRED,
    UP_TO_DATE,
    /** The server could not be checked; says nothing about its restart state. */
    UNREACHABLE
}
