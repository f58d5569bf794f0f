package io.restartwatch.support.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.UUID;

import jakarta.inject.Inject;
import jakarta.transaction.TransactionalException;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restartwatch.support.testapp.AppliedRecords;
import io.restartwatch.testsupport.LocalInfraResource;
import org.junit.jupiter.api.Test;

/** The idempotent-consumer log on a real database: an event applies once per consumer, and only if its effect committed. */
@QuarkusTest
@WithTestResource(LocalInfraResource.class)
class ProcessedEventsTest {

    @Inject
    ProcessedEvents processed;
    @Inject
    AppliedRecords records;

    @Test
    void aRedeliveredEventIsRecognisedAndEachConsumerSeesItOnce() {
        String eventId = UUID.randomUUID().toString();

        assertThat(first("priority", eventId)).isTrue();
        assertThat(first("priority", eventId)).isFalse();
        assertThat(first("fleet-read-model", eventId)).isTrue();
        assertThat(first("fleet-read-model", eventId)).isFalse();
    }

    @Test
    void anEventWhoseEffectRolledBackIsAppliedOnItsRedelivery() {
        String eventId = UUID.randomUUID().toString();

        assertThatThrownBy(() -> QuarkusTransaction.requiringNew().run(() -> {
            assertThat(processed.firstDelivery("priority", eventId)).isTrue();
            records.insert(eventId, "effect");
            throw new IllegalStateException("the effect failed after it was recorded as processed");
        })).hasMessageContaining("the effect failed");

        assertThat(QuarkusTransaction.requiringNew().call(() -> {
            boolean first = processed.firstDelivery("priority", eventId);
            if (first) {
                records.insert(eventId, "effect");
            }
            return first;
        })).isTrue();
        assertThat(records.txById(java.util.Set.of(eventId))).hasSize(1);
    }

    @Test
    void itOnlyRunsInTheEffectsTransaction() {
        assertThatThrownBy(() -> processed.firstDelivery("priority", "outside")).isInstanceOf(TransactionalException.class);
    }

    @Test
    void aBatchIsDeduplicatedInOneStatementAgainstEarlierDeliveriesAndItself() {
        String seen = UUID.randomUUID().toString();
        String fresh = UUID.randomUUID().toString();
        String twice = UUID.randomUUID().toString();
        assertThat(first("priority", seen)).isTrue();

        java.util.Set<String> firsts = QuarkusTransaction.requiringNew().call(() ->
                processed.firstDeliveries("priority", java.util.List.of(seen, fresh, twice, twice)));

        assertThat(firsts).containsExactlyInAnyOrder(fresh, twice);
        assertThat(first("priority", fresh)).isFalse();
        assertThat(first("priority", twice)).isFalse();
        assertThat(QuarkusTransaction.requiringNew().call(() -> processed.firstDeliveries("fleet-read-model", java.util.List.of(seen))))
                .as("another consumer's log").containsExactly(seen);
    }

    private boolean first(String consumer, String eventId) {
        return QuarkusTransaction.requiringNew().call(() -> processed.firstDelivery(consumer, eventId));
    }
}
