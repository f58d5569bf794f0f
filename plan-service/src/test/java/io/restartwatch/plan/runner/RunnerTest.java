package io.restartwatch.plan.runner;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import jakarta.inject.Inject;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restartwatch.contracts.CheckCompleted;
import io.restartwatch.contracts.CheckOutcome;
import io.restartwatch.contracts.EventTypes;
import io.restartwatch.contracts.PlanEvent;
import io.restartwatch.contracts.PlanStatus;
import io.restartwatch.contracts.RestartEvent;
import io.restartwatch.contracts.RestartStatus;
import io.restartwatch.plan.MutableClock;
import io.restartwatch.plan.runner.RunnerFixtures.Restart;
import io.restartwatch.plan.scheduling.PlanRunner;
import io.restartwatch.testsupport.KafkaEvents.ReceivedEvent;
import io.restartwatch.testsupport.LocalInfraResource;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The runner over real Kafka and PostgreSQL: plans stored as plan-api stores them, checks and reports arriving on the
 * topics as the other services publish them, time moved with the service's clock. No policy: any time, one server of
 * an application at a time, 15 minutes to come back.
 */
@QuarkusTest
@WithTestResource(value = LocalInfraResource.class, initArgs = @ResourceArg(name = "database", value = "plan"))
class RunnerTest {

    @Inject
    RunnerFixtures fixtures;

    @Inject
    MutableClock clock;

    @Inject
    PlanRunner runner;

    @AfterEach
    void resetClock() {
        clock.reset();
    }

    @Test
    void wavesGoOutInOrderOneServerAtATimeAndEachRestartIsVerifiedOnlyByANewBootWithoutSentinel() {
        String app = RunnerFixtures.uniqueId("waves");
        String s1 = app + "-a", s2 = app + "-b", s3 = app + "-c";
        for (String server : List.of(s1, s2, s3)) {
            fixtures.server(server, app, 1);
            fixtures.checkNow(server, CheckOutcome.REBOOT_REQUIRED, "boot-old-" + server);
        }
        fixtures.awaitTrue(() -> List.of(s1, s2, s3).stream().allMatch(s -> fixtures.serverColumn(s, "boot_id") != null
                && fixtures.serverColumn(s, "application_id") != null));
        String plan = fixtures.plan(app, "RUNNING", List.of(List.of(s1, s2), List.of(s3)));

        // Wave 1 begins with one server: maxUnavailable 1 holds the second back.
        fixtures.awaitTrue(() -> "SCHEDULED".equals(fixtures.restartOf(plan, s1).status()));
        awaitPasses(3);
        assertThat(statuses(plan)).containsExactly("SCHEDULED", "PLANNED", "PLANNED");
        assertThat(fixtures.plan(plan)[1]).isEqualTo(1);
        assertThat(fixtures.plan(plan)[2]).isEqualTo("APPLICATION_LIMIT");
        Restart first = fixtures.restartOf(plan, s1);
        assertThat(first.baselineBootId()).isEqualTo("boot-old-" + s1);
        ReceivedEvent scheduled = fixtures.awaitEvents(EventTypes.RESTART_SCHEDULED, s1, 1).get(0);
        RestartEvent command = scheduled.data(RestartEvent.class);
        assertThat(command.restartId()).isEqualTo(first.restartId());
        assertThat(command.status()).isEqualTo(RestartStatus.SCHEDULED);
        assertThat(command.baselineBootId()).isEqualTo("boot-old-" + s1);
        assertThat(command.notBefore()).isNotNull();
        assertThat(command.notAfter()).as("always open: release + restart timeout").isEqualTo(command.notBefore().plus(Duration.ofMinutes(15)));
        assertThat(scheduled.headers().get("ce_source")).isEqualTo("/restartwatch/plan-service");
        awaitMeterAtLeast("restartwatch_restarts_in_progress ", 1, "# HELP restartwatch_restarts_in_progress Planned restarts released");
        awaitMeterAtLeast("restartwatch_plans_running ", 1, "# HELP restartwatch_plans_running Restart plans approved and running");

        // The same boot id: no reboot happened. A new boot id with the sentinel still there: not done either.
        fixtures.checkNow(s1, CheckOutcome.UP_TO_DATE, "boot-old-" + s1);
        fixtures.checkNow(s1, CheckOutcome.REBOOT_REQUIRED, "boot-new-" + s1);
        fixtures.awaitTrue(() -> ("boot-new-" + s1).equals(fixtures.serverColumn(s1, "boot_id")));
        awaitPasses(3);
        assertThat(fixtures.restartOf(plan, s1).status()).isEqualTo("SCHEDULED");
        assertThat(statuses(plan)).containsExactly("SCHEDULED", "PLANNED", "PLANNED");

        // A new boot id and no sentinel: verified, delivered twice, verified once; then the next server goes.
        CheckCompleted proof = RunnerFixtures.check(s1, clock.instant(), CheckOutcome.UP_TO_DATE, "boot-newer-" + s1);
        fixtures.publishCheck(proof);
        fixtures.publishCheck(proof);
        fixtures.awaitTrue(() -> "SCHEDULED".equals(fixtures.restartOf(plan, s2).status()));
        assertThat(fixtures.restartOf(plan, s1).status()).isEqualTo("VERIFIED");
        assertThat(fixtures.restartOf(plan, s3).status()).as("wave 2 waits for wave 1").isEqualTo("PLANNED");
        assertThat(fixtures.plan(plan)[1]).isEqualTo(1);

        // Back on a new boot without the sentinel, though a newer kernel still waits: the reboot happened.
        fixtures.publishCheck(RunnerFixtures.check(s2, clock.instant(), CheckOutcome.REBOOT_REQUIRED, "boot-new-" + s2, List.of("kernel")));
        fixtures.awaitTrue(() -> "SCHEDULED".equals(fixtures.restartOf(plan, s3).status()));
        assertThat(fixtures.restartOf(plan, s2).status()).isEqualTo("VERIFIED");
        assertThat(fixtures.plan(plan)[1]).isEqualTo(2);
        assertThat(fixtures.restartOf(plan, s3).releasedAt()).isAfterOrEqualTo(fixtures.restartOf(plan, s2).releasedAt());

        fixtures.checkNow(s3, CheckOutcome.UP_TO_DATE, "boot-new-" + s3);
        fixtures.awaitTrue(() -> "COMPLETED".equals(fixtures.planStatus(plan)));
        PlanEvent completed = fixtures.awaitEvents(EventTypes.PLAN_COMPLETED, plan, 1).get(0).data(PlanEvent.class);
        assertThat(completed.status()).isEqualTo(PlanStatus.COMPLETED);
        assertThat(completed.verified()).isEqualTo(3);
        assertThat(completed.restarts()).isEqualTo(3);

        awaitPasses(3);
        assertThat(fixtures.events(EventTypes.RESTART_VERIFIED, s1)).as("a redelivered check verifies once").hasSize(1);
        for (String server : List.of(s1, s2, s3)) {
            assertThat(fixtures.events(EventTypes.RESTART_SCHEDULED, server)).as("released once: " + server).hasSize(1);
            assertThat(fixtures.events(EventTypes.RESTART_VERIFIED, server)).as("verified once: " + server).hasSize(1);
        }
        assertThat(fixtures.events(EventTypes.PLAN_COMPLETED, plan)).hasSize(1);
        awaitMeterAtLeast("restartwatch_restarts_released_total ", 3, "# HELP restartwatch_restarts_released_total Planned restarts released");
        awaitMeterAtLeast("restartwatch_restarts_verified_total ", 3, "# HELP restartwatch_restarts_verified_total Restarts proven by a check");
    }

    @Test
    void aServerNotBackWithinTheTimeoutFailsAndHaltsThePlanNamingItOnce() {
        String app = RunnerFixtures.uniqueId("notback");
        String s1 = app + "-a", s2 = app + "-b";
        for (String server : List.of(s1, s2)) {
            fixtures.server(server, app, 1);
            fixtures.checkNow(server, CheckOutcome.REBOOT_REQUIRED, "boot-old");
        }
        fixtures.awaitTrue(() -> fixtures.serverColumn(s2, "boot_id") != null && fixtures.serverColumn(s1, "boot_id") != null);
        String plan = fixtures.plan(app, "RUNNING", List.of(List.of(s1), List.of(s2)));
        fixtures.awaitTrue(() -> "SCHEDULED".equals(fixtures.restartOf(plan, s1).status()));

        // Within the timeout nothing happens; the server's check shows the old boot.
        clock.advance(Duration.ofMinutes(14));
        fixtures.checkNow(s1, CheckOutcome.REBOOT_REQUIRED, "boot-old");
        awaitPasses(3);
        assertThat(fixtures.restartOf(plan, s1).status()).isEqualTo("SCHEDULED");

        clock.advance(Duration.ofMinutes(2));
        fixtures.awaitTrue(() -> "HALTED".equals(fixtures.planStatus(plan)));
        Restart failed = fixtures.restartOf(plan, s1);
        assertThat(failed.status()).isEqualTo("FAILED");
        assertThat(failed.failureReason()).isEqualTo("NOT_BACK");
        assertThat(fixtures.plan(plan)[4]).isEqualTo("NOT_BACK");

        RestartEvent restartFailed = fixtures.awaitEvents(EventTypes.RESTART_FAILED, s1, 1).get(0).data(RestartEvent.class);
        assertThat(restartFailed.reason()).isEqualTo("NOT_BACK");
        assertThat(restartFailed.detail()).contains(s1).contains("same boot id");
        PlanEvent halted = fixtures.awaitEvents(EventTypes.PLAN_HALTED, plan, 1).get(0).data(PlanEvent.class);
        assertThat(halted.status()).isEqualTo(PlanStatus.HALTED);
        assertThat(halted.serverId()).isEqualTo(s1);
        assertThat(halted.hostname()).isEqualTo(s1 + ".example.net");
        assertThat(halted.restartId()).isEqualTo(failed.restartId());
        assertThat(halted.reason()).isEqualTo("NOT_BACK");
        assertThat(halted.failed()).isEqualTo(1);
        awaitMeterAtLeast("restartwatch_restarts_failed_total{reason=\"NOT_BACK\"", 1, "# HELP restartwatch_restarts_failed_total Restarts that failed");

        // Later ticks, and the server coming back late, change nothing: each event once, the next wave not released.
        fixtures.checkNow(s1, CheckOutcome.UP_TO_DATE, "boot-new");
        awaitPasses(4);
        assertThat(fixtures.restartOf(plan, s1).status()).isEqualTo("FAILED");
        assertThat(fixtures.restartOf(plan, s2).status()).isEqualTo("PLANNED");
        assertThat(fixtures.events(EventTypes.RESTART_FAILED, s1)).hasSize(1);
        assertThat(fixtures.events(EventTypes.PLAN_HALTED, plan)).hasSize(1);
        assertThat(fixtures.events(EventTypes.RESTART_VERIFIED, s1)).isEmpty();

        // Resumed (plan-api's transition): the failed restart stays failed, the plan goes on with the next wave.
        fixtures.setPlanStatus(plan, "RUNNING");
        fixtures.awaitTrue(() -> "SCHEDULED".equals(fixtures.restartOf(plan, s2).status()));
        fixtures.checkNow(s2, CheckOutcome.UP_TO_DATE, "boot-new");
        fixtures.awaitTrue(() -> "COMPLETED".equals(fixtures.planStatus(plan)));
        assertThat(fixtures.restartOf(plan, s1).status()).isEqualTo("FAILED");
    }

    @Test
    void executorsReportOnTheTopicStartedThenFailedHaltsThePlanAndRepeatsChangeNothing() {
        String app = RunnerFixtures.uniqueId("exec");
        String s1 = app + "-a";
        fixtures.server(s1, app, 1);
        fixtures.checkNow(s1, CheckOutcome.REBOOT_REQUIRED, "boot-old");
        fixtures.awaitTrue(() -> fixtures.serverColumn(s1, "boot_id") != null);
        String plan = fixtures.plan(app, "RUNNING", List.of(List.of(s1)));
        fixtures.awaitTrue(() -> "SCHEDULED".equals(fixtures.restartOf(plan, s1).status()));
        String restartId = fixtures.restartOf(plan, s1).restartId();

        fixtures.executorReport(EventTypes.RESTART_STARTED, restartId, s1, null, null);
        fixtures.awaitTrue(() -> "STARTED".equals(fixtures.restartOf(plan, s1).status()));
        assertThat(fixtures.restartOf(plan, s1).executor()).isEqualTo("ansible");

        fixtures.executorReport(EventTypes.RESTART_FAILED, restartId, s1, "PRE_HOOK_FAILED", "drain script exited 3");
        fixtures.executorReport(EventTypes.RESTART_FAILED, restartId, s1, "PRE_HOOK_FAILED", "drain script exited 3");
        fixtures.awaitTrue(() -> "HALTED".equals(fixtures.planStatus(plan)));
        assertThat(fixtures.restartOf(plan, s1).status()).isEqualTo("FAILED");
        assertThat(fixtures.restartOf(plan, s1).failureReason()).isEqualTo("PRE_HOOK_FAILED");
        PlanEvent halted = fixtures.awaitEvents(EventTypes.PLAN_HALTED, plan, 1).get(0).data(PlanEvent.class);
        assertThat(halted.serverId()).isEqualTo(s1);
        assertThat(halted.reason()).isEqualTo("PRE_HOOK_FAILED");
        awaitPasses(3);
        assertThat(fixtures.events(EventTypes.PLAN_HALTED, plan)).hasSize(1);
        // The executor's own restart.failed is on the topic; plan-service does not repeat it.
        assertThat(fixtures.events(EventTypes.RESTART_FAILED, s1)).hasSize(2)
                .allSatisfy(e -> assertThat(e.headers().get("ce_source")).isEqualTo("/ansible/reboot-job"));
    }

    @Test
    void concurrentTicksReleaseEachRestartOnceAndNeverPastTheApplicationsLimit() throws Exception {
        String app = RunnerFixtures.uniqueId("race");
        List<String> servers = List.of(app + "-a", app + "-b", app + "-c", app + "-d");
        given().contentType("application/json").body("{\"maxUnavailable\":\"2\"}")
                .when().put("/api/restart-policies/{app}", app).then().statusCode(200);
        for (String server : servers) {
            fixtures.server(server, app, 1);
            fixtures.checkNow(server, CheckOutcome.REBOOT_REQUIRED, "boot-old");
        }
        fixtures.awaitTrue(() -> servers.stream().allMatch(s -> fixtures.serverColumn(s, "boot_id") != null
                && fixtures.serverColumn(s, "application_id") != null));
        String plan = fixtures.plan(app, "RUNNING", List.of(servers));

        // Several instances' ticks at once, besides this instance's own scheduler.
        var pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            var ticks = new java.util.ArrayList<java.util.concurrent.Future<?>>();
            for (int i = 0; i < 8; i++) {
                ticks.add(pool.submit(runner::runOnce));
            }
            for (var tick : ticks) {
                tick.get();
            }
        } finally {
            pool.shutdown();
        }
        fixtures.awaitTrue(() -> statuses(plan).stream().filter("SCHEDULED"::equals).count() == 2);
        awaitPasses(3);
        assertThat(statuses(plan).stream().filter("SCHEDULED"::equals).count()).isEqualTo(2);
        assertThat(fixtures.plan(plan)[2]).isEqualTo("APPLICATION_LIMIT");
        long commands = servers.stream().mapToLong(s -> fixtures.events(EventTypes.RESTART_SCHEDULED, s).size()).sum();
        assertThat(commands).isEqualTo(2);
    }

    private List<String> statuses(String plan) {
        return fixtures.restarts(plan).stream().map(Restart::status).toList();
    }

    /** A meter's value on /q/metrics (Prometheus text), and its description. */
    private static void awaitMeterAtLeast(String linePrefix, double atLeast, String help) {
        Awaitility.await().atMost(RunnerFixtures.WAIT).untilAsserted(() -> {
            String metrics = given().accept("text/plain").when().get("/q/metrics").then().statusCode(200).extract().asString();
            String line = metrics.lines().filter(l -> l.startsWith(linePrefix)).findFirst()
                    .orElseThrow(() -> new AssertionError("no " + linePrefix + " in " + metrics.lines().filter(l -> l.startsWith("restartwatch_")).toList()));
            assertThat(Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1).trim())).isGreaterThanOrEqualTo(atLeast);
            assertThat(metrics).contains(help);
        });
    }

    private void awaitPasses(int passes) {
        long target = runner.passes() + passes;
        Awaitility.await().atMost(RunnerFixtures.WAIT).until(() -> runner.passes() >= target);
    }
}
