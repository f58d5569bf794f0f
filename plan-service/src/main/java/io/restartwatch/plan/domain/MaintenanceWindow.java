package io.restartwatch.plan.domain;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * A weekly maintenance window in its policy's time zone: on each of {@code days} it opens at {@code start} and closes
 * at {@code end}; an end at or before the start closes on the next day (a window from Saturday 22:00 to 02:00).
 * Local times are resolved through the zone's rules, so a window at 02:30 on a spring-forward night opens when the
 * clocks read 03:30, as {@link ZonedDateTime#of} resolves a gap.
 *
 * @param days the days the window opens on (not empty)
 */
public record MaintenanceWindow(Set<DayOfWeek> days, LocalTime start, LocalTime end) {

    private static final int MINUTES_PER_DAY = 24 * 60;
    private static final int MINUTES_PER_WEEK = 7 * MINUTES_PER_DAY;

    public MaintenanceWindow {
        if (days == null || days.isEmpty()) {
            throw new IllegalArgumentException("a window needs at least one day");
        }
        if (start == null || end == null) {
            throw new IllegalArgumentException("a window needs a start and an end");
        }
        if (start.equals(end)) {
            throw new IllegalArgumentException("a window from " + start + " to " + end + " is empty");
        }
        days = Set.copyOf(EnumSet.copyOf(days));
    }

    /** Whether it closes on the day after it opens. */
    public boolean crossesMidnight() {
        return !end.isAfter(start);
    }

    /** Length in minutes, for overlap checks (wall-clock minutes; DST does not change what overlaps). */
    int lengthMinutes() {
        int minutes = (int) java.time.Duration.between(start, end).toMinutes();
        return minutes > 0 ? minutes : minutes + MINUTES_PER_DAY;
    }

    /** Whether two windows are open at a common wall-clock minute of the week. */
    public boolean overlaps(MaintenanceWindow other) {
        for (DayOfWeek day : days) {
            int from = weekMinute(day, start);
            for (DayOfWeek otherDay : other.days) {
                int otherFrom = weekMinute(otherDay, other.start);
                if (intersects(from, lengthMinutes(), otherFrom, other.lengthMinutes())) {
                    return true;
                }
            }
        }
        return false;
    }

    private static int weekMinute(DayOfWeek day, LocalTime time) {
        return (day.getValue() - 1) * MINUTES_PER_DAY + time.getHour() * 60 + time.getMinute();
    }

    /** Two ranges [a, a+la) and [b, b+lb) on the week's circle. */
    private static boolean intersects(int a, int la, int b, int lb) {
        int bFromA = Math.floorMod(b - a, MINUTES_PER_WEEK);
        int aFromB = Math.floorMod(a - b, MINUTES_PER_WEEK);
        return bFromA < la || aFromB < lb;
    }

    /** The occurrence open at {@code at}: when it closes; empty when closed at that instant. */
    public Optional<Instant> openUntil(Instant at, ZoneId zone) {
        LocalDate today = at.atZone(zone).toLocalDate();
        for (LocalDate day = today.minusDays(1); !day.isAfter(today); day = day.plusDays(1)) {
            if (!days.contains(day.getDayOfWeek())) {
                continue;
            }
            Instant opens = opening(day, zone);
            Instant closes = closing(day, zone);
            if (!at.isBefore(opens) && at.isBefore(closes)) {
                return Optional.of(closes);
            }
        }
        return Optional.empty();
    }

    /** The first opening at or after {@code after}, looking no further than {@code horizon}. */
    public Optional<Instant> nextOpening(Instant after, Instant horizon, ZoneId zone) {
        LocalDate day = after.atZone(zone).toLocalDate();
        LocalDate last = horizon.atZone(zone).toLocalDate();
        for (; !day.isAfter(last); day = day.plusDays(1)) {
            if (days.contains(day.getDayOfWeek())) {
                Instant opens = opening(day, zone);
                if (!opens.isBefore(after) && !opens.isAfter(horizon)) {
                    return Optional.of(opens);
                }
            }
        }
        return Optional.empty();
    }

    private Instant opening(LocalDate day, ZoneId zone) {
        return ZonedDateTime.of(day, start, zone).toInstant();
    }

    private Instant closing(LocalDate day, ZoneId zone) {
        return ZonedDateTime.of(crossesMidnight() ? day.plusDays(1) : day, end, zone).toInstant();
    }
}
