package io.restartwatch.check.probe;

/**
 * Raised by the parsers of what a server sent (probe output, agent report) when it is garbage, oversized or
 * hostile; the check fails with {@link #reason()} ({@code MALFORMED_OUTPUT}, {@code TOO_MANY_SOCKETS}…) and
 * nothing of it is kept.
 */
public final class MalformedOutputException extends RuntimeException {

    private final String reason;

    public MalformedOutputException(String reason, String detail) {
        super(detail, null, false, false);
        this.reason = reason;
    }

    public String reason() {
        return reason;
    }
}
