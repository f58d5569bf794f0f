package io.restartwatch.priority;

import static io.restartwatch.priority.Fixtures.pending;
import static io.restartwatch.priority.Fixtures.server;
import static io.restartwatch.priority.Fixtures.uniqueId;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;

import jakarta.inject.Inject;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restartwatch.contracts.PriorityAssessed;
import io.restartwatch.contracts.PriorityLevel;
import io.restartwatch.contracts.Surface;
import io.restartwatch.priority.scheduling.ReassessmentJob;
import io.restartwatch.testsupport.LocalInfraResource;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Time passing with no new check: the clock moves, the scheduled job re-assesses. Nobody sleeps for days. */
@QuarkusTest
@WithTestResource(value = LocalInfraResource.class, initArgs = @ResourceArg(name = "database", value = "priority"))
class ReassessmentTest {

    @Inject
    Fixtures fixtures;

    @Inject
    MutableClock clock;

    @Inject
    ReassessmentJob job;

    @AfterEach
    void resetClock() {
        clock.reset();
    }

    @Test
    void crossingStaleAfterEscalatesToTheApplicationThroughTheScheduler() {
        String id = uniqueId("stale");
        Instant now = fixtures.now();
        Instant since = now.minus(Duration.ofDays(7)).plus(Duration.ofHours(1));
        fixtures.register(server(id, "shop", 1, "10.0.0.0/8"));
        fixtures.publish(pending(id, now, since, "boot-1"));
        PriorityAssessed fresh = fixtures.awaitAssessment(id, PriorityAssessed::pending);
        assertThat(fresh.score()).isEqualTo(10 + 12);
        assertThat(fresh.surfaces()).containsExactly(Surface.SERVER);
        assertThat(fixtures.state(id).nextReassessAt).isEqualTo(since.plus(Duration.ofDays(7)));

        clock.advance(Duration.ofHours(2));

        // No runOnce(): the @Scheduled job (every second in tests) notices on its own.
        PriorityAssessed stale = fixtures.awaitAssessment(id, a -> a.surfaces().contains(Surface.APPLICATION));
        assertThat(stale.sequence()).isEqualTo(2);
        assertThat(stale.level()).isEqualTo(PriorityLevel.MEDIUM);
        assertThat(stale.score()).isEqualTo(10 + 14 + 15);
        assertThat(stale.factors()).anySatisfy(f -> assertThat(f.detail()).startsWith("pending 7d").endsWith("≥ staleAfter 7d"));
        assertThat(fixtures.state(id).nextReassessAt).isEqualTo(since.plus(Duration.ofDays(30)));
    }

    @Test
    void crossingCriticalAfterMakesAnInternalServerCritical() {
        String id = uniqueId("critical");
        Instant now = fixtures.now();
        Instant since = now.minus(Duration.ofDays(30)).plus(Duration.ofMinutes(30));
        fixtures.register(server(id, "shop", 1, "10.0.0.0/8"));
        fixtures.publish(pending(id, now, since, "boot-1", "dbus"));
        assertThat(fixtures.awaitAssessment(id, PriorityAssessed::pending).level()).isEqualTo(PriorityLevel.MEDIUM);

        clock.advance(Duration.ofHours(1));
        job.runOnce();

        PriorityAssessed critical = fixtures.awaitAssessment(id, a -> a.level() == PriorityLevel.CRITICAL);
        assertThat(critical.score()).isEqualTo(75);
        assertThat(critical.surfaces()).containsExactlyInAnyOrder(Surface.SERVER, Surface.DASHBOARD, Surface.APPLICATION);
        assertThat(fixtures.state(id).nextReassessAt).as("nothing left for time to change").isNull();
    }

    @Test
    void aNewDayWithinTheSameBandAndLevelIsNotNews() {
        String id = uniqueId("quiet");
        Instant now = fixtures.now();
        Instant since = now.minus(Duration.ofDays(1)).minus(Duration.ofHours(23));
        fixtures.register(server(id, "shop", 1, "10.0.0.0/8"));
        fixtures.publish(pending(id, now, since, "boot-1"));
        assertThat(fixtures.awaitAssessment(id, PriorityAssessed::pending).score()).isEqualTo(12);

        clock.advance(Duration.ofHours(2));
        Awaitility.await().atMost(Fixtures.WAIT).until(() -> {
            job.runOnce();
            return fixtures.state(id).score == 14;
        });

        assertThat(fixtures.state(id).sequence).as("12 → 14 stays LOW in band 1: nothing published").isEqualTo(1);
        assertThat(fixtures.state(id).nextReassessAt).isEqualTo(since.plus(Duration.ofDays(3)));
    }
}
