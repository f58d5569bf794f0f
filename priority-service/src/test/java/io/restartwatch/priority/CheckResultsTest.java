package io.restartwatch.priority;

import static io.restartwatch.priority.Fixtures.pending;
import static io.restartwatch.priority.Fixtures.server;
import static io.restartwatch.priority.Fixtures.uniqueId;
import static io.restartwatch.priority.Fixtures.upToDate;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import jakarta.inject.Inject;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restartwatch.contracts.CheckCompleted;
import io.restartwatch.contracts.CheckOutcome;
import io.restartwatch.contracts.CloudEventHeaders;
import io.restartwatch.contracts.EventTypes;
import io.restartwatch.contracts.Exposure;
import io.restartwatch.contracts.PriorityAssessed;
import io.restartwatch.contracts.PriorityLevel;
import io.restartwatch.contracts.ServerSnapshot;
import io.restartwatch.contracts.Surface;
import io.restartwatch.contracts.Topics;
import io.restartwatch.priority.persistence.RestartStateEntity;
import io.restartwatch.testsupport.KafkaEvents;
import io.restartwatch.testsupport.KafkaEvents.ReceivedEvent;
import io.restartwatch.testsupport.LocalInfraResource;
import org.junit.jupiter.api.Test;

/** Check results and inventory snapshots over real Kafka and PostgreSQL: order, duplicates, exposure, clearing. */
@QuarkusTest
@WithTestResource(value = LocalInfraResource.class, initArgs = @ResourceArg(name = "database", value = "priority"))
class CheckResultsTest {

    @Inject
    Fixtures fixtures;

    @Test
    void reorderedAndDuplicatedChecksNeverRegressState() {
        String id = uniqueId("reorder");
        Instant now = fixtures.now();
        fixtures.register(server(id, "shop", 1, "0.0.0.0/0"));
        CheckCompleted newest = pending(id, now, now.minus(Duration.ofDays(2)), "boot-1", "openssl");
        String newestEventId = fixtures.publish(newest);
        PriorityAssessed first = fixtures.awaitAssessment(id, a -> a.pending());
        assertThat(first.sequence()).isEqualTo(1);
        assertThat(first.score()).isEqualTo(10 + 40 + 4 + 15);

        // Older checks arriving late: one says up to date, one claims an earlier requiredSince and other packages.
        fixtures.publish(upToDate(id, now.minus(Duration.ofHours(1)), "boot-1"));
        fixtures.publish(pending(id, now.minus(Duration.ofHours(2)), now.minus(Duration.ofDays(5)), "boot-1", "libc6"));
        // The same check again: redelivered with its ce_id, and republished under a new ce_id.
        fixtures.redeliver(newestEventId, newest);
        fixtures.publish(newest);
        fixtures.awaitCheckQueueDrained(id);

        RestartStateEntity state = fixtures.state(id);
        assertThat(state.pending).isTrue();
        assertThat(state.requiredSince).isEqualTo(now.minus(Duration.ofDays(2)));
        assertThat(state.packages).containsExactly("openssl");
        assertThat(state.lastCheckAt).isEqualTo(now);
        assertThat(state.lastCheckId).isEqualTo(newest.checkId());
        assertThat(state.sequence).as("nothing new to publish").isEqualTo(1);
        assertThat(fixtures.assessments(id)).containsExactly(first);
    }

    /**
     * A check that parses but cannot be applied (its server id is longer than the schema allows) sent together
     * with good ones, so that they usually share a polled batch: the good ones are applied, the bad one alone
     * reaches the dead-letter topic, with the reason.
     */
    @Test
    void aCheckThatCannotBeAppliedIsDeadLetteredAloneAndTheOthersApply() {
        String unstorable = "x".repeat(100);
        List<String> good = List.of(uniqueId("batch-a"), uniqueId("batch-b"), uniqueId("batch-c"), uniqueId("batch-d"));
        Instant now = fixtures.now();
        KafkaEvents kafka = KafkaEvents.local();
        try (var publisher = kafka.publisher()) {
            for (String id : List.of(good.get(0), good.get(1), unstorable, good.get(2), good.get(3))) {
                publisher.send(Topics.CHECKS, id, EventTypes.CHECK_COMPLETED, pending(id, now, now.minus(Duration.ofDays(1)), "boot-1", "openssl"));
            }
        }

        for (String id : good) {
            assertThat(fixtures.awaitAssessment(id, PriorityAssessed::pending).packages()).containsExactly("openssl");
        }
        ReceivedEvent dead = kafka.awaitEvents(Topics.deadLetter(Topics.CHECKS), Duration.ofSeconds(30),
                e -> unstorable.equals(e.key()), 1).get(0);
        assertThat(dead.headers().get(CloudEventHeaders.DEAD_LETTER_REASON)).contains("value too long");
        assertThat(dead.headers()).containsEntry("dead-letter-topic", Topics.CHECKS);
        assertThat(fixtures.state(unstorable)).isNull();
    }

    @Test
    void aLateRebootRequiredCheckDoesNotReopenADoneRestart() {
        String id = uniqueId("late");
        Instant now = fixtures.now();
        fixtures.register(server(id, "shop", 1, "10.0.0.0/8"));
        fixtures.publish(pending(id, now.minus(Duration.ofHours(3)), now.minus(Duration.ofDays(1)), "boot-1", "libc6"));
        fixtures.awaitAssessment(id, PriorityAssessed::pending);
        fixtures.publish(upToDate(id, now, "boot-2"));
        fixtures.awaitAssessment(id, a -> !a.pending());

        fixtures.publish(pending(id, now.minus(Duration.ofHours(1)), now.minus(Duration.ofDays(1)), "boot-1", "libc6"));
        fixtures.awaitCheckQueueDrained(id);

        assertThat(fixtures.state(id).pending).isFalse();
        assertThat(fixtures.state(id).sequence).isEqualTo(2);
    }

    @Test
    void unreachableKeepsTheLastKnownState() {
        String id = uniqueId("unreach");
        Instant now = fixtures.now();
        fixtures.register(server(id, "shop", 1, "10.0.0.0/8"));
        fixtures.publish(pending(id, now.minus(Duration.ofHours(2)), now.minus(Duration.ofDays(3)), "boot-1", "systemd"));
        fixtures.awaitAssessment(id, PriorityAssessed::pending);

        fixtures.awaitCheckQueueDrained(id); // an UNREACHABLE check, newer than the last one

        RestartStateEntity state = fixtures.state(id);
        assertThat(state.pending).isTrue();
        assertThat(state.requiredSince).isEqualTo(now.minus(Duration.ofDays(3)));
        assertThat(state.lastCheckAt).isEqualTo(now.minus(Duration.ofHours(2)));
        assertThat(state.sequence).isEqualTo(1);
    }

    @Test
    void requiredSinceIsTheEarliestEvidence() {
        String id = uniqueId("since");
        Instant now = fixtures.now();
        fixtures.register(server(id, "shop", 1, "10.0.0.0/8"));
        // The first check saw a newer kernel but no sentinel: the check itself is the evidence.
        fixtures.publish(Fixtures.check(id, now.minus(Duration.ofHours(5)), CheckOutcome.REBOOT_REQUIRED, null, "boot-1",
                "6.8.0-48-generic", "6.8.0-49-generic"));
        PriorityAssessed kernelOnly = fixtures.awaitAssessment(id, PriorityAssessed::pending);
        assertThat(kernelOnly.requiredSince()).isEqualTo(now.minus(Duration.ofHours(5)));
        assertThat(kernelOnly.factors()).anySatisfy(f -> {
            assertThat(f.name()).isEqualTo("kernel");
            assertThat(f.contribution()).isEqualTo(20);
        });

        // Then the sentinel, older than that check; then a newer sentinel mtime: the earliest stays.
        fixtures.publish(pending(id, now.minus(Duration.ofHours(4)), now.minus(Duration.ofDays(2)), "boot-1", "libc6"));
        fixtures.publish(pending(id, now.minus(Duration.ofHours(3)), now.minus(Duration.ofHours(6)), "boot-1", "libc6"));
        fixtures.awaitCheckQueueDrained(id);

        assertThat(fixtures.state(id).requiredSince).isEqualTo(now.minus(Duration.ofDays(2)));
    }

    @Test
    void anExposureChangeReassessesAtOnce() {
        String id = uniqueId("exposure");
        Instant now = fixtures.now();
        fixtures.register(server(id, "shop", 1, "10.0.0.0/8"));
        fixtures.publish(pending(id, now, now.minus(Duration.ofHours(1)), "boot-1"));
        PriorityAssessed internal = fixtures.awaitAssessment(id, PriorityAssessed::pending);
        assertThat(internal.exposure()).isEqualTo(Exposure.INTERNAL);
        assertThat(internal.surfaces()).containsExactly(Surface.SERVER);

        // A firewall edit opens 443 to every IPv6 address.
        fixtures.publish(server(id, "shop", 2, "10.0.0.0/8", "::/0"));
        PriorityAssessed opened = fixtures.awaitAssessment(id, a -> a.sequence() == 2);
        assertThat(opened.exposure()).isEqualTo(Exposure.PUBLIC);
        assertThat(opened.level()).isEqualTo(PriorityLevel.HIGH);
        assertThat(opened.surfaces()).containsExactlyInAnyOrder(Surface.SERVER, Surface.DASHBOARD);
        assertThat(opened.factors()).anySatisfy(f -> assertThat(f.detail()).isEqualTo("declared: port 443/tcp open to ::/0 (public)"));

        // A stale snapshot (older revision) arriving late changes nothing.
        String late = fixtures.publish(server(id, "shop", 1, "10.0.0.0/8"));
        fixtures.awaitProcessed("servers", late);
        assertThat(fixtures.state(id).exposure).isEqualTo(Exposure.PUBLIC);

        // Narrowed to a partner's range: restricted.
        fixtures.publish(server(id, "shop", 3, "203.0.113.0/24"));
        PriorityAssessed narrowed = fixtures.awaitAssessment(id, a -> a.sequence() == 3);
        assertThat(narrowed.exposure()).isEqualTo(Exposure.RESTRICTED);
        assertThat(narrowed.score()).isEqualTo(30);
        assertThat(narrowed.surfaces()).containsExactly(Surface.SERVER);
    }

    @Test
    void aCheckCarriesTheServerWhenTheInventoryEventIsLate() {
        String id = uniqueId("carried");
        Instant now = fixtures.now();
        CheckCompleted bare = pending(id, now, now.minus(Duration.ofHours(1)), "boot-1");
        fixtures.publish(new CheckCompleted(bare.schemaVersion(), bare.checkId(), id, now, bare.trigger(), bare.outcome(),
                null, List.of(), bare.requiredSince(), "boot-1", null, null, server(id, "carried-app", 5, "0.0.0.0/0"), null, null, null, null));

        PriorityAssessed assessed = fixtures.awaitAssessment(id, PriorityAssessed::pending);
        assertThat(assessed.exposure()).isEqualTo(Exposure.PUBLIC);
        assertThat(assessed.applicationId()).isEqualTo("carried-app");
    }

    @Test
    void anUpToDateCheckClearsTheRestart() {
        String id = uniqueId("cleared");
        Instant now = fixtures.now();
        fixtures.register(server(id, "shop", 1, "0.0.0.0/0"));
        fixtures.publish(pending(id, now.minus(Duration.ofMinutes(10)), now.minus(Duration.ofDays(1)), "boot-1", "openssl"));
        fixtures.awaitAssessment(id, PriorityAssessed::pending);

        fixtures.publish(upToDate(id, now, "boot-1"));

        PriorityAssessed cleared = fixtures.awaitAssessment(id, a -> !a.pending());
        assertThat(cleared.sequence()).isEqualTo(2);
        assertThat(cleared.level()).isNull();
        assertThat(cleared.surfaces()).isEmpty();
        assertThat(fixtures.state(id).pending).isFalse();
    }

    @Test
    void aNewBootIdClearsTheRestartAndANewSentinelOpensAnother() {
        String id = uniqueId("reboot");
        Instant now = fixtures.now();
        fixtures.register(server(id, "shop", 1, "0.0.0.0/0"));
        fixtures.publish(pending(id, now.minus(Duration.ofHours(1)), now.minus(Duration.ofDays(3)), "boot-1", "linux-image-6.8.0-49-generic"));
        fixtures.awaitAssessment(id, PriorityAssessed::pending);

        // Rebooted (boot-2), and unattended-upgrades has since installed a new libc6.
        fixtures.publish(pending(id, now, now.minus(Duration.ofMinutes(10)), "boot-2", "libc6"));

        PriorityAssessed cleared = fixtures.awaitAssessment(id, a -> a.sequence() == 2);
        assertThat(cleared.pending()).isFalse();
        PriorityAssessed reopened = fixtures.awaitAssessment(id, a -> a.sequence() == 3);
        assertThat(reopened.pending()).isTrue();
        assertThat(reopened.requiredSince()).isEqualTo(now.minus(Duration.ofMinutes(10)));
        assertThat(reopened.packages()).containsExactly("libc6");
    }

    @Test
    void aSentinelOlderThanTheRebootSurvivedItAndKeepsItsAge() {
        String id = uniqueId("survived");
        Instant now = fixtures.now();
        fixtures.register(server(id, "shop", 1, "0.0.0.0/0"));
        fixtures.publish(pending(id, now.minus(Duration.ofHours(1)), now.minus(Duration.ofDays(3)), "boot-1", "openssl"));
        fixtures.awaitAssessment(id, PriorityAssessed::pending);

        // A new boot id, yet the same sentinel, dated before the last check on the old boot.
        fixtures.publish(pending(id, now, now.minus(Duration.ofDays(3)), "boot-2", "openssl"));
        fixtures.awaitCheckQueueDrained(id);

        RestartStateEntity state = fixtures.state(id);
        assertThat(state.pending).isTrue();
        assertThat(state.requiredSince).isEqualTo(now.minus(Duration.ofDays(3)));
        assertThat(state.bootId).isEqualTo("boot-2");
        assertThat(state.sequence).as("neither cleared nor reopened").isEqualTo(1);
    }

    @Test
    void aRemovedServerIsCleared() {
        String id = uniqueId("removed");
        Instant now = fixtures.now();
        fixtures.register(server(id, "shop", 1, "10.0.0.0/8"));
        fixtures.publish(pending(id, now, now.minus(Duration.ofDays(1)), "boot-1", "dbus"));
        fixtures.awaitAssessment(id, PriorityAssessed::pending);

        var live = server(id, "shop", 2, "10.0.0.0/8");
        fixtures.publish(new ServerSnapshot(live.schemaVersion(), id, 2, true, live.hostname(),
                live.applicationId(), live.environment(), live.labels(), live.openPorts(), live.probeKind(), live.changedAt()));

        assertThat(fixtures.awaitAssessment(id, a -> !a.pending()).sequence()).isEqualTo(2);
    }
}
