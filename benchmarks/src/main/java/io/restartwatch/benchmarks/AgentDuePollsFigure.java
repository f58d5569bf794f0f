package io.restartwatch.benchmarks;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.restartwatch.contracts.DeployCompleted;
import io.restartwatch.contracts.EventTypes;
import io.restartwatch.contracts.Topics;

/**
 * P3b, agent "is a report due?" polls, on the idle system: agent servers with their own tokens ask
 * {@code GET /api/agent/due} as their timers do, each connection cycling through the fleet, at 1…64 connections.
 * One application in {@value #APPLICATIONS} has a deploy pending, so about a tenth answer 200 and the rest 204;
 * only those count. Figures: the highest rate whose p99 stays within 20 ms ({@code none} if no step did), and the
 * saturated rate with its p99; check-service's anonymous liveness at the saturated connections for reference.
 */
final class AgentDuePollsFigure implements Figure {

    /** Applications the polling fleet is spread over; a deploy of the first makes its servers' answer 200. */
    private static final int APPLICATIONS = 10;
    /** The bound for one poll. */
    private static final double P99_BOUND_MS = 20;
    private static final double TARGET_CALLS_PER_SECOND = 2_000;
    private static final Duration DEPLOY_SEEN_WITHIN = Duration.ofSeconds(60);

    @Override
    public String phase() {
        return "due";
    }

    @Override
    public String name() {
        return "agent_due_polls";
    }

    @Override
    public void measure(Bench bench) throws Exception {
        int servers = bench.options.dueServers();
        Bench.log("Agent due polls: registering %d agent servers in %d applications and issuing tokens...", servers, APPLICATIONS);
        String check = bench.stack.url("check-service");
        List<String> ids = new ArrayList<>();
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < servers; i++) {
            String id = "due-" + i;
            bench.register(id, "due-app-" + (i % APPLICATIONS), "agent", null);
            ids.add(id);
            tokens.add(bench.agentToken(id));
        }
        try (var producer = bench.producer("0")) {
            producer.send(Bench.cloudEvent(Topics.DEPLOYS, "due-app-0", EventTypes.DEPLOY_COMPLETED,
                    new DeployCompleted(DeployCompleted.SCHEMA_VERSION, "due-1", "due-app-0", "production", List.of(),
                            Instant.now(), "benchmark", null, null))).get();
        }
        Map<String, String> firstServer = Map.of("Authorization", "Bearer " + tokens.get(0));
        boolean due = bench.awaitAtLeast(name(), "the deploy of due-app-0 makes " + ids.get(0) + "'s report due (200)", 1,
                DEPLOY_SEEN_WITHIN, Duration.ofMillis(200),
                () -> Bench.send("GET", check + "/api/agent/due?serverId=" + ids.get(0), null, firstServer).statusCode() == 200 ? 1 : 0);
        if (!due) {
            return; // without the pending deploy the mix of answers is not the one this figure defines
        }
        Bench.expect(Bench.send("GET", check + "/api/agent/due?serverId=" + ids.get(1), null,
                Map.of("Authorization", "Bearer " + tokens.get(1))), 204);

        HttpLoad load = HttpLoad.agentDue(bench.stack.ports.get("check-service"), ids, tokens);
        Duration measure = Duration.ofSeconds(bench.options.dueStepSeconds());
        LoadLadder.Outcome outcome = LoadLadder.climb(load, P99_BOUND_MS, Duration.ofSeconds(1), measure, "calls/s");
        HttpLoad.Step saturated = outcome.saturated();
        // Reference: the same service's anonymous liveness (no database, no token) at the saturated step's connections;
        // the gap is what the token check and the primary-key read cost.
        HttpLoad.Step liveness = HttpLoad.get(bench.stack.ports.get("check-service"), "/q/health/live", List.of())
                .run(saturated.connections(), Duration.ofSeconds(1), measure);
        Bench.log("  reference, GET /q/health/live at %d connections: %.0f calls/s, p50 %.2f ms, p99 %.2f ms, errors %d",
                liveness.connections(), liveness.perSecond(), liveness.p50(), liveness.p99(), liveness.errors());
        Results results = bench.results;
        results.details.put("agent_due_reference_liveness", Map.of("connections", liveness.connections(),
                "callsPerSecond", Math.round(liveness.perSecond()), "p50Ms", Bench.round2(liveness.p50()),
                "p99Ms", Bench.round2(liveness.p99()), "errors", liveness.errors()));
        results.details.put("agent_due_servers", servers);
        results.details.put("agent_due_share_answering_200", 1.0 / APPLICATIONS);
        results.details.put("agent_due_steps", outcome.describe("callsPerSecond"));
        results.details.put("agent_due_saturated_connections", saturated.connections());
        results.details.put("agent_due_saturated_errors", saturated.errors());
        HttpLoad.Step best = outcome.withinBound();
        if (best != null) {
            results.details.put("agent_due_best_connections", best.connections());
            results.add("agent_due_polls", Math.round(best.perSecond()), "calls/s", TARGET_CALLS_PER_SECOND, true);
            results.add("agent_due_polls_p99", Bench.round2(best.p99()), "ms");
        } else {
            String why = "no step had p99 <= " + Math.round(P99_BOUND_MS) + " ms without errors";
            results.none("agent_due_polls", "calls/s", TARGET_CALLS_PER_SECOND, true, why);
            results.none("agent_due_polls_p99", "ms", why);
        }
        results.add("agent_due_polls_saturated", Math.round(saturated.perSecond()), "calls/s");
        results.add("agent_due_polls_saturated_p99", Bench.round2(saturated.p99()), "ms");
    }
}
