package io.restartwatch.plan.domain;

import static io.restartwatch.plan.domain.MaintenanceWindowTest.window;
import static java.time.DayOfWeek.SATURDAY;
import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.restartwatch.contracts.Exposure;
import io.restartwatch.contracts.PriorityLevel;
import io.restartwatch.plan.domain.PlanModel.Planned;
import io.restartwatch.plan.domain.PlanModel.Preview;
import io.restartwatch.plan.domain.PlanModel.UnscheduledReason;
import io.restartwatch.plan.domain.PlanModel.Wave;
import org.jboss.logging.Logger;
import org.junit.jupiter.api.Test;

/** The planner: priority order, limits per application and fleet, windows, blackouts, the horizon — and its speed. */
class PlanModelTest {

    private static final Logger LOG = Logger.getLogger(PlanModelTest.class);
    static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z"); // a Tuesday
    static final Duration WAVE = Duration.ofMinutes(10);
    static final Duration HORIZON = Duration.ofDays(30);
    static final Instant BASE_SINCE = Instant.parse("2026-11-01T00:00:00Z");

    static FleetServer server(String id, String app, Exposure exposure, PriorityLevel level, int score, Instant since) {
        return new FleetServer(id, id + ".example", app, "prod", Map.of(), false, true, level, score, exposure, since, null);
    }

    static FleetServer server(String id, String app) {
        return server(id, app, Exposure.INTERNAL, PriorityLevel.HIGH, 50, BASE_SINCE);
    }

    static RestartPolicy policy(String app, String maxUnavailable, List<MaintenanceWindow> windows, List<Blackout> blackouts) {
        return new RestartPolicy(app, "*", ZoneOffset.UTC, windows, blackouts, MaxUnavailable.parse(maxUnavailable), null, null, null);
    }

    static Preview plan(List<FleetServer> fleet, Map<String, RestartPolicy> policies, FleetLimits limits, Duration horizon) {
        return PlanModel.plan(fleet, new Selection(null, null, null, null, null, null, null),
                (app, env) -> policies.getOrDefault(app, RestartPolicy.defaults(app)), limits, NOW, WAVE, horizon);
    }

    static List<String> ids(Wave wave) {
        return wave.restarts().stream().map(Planned::serverId).toList();
    }

    @Test
    void publicFirstThenLevelThenScoreThenAgeThenId() {
        Instant older = BASE_SINCE.minus(Duration.ofDays(3));
        List<FleetServer> fleet = List.of(
                server("internal-critical", "shop", Exposure.INTERNAL, PriorityLevel.CRITICAL, 90, BASE_SINCE),
                server("public-low", "shop", Exposure.PUBLIC, PriorityLevel.LOW, 20, BASE_SINCE),
                server("restricted-high", "shop", Exposure.RESTRICTED, PriorityLevel.HIGH, 60, BASE_SINCE),
                server("internal-high-61", "shop", Exposure.INTERNAL, PriorityLevel.HIGH, 61, BASE_SINCE),
                server("internal-high-60-older", "shop", Exposure.INTERNAL, PriorityLevel.HIGH, 60, older),
                server("internal-high-60-b", "shop", Exposure.INTERNAL, PriorityLevel.HIGH, 60, BASE_SINCE),
                server("internal-high-60-a", "shop", Exposure.INTERNAL, PriorityLevel.HIGH, 60, BASE_SINCE),
                server("public-critical", "shop", Exposure.PUBLIC, PriorityLevel.CRITICAL, 95, BASE_SINCE));
        Preview preview = plan(fleet, Map.of("shop", policy("shop", "100", List.of(), List.of())), FleetLimits.DEFAULTS, HORIZON);

        assertThat(preview.waves()).hasSize(1);
        assertThat(ids(preview.waves().get(0))).containsExactly("public-critical", "public-low", "internal-critical",
                "internal-high-61", "internal-high-60-older", "internal-high-60-a", "internal-high-60-b", "restricted-high");
        assertThat(preview.waves().get(0).restarts()).extracting(Planned::rank).containsExactly(1, 2, 3, 4, 5, 6, 7, 8);
        assertThat(preview.waves().get(0).restarts().get(0).why().get(0)).isEqualTo(
                "rank 1 of 8: PUBLIC, CRITICAL, score 95, pending since 2026-11-01T00:00:00Z");
        assertThat(preview.waves().get(0).plannedAt()).isEqualTo(NOW);
        assertThat(preview.unscheduled()).isEmpty();
    }

    @Test
    void neverMoreThanMaxUnavailableOfAnApplicationInAWave() {
        List<FleetServer> fleet = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            fleet.add(server("shop-" + i, "shop", Exposure.INTERNAL, PriorityLevel.HIGH, 60 - i, BASE_SINCE));
        }
        fleet.add(server("blog-1", "blog"));
        Preview preview = plan(fleet, Map.of("shop", policy("shop", "2", List.of(), List.of())), FleetLimits.DEFAULTS, HORIZON);

        assertThat(preview.waves()).extracting(Wave::plannedAt).containsExactly(NOW, NOW.plus(WAVE), NOW.plus(WAVE.multipliedBy(2)));
        assertThat(ids(preview.waves().get(0))).containsExactly("shop-1", "shop-2", "blog-1");
        assertThat(ids(preview.waves().get(1))).containsExactly("shop-3", "shop-4");
        assertThat(ids(preview.waves().get(2))).containsExactly("shop-5");
        assertThat(preview.waves().get(2).restarts().get(0).why())
                .contains("waited 2 wave(s) behind higher-ranked restarts (2 × maxUnavailable, 0 × fleet maxConcurrent)");
    }

    @Test
    void aPercentageCountsEveryServerOfTheApplicationRoundedDown() {
        List<FleetServer> fleet = new ArrayList<>();
        for (int i = 1; i <= 11; i++) {
            FleetServer s = server("shop-" + i, "shop");
            // 3 of the 11 are up to date, one is removed: 25% of 10 servers = 2.
            boolean pending = i <= 8;
            fleet.add(new FleetServer(s.serverId(), s.hostname(), "shop", "prod", Map.of(), i == 11, pending,
                    s.level(), s.score(), s.exposure(), s.requiredSince(), null));
        }
        Preview preview = plan(fleet, Map.of("shop", policy("shop", "25%", List.of(), List.of())), FleetLimits.DEFAULTS, HORIZON);

        assertThat(preview.waves()).hasSize(4).allSatisfy(wave -> assertThat(wave.restarts()).hasSize(2));
        assertThat(preview.waves().get(0).restarts().get(0).why()).anySatisfy(line ->
                assertThat(line).isEqualTo("wave 1: 1 of maxUnavailable 2 for shop (25% of 10 servers), fleet maxConcurrent 10"));
    }

    @Test
    void theFleetLimitCapsEveryWaveInPriorityOrder() {
        List<FleetServer> fleet = new ArrayList<>();
        Map<String, RestartPolicy> policies = new HashMap<>();
        for (String app : List.of("a", "b", "c")) {
            policies.put(app, policy(app, "3", List.of(), List.of()));
            for (int i = 1; i <= 3; i++) {
                fleet.add(server(app + i, app, Exposure.INTERNAL, PriorityLevel.HIGH, app.equals("b") ? 70 - i : 60 - i, BASE_SINCE));
            }
        }
        Preview preview = plan(fleet, policies, new FleetLimits(4, List.of()), HORIZON);

        assertThat(ids(preview.waves().get(0))).containsExactly("b1", "b2", "b3", "a1");
        assertThat(ids(preview.waves().get(1))).containsExactly("c1", "a2", "c2", "a3");
        assertThat(ids(preview.waves().get(2))).containsExactly("c3");
        assertThat(preview.waves().get(1).restarts().get(0).why()).anySatisfy(line -> assertThat(line).contains("1 × fleet maxConcurrent"));
    }

    @Test
    void aClosedWindowMovesTheWaveToItsNextOpeningAndWavesStopWhenItCloses() {
        // Saturday 02:00–02:30 UTC: three waves fit (02:00, 02:10, 02:20); the rest wait a week.
        List<FleetServer> fleet = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            fleet.add(server("db-" + i, "db", Exposure.INTERNAL, PriorityLevel.HIGH, 60 - i, BASE_SINCE));
        }
        Preview preview = plan(fleet, Map.of("db", policy("db", "1", List.of(window("02:00", "02:30", SATURDAY)), List.of())),
                FleetLimits.DEFAULTS, HORIZON);

        Instant saturday = Instant.parse("2026-12-05T02:00:00Z");
        Instant nextSaturday = saturday.plus(Duration.ofDays(7));
        assertThat(preview.waves()).extracting(Wave::plannedAt).containsExactly(saturday, saturday.plus(WAVE),
                saturday.plus(WAVE.multipliedBy(2)), nextSaturday, nextSaturday.plus(WAVE));
        assertThat(preview.waves().get(0).restarts().get(0).why()).contains(
                "window open until 2026-12-05T02:30:00Z (Z)",
                "waited for its policy to open: window closed at 2026-12-01T12:00:00Z, opens 2026-12-05T02:00:00Z");
    }

    @Test
    void blackoutsHoldWavesAndOneCoveringEveryOpeningLeavesServersUnscheduled() {
        Blackout fleetFreeze = new Blackout(NOW.minus(Duration.ofHours(1)), NOW.plus(Duration.ofHours(6)), "datacenter move");
        Blackout shopFreeze = new Blackout(NOW, NOW.plus(Duration.ofDays(60)), "peak season");
        List<FleetServer> fleet = List.of(server("blog-1", "blog"), server("shop-1", "shop"));
        Preview preview = plan(fleet, Map.of("shop", policy("shop", "1", List.of(window("02:00", "05:00", SATURDAY)), List.of(shopFreeze))),
                new FleetLimits(10, List.of(fleetFreeze)), HORIZON);

        assertThat(preview.waves()).singleElement().satisfies(wave -> {
            assertThat(wave.plannedAt()).isEqualTo(NOW.plus(Duration.ofHours(6)));
            assertThat(ids(wave)).containsExactly("blog-1");
            assertThat(wave.restarts().get(0).why()).anySatisfy(line -> assertThat(line).contains("blackout 'datacenter move'"));
        });
        assertThat(preview.unscheduled()).singleElement().satisfies(u -> {
            assertThat(u.serverId()).isEqualTo("shop-1");
            assertThat(u.reason()).isEqualTo(UnscheduledReason.BLACKOUT);
        });
    }

    @Test
    void serversBeyondTheHorizonOrWithoutAWindowOrInAPlanAreUnscheduledWithTheReason() {
        List<FleetServer> fleet = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            fleet.add(server(String.format("web-%03d", i), "web"));
        }
        fleet.add(server("batch-1", "batch"));
        FleetServer planned = server("web-in-plan", "web");
        fleet.add(new FleetServer(planned.serverId(), planned.hostname(), "web", "prod", Map.of(), false, true,
                planned.level(), planned.score(), planned.exposure(), planned.requiredSince(), "plan-42"));
        Map<String, RestartPolicy> policies = Map.of("batch", policy("batch", "1", List.of(window("02:00", "05:00", SATURDAY)), List.of()));

        Preview preview = plan(fleet, policies, FleetLimits.DEFAULTS, Duration.ofDays(1));

        // One at a time every 10 minutes for a day: now, +10 min, … +24 h = 145 waves.
        assertThat(preview.waves()).hasSize(145);
        assertThat(preview.restarts()).isEqualTo(145);
        Map<UnscheduledReason, Long> reasons = new HashMap<>();
        preview.unscheduled().forEach(u -> reasons.merge(u.reason(), 1L, Long::sum));
        assertThat(reasons).containsExactlyInAnyOrderEntriesOf(Map.of(
                UnscheduledReason.BEYOND_HORIZON, 55L, UnscheduledReason.NO_WINDOW, 1L, UnscheduledReason.IN_PLAN, 1L));
        assertThat(preview.unscheduled()).filteredOn(u -> u.reason() == UnscheduledReason.IN_PLAN)
                .singleElement().satisfies(u -> assertThat(u.detail()).isEqualTo("already in plan plan-42"));
    }

    @Test
    void theSelectionFiltersByApplicationEnvironmentLevelExposureLabelsAndAge() {
        List<FleetServer> fleet = List.of(
                new FleetServer("a", "a", "shop", "prod", Map.of("tier", "web"), false, true, PriorityLevel.CRITICAL, 90, Exposure.PUBLIC, BASE_SINCE, null),
                new FleetServer("b", "b", "shop", "prod", Map.of("tier", "db"), false, true, PriorityLevel.CRITICAL, 90, Exposure.PUBLIC, BASE_SINCE, null),
                new FleetServer("c", "c", "shop", "staging", Map.of("tier", "web"), false, true, PriorityLevel.CRITICAL, 90, Exposure.PUBLIC, BASE_SINCE, null),
                new FleetServer("d", "d", "shop", "prod", Map.of("tier", "web"), false, true, PriorityLevel.LOW, 10, Exposure.PUBLIC, BASE_SINCE, null),
                new FleetServer("e", "e", "shop", "prod", Map.of("tier", "web"), false, false, PriorityLevel.CRITICAL, 90, Exposure.PUBLIC, BASE_SINCE, null),
                new FleetServer("f", "f", "shop", "prod", Map.of("tier", "web"), true, true, PriorityLevel.CRITICAL, 90, Exposure.PUBLIC, BASE_SINCE, null),
                new FleetServer("g", "g", "shop", "prod", Map.of("tier", "web"), false, true, PriorityLevel.CRITICAL, 90, Exposure.PUBLIC, NOW, null),
                new FleetServer("h", "h", "blog", "prod", Map.of("tier", "web"), false, true, PriorityLevel.CRITICAL, 90, Exposure.PUBLIC, BASE_SINCE, null));
        Selection selection = new Selection("shop", "prod", Set.of(PriorityLevel.CRITICAL, PriorityLevel.HIGH), Set.of(Exposure.PUBLIC),
                Map.of("tier", "web"), NOW.minus(Duration.ofDays(3)), null);
        Preview preview = PlanModel.plan(fleet, selection, (app, env) -> RestartPolicy.defaults(app), FleetLimits.DEFAULTS, NOW, WAVE, HORIZON);

        assertThat(preview.waves()).singleElement().satisfies(wave -> assertThat(ids(wave)).containsExactly("a"));
        assertThat(preview.unscheduled()).isEmpty();
    }

    @Test
    void tenThousandServersInFiveHundredApplicationsPreviewQuickly() {
        List<FleetServer> fleet = new ArrayList<>(10_000);
        Map<String, RestartPolicy> policies = new HashMap<>();
        PriorityLevel[] levels = PriorityLevel.values();
        Exposure[] exposures = Exposure.values();
        for (int a = 0; a < 500; a++) {
            String app = "app-" + a;
            List<MaintenanceWindow> windows = a % 2 == 0 ? List.of() : List.of(window("01:00", "06:00", java.time.DayOfWeek.values()));
            policies.put(app, new RestartPolicy(app, "*", java.time.ZoneId.of("Europe/Berlin"), windows, List.of(),
                    MaxUnavailable.parse(a % 3 == 0 ? "25%" : "2"), null, null, null));
            for (int s = 0; s < 20; s++) {
                int n = a * 20 + s;
                fleet.add(new FleetServer("srv-" + n, "srv-" + n + ".example", app, n % 5 == 0 ? "staging" : "prod", Map.of(),
                        false, true, levels[n % levels.length], n % 100, exposures[n % exposures.length], BASE_SINCE.plusSeconds(n), null));
            }
        }
        Selection all = new Selection(null, null, null, null, null, null, null);
        PlanModel.plan(fleet, all, (app, env) -> policies.get(app), FleetLimits.DEFAULTS, NOW, WAVE, HORIZON); // warm-up

        // Measured, not asserted: the machine running the tests is shared. CPU time says what the model costs.
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long started = System.nanoTime();
        long cpuStarted = threads.getCurrentThreadCpuTime();
        Preview preview = PlanModel.plan(fleet, all, (app, env) -> policies.get(app), FleetLimits.DEFAULTS, NOW, WAVE, HORIZON);
        long millis = (System.nanoTime() - started) / 1_000_000;
        long cpuMillis = (threads.getCurrentThreadCpuTime() - cpuStarted) / 1_000_000;
        LOG.infof("Preview of %d servers in 500 applications: %d ms (%d ms CPU), %d waves, %d planned, %d unscheduled",
                fleet.size(), millis, cpuMillis, preview.waves().size(), preview.restarts(), preview.unscheduled().size());

        assertThat(preview.restarts() + preview.unscheduled().size()).isEqualTo(10_000);
        assertThat(preview.waves()).allSatisfy(wave -> {
            assertThat(wave.restarts()).hasSizeLessThanOrEqualTo(10);
            Map<String, Integer> perApp = new HashMap<>();
            wave.restarts().forEach(r -> perApp.merge(r.applicationId(), 1, Integer::sum));
            perApp.forEach((app, count) -> assertThat(count).isLessThanOrEqualTo(policies.get(app).maxUnavailable().limitFor(20)));
        });
    }
}
