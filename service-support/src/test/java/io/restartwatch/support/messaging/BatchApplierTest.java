package io.restartwatch.support.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import jakarta.inject.Inject;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restartwatch.contracts.CloudEventHeaders;
import io.restartwatch.support.testapp.AppliedRecords;
import io.restartwatch.support.testapp.TestTopics;
import io.restartwatch.testsupport.KafkaEvents;
import io.restartwatch.testsupport.KafkaEvents.ReceivedEvent;
import io.restartwatch.testsupport.LocalInfraResource;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * A batch applied in one transaction on a real database, with the dead letters on real Kafka: a poison record or a
 * record whose effect fails is dead-lettered alone while the rest of its batch is applied; a transient failure is
 * retried, never dead-lettered.
 */
@QuarkusTest
@WithTestResource(LocalInfraResource.class)
class BatchApplierTest {

    @Inject
    BatchApplier applier;
    @Inject
    AppliedRecords records;

    private final KafkaEvents kafka = KafkaEvents.local();

    private record Item(String id, String value) {
    }

    @Test
    void aPoisonRecordAndARecordThatCannotApplyAreDeadLetteredAloneWhileTheRestOfTheBatchIsApplied() {
        String topic = TestTopics.create("batch-poison", 1);
        String prefix = UUID.randomUUID() + "-";
        List<ConsumerRecord<String, String>> batch = new ArrayList<>();
        for (int n = 0; n < 10; n++) {
            batch.add(new ConsumerRecord<>(topic, 0, 100 + n, prefix + n, n == 3 ? "not an item" : "value-" + n));
        }

        applier.apply(batch, BatchApplierTest::parse, Item::id, item -> records.insertOrFail(item.id(), item.value(),
                id -> id.endsWith("-6"), new IllegalArgumentException("server " + item.id() + " cannot take this")));

        Set<String> applied = records.txById(ids(prefix, 10)).keySet();
        assertThat(applied).containsExactlyInAnyOrderElementsOf(IntStream.range(0, 10).filter(n -> n != 3 && n != 6)
                .mapToObj(n -> prefix + n).toList());
        List<ReceivedEvent> dead = kafka.readAll(topic + ".dlq");
        assertThat(dead).extracting(event -> event.headers().get("dead-letter-offset")).containsExactlyInAnyOrder("103", "106");
        Map<String, String> reasons = dead.stream().collect(Collectors.toMap(ReceivedEvent::key,
                event -> event.headers().get(CloudEventHeaders.DEAD_LETTER_REASON)));
        assertThat(reasons.get(prefix + 3)).contains("not an item");
        assertThat(reasons.get(prefix + 6)).contains("cannot take this");
        assertThat(dead).allSatisfy(event -> assertThat(event.headers()).containsEntry("dead-letter-topic", topic));
    }

    @Test
    void aTransientFailureIsRetriedUntilTheBatchAppliesAndNothingIsDeadLettered() {
        String topic = TestTopics.create("batch-transient", 1);
        String prefix = UUID.randomUUID() + "-";
        List<ConsumerRecord<String, String>> batch = new ArrayList<>();
        for (int n = 0; n < 5; n++) {
            batch.add(new ConsumerRecord<>(topic, 0, n, prefix + n, "value-" + n));
        }
        AtomicInteger failuresLeft = new AtomicInteger(2);

        // The database "restarts" twice while the batch is applied: its transaction rolls back each time.
        applier.apply(batch, BatchApplierTest::parse, Item::id, item -> records.insertOrFail(item.id(), item.value(),
                id -> id.endsWith("-2") && failuresLeft.getAndDecrement() > 0, AppliedRecords.connectionLost()));

        assertThat(failuresLeft.get()).isNegative();
        Map<String, Long> applied = records.txById(ids(prefix, 5));
        assertThat(applied).hasSize(5);
        assertThat(Set.copyOf(applied.values())).as("one transaction for the whole batch").hasSize(1);
        assertThat(kafka.readAll(topic + ".dlq")).isEmpty();
    }

    @Test
    void aSetBatchGetsEveryEventAtOnceInLockKeyOrderAndAFailingEventIsDeadLetteredAloneAfterwards() {
        String topic = TestTopics.create("batch-set", 1);
        String prefix = UUID.randomUUID() + "-";
        List<ConsumerRecord<String, String>> batch = new ArrayList<>();
        for (int n = 9; n >= 0; n--) { // arrives out of key order
            batch.add(new ConsumerRecord<>(topic, 0, 100 + n, prefix + n, n == 3 ? "not an item" : "value-" + n));
        }
        List<List<String>> calls = new ArrayList<>();

        applier.applyAll(batch, BatchApplierTest::parse, Item::id, items -> {
            calls.add(items.stream().map(Item::id).toList());
            for (Item item : items) {
                records.insertOrFail(item.id(), item.value(), id -> id.endsWith("-6"),
                        new IllegalArgumentException("server " + item.id() + " cannot take this"));
            }
        });

        List<String> parsed = IntStream.range(0, 10).filter(n -> n != 3).mapToObj(n -> prefix + n).toList();
        assertThat(calls.get(0)).as("the whole parsed batch at once, sorted by key").isEqualTo(parsed);
        // (the failing one possibly several times: RetryingProcessor tries other errors more than once)
        assertThat(calls.subList(1, calls.size()).stream().distinct().toList()).as("then each event alone")
                .isEqualTo(parsed.stream().map(List::of).toList());
        Map<String, Long> applied = records.txById(ids(prefix, 10));
        assertThat(applied.keySet()).containsExactlyInAnyOrderElementsOf(parsed.stream().filter(id -> !id.endsWith("-6")).toList());
        assertThat(kafka.readAll(topic + ".dlq")).extracting(event -> event.headers().get("dead-letter-offset"))
                .containsExactlyInAnyOrder("103", "106");
    }

    @Test
    void aSetBatchThatAppliesIsOneTransactionAndOneCall() {
        String topic = TestTopics.create("batch-set-ok", 1);
        String prefix = UUID.randomUUID() + "-";
        List<ConsumerRecord<String, String>> batch = new ArrayList<>();
        for (int n = 0; n < 20; n++) {
            batch.add(new ConsumerRecord<>(topic, 0, n, prefix + n, "value-" + n));
        }
        AtomicInteger calls = new AtomicInteger();

        applier.applyAll(batch, BatchApplierTest::parse, Item::id, items -> {
            calls.incrementAndGet();
            items.forEach(item -> records.insert(item.id(), item.value()));
        });

        assertThat(calls.get()).isEqualTo(1);
        Map<String, Long> applied = records.txById(ids(prefix, 20));
        assertThat(applied).hasSize(20);
        assertThat(Set.copyOf(applied.values())).hasSize(1);
        assertThat(kafka.readAll(topic + ".dlq")).isEmpty();
    }

    private static Item parse(ConsumerRecord<String, String> record) {
        if (!record.value().startsWith("value-")) {
            throw new PoisonEventException("Record " + record.offset() + " is not an item: " + record.value());
        }
        return new Item(record.key(), record.value());
    }

    private static Set<String> ids(String prefix, int count) {
        return IntStream.range(0, count).mapToObj(n -> prefix + n).collect(Collectors.toSet());
    }
}
