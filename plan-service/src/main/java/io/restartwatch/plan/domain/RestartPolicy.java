package io.restartwatch.plan.domain;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

/**
 * When and how fast an application's servers may be restarted (for one environment, or {@code *} for all):
 * weekly windows in a time zone, blackouts, how many at once, how long a restart may take before the plan halts,
 * an optional health URL that must answer 2xx before a restart counts as done, and an optional auto-plan.
 * No windows means any time.
 *
 * @param healthUrl template with {@code {hostname}} and {@code {serverId}} placeholders, or null
 * @param autoPlan  null when the application's restarts are only planned by operators
 */
public record RestartPolicy(
        String applicationId,
        String environment,
        ZoneId timeZone,
        List<MaintenanceWindow> windows,
        List<Blackout> blackouts,
        MaxUnavailable maxUnavailable,
        Duration restartTimeout,
        String healthUrl,
        AutoPlan autoPlan) {

    public static final String ANY_ENVIRONMENT = "*";
    public static final Duration DEFAULT_RESTART_TIMEOUT = Duration.ofMinutes(15);

    public RestartPolicy {
        environment = environment == null || environment.isBlank() ? ANY_ENVIRONMENT : environment;
        timeZone = timeZone == null ? ZoneOffset.UTC : timeZone;
        windows = windows == null ? List.of() : List.copyOf(windows);
        blackouts = blackouts == null ? List.of() : List.copyOf(blackouts);
        maxUnavailable = maxUnavailable == null ? MaxUnavailable.ONE : maxUnavailable;
        restartTimeout = restartTimeout == null ? DEFAULT_RESTART_TIMEOUT : restartTimeout;
        if (restartTimeout.isNegative() || restartTimeout.isZero()) {
            throw new IllegalArgumentException("restartTimeout must be positive, not " + restartTimeout);
        }
        for (int i = 0; i < windows.size(); i++) {
            for (int j = i + 1; j < windows.size(); j++) {
                if (windows.get(i).overlaps(windows.get(j))) {
                    throw new IllegalArgumentException("windows " + (i + 1) + " and " + (j + 1) + " overlap");
                }
            }
        }
    }

    /** What applies to an application nobody wrote a policy for: any time, one at a time, 15 minutes. */
    public static RestartPolicy defaults(String applicationId) {
        return new RestartPolicy(applicationId, ANY_ENVIRONMENT, ZoneOffset.UTC, List.of(), List.of(),
                MaxUnavailable.ONE, DEFAULT_RESTART_TIMEOUT, null, null);
    }

    /** Whether the policy lets a restart begin at {@code at}: the window open and no blackout of its own. */
    public WindowState stateAt(Instant at) {
        for (Blackout blackout : blackouts) {
            if (blackout.covers(at)) {
                return WindowState.blackedOut(blackout);
            }
        }
        if (windows.isEmpty()) {
            return WindowState.openUntil(null);
        }
        for (MaintenanceWindow window : windows) {
            Optional<Instant> closes = window.openUntil(at, timeZone);
            if (closes.isPresent()) {
                return WindowState.openUntil(closes.get());
            }
        }
        return WindowState.CLOSED;
    }

    /**
     * The first instant at or after {@code after} (and not after {@code horizon}) at which {@link #stateAt} is open,
     * also counting {@code moreBlackouts} (the fleet's); empty when there is none within the horizon.
     */
    public Optional<Instant> nextOpening(Instant after, Instant horizon, List<Blackout> moreBlackouts) {
        Instant candidate = after;
        // Each step moves past a blackout or to the next window opening, so this ends.
        while (!candidate.isAfter(horizon)) {
            Optional<Blackout> blackout = covering(candidate, moreBlackouts);
            if (blackout.isPresent()) {
                candidate = blackout.get().to();
                continue;
            }
            WindowState state = stateAt(candidate);
            if (state.open()) {
                return Optional.of(candidate);
            }
            Optional<Instant> next = Optional.empty();
            for (MaintenanceWindow window : windows) {
                Optional<Instant> opens = window.nextOpening(candidate, horizon, timeZone);
                if (opens.isPresent() && (next.isEmpty() || opens.get().isBefore(next.get()))) {
                    next = opens;
                }
            }
            if (next.isEmpty() || !next.get().isAfter(candidate)) {
                return Optional.empty();
            }
            candidate = next.get();
        }
        return Optional.empty();
    }

    private Optional<Blackout> covering(Instant at, List<Blackout> moreBlackouts) {
        for (List<Blackout> list : List.of(blackouts, moreBlackouts)) {
            for (Blackout blackout : list) {
                if (blackout.covers(at)) {
                    return Optional.of(blackout);
                }
            }
        }
        return Optional.empty();
    }

    /**
     * Whether a restart may begin now, and until when.
     *
     * @param closesAt   end of the open window occurrence; null when open (no windows) with no end
     * @param blackout   the blackout that holds it, or null
     */
    public record WindowState(boolean open, Instant closesAt, Blackout blackout) {

        static final WindowState CLOSED = new WindowState(false, null, null);

        static WindowState openUntil(Instant closesAt) {
            return new WindowState(true, closesAt, null);
        }

        static WindowState blackedOut(Blackout blackout) {
            return new WindowState(false, null, blackout);
        }
    }
}
