package io.restartwatch.plan.runner;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;

import jakarta.inject.Inject;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restartwatch.contracts.CheckOutcome;
import io.restartwatch.plan.scheduling.PlanRunner;
import io.restartwatch.testsupport.LocalInfraResource;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Alert blocking against a real Alertmanager: a matching alert holds the next wave (ALERTS_FIRING, naming it), an
 * alert the filter does not match does not, the resolved alert lets the wave go, and an Alertmanager that does not
 * answer holds plans (ALERTMANAGER_UNREACHABLE, fail closed).
 */
@QuarkusTest
@WithTestResource(value = LocalInfraResource.class, initArgs = @ResourceArg(name = "database", value = "plan"))
@WithTestResource(AlertmanagerResource.class)
class AlertBlockingTest {

    @Inject
    RunnerFixtures fixtures;

    @Inject
    PlanRunner runner;

    @Test
    void aFiringAlertHoldsTheWaveUntilResolvedAndAnUnreachableAlertmanagerHoldsToo() {
        Instant started = Instant.now().minusSeconds(60);
        AlertmanagerResource.post("DiskFillingUp", "warning", started, null); // not matched by severity="critical"
        AlertmanagerResource.post("NodeDown", "critical", started, null);

        String app = RunnerFixtures.uniqueId("alerts");
        String s1 = app + "-a";
        fixtures.server(s1, app, 1);
        fixtures.checkNow(s1, CheckOutcome.REBOOT_REQUIRED, "boot-old");
        fixtures.awaitTrue(() -> fixtures.serverColumn(s1, "boot_id") != null);
        String plan = fixtures.plan(app, "RUNNING", List.of(List.of(s1)));

        fixtures.awaitTrue(() -> "ALERTS_FIRING".equals(fixtures.plan(plan)[2]));
        assertThat((String) fixtures.plan(plan)[3]).contains("NodeDown").doesNotContain("DiskFillingUp");
        awaitPasses(3);
        assertThat(fixtures.restartOf(plan, s1).status()).isEqualTo("PLANNED");

        // Resolved as Prometheus resolves it: the same alert again, ended.
        AlertmanagerResource.post("NodeDown", "critical", started, Instant.now().minusSeconds(1));
        fixtures.awaitTrue(() -> "SCHEDULED".equals(fixtures.restartOf(plan, s1).status()));
        assertThat(fixtures.plan(plan)[2]).isNull();
        assertThat(fixtures.plan(plan)[3]).isNull();

        // Nobody answers: nothing is released (fail closed).
        AlertmanagerResource.kill();
        String s2 = app + "-b";
        fixtures.server(s2, app, 1);
        fixtures.checkNow(s2, CheckOutcome.REBOOT_REQUIRED, "boot-old");
        fixtures.awaitTrue(() -> fixtures.serverColumn(s2, "boot_id") != null);
        String second = fixtures.plan(app + "-other", "RUNNING", List.of(List.of(s2)));
        fixtures.awaitTrue(() -> "ALERTMANAGER_UNREACHABLE".equals(fixtures.plan(second)[2]));
        assertThat((String) fixtures.plan(second)[3]).contains("did not answer");
        awaitPasses(3);
        assertThat(fixtures.restartOf(second, s2).status()).isEqualTo("PLANNED");
    }

    private void awaitPasses(int passes) {
        long target = runner.passes() + passes;
        Awaitility.await().atMost(RunnerFixtures.WAIT).until(() -> runner.passes() >= target);
    }
}
