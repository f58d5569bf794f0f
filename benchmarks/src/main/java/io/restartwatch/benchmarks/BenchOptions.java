package io.restartwatch.benchmarks;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The command line of {@code ./stack bench}: sizes, phases and tuning experiments. */
record BenchOptions(Path root, int servers, long rawRecords, int latencySamples, int deploySamples, int sweepServers,
                    int agentServers, int agentStepSeconds, int authSeconds, int dueServers, int dueStepSeconds, String serviceJavaOpts,
                    Path output, boolean keep, Set<String> phases, Map<String, Map<String, String>> serviceEnv, Path aotJdk,
                    Duration eventLogWindow) {

    static final String ALL_PHASES = "plan,auth,due,raw,p1,p2,p3,p4";
    /** P5 always runs (it starts the services); {@code --phases p5} runs it alone. */
    static final String P5 = "p5";
    /**
     * How long the services remember consumed event ids in a run, unless {@code --event-log-window default}: a burst of
     * minutes then spans many windows, as a live fleet's months span many 7-day windows, and pays for deletes as a
     * system at steady state does (as many as it inserts). Retention passes run every {@link #RETENTION_INTERVAL}
     * instead of hourly, for the same reason. The deletes are cheaper than a live system's: they find the rows of the
     * last minute still in memory, where a 7-day window's deletes read older, colder pages.
     */
    static final Duration EVENT_LOG_WINDOW = Duration.ofMinutes(1);
    static final Duration RETENTION_INTERVAL = Duration.ofSeconds(15);

    static BenchOptions parse(String[] args) {
        Path root = Path.of(System.getProperty("restartwatch.root", ".")).toAbsolutePath().normalize();
        int servers = 100_000;
        long raw = 1_000_000;
        int latency = 200;
        int deploys = 100;
        int sweep = 1_000;
        int agents = 200;
        int step = 5;
        int authSeconds = 10;
        int dueServers = 2_000;
        int dueStep = 5;
        Path output = null;
        boolean keep = false;
        Set<String> phases = Set.of(ALL_PHASES.split(","));
        Map<String, Map<String, String>> serviceEnv = new LinkedHashMap<>();
        Duration eventLogWindow = EVENT_LOG_WINDOW;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--servers" -> servers = Integer.parseInt(args[++i]);
                case "--raw-records" -> raw = Long.parseLong(args[++i]);
                case "--latency-samples" -> latency = Integer.parseInt(args[++i]);
                case "--deploy-samples" -> deploys = Integer.parseInt(args[++i]);
                case "--sweep-servers" -> sweep = Integer.parseInt(args[++i]);
                case "--agent-servers" -> agents = Integer.parseInt(args[++i]);
                case "--agent-step-seconds" -> step = Integer.parseInt(args[++i]);
                case "--auth-seconds" -> authSeconds = Integer.parseInt(args[++i]);
                case "--due-servers" -> dueServers = Integer.parseInt(args[++i]);
                case "--due-step-seconds" -> dueStep = Integer.parseInt(args[++i]);
                case "--output" -> output = Path.of(args[++i]).toAbsolutePath();
                case "--keep" -> keep = true;
                case "--phases" -> phases = Set.of(args[++i].split(","));
                case "--service-env" -> { // e.g. priority-service:MP_MESSAGING_INCOMING_CHECKS_PARTITIONS=6 (tuning experiments)
                    String spec = args[++i];
                    String service = spec.substring(0, spec.indexOf(':'));
                    String assignment = spec.substring(spec.indexOf(':') + 1);
                    serviceEnv.computeIfAbsent(service, k -> new LinkedHashMap<>())
                            .put(assignment.substring(0, assignment.indexOf('=')), assignment.substring(assignment.indexOf('=') + 1));
                }
                case "--event-log-window" -> { // PT1M, or "default": the services' own (7 days, hourly passes)
                    String window = args[++i];
                    eventLogWindow = window.equals("default") ? null : Duration.parse(window);
                }
                case "--root" -> root = Path.of(args[++i]).toAbsolutePath().normalize();
                case "--smoke" -> {
                    servers = 500;
                    raw = 100_000;
                    latency = 20;
                    deploys = 5;
                    sweep = 50;
                    agents = 20;
                    step = 1;
                    authSeconds = 2;
                    dueServers = 100;
                    dueStep = 1;
                }
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + " (--servers N, --raw-records N, --latency-samples N, --deploy-samples N, --sweep-servers N,"
                        + " --agent-servers N, --agent-step-seconds S, --auth-seconds S, --due-servers N, --due-step-seconds S,"
                        + " --event-log-window PT1M|default, --output FILE, --keep, --smoke, --phases " + ALL_PHASES + ")");
            }
        }
        Set<String> unknown = new java.util.TreeSet<>(phases);
        unknown.removeAll(Set.of(ALL_PHASES.split(",")));
        unknown.remove(P5);
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("unknown phases " + unknown + " (known: " + ALL_PHASES + ", " + P5 + "; P5 is always measured)");
        }
        String opts = System.getenv().getOrDefault("RESTARTWATCH_SERVICE_JAVA_OPTS",
                // ./stack passes its JAVA_OPTS_SERVICE; this is the same default, for running the class directly.
                "-Xms16m -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:ReservedCodeCacheSize=32m -Xss512k"
                        + " -XX:MaxMetaspaceSize=160m -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30");
        // ./stack passes the JDK 25+ it starts the services on with an AOT cache (its find_aot_jdk), or nothing.
        String aotJdkHome = System.getenv().getOrDefault("RESTARTWATCH_SERVICE_AOT_JDK", "");
        Path aotJdk = aotJdkHome.isBlank() ? null : Path.of(aotJdkHome);
        if (eventLogWindow != null) {
            for (String service : BenchStack.SERVICES) {
                Map<String, String> env = serviceEnv.computeIfAbsent(service, k -> new LinkedHashMap<>());
                // P1's overdue check counts on exactly these: another value belongs in --event-log-window.
                for (String retention : List.of("RESTARTWATCH_RETENTION_PROCESSED_EVENTS", "RESTARTWATCH_RETENTION_INTERVAL")) {
                    if (env.containsKey(retention)) {
                        throw new IllegalArgumentException("--service-env " + service + ":" + retention
                                + " conflicts with the event-log window; use --event-log-window (PT1M, or default)");
                    }
                }
                env.put("RESTARTWATCH_RETENTION_PROCESSED_EVENTS", eventLogWindow.toString());
                env.put("RESTARTWATCH_RETENTION_INTERVAL", RETENTION_INTERVAL.toString());
            }
        }
        if (output == null) {
            output = root.resolve("benchmarks/target/benchmarks/results.json");
        }
        return new BenchOptions(root, servers, raw, latency, deploys, sweep, agents, step, authSeconds, dueServers, dueStep, opts, output,
                keep, phases, serviceEnv, aotJdk, eventLogWindow);
    }
}
