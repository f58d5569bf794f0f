package io.restartwatch.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * P5: starts each service alone (so each start has the machine to itself) from its packaged jar as {@code ./stack}
 * starts it — its JVM options, and on a JDK 25+ with the service's AOT cache when {@code ./stack} found one — and
 * measures process start → {@code /q/health/ready} 200; then, once every service is idle, its RSS. With an AOT JDK, the
 * same run first measures the same way two reference starts without any cache (this JVM's Java, what a machine with
 * only Java 17 gets, and the AOT JDK alone), then trains the caches. It also starts the system every other figure
 * measures, so it always runs first.
 */
final class FootprintFigure implements Figure {

    /** A service is idle when it used less than this share of one core over {@link #IDLE_WINDOW}. */
    private static final double IDLE_CPU_SHARE = 0.05;
    private static final Duration IDLE_WINDOW = Duration.ofSeconds(2);
    /** Consecutive idle windows needed: start-up garbage collection and C1 compilation have settled. */
    private static final int IDLE_WINDOWS = 2;
    private static final Duration IDLE_WITHIN = Duration.ofSeconds(90);

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
        BenchStack stack = bench.stack;
        Map<String, Map<String, String>> envs = new LinkedHashMap<>();
        for (String service : BenchStack.SERVICES) {
            Map<String, String> env = new LinkedHashMap<>(bench.options.serviceEnv().getOrDefault(service, Map.of()));
            if (service.equals("check-service")) {
                env.putAll(bench.ssh.checkServiceEnv());
            }
            envs.put(service, env);
        }
        String thisJava = ProcessHandle.current().info().command().orElse("java");
        String mode = stack.aotJdk == null
                ? "Java " + Runtime.version() + " without an AOT cache (no JDK 25+ given by ./stack)"
                : "JDK " + jdkVersion(stack.aotJdk) + " (" + stack.aotJdk + ") with an AOT cache per service";
        bench.results.run.put("p5_mode", mode);
        Bench.log("P5 starts the services as ./stack does: %s", mode);

        if (stack.aotJdk != null) {
            Map<String, Object> references = new LinkedHashMap<>();
            references.put("java" + Runtime.version().feature() + "_no_cache",
                    referencePass(bench, envs, thisJava, "p5_plain_java" + Runtime.version().feature()));
            references.put("aot_jdk_no_cache", referencePass(bench, envs, stack.serviceJava(), "p5_plain_aot_jdk"));
            bench.results.details.put("p5_references", references);
            Map<String, Object> training = new LinkedHashMap<>();
            for (String service : BenchStack.SERVICES) {
                Bench.log("  AOT cache training start of %s...", service);
                long started = System.nanoTime();
                stack.trainAot(service, envs.get(service));
                Path cache = stack.aotCaches.get(service);
                training.put(service, Map.of("ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started),
                        "cacheMiB", cache == null ? 0 : Bench.round1(Files.size(cache) / 1048576.0)));
            }
            bench.results.details.put("p5_aot_training", training);
        }

        Map<String, Object> started = new LinkedHashMap<>();
        for (String service : BenchStack.SERVICES) {
            Bench.log("Starting %s...", service);
            stack.startService(service, envs.get(service));
            started.put(service, Map.of("readyMs", stack.readyMillis.get(service),
                    "quarkusStartedInMs", stack.quarkusStartedInMillis(service)));
        }
        bench.results.details.put("p5_start", started);
        if (stack.aotJdk != null) {
            Map<String, Boolean> used = new LinkedHashMap<>();
            for (String service : BenchStack.SERVICES) {
                used.put(service, stack.aotCacheMapped(service));
            }
            bench.results.details.put("p5_aot_cache_used", used);
            if (used.containsValue(false)) {
                // Measured, but not in the mode this figure names: a failure of the run, not a footnote.
                bench.results.failed(name(), new IllegalStateException("AOT cache missing or refused by the JVM (see the service's log): " + used));
            }
        }
        long settling = System.nanoTime();
        boolean idle = awaitIdle(bench, name(), processes(stack));
        bench.results.details.put("p5_idle_after_ms", Math.round((System.nanoTime() - settling) / 1e6));
        long maxReady = 0;
        double maxRss = 0;
        for (String service : BenchStack.SERVICES) {
            String name = service.replace("-service", "").replace("-", "_");
            long ready = stack.readyMillis.get(service);
            double rss = stack.rssMiB(service);
            bench.results.add("p5_" + name + "_time_to_ready", ready, "ms", 2000, false);
            bench.results.add("p5_" + name + "_idle_rss", Bench.round1(rss), "MiB", 150, false);
            maxReady = Math.max(maxReady, ready);
            maxRss = Math.max(maxRss, rss);
        }
        bench.results.add("p5_max_time_to_ready", maxReady, "ms", 2000, false);
        bench.results.add("p5_max_idle_rss", Bench.round1(maxRss), "MiB", 150, false);
        bench.results.details.put("p5_rss_measured_idle", idle);
        bench.results.details.put("p5_launcher_rss_mib_kafka_plus_postgres", Bench.round1(stack.launcherRssMiB()));
    }

    /**
     * A reference start of every service on {@code java} without any cache, each alone, then RSS once all are idle;
     * printed as {@code <figure>_max_time_to_ready} and {@code <figure>_max_idle_rss}, per service in the returned map.
     * The processes are stopped before the next pass starts on the same ports.
     */
    private Map<String, Object> referencePass(Bench bench, Map<String, Map<String, String>> envs, String java, String figure)
            throws Exception {
        Map<String, Process> processes = new LinkedHashMap<>();
        Map<String, Object> perService = new LinkedHashMap<>();
        Map<String, Long> ready = new LinkedHashMap<>();
        try {
            for (String service : BenchStack.SERVICES) {
                Bench.log("Reference start (%s, no cache) of %s...", java, service);
                String logName = service + "-" + figure;
                var start = bench.stack.startReference(service, envs.get(service), java, logName);
                processes.put(service, start.getKey());
                ready.put(service, start.getValue());
                perService.put(service, new LinkedHashMap<>(Map.of("readyMs", start.getValue(),
                        "quarkusStartedInMs", bench.stack.quarkusStartedInMillis(logName))));
            }
            boolean idle = awaitIdle(bench, figure, processes);
            double maxRss = 0;
            for (String service : BenchStack.SERVICES) {
                double rss = BenchStack.rssMiB(processes.get(service).pid());
                @SuppressWarnings("unchecked")
                Map<String, Object> figures = (Map<String, Object>) perService.get(service);
                figures.put("idleRssMiB", Bench.round1(rss));
                maxRss = Math.max(maxRss, rss);
            }
            perService.put("java", java);
            perService.put("rssMeasuredIdle", idle);
            bench.results.add(figure + "_max_time_to_ready", ready.values().stream().mapToLong(Long::longValue).max().orElse(0), "ms");
            bench.results.add(figure + "_max_idle_rss", Bench.round1(maxRss), "MiB");
            return perService;
        } finally {
            for (Process process : processes.values()) {
                process.destroy();
            }
            for (Process process : processes.values()) {
                if (!process.waitFor(60, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor();
                }
            }
        }
    }

    private static Map<String, Process> processes(BenchStack stack) {
        Map<String, Process> processes = new LinkedHashMap<>();
        for (String service : BenchStack.SERVICES) {
            processes.put(service, stack.processes.get(service));
        }
        return processes;
    }

    /**
     * Polls every service's CPU time until each has used less than {@value #IDLE_CPU_SHARE} of a core for
     * {@value #IDLE_WINDOWS} windows in a row; a timeout is recorded (the RSS is then measured anyway, and says so).
     */
    private static boolean awaitIdle(Bench bench, String figure, Map<String, Process> processes) throws Exception {
        long deadline = System.nanoTime() + IDLE_WITHIN.toNanos();
        Map<String, Long> before = cpuTicks(processes);
        int quietWindows = 0;
        Map<String, Double> shares = new LinkedHashMap<>();
        while (quietWindows < IDLE_WINDOWS) {
            if (System.nanoTime() > deadline) {
                bench.results.timedOut(figure, "services idle (< " + Math.round(IDLE_CPU_SHARE * 100) + " % of a core each); last window: "
                        + shares, IDLE_WITHIN);
                return false;
            }
            Thread.sleep(IDLE_WINDOW.toMillis()); // the sampling window of the CPU-time poll
            Map<String, Long> after = cpuTicks(processes);
            boolean quiet = true;
            for (String service : processes.keySet()) {
                double share = (after.get(service) - before.get(service)) / CpuTime.TICKS_PER_SECOND / (IDLE_WINDOW.toMillis() / 1000.0);
                shares.put(service, Bench.round2(share));
                quiet &= share < IDLE_CPU_SHARE;
            }
            quietWindows = quiet ? quietWindows + 1 : 0;
            before = after;
        }
        return true;
    }

    private static Map<String, Long> cpuTicks(Map<String, Process> processes) throws IOException {
        Map<String, Long> ticks = new LinkedHashMap<>();
        for (Map.Entry<String, Process> process : processes.entrySet()) {
            ticks.put(process.getKey(), CpuTime.processTicks(process.getValue().pid(), false));
        }
        return ticks;
    }

    /** JAVA_VERSION from a JDK's release file ("25.0.3"), or "?" if it has none. */
    private static String jdkVersion(Path jdk) {
        try {
            for (String line : Files.readAllLines(jdk.resolve("release"))) {
                if (line.startsWith("JAVA_VERSION=")) {
                    return line.substring("JAVA_VERSION=".length()).replace("\"", "");
                }
            }
        } catch (IOException ignored) {
            // not a JDK image: the path says which
        }
        return "?";
    }
}
