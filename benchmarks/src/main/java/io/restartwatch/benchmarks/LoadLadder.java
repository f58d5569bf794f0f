package io.restartwatch.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A closed-loop load at 1, 2, 4, … 64 connections (each step offers more load), stopping once well past
 * saturation: a step whose p99 passed 200 ms and whose rate no longer grew by 10 % over the best step before it
 * (on a loaded machine even one connection can pass 200 ms; the next steps then still show where the rate stops). Two answers, both measured: the best rate of a step whose p99 stayed within the bound with no
 * errors (none, if no step did), and the saturated rate (the highest of any step) with its own p99 and errors.
 * Neither is chosen so that it meets the bound: the bounded one can be absent, the saturated one can miss it.
 *
 * <p>The ladder starts with a warm-up that counts for nothing ({@link #WARM_UP}, until the rate stops growing): it runs right after the services
 * start (P5), and a freshly started JVM answers its first hundred or so requests several times slower (class loading,
 * first statements, C1 compiling). Without it the 1- and 2-connection steps measured that start-up, not the load, and
 * the latency seemed to fall as the load rose (issue 14).
 */
final class LoadLadder {

    private static final int[] CONNECTIONS = {1, 2, 4, 8, 16, 32, 64};
    /** Past saturation: p99 above this, and the rate no longer grows by {@link #STILL_SCALING} over the best step before. */
    private static final double PAST_SATURATION_P99_MS = 200;
    private static final double STILL_SCALING = 1.10;
    /**
     * Warm-up windows at {@link #WARM_UP_CONNECTIONS} until one's rate grows by less than {@link #STILL_SCALING} over
     * the window before (at most {@link #MAX_WARM_UP_WINDOWS}): right after start-up the whole stack is still cold.
     */
    private static final Duration WARM_UP = Duration.ofSeconds(5);
    private static final int WARM_UP_CONNECTIONS = 4;
    private static final int MAX_WARM_UP_WINDOWS = 12;

    /** {@code withinBound} is null when no step met the p99 bound without errors. */
    record Outcome(List<HttpLoad.Step> steps, HttpLoad.Step withinBound, HttpLoad.Step saturated) {

        List<Map<String, Object>> describe(String rateName) {
            List<Map<String, Object>> list = new ArrayList<>();
            for (HttpLoad.Step step : steps) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("connections", step.connections());
                m.put(rateName, Math.round(step.perSecond()));
                m.put("p50Ms", Bench.round2(step.p50()));
                m.put("p99Ms", Bench.round2(step.p99()));
                m.put("errors", step.errors());
                list.add(m);
            }
            return list;
        }
    }

    private LoadLadder() {
    }

    static Outcome climb(HttpLoad load, double p99BoundMs, Duration warmup, Duration measure, String unit) throws InterruptedException {
        List<HttpLoad.Step> steps = new ArrayList<>();
        HttpLoad.Step withinBound = null;
        HttpLoad.Step saturated = null;
        double warmRate = 0;
        for (int window = 1; window <= MAX_WARM_UP_WINDOWS; window++) {
            HttpLoad.Step warm = load.run(WARM_UP_CONNECTIONS, Duration.ZERO, WARM_UP);
            Bench.log("  warm-up %d (not counted): %d connections for %d s, %.0f %s, p50 %.2f ms, errors %d", window,
                    WARM_UP_CONNECTIONS, WARM_UP.toSeconds(), warm.perSecond(), unit, warm.p50(), warm.errors());
            if (warm.errors() == 0 && warm.perSecond() <= warmRate * STILL_SCALING) {
                break;
            }
            warmRate = Math.max(warmRate, warm.perSecond());
        }
        for (int connections : CONNECTIONS) {
            HttpLoad.Step step = load.run(connections, warmup, measure);
            Bench.log("  %2d connections: %.0f %s, p50 %.2f ms, p99 %.2f ms, errors %d", connections, step.perSecond(), unit,
                    step.p50(), step.p99(), step.errors());
            steps.add(step);
            if (step.errors() == 0 && step.p99() <= p99BoundMs && (withinBound == null || step.perSecond() > withinBound.perSecond())) {
                withinBound = step;
            }
            boolean stillScaling = saturated == null || step.perSecond() > saturated.perSecond() * STILL_SCALING;
            if (saturated == null || step.perSecond() > saturated.perSecond()) {
                saturated = step;
            }
            if (step.p99() > PAST_SATURATION_P99_MS && !stillScaling) {
                break;
            }
        }
        return new Outcome(steps, withinBound, saturated);
    }
}
