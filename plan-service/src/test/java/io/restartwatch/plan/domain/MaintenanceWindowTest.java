package io.restartwatch.plan.domain;

import static java.time.DayOfWeek.MONDAY;
import static java.time.DayOfWeek.SATURDAY;
import static java.time.DayOfWeek.SUNDAY;
import static java.time.DayOfWeek.WEDNESDAY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** Weekly windows: crossing midnight, DST through Europe/Berlin's rules, overlaps on the week's circle. */
class MaintenanceWindowTest {

    static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

    static MaintenanceWindow window(String start, String end, DayOfWeek... days) {
        return new MaintenanceWindow(Set.of(days), LocalTime.parse(start), LocalTime.parse(end));
    }

    @Test
    void aWindowCrossingMidnightIsOpenOnTheNextDayUntilItsEnd() {
        // Saturday 22:00 to Sunday 02:00 (2026-12-05 is a Saturday).
        MaintenanceWindow window = window("22:00", "02:00", SATURDAY);
        assertThat(window.crossesMidnight()).isTrue();
        assertThat(window.openUntil(Instant.parse("2026-12-05T21:59:00Z"), ZoneOffset.UTC)).isEmpty();
        assertThat(window.openUntil(Instant.parse("2026-12-05T22:00:00Z"), ZoneOffset.UTC)).contains(Instant.parse("2026-12-06T02:00:00Z"));
        assertThat(window.openUntil(Instant.parse("2026-12-06T01:59:00Z"), ZoneOffset.UTC)).contains(Instant.parse("2026-12-06T02:00:00Z"));
        assertThat(window.openUntil(Instant.parse("2026-12-06T02:00:00Z"), ZoneOffset.UTC)).as("the end is exclusive").isEmpty();
        // Sunday 22:00 is not a Saturday: closed.
        assertThat(window.openUntil(Instant.parse("2026-12-06T22:30:00Z"), ZoneOffset.UTC)).isEmpty();
    }

    @Test
    void localTimesFollowTheZoneSummerAndWinter() {
        MaintenanceWindow window = window("02:00", "05:00", SUNDAY);
        // Winter (CET, UTC+1): 01:00Z–04:00Z; summer (CEST, UTC+2): 00:00Z–03:00Z.
        assertThat(window.openUntil(Instant.parse("2026-12-06T01:00:00Z"), BERLIN)).contains(Instant.parse("2026-12-06T04:00:00Z"));
        assertThat(window.openUntil(Instant.parse("2026-12-06T00:30:00Z"), BERLIN)).isEmpty();
        assertThat(window.openUntil(Instant.parse("2027-06-06T00:00:00Z"), BERLIN)).contains(Instant.parse("2027-06-06T03:00:00Z"));
        assertThat(window.openUntil(Instant.parse("2027-06-06T03:00:00Z"), BERLIN)).isEmpty();
    }

    @Test
    void onTheSpringForwardNightAWindowInTheGapOpensWhenTheClocksReadTheShiftedTime() {
        // 2027-03-28: Berlin's clocks jump from 02:00 to 03:00 (01:00Z). 02:30 does not exist; it resolves to 03:30 CEST.
        MaintenanceWindow window = window("02:30", "04:00", SUNDAY);
        assertThat(window.nextOpening(Instant.parse("2027-03-27T12:00:00Z"), Instant.parse("2027-04-10T00:00:00Z"), BERLIN))
                .contains(Instant.parse("2027-03-28T01:30:00Z"));
        assertThat(window.openUntil(Instant.parse("2027-03-28T01:45:00Z"), BERLIN)).contains(Instant.parse("2027-03-28T02:00:00Z"));
        assertThat(window.openUntil(Instant.parse("2027-03-28T01:15:00Z"), BERLIN)).isEmpty();
    }

    @Test
    void onTheFallBackNightAWindowLastsTheExtraHour() {
        // 2026-10-25: Berlin's clocks go back from 03:00 CEST to 02:00 CET (01:00Z). 01:00–04:00 local lasts 4 hours.
        MaintenanceWindow window = window("01:00", "04:00", SUNDAY);
        Instant opens = Instant.parse("2026-10-24T23:00:00Z");
        assertThat(window.nextOpening(Instant.parse("2026-10-24T12:00:00Z"), Instant.parse("2026-11-01T00:00:00Z"), BERLIN)).contains(opens);
        assertThat(window.openUntil(Instant.parse("2026-10-25T02:30:00Z"), BERLIN)).contains(Instant.parse("2026-10-25T03:00:00Z"));
    }

    @Test
    void nextOpeningLooksAheadWithinTheHorizonOnly() {
        MaintenanceWindow window = window("02:00", "05:00", SATURDAY, SUNDAY);
        Instant tuesdayNoon = Instant.parse("2026-12-01T12:00:00Z");
        assertThat(window.nextOpening(tuesdayNoon, tuesdayNoon.plusSeconds(30 * 86400), ZoneOffset.UTC))
                .contains(Instant.parse("2026-12-05T02:00:00Z"));
        assertThat(window.nextOpening(tuesdayNoon, Instant.parse("2026-12-05T01:59:00Z"), ZoneOffset.UTC)).isEmpty();
        assertThat(window.nextOpening(Instant.parse("2026-12-05T02:00:00Z"), tuesdayNoon.plusSeconds(30 * 86400), ZoneOffset.UTC))
                .as("an opening at the instant itself counts").contains(Instant.parse("2026-12-05T02:00:00Z"));
        assertThat(window.nextOpening(Instant.parse("2026-12-05T03:00:00Z"), tuesdayNoon.plusSeconds(30 * 86400), ZoneOffset.UTC))
                .as("the next one, not the one already open").contains(Instant.parse("2026-12-06T02:00:00Z"));
    }

    @Test
    void overlapsOnTheSameDayAndNotWhenAdjacent() {
        assertThat(window("01:00", "04:00", MONDAY).overlaps(window("03:00", "05:00", MONDAY))).isTrue();
        assertThat(window("01:00", "04:00", MONDAY).overlaps(window("02:00", "03:00", MONDAY, WEDNESDAY))).as("contained").isTrue();
        assertThat(window("01:00", "03:00", MONDAY).overlaps(window("03:00", "05:00", MONDAY))).as("adjacent").isFalse();
        assertThat(window("01:00", "04:00", MONDAY).overlaps(window("01:00", "04:00", WEDNESDAY))).as("other day").isFalse();
    }

    @Test
    void overlapsAcrossMidnightAndAcrossTheWeekEnd() {
        // Sunday 23:00 – Monday 02:00 meets Monday 01:00 – 03:00: Sunday is the week's last day, Monday its first.
        assertThat(window("23:00", "02:00", SUNDAY).overlaps(window("01:00", "03:00", MONDAY))).isTrue();
        assertThat(window("01:00", "03:00", MONDAY).overlaps(window("23:00", "02:00", SUNDAY))).isTrue();
        assertThat(window("23:00", "02:00", SUNDAY).overlaps(window("02:00", "03:00", MONDAY))).isFalse();
        assertThat(window("22:00", "02:00", SATURDAY).overlaps(window("01:00", "03:00", SUNDAY))).isTrue();
    }

    @Test
    void emptyOrDaylessWindowsAreRefused() {
        assertThatThrownBy(() -> window("02:00", "02:00", MONDAY)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty");
        assertThatThrownBy(() -> new MaintenanceWindow(Set.of(), LocalTime.NOON, LocalTime.MIDNIGHT))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("day");
    }
}
