package io.restartwatch.plan.domain;

import static io.restartwatch.plan.domain.MaintenanceWindowTest.BERLIN;
import static io.restartwatch.plan.domain.MaintenanceWindowTest.window;
import static java.time.DayOfWeek.MONDAY;
import static java.time.DayOfWeek.SATURDAY;
import static java.time.DayOfWeek.SUNDAY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import org.junit.jupiter.api.Test;

/** A policy answers whether a restart may begin now (window and blackouts) and when it next may. */
class RestartPolicyTest {

    static final Instant TUESDAY_NOON = Instant.parse("2026-12-01T12:00:00Z");
    static final Instant HORIZON = TUESDAY_NOON.plus(Duration.ofDays(30));

    static RestartPolicy policy(List<MaintenanceWindow> windows, List<Blackout> blackouts) {
        return new RestartPolicy("shop", "*", BERLIN, windows, blackouts, MaxUnavailable.ONE, null, null, null);
    }

    @Test
    void theDefaultsAreAlwaysOpenOneAtATimeForFifteenMinutes() {
        RestartPolicy defaults = RestartPolicy.defaults("shop");
        assertThat(defaults.stateAt(TUESDAY_NOON).open()).isTrue();
        assertThat(defaults.stateAt(TUESDAY_NOON).closesAt()).isNull();
        assertThat(defaults.maxUnavailable().limitFor(50)).isEqualTo(1);
        assertThat(defaults.restartTimeout()).isEqualTo(Duration.ofMinutes(15));
        assertThat(defaults.nextOpening(TUESDAY_NOON, HORIZON, List.of())).contains(TUESDAY_NOON);
    }

    @Test
    void aWindowInBerlinOpensAtItsLocalTime() {
        RestartPolicy policy = policy(List.of(window("02:00", "05:00", SATURDAY, SUNDAY)), List.of());
        assertThat(policy.stateAt(TUESDAY_NOON).open()).isFalse();
        assertThat(policy.stateAt(TUESDAY_NOON).blackout()).isNull();
        Instant saturdayOpening = Instant.parse("2026-12-05T01:00:00Z");
        assertThat(policy.nextOpening(TUESDAY_NOON, HORIZON, List.of())).contains(saturdayOpening);
        RestartPolicy.WindowState open = policy.stateAt(saturdayOpening.plusSeconds(60));
        assertThat(open.open()).isTrue();
        assertThat(open.closesAt()).isEqualTo(Instant.parse("2026-12-05T04:00:00Z"));
    }

    @Test
    void aBlackoutClosesAnOpenWindowAndNextOpeningSkipsPastIt() {
        Blackout freeze = new Blackout(Instant.parse("2026-12-05T00:00:00Z"), Instant.parse("2026-12-06T02:00:00Z"), "release freeze");
        RestartPolicy policy = policy(List.of(window("02:00", "05:00", SATURDAY, SUNDAY)), List.of(freeze));
        RestartPolicy.WindowState saturday = policy.stateAt(Instant.parse("2026-12-05T02:00:00Z"));
        assertThat(saturday.open()).isFalse();
        assertThat(saturday.blackout()).isEqualTo(freeze);
        // Sunday's window opens 01:00Z but the freeze lasts until 02:00Z: the first open instant is the freeze's end.
        assertThat(policy.nextOpening(TUESDAY_NOON, HORIZON, List.of())).contains(Instant.parse("2026-12-06T02:00:00Z"));
    }

    @Test
    void fleetBlackoutsCountInNextOpening() {
        RestartPolicy always = RestartPolicy.defaults("shop");
        Blackout fleet = new Blackout(TUESDAY_NOON.minusSeconds(60), TUESDAY_NOON.plus(Duration.ofHours(6)), "migration");
        assertThat(always.nextOpening(TUESDAY_NOON, HORIZON, List.of(fleet))).contains(TUESDAY_NOON.plus(Duration.ofHours(6)));
        assertThat(always.nextOpening(TUESDAY_NOON, TUESDAY_NOON.plus(Duration.ofHours(5)), List.of(fleet))).isEmpty();
    }

    @Test
    void nothingWithinTheHorizonIsEmpty() {
        Blackout month = new Blackout(TUESDAY_NOON, TUESDAY_NOON.plus(Duration.ofDays(60)), "moratorium");
        assertThat(policy(List.of(window("02:00", "05:00", SUNDAY)), List.of(month)).nextOpening(TUESDAY_NOON, HORIZON, List.of())).isEmpty();
    }

    @Test
    void overlappingWindowsAreRefusedIncludingAcrossMidnight() {
        assertThatThrownBy(() -> policy(List.of(window("01:00", "04:00", MONDAY), window("03:00", "05:00", MONDAY)), List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("windows 1 and 2 overlap");
        assertThatThrownBy(() -> policy(List.of(window("23:00", "02:00", SUNDAY), window("01:00", "03:00", MONDAY)), List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("windows 1 and 2 overlap");
        assertThat(policy(List.of(window("23:00", "02:00", SUNDAY), window("02:00", "03:00", MONDAY)), List.of()).windows()).hasSize(2);
    }

    @Test
    void limitsAndTimeoutsAreChecked() {
        assertThat(MaxUnavailable.parse("25%").limitFor(10)).isEqualTo(2);
        assertThat(MaxUnavailable.parse("25%").limitFor(3)).as("at least one").isEqualTo(1);
        assertThat(MaxUnavailable.parse("100%").limitFor(7)).isEqualTo(7);
        assertThat(MaxUnavailable.parse("2").limitFor(1)).isEqualTo(2);
        for (String bad : List.of("150%", "0", "0%", "-1", "two", "%", "")) {
            assertThatThrownBy(() -> MaxUnavailable.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> new RestartPolicy("shop", "*", ZoneOffset.UTC, List.of(), List.of(), null, Duration.ZERO, null, null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Blackout(TUESDAY_NOON, TUESDAY_NOON, "nothing")).isInstanceOf(IllegalArgumentException.class);
        assertThat(new Blackout(TUESDAY_NOON, TUESDAY_NOON.plusSeconds(1), null).covers(TUESDAY_NOON.plusSeconds(1))).as("end exclusive").isFalse();
        assertThat(new FleetLimits(3, null).blackouts()).isEmpty();
        assertThatThrownBy(() -> new FleetLimits(0, List.of())).isInstanceOf(IllegalArgumentException.class);
    }
}
