package io.restartwatch.priority;

import static io.restartwatch.priority.Fixtures.pending;
import static io.restartwatch.priority.Fixtures.server;
import static io.restartwatch.priority.Fixtures.uniqueId;
import static io.restartwatch.priority.Fixtures.upToDate;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.IntStream;

import jakarta.inject.Inject;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restartwatch.contracts.CheckCompleted;
import io.restartwatch.contracts.CheckOutcome;
import io.restartwatch.contracts.DiscoveredExposure;
import io.restartwatch.contracts.FirewallFacts;
import io.restartwatch.contracts.ListeningSocket;
import io.restartwatch.contracts.Livepatch;
import io.restartwatch.contracts.OpenPort;
import io.restartwatch.contracts.PriorityAssessed;
import io.restartwatch.contracts.RestartKind;
import io.restartwatch.contracts.ServerSnapshot;
import io.restartwatch.priority.domain.Assessor;
import io.restartwatch.priority.persistence.RestartStateEntity;
import io.restartwatch.testsupport.LocalInfraResource;
import io.restartwatch.testsupport.RoundTrips;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The set-based apply of a polled batch of checks: the same outcome as applying its checks one at a time, and a
 * number of statements that does not grow with the batch.
 */
@QuarkusTest
@WithTestResource(value = LocalInfraResource.class, initArgs = @ResourceArg(name = "database", value = "priority"))
class CheckBatchesTest {

    @Inject
    Fixtures fixtures;
    @Inject
    Assessor assessor;

    /**
     * One server's whole story inside one batch — pending, a reboot (new boot id, nothing pending), pending again on
     * the new boot, a late older check, and a redelivery of the first — ends as the same story told one check per
     * batch: same state, same assessments published, in the same order.
     */
    @Test
    void aBatchEndsExactlyWhereItsChecksAppliedOneByOneEnd() {
        String inOneBatch = uniqueId("one-batch");
        String oneByOne = uniqueId("one-by-one");
        fixtures.register(server(inOneBatch, "shop", 1, "0.0.0.0/0"));
        fixtures.register(server(oneByOne, "shop", 1, "0.0.0.0/0"));
        Instant now = fixtures.now();

        Function<String, List<CheckCompleted>> story = id -> {
            CheckCompleted first = pending(id, now.minus(Duration.ofHours(3)), now.minus(Duration.ofDays(2)), "boot-1", "openssl");
            return List.of(first,
                    upToDate(id, now.minus(Duration.ofHours(2)), "boot-2"),
                    pending(id, now.minus(Duration.ofHours(1)), now.minus(Duration.ofMinutes(90)), "boot-2", "libc6", "openssl"),
                    upToDate(id, now.minus(Duration.ofHours(4)), "boot-1"), // older than what was applied: ignored
                    first); // the same check id again: a redelivery
        };
        assessor.onChecks(story.apply(inOneBatch));
        story.apply(oneByOne).forEach(check -> assessor.onChecks(List.of(check)));

        RestartStateEntity batched = fixtures.state(inOneBatch);
        RestartStateEntity single = fixtures.state(oneByOne);
        assertThat(batched.pending).isTrue();
        assertThat(batched.packages).containsExactly("libc6", "openssl");
        assertThat(batched.requiredSince).isEqualTo(now.minus(Duration.ofMinutes(90)));
        assertThat(batched.bootId).isEqualTo("boot-2");
        assertThat(batched.sequence).as("pending, cleared by the reboot, pending again").isEqualTo(3);
        assertThat(List.of(batched.pending, batched.kind, batched.requiredSince, batched.packages, batched.bootId,
                batched.lastCheckAt, batched.sequence, batched.level, batched.score))
                .isEqualTo(List.of(single.pending, single.kind, single.requiredSince, single.packages, single.bootId,
                        single.lastCheckAt, single.sequence, single.level, single.score));

        List<PriorityAssessed> batchedEvents = awaitAssessments(inOneBatch, 3);
        List<PriorityAssessed> singleEvents = awaitAssessments(oneByOne, 3);
        assertThat(batchedEvents).extracting(PriorityAssessed::sequence).containsExactly(1L, 2L, 3L);
        assertThat(batchedEvents).extracting(PriorityAssessed::pending).containsExactly(true, false, true);
        assertThat(batchedEvents).extracting(PriorityAssessed::score)
                .isEqualTo(singleEvents.stream().map(PriorityAssessed::score).toList());
        assertThat(batchedEvents).extracting(PriorityAssessed::packages)
                .isEqualTo(singleEvents.stream().map(PriorityAssessed::packages).toList());
    }

    /**
     * The state alone recognises a redelivered check, so a regular check (newer than anything applied) leaves no row
     * in the consumed-id log. Two different checks of one server in the same second (agents report whole seconds) are
     * told apart by the log: each applies once, whichever order their redeliveries come in, also when a redelivery of
     * the state's own last check comes after the other in one batch.
     */
    @Test
    void aRedeliveredCheckAppliesOnceAlsoBesideAnotherOfTheSameSecond() {
        String id = uniqueId("same-second");
        fixtures.register(server(id, "shop", 1, "0.0.0.0/0"));
        Instant now = fixtures.now();
        CheckCompleted earlier = pending(id, now.minus(Duration.ofHours(1)), now.minus(Duration.ofDays(1)), "boot-1", "openssl");
        CheckCompleted first = pending(id, now, now.minus(Duration.ofDays(1)), "boot-1", "openssl", "libc6");
        CheckCompleted sameSecond = pending(id, now, now.minus(Duration.ofDays(1)), "boot-1", "openssl", "libc6", "systemd");

        assessor.onChecks(List.of(earlier));
        assessor.onChecks(List.of(first));
        assessor.onChecks(List.of(earlier, first)); // redelivered: the older one, and the newest by its id
        assertThat(fixtures.state(id).packages).containsExactly("openssl", "libc6");
        assertThat(fixtures.state(id).sequence).as("openssl, then libc6 added").isEqualTo(2);
        assertThat(fixtures.logged("checks", earlier.checkId())).as("a regular check is not logged").isFalse();
        assertThat(fixtures.logged("checks", first.checkId())).isFalse();

        assessor.onChecks(List.of(sameSecond, first)); // the state's last check redelivered after a new one of its second
        assertThat(fixtures.state(id).packages).containsExactly("openssl", "libc6", "systemd");
        assertThat(fixtures.state(id).lastCheckId).isEqualTo(sameSecond.checkId());
        assessor.onChecks(List.of(first));
        assessor.onChecks(List.of(sameSecond, first));
        RestartStateEntity state = fixtures.state(id);
        assertThat(state.packages).containsExactly("openssl", "libc6", "systemd");
        assertThat(state.lastCheckId).isEqualTo(sameSecond.checkId());
        assertThat(state.sequence).as("systemd added once; the redeliveries published nothing").isEqualTo(3);
        assertThat(fixtures.logged("checks", first.checkId()) && fixtures.logged("checks", sameSecond.checkId()))
                .as("the two checks of one second are in the log").isTrue();
    }

    /**
     * The batch writes its rows with its own upserts, JSON columns as events carry them, and reads them back through
     * the entities: every value must come back as written, or the next check would see a change that is not there
     * and publish again. Here a second check with the same content publishes nothing.
     */
    @Test
    void everyValueABatchWritesReadsBackAsWritten() {
        String id = uniqueId("round-trip");
        ServerSnapshot snapshot = server(id, "shop", 3, "0.0.0.0/0", "::/0");
        fixtures.register(snapshot);
        Instant now = fixtures.now();
        Livepatch livepatch = new Livepatch("canonical-livepatch", "applied", false);
        DiscoveredExposure discovered = new DiscoveredExposure(
                List.of(new ListeningSocket("tcp", "0.0.0.0", 443), new ListeningSocket("tcp", "::", 9100)),
                new FirewallFacts("nftables", true, List.of(new OpenPort(9100, "tcp", List.of("10.0.0.0/8")))));
        Function<Instant, CheckCompleted> check = at -> Fixtures.check2(id, at, CheckOutcome.REBOOT_REQUIRED,
                now.minus(Duration.ofDays(3)).plusNanos(123_456_000), "boot-7", List.of("openssl", "libc6"),
                List.of("nginx.service"), List.of("sentinel", "kernel"), livepatch, discovered);

        assessor.onChecks(List.of(check.apply(now.minus(Duration.ofHours(2)))));
        RestartStateEntity written = fixtures.state(id);
        assertThat(written.pending).isTrue();
        assertThat(written.kind).isEqualTo(RestartKind.REBOOT);
        assertThat(written.requiredSince).isEqualTo(now.minus(Duration.ofDays(3)).plusNanos(123_456_000));
        assertThat(written.packages).containsExactly("openssl", "libc6");
        assertThat(written.services).containsExactly("nginx.service");
        assertThat(written.detectedBy).containsExactly("sentinel", "kernel");
        assertThat(written.livepatch).isEqualTo(livepatch);
        assertThat(written.discovered).isEqualTo(discovered);
        assertThat(written.bootId).isEqualTo("boot-7");
        assertThat(written.runningKernel).isEqualTo("6.8.0-49-generic");
        assertThat(written.hostname).isEqualTo(snapshot.hostname());
        assertThat(written.applicationId).isEqualTo("shop");
        assertThat(written.sequence).isEqualTo(1);
        assertThat(written.published).isTrue();
        assertThat(written.level).isNotNull();
        assertThat(written.surfaces).isNotEmpty();
        assertThat(written.factors).isNotEmpty();
        assertThat(written.exposureFacts).isNotEmpty();
        assertThat(written.publishedPackages).isEqualTo(written.packages);
        assertThat(written.publishedServices).isEqualTo(written.services);
        assertThat(written.publishedLivepatch).isEqualTo(livepatch);
        assertThat(written.nextReassessAt).isAfter(now);
        PriorityAssessed published = awaitAssessments(id, 1).get(0);
        assertThat(written.factors).isEqualTo(published.factors());
        assertThat(written.exposureFacts).isEqualTo(published.exposureFacts());

        assessor.onChecks(List.of(check.apply(now.minus(Duration.ofHours(1)))));
        RestartStateEntity again = fixtures.state(id);
        assertThat(again.lastCheckAt).isEqualTo(now.minus(Duration.ofHours(1)));
        assertThat(again.sequence).as("the same content again: nothing new to publish").isEqualTo(1);
    }

    /**
     * A batch of 80 new servers takes as many database round trips as a batch of 8: a per-check read or write would add
     * one per check. Counted from the driver's protocol log, so plain SQL and Hibernate's statements both count.
     */
    @Test
    void theRoundTripsOfABatchDoNotGrowWithItsSize() {
        applyCounting(batchOfNewServers(8)); // the driver's first use of each statement on this connection: describes
        RoundTrips forEight = applyCounting(batchOfNewServers(8));
        RoundTrips forEighty = applyCounting(batchOfNewServers(80));
        // Locks, reads of states, profiles and policies, upserts of states and profiles, outbox, commit (new servers:
        // no consumed-id log).
        assertThat(forEight.syncs()).as("the driver's messages are seen").isGreaterThanOrEqualTo(5);
        assertThat(forEighty.syncs()).as("round trips for 80 checks, against %s for 8", forEight.statements())
                .isEqualTo(forEight.syncs());
    }

    private RoundTrips applyCounting(List<CheckCompleted> batch) {
        RoundTrips trips = RoundTrips.during(() -> assessor.onChecks(batch));
        batch.forEach(check -> assertThat(fixtures.state(check.serverId()).pending).isTrue());
        return trips;
    }

    private List<CheckCompleted> batchOfNewServers(int size) {
        Instant now = fixtures.now();
        String prefix = uniqueId("set");
        List<CheckCompleted> batch = new ArrayList<>();
        IntStream.range(0, size).forEach(n -> batch.add(Fixtures.check2(prefix + "-" + n, now, CheckOutcome.REBOOT_REQUIRED,
                now.minus(Duration.ofDays(1)), "boot-1", List.of("openssl"), List.of(), List.of(), null, null)));
        return batch;
    }

    private List<PriorityAssessed> awaitAssessments(String serverId, int count) {
        return Awaitility.await().atMost(Fixtures.WAIT).until(() -> fixtures.assessments(serverId), events -> events.size() >= count);
    }
}
