package io.restartwatch.plan.domain;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;

import io.restartwatch.contracts.Exposure;
import io.restartwatch.contracts.PriorityLevel;

/**
 * The planning model: which pending reboots a plan takes, in which order, in which wave and when — explained.
 *
 * <pre>
 * candidates   pending reboots of servers not removed that match the selection; one already in an active plan
 *              (DRAFT, RUNNING, PAUSED, HALTED) is not planned twice: unscheduled IN_PLAN
 * order        exposure PUBLIC first, then level CRITICAL, HIGH, MEDIUM, LOW, then score (highest first), then
 *              pending since (oldest first), then server id
 * wave k       begins at t_k (t_1 = now) and takes, in that order, the candidates whose policy is open at t_k
 *              (a window open, no blackout of the policy or the fleet), at most maxUnavailable per application
 *              (a count, or a percentage of the application's servers, rounded down, at least 1) and
 *              maxConcurrent in all
 * t_k+1        t_k + waveEstimate; when nothing fits at t_k, the next instant a remaining candidate's policy opens
 * horizon      a candidate whose policy never opens before now + horizon is unscheduled: NO_WINDOW, or BLACKOUT
 *              when only blackouts keep its windows shut; one still waiting when the waves reach the horizon is
 *              unscheduled BEYOND_HORIZON
 * </pre>
 *
 * <p>Servers sharing an application and environment share a policy, so the model works per such lane: a lane's
 * state (open until, or closed until) is computed once and reused until it can change, which keeps a preview of
 * 10 000 servers in 500 applications far below a second.
 */
public final class PlanModel {

    /** Why a selected server is not in any wave. */
    public enum UnscheduledReason {
        /** Already in an active plan. */
        IN_PLAN,
        /** Its policy's windows never open before the horizon. */
        NO_WINDOW,
        /** Its windows open before the horizon, but blackouts (the policy's or the fleet's) cover every opening. */
        BLACKOUT,
        /** There was a window, but not enough waves before the horizon to reach it. */
        BEYOND_HORIZON
    }

    /** The policy of a server, by application and environment. */
    @FunctionalInterface
    public interface Policies {
        RestartPolicy policyFor(String applicationId, String environment);
    }

    /** How a plan would go, computed at {@code computedAt}. */
    public record Preview(Instant computedAt, Instant horizon, List<Wave> waves, List<Unscheduled> unscheduled) {

        public int restarts() {
            return waves.stream().mapToInt(w -> w.restarts().size()).sum();
        }
    }

    /** One wave: its restarts begin together, at {@code plannedAt} at the earliest. */
    public record Wave(int number, Instant plannedAt, List<Planned> restarts) {
    }

    /**
     * One planned restart.
     *
     * @param rank its place in the priority order of the plan (1 = first)
     * @param why  why it is where it is: its rank's reasons, then its wave's
     */
    public record Planned(int rank, String serverId, String hostname, String applicationId, String environment,
                          PriorityLevel level, int score, Exposure exposure, Instant requiredSince, List<String> why) {
    }

    public record Unscheduled(String serverId, String hostname, String applicationId, String environment,
                              PriorityLevel level, int score, Exposure exposure, UnscheduledReason reason, String detail) {
    }

    /** Public first, then level, score, age, id. */
    public static final Comparator<FleetServer> PRIORITY_ORDER = Comparator
            .comparingInt((FleetServer s) -> s.exposure() == Exposure.PUBLIC ? 0 : 1)
            .thenComparingInt(s -> s.level() == null ? PriorityLevel.values().length : PriorityLevel.values().length - 1 - s.level().ordinal())
            .thenComparing(FleetServer::score, Comparator.reverseOrder())
            .thenComparing(FleetServer::requiredSince, Comparator.nullsLast(Comparator.naturalOrder()))
            .thenComparing(FleetServer::serverId);

    private PlanModel() {
    }

    /**
     * @param fleet every server the selection might take, and every server of their applications (for percentages)
     */
    public static Preview plan(List<FleetServer> fleet, Selection selection, Policies policies, FleetLimits limits,
                               Instant now, Duration waveEstimate, Duration horizon) {
        if (waveEstimate.isNegative() || waveEstimate.isZero()) {
            throw new IllegalArgumentException("waveEstimate must be positive");
        }
        Instant horizonEnd = now.plus(horizon);
        Map<String, Integer> applicationSizes = new HashMap<>();
        List<FleetServer> candidates = new ArrayList<>();
        List<Unscheduled> unscheduled = new ArrayList<>();
        for (FleetServer server : fleet) {
            if (server.removed()) {
                continue;
            }
            applicationSizes.merge(String.valueOf(server.applicationId()), 1, Integer::sum);
            if (!server.pending() || !selection.matches(server)) {
                continue;
            }
            if (server.activePlanId() != null) {
                unscheduled.add(unscheduled(server, UnscheduledReason.IN_PLAN, "already in plan " + server.activePlanId()));
            } else {
                candidates.add(server);
            }
        }
        candidates.sort(PRIORITY_ORDER);

        Map<String, Lane> lanes = new LinkedHashMap<>();
        for (int i = 0; i < candidates.size(); i++) {
            FleetServer server = candidates.get(i);
            String key = server.applicationId() + "\u0000" + server.environment();
            Lane lane = lanes.computeIfAbsent(key, k -> {
                RestartPolicy policy = policies.policyFor(server.applicationId(), server.environment());
                int size = applicationSizes.getOrDefault(String.valueOf(server.applicationId()), 1);
                return new Lane(server.applicationId(), policy, policy.maxUnavailable().limitFor(size), size);
            });
            lane.queue.add(new Candidate(server, i + 1));
        }

        List<Wave> waves = new ArrayList<>();
        Instant t = now;
        int total = candidates.size();
        while (!lanes.isEmpty() && !t.isAfter(horizonEnd)) {
            List<Lane> open = new ArrayList<>();
            Instant nextChange = null;
            for (Iterator<Lane> it = lanes.values().iterator(); it.hasNext(); ) {
                Lane lane = it.next();
                if (lane.validUntil == null || !t.isBefore(lane.validUntil)) {
                    lane.refresh(t, now, horizonEnd, limits);
                }
                if (lane.deadReason != null) {
                    for (Candidate candidate : lane.queue) {
                        unscheduled.add(unscheduled(candidate.server, lane.deadReason, lane.deadDetail));
                    }
                    it.remove();
                } else if (lane.open) {
                    open.add(lane);
                } else if (nextChange == null || lane.validUntil.isBefore(nextChange)) {
                    nextChange = lane.validUntil;
                }
            }
            if (open.isEmpty()) {
                if (nextChange == null) {
                    break;
                }
                t = nextChange;
                continue;
            }
            waves.add(wave(waves.size() + 1, t, open, limits.maxConcurrent(), total));
            lanes.values().removeIf(lane -> lane.queue.isEmpty());
            t = t.plus(waveEstimate);
        }
        for (Lane lane : lanes.values()) {
            for (Candidate candidate : lane.queue) {
                unscheduled.add(unscheduled(candidate.server, UnscheduledReason.BEYOND_HORIZON,
                        "no room in the waves before the horizon " + horizonEnd + " (maxUnavailable " + lane.policy.maxUnavailable()
                                + " of " + lane.applicationId + ", fleet maxConcurrent " + limits.maxConcurrent() + ")"));
            }
        }
        return new Preview(now, horizonEnd, List.copyOf(waves), List.copyOf(unscheduled));
    }

    /**
     * Takes, in priority order, the open lanes' candidates that fit: the lanes sit in a heap by the rank of their
     * first candidate, so a wave costs the number of open lanes plus a few heap operations per restart taken.
     */
    private static Wave wave(int number, Instant at, List<Lane> open, int maxConcurrent, int total) {
        PriorityQueue<Lane> byHead = new PriorityQueue<>(open.size(), Comparator.comparingInt(lane -> lane.queue.peekFirst().rank));
        byHead.addAll(open);
        Map<String, Integer> perApplication = new HashMap<>();
        List<Planned> planned = new ArrayList<>();
        while (planned.size() < maxConcurrent && !byHead.isEmpty()) {
            Lane lane = byHead.poll();
            String application = String.valueOf(lane.applicationId);
            int taken = perApplication.getOrDefault(application, 0);
            if (taken >= lane.limit) {
                continue;
            }
            perApplication.put(application, taken + 1);
            planned.add(planned(lane.queue.pollFirst(), number, at, taken + 1, maxConcurrent, total));
            if (!lane.queue.isEmpty() && taken + 1 < lane.limit) {
                byHead.add(lane);
            }
        }
        for (Lane lane : open) {
            if (!lane.queue.isEmpty()) {
                int taken = perApplication.getOrDefault(String.valueOf(lane.applicationId), 0);
                if (taken >= lane.limit) {
                    lane.heldByApplicationLimit++;
                } else {
                    lane.heldByFleetLimit++;
                }
            }
        }
        return new Wave(number, at, List.copyOf(planned));
    }

    private static Planned planned(Candidate candidate, int wave, Instant at, int ofApplication, int maxConcurrent, int total) {
        FleetServer server = candidate.server;
        Lane lane = candidate.lane;
        List<String> why = new ArrayList<>();
        why.add("rank " + candidate.rank + " of " + total + ": " + (server.exposure() == null ? "exposure unknown" : server.exposure())
                + ", " + (server.level() == null ? "level unknown" : server.level()) + ", score " + server.score()
                + (server.requiredSince() == null ? "" : ", pending since " + server.requiredSince()));
        if (lane.policy.windows().isEmpty()) {
            why.add("no maintenance window: any time" + (lane.closesAt == null ? "" : " until " + lane.closesAt));
        } else {
            why.add("window open until " + lane.closesAt + " (" + lane.policy.timeZone().getId() + ")");
        }
        if (lane.waitedFor != null) {
            why.add("waited for its policy to open: " + lane.waitedFor);
        }
        if (lane.heldByApplicationLimit > 0 || lane.heldByFleetLimit > 0) {
            why.add("waited " + (lane.heldByApplicationLimit + lane.heldByFleetLimit) + " wave(s) behind higher-ranked restarts ("
                    + lane.heldByApplicationLimit + " × maxUnavailable, " + lane.heldByFleetLimit + " × fleet maxConcurrent)");
        }
        why.add("wave " + wave + ": " + ofApplication + " of maxUnavailable " + lane.limit + " for "
                + lane.applicationId + (lane.policy.maxUnavailable().percent()
                ? " (" + lane.policy.maxUnavailable() + " of " + lane.applicationSize + " servers)" : "")
                + ", fleet maxConcurrent " + maxConcurrent);
        return new Planned(candidate.rank, server.serverId(), server.hostname(), server.applicationId(), server.environment(),
                server.level(), server.score(), server.exposure(), server.requiredSince(), List.copyOf(why));
    }

    private static Unscheduled unscheduled(FleetServer server, UnscheduledReason reason, String detail) {
        return new Unscheduled(server.serverId(), server.hostname(), server.applicationId(), server.environment(),
                server.level(), server.score(), server.exposure(), reason, detail);
    }

    private static final class Candidate {
        final FleetServer server;
        final int rank;
        Lane lane;

        Candidate(FleetServer server, int rank) {
            this.server = server;
            this.rank = rank;
        }
    }

    /** The candidates of one application and environment, in priority order, under one policy. */
    private static final class Lane {
        final String applicationId;
        final RestartPolicy policy;
        final int limit;
        final int applicationSize;
        final ArrayDeque<Candidate> queue = new ArrayDeque<>() {
            @Override
            public boolean add(Candidate candidate) {
                candidate.lane = Lane.this;
                return super.add(candidate);
            }
        };
        boolean open;
        /** Until when {@link #open} holds (exclusive): the window's close, a blackout's start, or the next opening. */
        Instant validUntil;
        Instant closesAt;
        /** Why it was closed, the last time it was (for the explanation). */
        String waitedFor;
        int heldByApplicationLimit;
        int heldByFleetLimit;
        UnscheduledReason deadReason;
        String deadDetail;

        Lane(String applicationId, RestartPolicy policy, int limit, int applicationSize) {
            this.applicationId = applicationId;
            this.policy = policy;
            this.limit = limit;
            this.applicationSize = applicationSize;
        }

        void refresh(Instant t, Instant now, Instant horizonEnd, FleetLimits limits) {
            RestartPolicy.WindowState state = policy.stateAt(t);
            Optional<Blackout> fleetBlackout = limits.blackoutAt(t);
            if (state.open() && fleetBlackout.isEmpty()) {
                open = true;
                closesAt = state.closesAt();
                Instant until = closesAt;
                for (List<Blackout> blackouts : List.of(policy.blackouts(), limits.blackouts())) {
                    for (Blackout blackout : blackouts) {
                        if (blackout.from().isAfter(t) && (until == null || blackout.from().isBefore(until))) {
                            until = blackout.from();
                        }
                    }
                }
                if (until != null && (closesAt == null || until.isBefore(closesAt))) {
                    closesAt = until;
                }
                validUntil = until == null ? horizonEnd.plusSeconds(1) : until;
                return;
            }
            open = false;
            Blackout blackout = state.blackout() != null ? state.blackout() : fleetBlackout.orElse(null);
            Optional<Instant> next = policy.nextOpening(t, horizonEnd, limits.blackouts());
            if (next.isPresent()) {
                validUntil = next.get();
                waitedFor = (blackout != null ? "blackout" + (blackout.reason() == null ? "" : " '" + blackout.reason() + "'") + " until " + blackout.to()
                        : "window closed") + " at " + t + ", opens " + next.get();
                return;
            }
            RestartPolicy withoutBlackouts = new RestartPolicy(policy.applicationId(), policy.environment(), policy.timeZone(),
                    policy.windows(), List.of(), policy.maxUnavailable(), policy.restartTimeout(), policy.healthUrl(), policy.autoPlan());
            if (withoutBlackouts.nextOpening(t, horizonEnd, List.of()).isPresent()) {
                deadReason = UnscheduledReason.BLACKOUT;
                deadDetail = "blackouts cover every window opening before the horizon " + horizonEnd
                        + (blackout != null && blackout.reason() != null ? " ('" + blackout.reason() + "')" : "");
            } else {
                deadReason = UnscheduledReason.NO_WINDOW;
                deadDetail = "no window of " + applicationId + " opens before the horizon " + horizonEnd;
            }
        }
    }
}
