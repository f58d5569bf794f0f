package io.restartwatch.plan.messaging;

/**
 * An event as a consumer applies it: its CloudEvent id (the idempotency key), its source and its data.
 *
 * @param source the CloudEvent source, e.g. {@code /restartwatch/check-service}
 */
public record Received<T>(String eventId, String source, T data) {
}
