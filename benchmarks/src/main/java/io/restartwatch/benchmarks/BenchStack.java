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
 * benchmark adds: the services started as {@code ./stack} starts them (its JVM options; on a JDK 25+ with an AOT cache
 * per service when {@code ./stack} found one), a private copy of each packaged service, time to ready and RSS.
 * A developer's {@code ./stack} (ports 19092/15432, {@code .local/}) is never touched.
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
    /** The JDK 25+ the services run on with an AOT cache, as {@code ./stack} runs them; null: the benchmark's own JVM, no cache. */
    final Path aotJdk;
    /** Per service: its trained AOT cache ({@code -XX:AOTCache}), inside its private copy. */
    final Map<String, Path> aotCaches = new LinkedHashMap<>();
    final SystemProcesses system;

    BenchStack(Path root, Path workDir, String serviceJavaOpts, Path aotJdk) {
        this.root = root;
        this.workDir = workDir;
        this.aotJdk = aotJdk;
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

    /** The java launcher of the JDK the services run on in {@code ./stack}'s mode: the AOT JDK, else this JVM's. */
    String serviceJava() {
        return aotJdk != null ? aotJdk.resolve("bin/java").toString() : ProcessHandle.current().info().command().orElse("java");
    }

    /**
     * AOT cache training start, as {@code ./stack} does it: the service on the AOT JDK with {@code -XX:AOTCacheOutput},
     * ready, then stopped (SIGTERM; the JVM assembles the cache as it exits, in a child JVM). The cache is kept for
     * {@link #startService}; none is kept if none was written.
     */
    void trainAot(String service, Map<String, String> extraEnv) throws IOException, InterruptedException {
        Path cache = snapshot(service).resolve("app.aot");
        Files.deleteIfExists(cache);
        String logName = service + "-aot-training";
        Process process = launch(service, extraEnv, serviceJava(), List.of("-XX:AOTCacheOutput=" + cache), logName);
        system.awaitReady(logName, process, ports.get(service), READY_WITHIN);
        process.destroy();
        if (!process.waitFor(180, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
        if (Files.exists(cache) && Files.size(cache) > 0) {
            aotCaches.put(service, cache);
        }
    }

    /**
     * Starts one service as {@code ./stack} does (on the AOT JDK with its cache when trained), waits until it is ready
     * and records its time to ready.
     */
    void startService(String service, Map<String, String> extraEnv) throws IOException, InterruptedException {
        List<String> aot = aotCaches.containsKey(service) ? List.of("-XX:AOTCache=" + aotCaches.get(service)) : List.of();
        long started = System.nanoTime();
        Process process = launch(service, extraEnv, serviceJava(), aot, service);
        processes.put(service, process);
        system.awaitReady(service, process, ports.get(service), READY_WITHIN);
        readyMillis.put(service, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    }

    /**
     * Starts one service on the given JVM without any cache (a reference start: P5's baselines), waits until it is ready.
     *
     * @return the process and its time to ready in ms
     */
    Map.Entry<Process, Long> startReference(String service, Map<String, String> extraEnv, String java, String logName)
            throws IOException, InterruptedException {
        long started = System.nanoTime();
        Process process = launch(service, extraEnv, java, List.of(), logName);
        system.awaitReady(logName, process, ports.get(service), READY_WITHIN);
        return Map.entry(process, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    }

    /**
     * Whether the service's JVM really uses its AOT cache: a JVM maps the cache file when it uses it, and one that
     * refuses it (another JDK, another classpath, incompatible options) only writes a warning to its log.
     */
    boolean aotCacheMapped(String service) {
        Path cache = aotCaches.get(service);
        if (cache == null) {
            return false;
        }
        try {
            return Files.readString(Path.of("/proc/" + processes.get(service).pid() + "/maps")).contains(cache.toString());
        } catch (IOException e) {
            return false;
        }
    }

    private Process launch(String service, Map<String, String> extraEnv, String java, List<String> extraJvmOptions, String logName)
            throws IOException {
        List<String> jvmOptions = new ArrayList<>(serviceJavaOpts);
        jvmOptions.addAll(extraJvmOptions);
        Map<String, String> env = new LinkedHashMap<>();
        env.put("RESTARTWATCH_PROBE_LOCAL_BASE_DIR", workDir.resolve("fleet").toString());
        env.putAll(extraEnv);
        return system.launch(service, snapshot(service), ports.get(service), java, jvmOptions, env, logName);
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

    /** "started in X.XXXs" from the Quarkus banner line of a log, in ms; -1 if absent. */
    long quarkusStartedInMillis(String logName) {
        try {
            for (String line : Files.readAllLines(workDir.resolve(logName + ".log"), java.nio.charset.StandardCharsets.ISO_8859_1)) {
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
