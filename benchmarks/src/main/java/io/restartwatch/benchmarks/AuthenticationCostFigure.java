package io.restartwatch.benchmarks;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The cost of authenticating a request: on the idle system, notification-service, an authenticated
 * {@code GET /api/session} (API key checked from memory, no database) against the anonymous
 * {@code GET /q/health/live} (no database either), same connections and duration; only 200 answers count.
 */
final class AuthenticationCostFigure implements Figure {

    private static final int CONNECTIONS = 8;

    @Override
    public String phase() {
        return "auth";
    }

    @Override
    public String name() {
        return "auth";
    }

    @Override
    public void measure(Bench bench) throws Exception {
        BenchStack stack = bench.stack;
        int port = stack.ports.get("notification-service");
        Bench.expect(Bench.send("GET", stack.url("notification-service") + "/api/session", null, bench.admin()), 200);
        Bench.expect(Bench.send("GET", stack.url("notification-service") + "/q/health/live", null, Map.of()), 200);
        int seconds = bench.options.authSeconds();
        Duration warmup = Duration.ofSeconds(Math.max(1, seconds / 5));
        Duration measure = Duration.ofSeconds(seconds);
        Bench.log("Authentication cost: notification-service, %d connections, %d s each: GET /api/session (API key) vs GET /q/health/live...",
                CONNECTIONS, seconds);
        HttpLoad.Step session = HttpLoad.get(port, "/api/session", List.of("Authorization: " + stack.adminAuthorization()))
                .run(CONNECTIONS, warmup, measure);
        HttpLoad.Step liveness = HttpLoad.get(port, "/q/health/live", List.of()).run(CONNECTIONS, warmup, measure);
        Bench.log("  /api/session: %.0f reads/s, p50 %.2f ms, p99 %.2f ms, non-200 %d; /q/health/live: %.0f reads/s, p50 %.2f ms, p99 %.2f ms, non-200 %d",
                session.perSecond(), session.p50(), session.p99(), session.errors(),
                liveness.perSecond(), liveness.p50(), liveness.p99(), liveness.errors());
        Results results = bench.results;
        results.details.put("auth_connections", CONNECTIONS);
        results.details.put("auth_seconds", seconds);
        results.details.put("auth_session_p50_ms", Bench.round2(session.p50()));
        results.details.put("anonymous_liveness_p50_ms", Bench.round2(liveness.p50()));
        results.details.put("auth_session_non_200", session.errors());
        results.details.put("anonymous_liveness_non_200", liveness.errors());
        results.add("auth_session_reads_per_s", Math.round(session.perSecond()), "reads/s");
        results.add("auth_session_p99", Bench.round2(session.p99()), "ms");
        results.add("anonymous_liveness_reads_per_s", Math.round(liveness.perSecond()), "reads/s");
        results.add("anonymous_liveness_p99", Bench.round2(liveness.p99()), "ms");
        results.add("auth_to_anonymous_throughput_ratio", session.perSecond() / liveness.perSecond(), "ratio");
    }
}
