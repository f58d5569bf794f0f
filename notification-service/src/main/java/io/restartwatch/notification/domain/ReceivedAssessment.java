package io.restartwatch.notification.domain;

import io.restartwatch.contracts.PriorityAssessed;

/**
 * A {@code priority.assessed} as received from Kafka.
 *
 * @param eventId its CloudEvent id: a redelivery has the same one
 */
public record ReceivedAssessment(String eventId, PriorityAssessed assessment) {
}
