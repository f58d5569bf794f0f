package io.restartwatch.benchmarks;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.List;

import io.restartwatch.contracts.Topics;

/**
 * {@code ./stack bench [--servers N]}: starts the whole system on free ports (like the system tests) and runs the
 * figures of the chosen phases on it, one {@link Figure} each, then writes {@code benchmarks/target/benchmarks/results.json}.
 * Every figure prints one {@code name=value unit} line per value; a wait that timed out or a figure that failed is
 * printed and recorded too, and makes the run exit with status 1 after the remaining figures ran.
 */
public final class BenchmarkMain {

    /**
     * In the order they run. Plan preview first (on an empty fleet), P1's burst last (on a drained pipeline, where
     * P3/P4 events still queued cannot slow it down). P5 ({@link FootprintFigure}) runs before all of them: it starts
     * the services.
     */
    private static final List<Figure> FIGURES = List.of(new PlanPreviewFigure(), new AuthenticationCostFigure(), new AgentDuePollsFigure(),
            new RawKafkaReference(), new LatencyFigure(), new SshSweepFigure(), new AgentReportsFigure(), new PipelineThroughputFigure());

    private BenchmarkMain() {
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", System.getProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn"));
        Results results = run(BenchOptions.parse(args));
        if (!results.failures.isEmpty()) {
            Bench.log("%d wait(s) timed out or figure(s) failed: %s", results.failures.size(), results.failures);
            System.exit(1);
        }
    }

    static Results run(BenchOptions options) throws Exception {
        Results results = new Results();
        Path workDir = options.root().resolve("benchmarks/target/bench-run");
        deleteTree(workDir);
        Files.createDirectories(workDir.resolve("fleet"));
        results.run.put("date", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        results.run.put("host", InetAddress.getLocalHost().getHostName());
        results.run.put("cpus", Runtime.getRuntime().availableProcessors());
        results.run.put("memTotalMiB", memTotalMiB());
        results.run.put("loadAverageAtStart", loadAverage());
        results.run.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        results.run.put("servers", options.servers());
        results.run.put("phases", options.phases().stream().sorted().toList());
        results.run.put("serviceJavaOpts", options.serviceJavaOpts());
        results.run.put("serviceEnv", options.serviceEnv());
        results.run.put("serviceAotJdk", options.aotJdk() == null ? null : options.aotJdk().toString());
        Bench.log("Restart Watch benchmark: N=%d servers, work dir %s, service JVM options: %s", options.servers(), workDir,
                options.serviceJavaOpts());

        BenchStack stack = new BenchStack(options.root(), workDir, options.serviceJavaOpts(), options.aotJdk());
        SshTargets ssh = new SshTargets(workDir.resolve("ssh"));
        // Ctrl-C (or a kill) of a long run must not leave Kafka, PostgreSQL and five services running.
        if (!options.keep()) {
            Runtime.getRuntime().addShutdownHook(new Thread(stack::close, "bench-stop"));
        }
        EventWatcher notifications = null;
        try {
            Bench.log("Starting Kafka + PostgreSQL...");
            stack.startInfrastructure();
            Bench.log("Starting the services one at a time (P5)...");
            Bench started = new Bench(options, stack, ssh, results, null);
            if (!measure(new FootprintFigure(), started, options)) {
                return results; // without the services no other figure means anything
            }
            notifications = new EventWatcher(stack.kafka(), Topics.NOTIFICATIONS);
            Bench bench = new Bench(options, stack, ssh, results, notifications);
            for (Figure figure : FIGURES) {
                if (options.phases().contains(figure.phase())) {
                    measure(figure, bench, options);
                }
            }
            results.run.put("loadAverageAtEnd", loadAverage());
            return results;
        } finally {
            if (notifications != null) {
                notifications.close();
            }
            results.write(options.output());
            Bench.log("Results written to %s", options.output());
            if (!options.keep()) {
                stack.close();
            } else {
                Bench.log("--keep: processes left running; work dir %s", workDir);
            }
            ssh.close();
        }
    }

    /** Runs one figure; an exception is recorded as its failure and the run goes on. Results are written after each. */
    private static boolean measure(Figure figure, Bench bench, BenchOptions options) throws IOException {
        boolean ok;
        try {
            figure.measure(bench);
            ok = true;
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            bench.results.failed(figure.name(), e);
            ok = false;
        }
        bench.results.write(options.output());
        return ok;
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "?";
        }
    }

    private static long memTotalMiB() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
                }
            }
        } catch (IOException ignored) {
            // not Linux
        }
        return -1;
    }

    private static void deleteTree(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (var paths = Files.walk(dir)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
