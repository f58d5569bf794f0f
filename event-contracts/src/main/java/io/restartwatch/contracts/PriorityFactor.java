package io.restartwatch.contracts;

/**
 * One line of a score's explanation, e.g. {@code exposure}, "port 443/tcp open to 0.0.0.0/0", +40.
 * The contributions of an assessment sum to its score.
 */
public record PriorityFactor(String name, String detail, int contribution) {
}
