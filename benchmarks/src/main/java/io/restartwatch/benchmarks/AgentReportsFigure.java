package io.restartwatch.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * P3 agent ingest: agent servers with their own tokens {@code POST /api/agent/reports} (202 counts) through the
 * closed-loop generator at 1…64 connections. Two figures, both measured: the best sustained rate with p99 ≤ 50 ms
 * and no errors ({@code none} when no step met that), and the saturated rate (the highest of any step) with its p99.
 */
final class AgentReportsFigure implements Figure {

    private static final double P99_BOUND_MS = 50;
    private static final double TARGET_REPORTS_PER_SECOND = 3_000;

    @Override
    public String phase() {
        return "p3";
    }

    @Override
    public String name() {
        return "p3_agent_reports";
    }

    @Override
    public void measure(Bench bench) throws Exception {
        int servers = bench.options.agentServers();
        Bench.log("P3 agent reports: registering %d agent servers and issuing tokens...", servers);
        List<String> ids = new ArrayList<>();
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < servers; i++) {
            String id = "p3-" + i;
            bench.register(id, "agents", "agent", null);
            ids.add(id);
            tokens.add(bench.agentToken(id));
        }
        HttpLoad load = HttpLoad.agentReports(bench.stack.ports.get("check-service"), ids, tokens);
        LoadLadder.Outcome outcome = LoadLadder.climb(load, P99_BOUND_MS, Duration.ofSeconds(1),
                Duration.ofSeconds(bench.options.agentStepSeconds()), "reports/s");
        Results results = bench.results;
        results.details.put("p3_agent_servers", servers);
        results.details.put("p3_steps", outcome.describe("reportsPerSecond"));
        HttpLoad.Step sustained = outcome.withinBound();
        HttpLoad.Step saturated = outcome.saturated();
        if (sustained != null) {
            results.details.put("p3_best_connections", sustained.connections());
            results.add("p3_agent_reports_sustained", Math.round(sustained.perSecond()), "reports/s", TARGET_REPORTS_PER_SECOND, true);
            results.add("p3_agent_reports_p99_at_sustained", Bench.round1(sustained.p99()), "ms");
        } else {
            String why = "no step had p99 <= " + Math.round(P99_BOUND_MS) + " ms without errors";
            results.none("p3_agent_reports_sustained", "reports/s", TARGET_REPORTS_PER_SECOND, true, why);
            results.none("p3_agent_reports_p99_at_sustained", "ms", why);
        }
        results.details.put("p3_saturated_connections", saturated.connections());
        results.details.put("p3_saturated_errors", saturated.errors());
        results.add("p3_agent_reports_saturated", Math.round(saturated.perSecond()), "reports/s");
        results.add("p3_agent_reports_saturated_p99", Bench.round1(saturated.p99()), "ms");
    }
}
