package io.restartwatch.support.messaging;

/**
 * An event that can never be processed (malformed, missing fields, unknown type): it goes to the topic's
 * dead-letter topic with this message as the reason, and the consumer moves on.
 */
public class PoisonEventException extends RuntimeException {

    public PoisonEventException(String message) {
        super(message);
    }

    public PoisonEventException(String message, Throwable cause) {
        super(message, cause);
    }
}
