package io.restartwatch.plan.persistence;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Size;

import io.restartwatch.contracts.PriorityLevel;
import io.restartwatch.plan.domain.AutoPlan;
import io.restartwatch.plan.domain.Blackout;
import io.restartwatch.plan.domain.MaintenanceWindow;
import io.restartwatch.plan.domain.MaxUnavailable;
import io.restartwatch.plan.domain.RestartPolicy;

/**
 * A restart policy as JSON has it, in the REST API and in the {@code restart_policy} row alike: strings for times,
 * durations and instants, so a bad value is reported against its field ({@link InvalidField}) rather than as
 * unreadable JSON.
 *
 * <pre>{"timeZone":"Europe/Berlin","windows":[{"days":["SATURDAY"],"start":"02:00","end":"05:00"}],
 *  "blackouts":[{"from":"2026-12-20T00:00:00Z","to":"2027-01-02T00:00:00Z","reason":"freeze"}],
 *  "maxUnavailable":"2","restartTimeout":"PT15M","healthUrl":"http://{hostname}:8080/health",
 *  "autoPlan":{"minLevel":"CRITICAL","pendingFor":"P3D"}}</pre>
 */
public record PolicyDocument(
        @Size(max = 64) String timeZone,
        @Size(max = 50) List<@Valid WindowDocument> windows,
        @Size(max = 100) List<@Valid BlackoutDocument> blackouts,
        @Size(max = 16) String maxUnavailable,
        @Size(max = 32) String restartTimeout,
        @Size(max = 2048) String healthUrl,
        @Valid AutoPlanDocument autoPlan) {

    /** ISO-8601 durations must be at most this long (so "now + duration" is always a valid instant). */
    static final Duration MAX_DURATION = Duration.ofDays(3650);
    private static final DateTimeFormatter HH_MM = DateTimeFormatter.ofPattern("HH:mm");

    public record WindowDocument(@Size(max = 7) List<@Size(max = 16) String> days, @Size(max = 8) String start, @Size(max = 8) String end) {
    }

    public record BlackoutDocument(@Size(max = 40) String from, @Size(max = 40) String to, @Size(max = 500) String reason) {
    }

    public record AutoPlanDocument(@Size(max = 16) String minLevel, @Size(max = 32) String pendingFor) {
    }

    /** A value that does not make a valid policy, and the JSON path of the field that holds it. */
    public static class InvalidField extends IllegalArgumentException {

        private final String field;

        public InvalidField(String field, String message) {
            super(message);
            this.field = field;
        }

        public String field() {
            return field;
        }
    }

    /** The domain policy this document describes; every domain rule applies (overlaps, ranges, zones). */
    public RestartPolicy toPolicy(String applicationId, String environment) {
        ZoneId zone = zone(timeZone);
        List<MaintenanceWindow> parsedWindows = new ArrayList<>();
        List<WindowDocument> windowList = windows == null ? List.of() : windows;
        for (int i = 0; i < windowList.size(); i++) {
            parsedWindows.add(window("windows[" + i + "]", windowList.get(i)));
        }
        List<Blackout> parsedBlackouts = blackouts("blackouts", blackouts);
        MaxUnavailable parsedMax;
        try {
            parsedMax = maxUnavailable == null ? MaxUnavailable.ONE : MaxUnavailable.parse(maxUnavailable);
        } catch (IllegalArgumentException e) {
            throw new InvalidField("maxUnavailable", e.getMessage());
        }
        Duration timeout = restartTimeout == null ? RestartPolicy.DEFAULT_RESTART_TIMEOUT : duration("restartTimeout", restartTimeout, false);
        String url = healthUrl == null || healthUrl.isBlank() ? null : healthUrl("healthUrl", healthUrl.trim());
        AutoPlan auto = autoPlan == null ? null : autoPlan("autoPlan", autoPlan);
        try {
            return new RestartPolicy(applicationId, environment, zone, parsedWindows, parsedBlackouts, parsedMax, timeout, url, auto);
        } catch (IllegalArgumentException e) {
            // The constructor's remaining rule is the overlap of two windows.
            throw new InvalidField("windows", e.getMessage());
        }
    }

    public static PolicyDocument of(RestartPolicy policy) {
        return new PolicyDocument(policy.timeZone().getId(),
                policy.windows().stream().map(PolicyDocument::window).toList(),
                blackoutDocuments(policy.blackouts()),
                policy.maxUnavailable().toString(),
                iso(policy.restartTimeout()),
                policy.healthUrl(),
                policy.autoPlan() == null ? null
                        : new AutoPlanDocument(policy.autoPlan().minLevel().name(), iso(policy.autoPlan().pendingFor())));
    }

    public static List<BlackoutDocument> blackoutDocuments(List<Blackout> blackouts) {
        return blackouts.stream().map(b -> new BlackoutDocument(b.from().toString(), b.to().toString(), b.reason())).toList();
    }

    /** Blackouts of a document (a policy's or the fleet's), each checked; empty for null. */
    public static List<Blackout> blackouts(String field, List<BlackoutDocument> documents) {
        List<Blackout> parsed = new ArrayList<>();
        List<BlackoutDocument> list = documents == null ? List.of() : documents;
        for (int i = 0; i < list.size(); i++) {
            String path = field + "[" + i + "]";
            BlackoutDocument document = list.get(i);
            if (document == null) {
                throw new InvalidField(path, "must be an object with from and to");
            }
            Instant from = instant(path + ".from", document.from());
            Instant to = instant(path + ".to", document.to());
            try {
                parsed.add(new Blackout(from, to, document.reason()));
            } catch (IllegalArgumentException e) {
                throw new InvalidField(path + ".to", e.getMessage());
            }
        }
        return parsed;
    }

    private static WindowDocument window(MaintenanceWindow window) {
        return new WindowDocument(window.days().stream().sorted().map(DayOfWeek::name).toList(),
                window.start().format(HH_MM), window.end().format(HH_MM));
    }

    private static MaintenanceWindow window(String path, WindowDocument document) {
        if (document == null) {
            throw new InvalidField(path, "must be an object with days, start and end");
        }
        if (document.days() == null || document.days().isEmpty()) {
            throw new InvalidField(path + ".days", "a window needs at least one day (MONDAY … SUNDAY)");
        }
        Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
        for (int d = 0; d < document.days().size(); d++) {
            String day = document.days().get(d);
            try {
                days.add(DayOfWeek.valueOf(day == null ? "" : day.trim().toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new InvalidField(path + ".days[" + d + "]", "must be a day of the week (MONDAY … SUNDAY), not \"" + day + "\"");
            }
        }
        LocalTime start = time(path + ".start", document.start());
        LocalTime end = time(path + ".end", document.end());
        try {
            return new MaintenanceWindow(days, start, end);
        } catch (IllegalArgumentException e) {
            throw new InvalidField(path, e.getMessage());
        }
    }

    private static LocalTime time(String field, String value) {
        if (value == null || !value.trim().matches("[0-9]{2}:[0-9]{2}")) {
            throw new InvalidField(field, "must be a time of day as HH:mm (e.g. 02:00)");
        }
        try {
            return LocalTime.parse(value.trim(), HH_MM);
        } catch (DateTimeParseException e) {
            throw new InvalidField(field, "must be a time of day as HH:mm (e.g. 02:00), not \"" + value + "\"");
        }
    }

    private static ZoneId zone(String value) {
        if (value == null || value.isBlank()) {
            return java.time.ZoneOffset.UTC;
        }
        try {
            return ZoneId.of(value.trim());
        } catch (DateTimeException e) {
            throw new InvalidField("timeZone", "must be an IANA time zone such as Europe/Berlin, not \"" + value + "\"");
        }
    }

    private static Instant instant(String field, String value) {
        if (value == null || value.isBlank()) {
            throw new InvalidField(field, "is required (an instant such as 2026-12-24T00:00:00Z)");
        }
        try {
            return java.time.OffsetDateTime.parse(value.trim()).toInstant();
        } catch (DateTimeParseException e) {
            throw new InvalidField(field, "must be an instant such as 2026-12-24T00:00:00Z, not \"" + value + "\"");
        }
    }

    /** ISO-8601, positive (or zero when {@code zeroAllowed}), at most ten years. */
    static Duration duration(String field, String value, boolean zeroAllowed) {
        Duration duration;
        try {
            duration = Duration.parse(value.trim());
        } catch (DateTimeParseException | ArithmeticException e) {
            throw new InvalidField(field, "must be an ISO-8601 duration such as PT15M or P3D, not \"" + value + "\"");
        }
        if (duration.isNegative() || (!zeroAllowed && duration.isZero())) {
            throw new InvalidField(field, zeroAllowed ? "must not be negative" : "must be a positive duration");
        }
        if (duration.compareTo(MAX_DURATION) > 0) {
            throw new InvalidField(field, "must be at most " + MAX_DURATION.toDays() + " days");
        }
        return duration;
    }

    private static String healthUrl(String field, String value) {
        // The placeholders are not valid in a URI; what they stand for is a host name or an id.
        String probe = value.replace("{hostname}", "host.example").replace("{serverId}", "server-id");
        try {
            URI uri = new URI(probe);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https")) {
                throw new InvalidField(field, "must be an http or https URL (placeholders {hostname}, {serverId})");
            }
            if (uri.getHost() == null || uri.getHost().isBlank()) {
                throw new InvalidField(field, "must name a host, e.g. http://{hostname}:8080/health");
            }
        } catch (URISyntaxException e) {
            throw new InvalidField(field, "is not a valid URL: " + e.getReason());
        }
        return value;
    }

    private static AutoPlan autoPlan(String path, AutoPlanDocument document) {
        PriorityLevel level;
        try {
            level = PriorityLevel.valueOf(document.minLevel() == null ? "" : document.minLevel().trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidField(path + ".minLevel", "must be one of LOW, MEDIUM, HIGH, CRITICAL");
        }
        if (document.pendingFor() == null) {
            throw new InvalidField(path + ".pendingFor", "is required (an ISO-8601 duration such as P3D)");
        }
        return new AutoPlan(level, duration(path + ".pendingFor", document.pendingFor(), true));
    }

    /** "P3D" rather than Duration's "PT72H" when the duration is whole days. */
    public static String iso(Duration duration) {
        return !duration.isZero() && duration.toSeconds() % Duration.ofDays(1).toSeconds() == 0 && duration.getNano() == 0
                ? "P" + duration.toDays() + "D" : duration.toString();
    }
}
