package io.restartwatch.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.restartwatch.localstack.LoopbackPorts;
import io.restartwatch.localstack.SystemProcesses;

/**
 * The whole system as separate processes, like the system tests run it ({@link SystemProcesses}), with what the
 * benchmark adds: the stack's JVM options, a private copy of each packaged service, AppCDS training, time to
 * ready and RSS. A developer's {@code ./stack} (ports 19092/15432, {@code .local/}) is never touched.
 */
final class BenchStack implements AutoCloseable {

    static final List<String> SERVICES = SystemProcesses.SERVICES;
    private static final Duration READY_WITHIN = Duration.ofSeconds(180);

    final Path root;
    final Path workDir;
    final List<String> serviceJavaOpts;
    final Map<String, Integer> ports = new LinkedHashMap<>();
    final Map<String, Process> processes = new LinkedHashMap<>();
    /** Process start → /q/health/ready answered 200, in ms. */
    final Map<String, Long> readyMillis = new LinkedHashMap<>();
    /** Per service: a dynamic AppCDS archive to start with (JDK 17 {@code -XX:SharedArchiveFile}), when trained. */
    final Map<String, Path> cdsArchives = new LinkedHashMap<>();
    private final SystemProcesses system;

    BenchStack(Path root, Path workDir, String serviceJavaOpts) {
        this.root = root;
        this.workDir = workDir;
        this.system = new SystemProcesses(root, workDir);
        this.serviceJavaOpts = Arrays.stream(serviceJavaOpts.trim().split("\\s+")).filter(s -> !s.isEmpty()).toList();
        for (String service : SERVICES) {
            ports.put(service, LoopbackPorts.reserve());
        }
    }

    String kafka() {
        return system.kafkaBootstrap();
    }

    String jdbcUrl(String database) {
        return system.jdbcUrl(database);
    }

    String url(String service) {
        return "http://127.0.0.1:" + ports.get(service);
    }

    /** {@code Bearer <the run's bootstrap admin key>}, for the operator calls that set the benchmark up. */
    String adminAuthorization() {
        return "Bearer " + system.adminKey();
    }

    static String database(String service) {
        return SystemProcesses.database(service);
    }

    void startInfrastructure() throws IOException, InterruptedException {
        system.startInfrastructure();
    }

    /**
     * AppCDS training run: starts the service with {@code -XX:ArchiveClassesAtExit}, waits until it is ready,
     * stops it (SIGTERM, a clean exit dumps the archive) and remembers the archive for {@link #startService}.
     */
    void trainAppCds(String service, Map<String, String> extraEnv) throws IOException, InterruptedException {
        Path archive = Files.createDirectories(workDir.resolve("appcds")).resolve(service + ".jsa");
        String logName = service + "-appcds-training";
        Process process = launch(service, extraEnv, List.of("-XX:ArchiveClassesAtExit=" + archive), logName);
        system.awaitReady(logName, process, ports.get(service), READY_WITHIN);
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        if (Files.exists(archive)) {
            cdsArchives.put(service, archive);
        }
    }

    /** Starts one service and waits until it is ready; records its time to ready. */
    void startService(String service, Map<String, String> extraEnv) throws IOException, InterruptedException {
        List<String> cds = cdsArchives.containsKey(service) ? List.of("-XX:SharedArchiveFile=" + cdsArchives.get(service)) : List.of();
        long started = System.nanoTime();
        Process process = launch(service, extraEnv, cds, service);
        processes.put(service, process);
        system.awaitReady(service, process, ports.get(service), READY_WITHIN);
        readyMillis.put(service, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    }

    private Process launch(String service, Map<String, String> extraEnv, List<String> extraJvmOptions, String logName) throws IOException {
        List<String> jvmOptions = new ArrayList<>(serviceJavaOpts);
        jvmOptions.addAll(extraJvmOptions);
        Map<String, String> env = new LinkedHashMap<>();
        env.put("RESTARTWATCH_PROBE_LOCAL_BASE_DIR", workDir.resolve("fleet").toString());
        env.putAll(extraEnv);
        return system.launch(service, snapshot(service), ports.get(service), jvmOptions, env, logName);
    }

    /**
     * A private copy of the service's packaged application, taken once per run: a rebuild of the services while
     * the benchmark runs (others' {@code mvn package}) must not pull classes from under a running JVM.
     */
    private Path snapshot(String service) throws IOException {
        Path copy = workDir.resolve("apps").resolve(service);
        if (!Files.exists(copy.resolve("quarkus-run.jar"))) {
            Path app = system.packagedApplication(service);
            if (!Files.exists(app.resolve("quarkus-run.jar"))) {
                throw new IllegalStateException("Missing " + app.resolve("quarkus-run.jar") + ": package the services first (./stack bench does)");
            }
            try (var paths = Files.walk(app)) {
                for (Path source : (Iterable<Path>) paths::iterator) {
                    Path target = copy.resolve(app.relativize(source).toString());
                    if (Files.isDirectory(source)) {
                        Files.createDirectories(target);
                    } else {
                        Files.copy(source, target);
                    }
                }
            }
        }
        return copy;
    }

    /** Resident set size of a service process in MiB, from /proc. */
    double rssMiB(String service) {
        return rssMiB(processes.get(service).pid());
    }

    double launcherRssMiB() {
        double rss = rssMiB(system.launcherPid());
        try {
            // postgres server processes: the postmaster and its children (backends, walwriter, ...)
            long pg = system.postgresPid();
            rss += rssMiB(pg);
            rss += ProcessHandle.of(pg).map(h -> h.children().mapToDouble(c -> rssMiB(c.pid())).sum()).orElse(0.0);
        } catch (IOException | RuntimeException ignored) {
            // best effort
        }
        return rss;
    }

    static double rssMiB(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
                }
            }
        } catch (IOException | RuntimeException ignored) {
            // process gone
        }
        return Double.NaN;
    }

    /** "started in X.XXXs" from the Quarkus banner line, in ms; -1 if absent. */
    long quarkusStartedInMillis(String service) {
        try {
            for (String line : Files.readAllLines(workDir.resolve(service + ".log"), java.nio.charset.StandardCharsets.ISO_8859_1)) {
                int at = line.indexOf("started in ");
                if (at >= 0) {
                    String value = line.substring(at + 11, line.indexOf('s', at + 11));
                    return Math.round(Double.parseDouble(value) * 1000);
                }
            }
        } catch (IOException | RuntimeException ignored) {
            // no banner
        }
        return -1;
    }

    @Override
    public void close() {
        system.close();
    }
}
