package io.restartwatch.contracts;

/** Lifecycle of a notification. */
public enum NotificationStatus {
    OPEN, CLEARED
}
