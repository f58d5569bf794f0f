package io.restartwatch.plan.runner;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.inject.Inject;

import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restartwatch.contracts.CheckOutcome;
import io.restartwatch.contracts.EventTypes;
import io.restartwatch.contracts.PlanEvent;
import io.restartwatch.contracts.RestartEvent;
import io.restartwatch.localstack.LoopbackPorts;
import io.restartwatch.plan.MutableClock;
import io.restartwatch.plan.scheduling.PlanRunner;
import io.restartwatch.testsupport.LocalInfraResource;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What an application's policy (set through plan-api's REST) does to a running plan: a closed window releases
 * nothing until it opens, a blackout holds until it ends, maxUnavailable lets that many go at once, and a health URL
 * must answer 2xx before a rebooted server counts (or the restart fails HEALTH_CHECK_FAILED).
 */
@QuarkusTest
@WithTestResource(value = LocalInfraResource.class, initArgs = @ResourceArg(name = "database", value = "plan"))
class PolicyHoldTest {

    private static final DateTimeFormatter HH_MM = DateTimeFormatter.ofPattern("HH:mm");

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
    void aClosedWindowReleasesNothingUntilItOpensAndTheCommandEndsWithTheWindow() {
        String app = RunnerFixtures.uniqueId("window");
        ZonedDateTime opens = clock.instant().atZone(ZoneOffset.UTC).plusHours(2).truncatedTo(ChronoUnit.MINUTES).plusMinutes(1);
        ZonedDateTime closes = opens.plusHours(1);
        putPolicy(app, "{\"timeZone\":\"UTC\",\"windows\":[{\"days\":[\"" + opens.getDayOfWeek() + "\"],\"start\":\""
                + opens.format(HH_MM) + "\",\"end\":\"" + closes.format(HH_MM) + "\"}],\"maxUnavailable\":\"2\"}");
        String s1 = app + "-a", s2 = app + "-b";
        serversWithBoot(app, s1, s2);
        String plan = fixtures.plan(app, "RUNNING", List.of(List.of(s1, s2)));

        fixtures.awaitTrue(() -> "WINDOW_CLOSED".equals(fixtures.plan(plan)[2]));
        assertThat((String) fixtures.plan(plan)[3]).contains("next opens at " + opens.toInstant());
        awaitPasses(3);
        assertThat(fixtures.restarts(plan)).extracting(RunnerFixtures.Restart::status).containsOnly("PLANNED");

        clock.advance(Duration.between(clock.instant(), opens.toInstant()).plusSeconds(30));
        fixtures.awaitTrue(() -> fixtures.restarts(plan).stream().allMatch(r -> "SCHEDULED".equals(r.status())));
        assertThat(fixtures.plan(plan)[2]).isNull();
        RestartEvent command = fixtures.awaitEvents(EventTypes.RESTART_SCHEDULED, s1, 1).get(0).data(RestartEvent.class);
        assertThat(command.notAfter()).as("the end of the open window").isEqualTo(closes.toInstant());
        assertThat(command.notBefore()).isAfterOrEqualTo(opens.toInstant());
    }

    @Test
    void aBlackoutHoldsThePlanUntilItEnds() {
        String app = RunnerFixtures.uniqueId("blackout");
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        putPolicy(app, "{\"blackouts\":[{\"from\":\"" + now.minus(Duration.ofHours(1)) + "\",\"to\":\"" + now.plus(Duration.ofHours(1))
                + "\",\"reason\":\"year-end freeze\"}]}");
        String s1 = app + "-a";
        serversWithBoot(app, s1);
        String plan = fixtures.plan(app, "RUNNING", List.of(List.of(s1)));

        fixtures.awaitTrue(() -> "BLACKOUT".equals(fixtures.plan(plan)[2]));
        assertThat((String) fixtures.plan(plan)[3]).contains("year-end freeze").contains(now.plus(Duration.ofHours(1)).toString());
        awaitPasses(3);
        assertThat(fixtures.restartOf(plan, s1).status()).isEqualTo("PLANNED");

        clock.advance(Duration.ofMinutes(61));
        fixtures.awaitTrue(() -> "SCHEDULED".equals(fixtures.restartOf(plan, s1).status()));
        assertThat(fixtures.plan(plan)[2]).isNull();
    }

    @Test
    void aHealthUrlMustAnswer2xxBeforeARebootCountsAndOneThatNeverDoesFailsTheRestart() throws IOException {
        Map<String, Integer> answers = new ConcurrentHashMap<>();
        int port = LoopbackPorts.reserve();
        HttpServer health = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        health.createContext("/health/", exchange -> {
            String serverId = exchange.getRequestURI().getPath().substring("/health/".length());
            exchange.sendResponseHeaders(answers.getOrDefault(serverId, 503), -1);
            exchange.close();
        });
        health.start();
        try {
            String app = RunnerFixtures.uniqueId("health");
            putPolicy(app, "{\"maxUnavailable\":\"2\",\"restartTimeout\":\"PT10M\",\"healthUrl\":\"http://127.0.0.1:" + port + "/health/{serverId}\"}");
            String healthy = app + "-a", sick = app + "-b";
            serversWithBoot(app, healthy, sick);
            String plan = fixtures.plan(app, "RUNNING", List.of(List.of(healthy, sick)));
            fixtures.awaitTrue(() -> fixtures.restarts(plan).stream().allMatch(r -> "SCHEDULED".equals(r.status())));

            fixtures.checkNow(healthy, CheckOutcome.UP_TO_DATE, "boot-new");
            fixtures.checkNow(sick, CheckOutcome.UP_TO_DATE, "boot-new");
            fixtures.awaitTrue(() -> "boot-new".equals(fixtures.serverColumn(sick, "boot_id"))
                    && "boot-new".equals(fixtures.serverColumn(healthy, "boot_id")));
            awaitPasses(3);
            assertThat(fixtures.restartOf(plan, healthy).status()).as("rebooted, but not serving yet").isEqualTo("SCHEDULED");

            answers.put(healthy, 204);
            fixtures.awaitTrue(() -> "VERIFIED".equals(fixtures.restartOf(plan, healthy).status()));
            assertThat(fixtures.restartOf(plan, sick).status()).isEqualTo("SCHEDULED");

            clock.advance(Duration.ofMinutes(11));
            fixtures.awaitTrue(() -> "HALTED".equals(fixtures.planStatus(plan)));
            assertThat(fixtures.restartOf(plan, sick).failureReason()).isEqualTo("HEALTH_CHECK_FAILED");
            RestartEvent failed = fixtures.awaitEvents(EventTypes.RESTART_FAILED, sick, 1).get(0).data(RestartEvent.class);
            assertThat(failed.detail()).contains("/health/" + sick).contains("did not answer 2xx");
            PlanEvent halted = fixtures.awaitEvents(EventTypes.PLAN_HALTED, plan, 1).get(0).data(PlanEvent.class);
            assertThat(halted.serverId()).isEqualTo(sick);
            assertThat(halted.reason()).isEqualTo("HEALTH_CHECK_FAILED");
        } finally {
            health.stop(0);
        }
    }

    private void putPolicy(String app, String json) {
        given().contentType(ContentType.JSON).body(json).when().put("/api/restart-policies/{app}", app).then().statusCode(200);
    }

    private void serversWithBoot(String app, String... servers) {
        for (String server : servers) {
            fixtures.server(server, app, 1);
            fixtures.checkNow(server, CheckOutcome.REBOOT_REQUIRED, "boot-old");
        }
        fixtures.awaitTrue(() -> List.of(servers).stream().allMatch(s -> fixtures.serverColumn(s, "boot_id") != null
                && fixtures.serverColumn(s, "application_id") != null));
    }

    private void awaitPasses(int passes) {
        long target = runner.passes() + passes;
        Awaitility.await().atMost(RunnerFixtures.WAIT).until(() -> runner.passes() >= target);
    }
}
