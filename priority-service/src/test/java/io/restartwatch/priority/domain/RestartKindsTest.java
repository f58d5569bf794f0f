package io.restartwatch.priority.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import io.restartwatch.contracts.Livepatch;
import io.restartwatch.contracts.PriorityFactor;
import io.restartwatch.contracts.PriorityLevel;
import io.restartwatch.contracts.RestartKind;
import io.restartwatch.contracts.Surface;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Service restarts (no reboot) stay low; a kernel covered by a livepatch weighs half. */
class RestartKindsTest {

    private static final Instant NOW = Instant.parse("2026-12-01T08:00:00Z");
    private static final String KERNEL = "linux-image-6.8.0-49-generic";
    private static final Livepatch APPLIED = new Livepatch("canonical-livepatch", "applied", true);

    @ParameterizedTest(name = "[{index}] services, {0} pending {1} ×{2} → {3} {4}")
    @CsvSource(delimiter = '|', textBlock = """
            # sources       | age   | multiplier | score | level  | surfaces
            10.0.0.0/8      | PT1H  | 1.0        | 10    | LOW    | SERVER
            203.0.113.0/24  | PT1H  | 1.0        | 28    | LOW    | SERVER
            0.0.0.0/0       | PT1H  | 1.0        | 29    | LOW    | SERVER DASHBOARD
            0.0.0.0/0       | P3D   | 5.0        | 29    | LOW    | SERVER DASHBOARD
            10.0.0.0/8      | P7D   | 1.0        | 39    | MEDIUM | SERVER APPLICATION
            10.0.0.0/8      | P40D  | 1.0        | 39    | MEDIUM | SERVER APPLICATION
            203.0.113.0/24  | P8D   | 1.0        | 48    | MEDIUM | SERVER APPLICATION
            0.0.0.0/0       | P40D  | 5.0        | 49    | MEDIUM | SERVER DASHBOARD APPLICATION
            """)
    void aServiceRestartIsLowAndNeverAboveMedium(String sources, Duration age, double multiplier, int score,
                                                 PriorityLevel level, String surfaces) {
        Policy policy = new Policy(Policy.DEFAULT_STALE_AFTER, Policy.DEFAULT_CRITICAL_AFTER, multiplier, null);
        PendingRestart restart = new PendingRestart(RestartKind.SERVICES, NOW.minus(age), List.of(),
                List.of("nginx.service", "php8.3-fpm.service"), List.of(), "6.8.0-48-generic", "6.8.0-48-generic", null);

        Assessment assessment = PriorityModel.assess(restart, ExposureClassifier.facts(PriorityModelTest.ports(sources), null,
                UndeclaredExposure.RESTRICTED), policy, NOW);

        assertThat(assessment.score()).isEqualTo(score);
        assertThat(assessment.level()).isEqualTo(level);
        assertThat(assessment.surfaces()).isEqualTo(surfaces(surfaces));
        assertThat(assessment.factors().get(0)).isEqualTo(new PriorityFactor("services",
                "services to restart, no reboot needed: nginx.service, php8.3-fpm.service", 10));
        assertThat(assessment.factors()).extracting(PriorityFactor::name).doesNotContain("pending", "critical");
        assertThat(sum(assessment)).isEqualTo(score);
    }

    @Test
    void aServiceRestartIsNotReassessedForCriticalAfter() {
        PendingRestart restart = new PendingRestart(RestartKind.SERVICES, NOW.minus(Duration.ofDays(8)), List.of(),
                List.of("sshd.service"), List.of(), null, null, null);

        assertThat(PriorityModel.assess(restart, List.of(), Policy.defaults(), NOW).nextReassessAt()).isNull();
    }

    @ParameterizedTest(name = "[{index}] packages [{0}], detected by [{1}], livepatch covered {2} → {3}, livepatch {4}")
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            # packages                             | detectedBy          | covered | score | livepatch factor
            linux-image-6.8.0-49-generic           | sentinel            | true    | 20    | -10
            linux-image-6.8.0-49-generic linux-base | sentinel kernel    | true    | 20    | -10
            kernel-core                            | -                   | true    | 20    | -10
            -                                      | kernel              | true    | 20    | -10
            linux-image-6.8.0-49-generic           | sentinel            | false   | 30    | -
            linux-image-6.8.0-49-generic libc6     | sentinel            | true    | 40    | -
            linux-image-6.8.0-49-generic           | needrestart         | true    | 30    | -
            libc6                                  | sentinel            | true    | 40    | -
            """)
    void aLivepatchHalvesTheKernelWeightWhenTheKernelIsTheOnlyReason(String packages, String detectedBy, boolean covered,
                                                                     int score, Integer livepatchContribution) {
        // Every row runs 6.8.0-48 with 6.8.0-49 installed: without a linux-image package the kernel factor counts it
        // (kernel-core weighs nothing itself under the default policy); packages and kernel stay capped at +30.
        Livepatch livepatch = new Livepatch("canonical-livepatch", covered ? "applied" : "nothing-to-apply", covered);
        PendingRestart restart = new PendingRestart(RestartKind.REBOOT, NOW.minusSeconds(60), words(packages), List.of(),
                words(detectedBy), "6.8.0-48-generic", "6.8.0-49-generic", livepatch);

        Assessment assessment = PriorityModel.assess(restart, List.of(), Policy.defaults(), NOW);

        assertThat(assessment.score()).isEqualTo(score);
        List<PriorityFactor> relief = assessment.factors().stream().filter(f -> f.name().equals("livepatch")).toList();
        if (livepatchContribution == null) {
            assertThat(relief).isEmpty();
        } else {
            assertThat(relief).containsExactly(new PriorityFactor("livepatch",
                    "kernel fixes applied live by canonical-livepatch (applied): kernel weight halved", livepatchContribution));
        }
        assertThat(sum(assessment)).isEqualTo(score);
    }

    @Test
    void aCoveredKernelStillOutranksNothingAndStillEscalatesWithAge() {
        PendingRestart fresh = new PendingRestart(RestartKind.REBOOT, NOW.minusSeconds(60), List.of(KERNEL), List.of(),
                List.of("sentinel"), null, null, APPLIED);
        PendingRestart old = new PendingRestart(RestartKind.REBOOT, NOW.minus(Duration.ofDays(30)), List.of(KERNEL), List.of(),
                List.of("sentinel"), null, null, APPLIED);

        assertThat(PriorityModel.assess(fresh, List.of(), Policy.defaults(), NOW).score()).isGreaterThan(10);
        assertThat(PriorityModel.assess(old, List.of(), Policy.defaults(), NOW).level()).isEqualTo(PriorityLevel.CRITICAL);
    }

    private static List<String> words(String text) {
        return text == null ? List.of() : Arrays.asList(text.trim().split("\\s+"));
    }

    private static Set<Surface> surfaces(String names) {
        Set<Surface> surfaces = EnumSet.noneOf(Surface.class);
        words(names).forEach(name -> surfaces.add(Surface.valueOf(name)));
        return surfaces;
    }

    private static int sum(Assessment assessment) {
        return assessment.factors().stream().mapToInt(PriorityFactor::contribution).sum();
    }
}
