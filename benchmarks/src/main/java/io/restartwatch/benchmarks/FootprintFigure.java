package io.restartwatch.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * P5: starts each service alone (so each start has the machine to itself) from its packaged jar with the stack's JVM
 * options and measures process start → {@code /q/health/ready} 200; then, once every service is idle, its RSS.
 * It also starts the system every other figure measures, so it always runs first.
 */
final class FootprintFigure implements Figure {

    /** A service is idle when it used less than this share of one core over {@link #IDLE_WINDOW}. */
    private static final double IDLE_CPU_SHARE = 0.05;
    private static final Duration IDLE_WINDOW = Duration.ofSeconds(2);
    /** Consecutive idle windows needed: start-up garbage collection and C1 compilation have settled. */
    private static final int IDLE_WINDOWS = 2;
    private static final Duration IDLE_WITHIN = Duration.ofSeconds(90);
    /** Linux's USER_HZ: /proc/<pid>/stat counts CPU time in 1/100 s. */
    private static final double TICKS_PER_SECOND = 100;

    @Override
    public String phase() {
        return "p5";
    }

    @Override
    public String name() {
        return "p5_footprint";
    }

    @Override
    public void measure(Bench bench) throws Exception {
        Map<String, Object> started = new LinkedHashMap<>();
        for (String service : BenchStack.SERVICES) {
            Bench.log("Starting %s...", service);
            Map<String, String> env = new LinkedHashMap<>(bench.options.serviceEnv().getOrDefault(service, Map.of()));
            if (service.equals("check-service")) {
                env.putAll(bench.ssh.checkServiceEnv());
            }
            if (bench.options.appCds()) {
                Bench.log("  AppCDS training run of %s...", service);
                bench.stack.trainAppCds(service, env);
            }
            bench.stack.startService(service, env);
            started.put(service, Map.of("readyMs", bench.stack.readyMillis.get(service),
                    "quarkusStartedInMs", bench.stack.quarkusStartedInMillis(service)));
        }
        bench.results.details.put("p5_start", started);
        long settling = System.nanoTime();
        boolean idle = awaitIdle(bench);
        bench.results.details.put("p5_idle_after_ms", Math.round((System.nanoTime() - settling) / 1e6));
        long maxReady = 0;
        double maxRss = 0;
        for (String service : BenchStack.SERVICES) {
            String name = service.replace("-service", "").replace("-", "_");
            long ready = bench.stack.readyMillis.get(service);
            double rss = bench.stack.rssMiB(service);
            bench.results.add("p5_" + name + "_time_to_ready", ready, "ms", 2000, false);
            bench.results.add("p5_" + name + "_idle_rss", Bench.round1(rss), "MiB", 150, false);
            maxReady = Math.max(maxReady, ready);
            maxRss = Math.max(maxRss, rss);
        }
        bench.results.add("p5_max_time_to_ready", maxReady, "ms", 2000, false);
        bench.results.add("p5_max_idle_rss", Bench.round1(maxRss), "MiB", 150, false);
        bench.results.details.put("p5_rss_measured_idle", idle);
        bench.results.details.put("p5_launcher_rss_mib_kafka_plus_postgres", Bench.round1(bench.stack.launcherRssMiB()));
    }

    /**
     * Polls every service's CPU time until each has used less than {@value #IDLE_CPU_SHARE} of a core for
     * {@value #IDLE_WINDOWS} windows in a row; a timeout is recorded (the RSS is then measured anyway, and says so).
     */
    private boolean awaitIdle(Bench bench) throws Exception {
        long deadline = System.nanoTime() + IDLE_WITHIN.toNanos();
        Map<String, Long> before = cpuTicks(bench);
        int quietWindows = 0;
        Map<String, Double> shares = new LinkedHashMap<>();
        while (quietWindows < IDLE_WINDOWS) {
            if (System.nanoTime() > deadline) {
                bench.results.timedOut(name(), "services idle (< " + Math.round(IDLE_CPU_SHARE * 100) + " % of a core each); last window: "
                        + shares, IDLE_WITHIN);
                return false;
            }
            Thread.sleep(IDLE_WINDOW.toMillis()); // the sampling window of the CPU-time poll
            Map<String, Long> after = cpuTicks(bench);
            boolean quiet = true;
            for (String service : BenchStack.SERVICES) {
                double share = (after.get(service) - before.get(service)) / TICKS_PER_SECOND / (IDLE_WINDOW.toMillis() / 1000.0);
                shares.put(service, Bench.round2(share));
                quiet &= share < IDLE_CPU_SHARE;
            }
            quietWindows = quiet ? quietWindows + 1 : 0;
            before = after;
        }
        return true;
    }

    private static Map<String, Long> cpuTicks(Bench bench) throws IOException {
        Map<String, Long> ticks = new LinkedHashMap<>();
        for (String service : BenchStack.SERVICES) {
            String stat = Files.readString(Path.of("/proc/" + bench.stack.processes.get(service).pid() + "/stat"));
            // after "(comm) ": state is field 3; utime and stime are fields 14 and 15 (proc(5))
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            ticks.put(service, Long.parseLong(fields[11]) + Long.parseLong(fields[12]));
        }
        return ticks;
    }
}
