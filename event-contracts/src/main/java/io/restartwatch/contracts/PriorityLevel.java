package io.restartwatch.contracts;

/** Urgency of a pending restart, lowest first so ordinal comparisons read naturally. */
public enum PriorityLevel {
    LOW, MEDIUM, HIGH, CRITICAL
}
