package io.restartwatch.plan.runner;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

import jakarta.inject.Inject;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restartwatch.contracts.CheckCompleted;
import io.restartwatch.contracts.CheckOutcome;
import io.restartwatch.contracts.CloudEventHeaders;
import io.restartwatch.contracts.EventTypes;
import io.restartwatch.contracts.PriorityLevel;
import io.restartwatch.contracts.RestartKind;
import io.restartwatch.contracts.Topics;
import io.restartwatch.testsupport.KafkaEvents.ReceivedEvent;
import io.restartwatch.testsupport.LocalInfraResource;
import org.junit.jupiter.api.Test;

/**
 * plan-service's copy of the fleet, fed from the real topics: each topic's newest event wins (revision, sequence,
 * check time), checks that prove nothing change nothing, and poison on any channel goes to its dead-letter topic.
 */
@QuarkusTest
@WithTestResource(value = LocalInfraResource.class, initArgs = @ResourceArg(name = "database", value = "plan"))
class ReadModelTest {

    @Inject
    RunnerFixtures fixtures;

    @Test
    void theNewestInventoryRevisionWinsAndARemovalIsKept() {
        String server = RunnerFixtures.uniqueId("inv");
        fixtures.server(server, server + ".new.example.net", "shop", "prod", 5, false);
        fixtures.server(server, server + ".old.example.net", "old-shop", "staging", 3, false);
        fixtures.awaitTrue(() -> Objects.equals(fixtures.serverColumn(server, "hostname"), server + ".new.example.net"));
        // The late, older revision is applied after the newer one and changes nothing: wait for a later marker.
        String marker = RunnerFixtures.uniqueId("inv-marker");
        fixtures.server(marker, "shop", 1);
        fixtures.awaitTrue(() -> fixtures.serverColumn(marker, "hostname") != null);
        assertThat(fixtures.serverColumn(server, "application_id")).isEqualTo("shop");
        assertThat(fixtures.serverColumn(server, "environment")).isEqualTo("prod");
        assertThat(String.valueOf(fixtures.serverColumn(server, "labels"))).contains("\"team\"");

        fixtures.server(server, server + ".new.example.net", "shop", "prod", 6, true);
        fixtures.awaitTrue(() -> Boolean.TRUE.equals(fixtures.serverColumn(server, "removed")));
    }

    @Test
    void onlyAPendingRebootCountsAndTheNewestSequenceWins() {
        String server = RunnerFixtures.uniqueId("prio");
        Instant since = Instant.parse("2026-11-20T08:00:00Z");
        fixtures.priority(server, "shop", 10, true, PriorityLevel.HIGH, RestartKind.REBOOT, since);
        fixtures.awaitTrue(() -> "HIGH".equals(fixtures.serverColumn(server, "level")));
        assertThat(fixtures.serverColumn(server, "pending")).isEqualTo(true);
        assertThat(fixtures.serverColumn(server, "exposure")).isEqualTo("PUBLIC");
        assertThat(fixtures.serverColumn(server, "score")).isEqualTo(50);
        assertThat(fixtures.serverColumn(server, "required_since")).isNotNull();
        assertThat(fixtures.serverColumn(server, "application_id")).as("filled until the inventory says").isEqualTo("shop");

        // Older: ignored.
        fixtures.priority(server, "shop", 9, true, PriorityLevel.LOW, RestartKind.REBOOT, since);
        // Newer, but only services to restart: a plan has nothing to reboot.
        fixtures.priority(server, "shop", 11, true, PriorityLevel.MEDIUM, RestartKind.SERVICES, since);
        fixtures.awaitTrue(() -> Long.valueOf(11).equals(((Number) fixtures.serverColumn(server, "assessed_sequence")).longValue()));
        assertThat(fixtures.serverColumn(server, "pending")).isEqualTo(false);
        assertThat(fixtures.serverColumn(server, "level")).isNull();

        fixtures.priority(server, "shop", 12, true, PriorityLevel.CRITICAL, RestartKind.REBOOT, since);
        fixtures.awaitTrue(() -> "CRITICAL".equals(fixtures.serverColumn(server, "level")));
        fixtures.priority(server, "shop", 13, false, null, RestartKind.REBOOT, null);
        fixtures.awaitTrue(() -> Boolean.FALSE.equals(fixtures.serverColumn(server, "pending")));
    }

    @Test
    void successfulChecksSetTheBootIdTheNewestWinsAndUnreachableChangesNothing() {
        String server = RunnerFixtures.uniqueId("chk");
        Instant t = fixtures.now();
        fixtures.publishCheck(RunnerFixtures.check(server, t, CheckOutcome.REBOOT_REQUIRED, "boot-1"));
        fixtures.awaitTrue(() -> "boot-1".equals(fixtures.serverColumn(server, "boot_id")));
        assertThat(fixtures.serverColumn(server, "reboot_required")).isEqualTo(true);
        assertThat(fixtures.serverColumn(server, "sentinel")).isEqualTo(true);

        fixtures.publishCheck(RunnerFixtures.check(server, t.minusSeconds(60), CheckOutcome.UP_TO_DATE, "boot-0"));
        fixtures.publishCheck(RunnerFixtures.check(server, t.plusSeconds(60), CheckOutcome.UNREACHABLE, null));
        CheckCompleted newer = RunnerFixtures.check(server, t.plusSeconds(120), CheckOutcome.UP_TO_DATE, null);
        fixtures.publishCheck(newer);
        fixtures.awaitTrue(() -> Boolean.FALSE.equals(fixtures.serverColumn(server, "reboot_required")));
        assertThat(fixtures.serverColumn(server, "boot_id")).as("a check without a boot id keeps the known one").isEqualTo("boot-1");
        assertThat(fixtures.serverColumn(server, "sentinel")).isEqualTo(false);

        // A reboot still required by a waiting kernel alone: no sentinel.
        fixtures.publishCheck(RunnerFixtures.check(server, t.plusSeconds(180), CheckOutcome.REBOOT_REQUIRED, "boot-2", List.of("kernel")));
        fixtures.awaitTrue(() -> "boot-2".equals(fixtures.serverColumn(server, "boot_id")));
        assertThat(fixtures.serverColumn(server, "reboot_required")).isEqualTo(true);
        assertThat(fixtures.serverColumn(server, "sentinel")).isEqualTo(false);
        assertThat(fixtures.serverColumn(server, "last_checked_at")).isNotNull();
    }

    @Test
    void poisonOnEveryChannelIsDeadLettered() {
        String key = RunnerFixtures.uniqueId("poison");
        fixtures.poison(Topics.SERVERS, key, EventTypes.SERVER_UPDATED);
        fixtures.poison(Topics.PRIORITIES, key, EventTypes.PRIORITY_ASSESSED);
        fixtures.poison(Topics.CHECKS, key, EventTypes.CHECK_COMPLETED);
        fixtures.poison(Topics.RESTARTS, key, EventTypes.RESTART_STARTED);
        for (String topic : List.of(Topics.SERVERS, Topics.PRIORITIES, Topics.CHECKS, Topics.RESTARTS)) {
            List<ReceivedEvent> dead = fixtures.kafka().awaitEvents(Topics.deadLetter(topic), RunnerFixtures.WAIT,
                    e -> key.equals(e.key()), 1);
            assertThat(dead).as(topic).hasSize(1);
            assertThat(dead.get(0).headers()).containsKey(CloudEventHeaders.DEAD_LETTER_REASON);
        }
        // Still consuming after the poison.
        String server = RunnerFixtures.uniqueId("after-poison");
        fixtures.server(server, "shop", 1);
        fixtures.awaitTrue(() -> fixtures.serverColumn(server, "hostname") != null);
    }
}
