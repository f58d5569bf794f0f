package io.restartwatch.priority.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import io.restartwatch.contracts.Exposure;
import io.restartwatch.contracts.OpenPort;
import io.restartwatch.contracts.PriorityFactor;
import io.restartwatch.contracts.PriorityLevel;
import io.restartwatch.contracts.Surface;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The scoring model as a table: exposure × age × packages → score, level, surfaces. */
class PriorityModelTest {

    private static final Instant NOW = Instant.parse("2026-11-26T08:00:00Z");
    private static final String KERNEL = "linux-image-6.8.0-49-generic";

    @ParameterizedTest(name = "[{index}] {0} pending {1} with [{2}] → {3} {4} {5}")
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            # sources (space-separated)          | age          | packages (space-separated)        | score | level    | surfaces
            -                                    | PT1H         | -                                 | 10    | LOW      | SERVER
            10.0.0.0/8                           | P1D          | -                                 | 12    | LOW      | SERVER
            fd00:1::/32                          | P1D          | -                                 | 12    | LOW      | SERVER
            192.168.1.0/24 fe80::/64 ::1/128     | PT1H         | dbus                              | 15    | LOW      | SERVER
            10.0.0.0/8                           | PT1H         | nginx                             | 10    | LOW      | SERVER
            0.0.0.0/0                            | PT1H         | -                                 | 50    | HIGH     | SERVER DASHBOARD
            ::/0                                 | PT1H         | -                                 | 50    | HIGH     | SERVER DASHBOARD
            10.0.0.0/8 ::/0                      | PT1H         | -                                 | 50    | HIGH     | SERVER DASHBOARD
            0:0:0:0:0:0:0:0/0                    | PT1H         | -                                 | 50    | HIGH     | SERVER DASHBOARD
            ::ffff:0:0/96                        | PT1H         | -                                 | 50    | HIGH     | SERVER DASHBOARD
            0.0.0.0/1 128.0.0.0/1                | PT1H         | -                                 | 50    | HIGH     | SERVER DASHBOARD
            0.0.0.0/2 64.0.0.0/2 128.0.0.0/2 192.0.0.0/2 | PT1H | -                                 | 50    | HIGH     | SERVER DASHBOARD
            2000::/3                             | PT1H         | -                                 | 50    | HIGH     | SERVER DASHBOARD
            203.0.113.0/24                       | PT1H         | -                                 | 30    | MEDIUM   | SERVER
            2001:db8::/32                        | P2D          | openssl                           | 49    | MEDIUM   | SERVER
            10.0.0.0/8 8.8.8.8/32                | PT1H         | -                                 | 30    | MEDIUM   | SERVER
            172.16.0.0/11                        | PT1H         | -                                 | 30    | MEDIUM   | SERVER
            198.51.100.7                         | PT1H         | -                                 | 30    | MEDIUM   | SERVER
            not-a-range                          | PT1H         | -                                 | 30    | MEDIUM   | SERVER
            10.0.0.0/8                           | P2D          | openssl                           | 29    | LOW      | SERVER
            192.168.1.0/24                       | PT1H         | libc6 openssl                     | 40    | MEDIUM   | SERVER
            10.0.0.0/8                           | P1D          | linux-image-6.8.0-49-generic libc6 openssh-server | 42 | MEDIUM | SERVER
            10.0.0.0/8                           | P6D          | openssl libc6                     | 52    | HIGH     | SERVER DASHBOARD
            0.0.0.0/0                            | P2D          | linux-image-6.8.0-49-generic      | 74    | HIGH     | SERVER DASHBOARD
            0.0.0.0/0                            | PT1H         | libc6 openssl systemd             | 80    | CRITICAL | SERVER DASHBOARD
            10.0.0.0/8                           | PT167H59M59S | -                                 | 22    | LOW      | SERVER
            10.0.0.0/8                           | P7D          | -                                 | 39    | MEDIUM   | SERVER APPLICATION
            10.0.0.0/8                           | P29DT23H59M59S | -                               | 39    | MEDIUM   | SERVER APPLICATION
            10.0.0.0/8                           | P30D         | -                                 | 75    | CRITICAL | SERVER DASHBOARD APPLICATION
            203.0.113.0/24                       | P30D         | -                                 | 80    | CRITICAL | SERVER DASHBOARD APPLICATION
            0.0.0.0/0                            | P30D         | -                                 | 85    | CRITICAL | SERVER DASHBOARD APPLICATION
            0.0.0.0/0                            | P9D          | linux-image-6.8.0-49-generic      | 99    | CRITICAL | SERVER DASHBOARD APPLICATION
            0.0.0.0/0                            | P9D          | linux-image-6.8.0-49-generic libc6 openssh-server | 100 | CRITICAL | SERVER DASHBOARD APPLICATION
            """)
    void table(String sources, Duration age, String packages, int score, PriorityLevel level, String surfaces) {
        Assessment assessment = PriorityModel.assess(ports(sources), NOW.minus(age), words(packages), null, null,
                Policy.defaults(), NOW);

        assertThat(assessment.score()).isEqualTo(score);
        assertThat(assessment.level()).isEqualTo(level);
        assertThat(assessment.surfaces()).isEqualTo(surfaces(surfaces));
        assertThat(sum(assessment.factors())).as("contributions sum to the score").isEqualTo(score);
    }

    @ParameterizedTest(name = "[{index}] running {0}, installed {1}, packages [{2}] → {3}")
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            # running         | installed          | packages                      | score | kernel factor
            6.8.0-48-generic  | 6.8.0-49-generic   | -                             | 30    | 20
            6.8.0-99-generic  | 6.8.0-100-generic  | -                             | 30    | 20
            6.8.0-48-generic  | 6.8.0-49-generic   | linux-image-6.8.0-49-generic  | 30    | -
            6.8.0-49-generic  | 6.8.0-49-generic   | -                             | 10    | -
            6.8.0-50-generic  | 6.8.0-49-generic   | -                             | 10    | -
            -                 | 6.8.0-49-generic   | -                             | 10    | -
            6.8.0-48-generic  | 6.8.0-49-generic   | libc6 openssl                 | 40    | 0
            6.8.0-48-generic  | 6.8.0-49-generic   | libc6                         | 40    | 15
            """)
    void aRunningKernelOlderThanTheInstalledOneCountsAsAKernelUpdate(String running, String installed, String packages,
                                                                      int score, Integer kernelContribution) {
        Assessment assessment = PriorityModel.assess(ports("10.0.0.0/8"), NOW.minusSeconds(60), words(packages),
                running, installed, Policy.defaults(), NOW);

        assertThat(assessment.score()).isEqualTo(score);
        List<PriorityFactor> kernel = assessment.factors().stream().filter(f -> f.name().equals("kernel")).toList();
        if (kernelContribution == null) {
            assertThat(kernel).isEmpty();
        } else {
            assertThat(kernel).singleElement().satisfies(f -> {
                assertThat(f.contribution()).isEqualTo(kernelContribution);
                assertThat(f.detail()).contains(running).contains(installed);
            });
        }
        assertThat(sum(assessment.factors())).isEqualTo(score);
    }

    @ParameterizedTest(name = "[{index}] stale {0}, critical {1}, ×{2}, weights {3}: {4} pending {5} → {6} {7}")
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            # staleAfter | criticalAfter | multiplier | weights           | sources    | age    | packages   | score | level    | surfaces
            P1D          | P2D           | 1.0        | -                 | 10.0.0.0/8 | PT23H  | -          | 10    | LOW      | SERVER
            P1D          | P2D           | 1.0        | -                 | 10.0.0.0/8 | P1D    | -          | 27    | LOW      | SERVER APPLICATION
            P1D          | P2D           | 1.0        | -                 | 10.0.0.0/8 | P2D    | -          | 75    | CRITICAL | SERVER DASHBOARD APPLICATION
            PT36H        | P30D          | 1.0        | -                 | 10.0.0.0/8 | PT36H  | -          | 27    | LOW      | SERVER APPLICATION
            P7D          | P30D          | 2.0        | -                 | 10.0.0.0/8 | P1D    | -          | 24    | LOW      | SERVER
            P7D          | P30D          | 0.5        | -                 | 0.0.0.0/0  | PT1H   | -          | 25    | LOW      | SERVER DASHBOARD
            P7D          | P30D          | 5.0        | -                 | 10.0.0.0/8 | P9D    | openssl    | 98    | CRITICAL | SERVER DASHBOARD APPLICATION
            P7D          | P30D          | 0.5        | -                 | 0.0.0.0/0  | P30D   | -          | 85    | CRITICAL | SERVER DASHBOARD APPLICATION
            P7D          | P30D          | 1.0        | openssl=0         | 10.0.0.0/8 | PT1H   | openssl    | 10    | LOW      | SERVER
            P7D          | P30D          | 1.0        | nginx*=25         | 10.0.0.0/8 | PT1H   | nginx-core | 35    | MEDIUM   | SERVER
            P7D          | P30D          | 1.0        | nginx*=25         | 10.0.0.0/8 | PT1H   | libc6      | 25    | LOW      | SERVER
            P7D          | P30D          | 1.0        | linux-image-6*=5  | 10.0.0.0/8 | PT1H   | linux-image-6.8.0-49-generic | 15 | LOW | SERVER
            """)
    void policies(Duration staleAfter, Duration criticalAfter, double multiplier, String weights, String sources,
                  Duration age, String packages, int score, PriorityLevel level, String surfaces) {
        Map<String, Integer> packageWeights = words(weights).stream()
                .collect(Collectors.toMap(w -> w.split("=")[0], w -> Integer.parseInt(w.split("=")[1])));
        Policy policy = new Policy(staleAfter, criticalAfter, multiplier, packageWeights);

        Assessment assessment = PriorityModel.assess(ports(sources), NOW.minus(age), words(packages), null, null, policy, NOW);

        assertThat(assessment.score()).isEqualTo(score);
        assertThat(assessment.level()).isEqualTo(level);
        assertThat(assessment.surfaces()).isEqualTo(surfaces(surfaces));
        assertThat(sum(assessment.factors())).isEqualTo(score);
    }

    @Test
    void theExplanationNamesEachFactorItsValueAndItsContribution() {
        Assessment assessment = PriorityModel.assess(ports("::/0"), NOW.minus(Duration.ofDays(9)), List.of(KERNEL),
                null, null, Policy.defaults(), NOW);

        assertThat(assessment.factors()).containsExactly(
                new PriorityFactor("pending", "restart required", 10),
                new PriorityFactor("exposure", "declared: port 443/tcp open to ::/0 (public)", 40),
                new PriorityFactor("age", "pending 9 days (age points capped at 7 days)", 14),
                new PriorityFactor("stale", "pending 9d ≥ staleAfter 7d", 15),
                new PriorityFactor("package", KERNEL, 20));
        assertThat(assessment.exposure()).isEqualTo(Exposure.PUBLIC);
    }

    @Test
    void monotonicInExposureAgeAndPackages() {
        List<String> exposures = List.of("10.0.0.0/8", "203.0.113.0/24", "0.0.0.0/0"); // internal < restricted < public
        List<List<String>> packageSets = List.of(List.of(), List.of("dbus"), List.of("dbus", "systemd"),
                List.of("dbus", "systemd", "openssl"), List.of("dbus", "systemd", "openssl", KERNEL));
        for (double multiplier : new double[] {0.1, 0.5, 1.0, 1.5, 5.0}) {
            Policy policy = new Policy(Policy.DEFAULT_STALE_AFTER, Policy.DEFAULT_CRITICAL_AFTER, multiplier, null);
            for (int e = 0; e < exposures.size(); e++) {
                for (int p = 0; p < packageSets.size(); p++) {
                    for (int hours = 0; hours <= 40 * 24; hours += 12) {
                        int score = score(exposures.get(e), hours, packageSets.get(p), policy);
                        String at = "×" + multiplier + " " + exposures.get(e) + " " + packageSets.get(p) + " " + hours + "h";
                        assertThat(score).as("older: " + at).isLessThanOrEqualTo(score(exposures.get(e), hours + 12, packageSets.get(p), policy));
                        if (e + 1 < exposures.size()) {
                            assertThat(score).as("more exposed: " + at).isLessThanOrEqualTo(score(exposures.get(e + 1), hours, packageSets.get(p), policy));
                        }
                        if (p + 1 < packageSets.size()) {
                            assertThat(score).as("more packages: " + at).isLessThanOrEqualTo(score(exposures.get(e), hours, packageSets.get(p + 1), policy));
                        }
                        assertThat(score).isBetween(0, 100);
                    }
                }
            }
        }
    }

    @Test
    void aPublicServerAlwaysOutranksAnInternalOneOfTheSameAge() {
        List<String> allPackages = List.of(KERNEL, "libc6", "openssl", "openssh-server", "systemd", "dbus");
        for (double multiplier : new double[] {0.1, 0.3, 0.5, 1.0, 1.7, 2.0, 5.0}) {
            Policy policy = new Policy(Policy.DEFAULT_STALE_AFTER, Policy.DEFAULT_CRITICAL_AFTER, multiplier, null);
            for (int hours = 0; hours <= 60 * 24; hours += 6) {
                int bestInternal = score("10.0.0.0/8", hours, allPackages, policy);
                int worstPublic = score("0.0.0.0/0", hours, List.of(), policy);
                assertThat(worstPublic).as("×%s at %dh", multiplier, hours).isGreaterThan(bestInternal);
            }
        }
    }

    @ParameterizedTest(name = "[{index}] pending {0} → next re-assessment after {1}")
    @CsvSource(nullValues = "-", textBlock = """
            PT1H,             P1D
            P6DT12H,          P7D
            P7D,              P30D
            P8D,              P30D
            P29DT23H,         P30D
            P30D,             -
            """)
    void nextReassessmentIsTheNextThresholdAgeCrosses(Duration age, Duration next) {
        Instant since = NOW.minus(age);
        Assessment assessment = PriorityModel.assess(List.of(), since, List.of(), null, null, Policy.defaults(), NOW);

        assertThat(assessment.nextReassessAt()).isEqualTo(next == null ? null : since.plus(next));
    }

    @Test
    void levelsAtTheirBoundaries() {
        assertThat(PriorityModel.levelOf(29)).isEqualTo(PriorityLevel.LOW);
        assertThat(PriorityModel.levelOf(30)).isEqualTo(PriorityLevel.MEDIUM);
        assertThat(PriorityModel.levelOf(49)).isEqualTo(PriorityLevel.MEDIUM);
        assertThat(PriorityModel.levelOf(50)).isEqualTo(PriorityLevel.HIGH);
        assertThat(PriorityModel.levelOf(74)).isEqualTo(PriorityLevel.HIGH);
        assertThat(PriorityModel.levelOf(75)).isEqualTo(PriorityLevel.CRITICAL);
    }

    private static int score(String sources, int hours, List<String> packages, Policy policy) {
        return PriorityModel.assess(ports(sources), NOW.minus(Duration.ofHours(hours)), packages, null, null, policy, NOW).score();
    }

    static List<OpenPort> ports(String sources) {
        return sources == null ? List.of() : List.of(new OpenPort(443, "tcp", words(sources)));
    }

    private static List<String> words(String text) {
        return text == null ? List.of() : new ArrayList<>(Arrays.asList(text.trim().split("\\s+")));
    }

    private static Set<Surface> surfaces(String names) {
        Set<Surface> surfaces = EnumSet.noneOf(Surface.class);
        words(names).forEach(name -> surfaces.add(Surface.valueOf(name)));
        return surfaces;
    }

    private static int sum(List<PriorityFactor> factors) {
        return factors.stream().mapToInt(PriorityFactor::contribution).sum();
    }
}
