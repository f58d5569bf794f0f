package io.restartwatch.benchmarks;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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

/**
 * The whole system as separate processes, like the system tests run it: the local-stack launcher (Kafka +
 * PostgreSQL) and the four services from their packaged jars, on free loopback ports, data and logs under the
 * run's work directory. A developer's {@code ./stack} (ports 19092/15432, {@code .local/}) is never touched.
 */
final class BenchStack implements AutoCloseable {

    static final String ADMIN_KEY = "bench-admin-key";
    static final List<String> SERVICES = List.of("check-service", "priority-service", "notification-service", "deploy-hook-service");
    private static final String JAVA = ProcessHandle.current().info().command().orElse("java");

    final Path root;
    final Path workDir;
    final int kafkaPort;
    final int postgresPort;
    final List<String> serviceJavaOpts;
    final Map<String, Integer> ports = new LinkedHashMap<>();
    final Map<String, Process> processes = new LinkedHashMap<>();
    /** Process start → /q/health/ready answered 200, in ms. */
    final Map<String, Long> readyMillis = new LinkedHashMap<>();
    private Process launcher;

    BenchStack(Path root, Path workDir, String serviceJavaOpts) {
        this.root = root;
        this.workDir = workDir;
        this.kafkaPort = LoopbackPorts.reserve();
        this.postgresPort = LoopbackPorts.reserve();
        this.serviceJavaOpts = Arrays.stream(serviceJavaOpts.trim().split("\\s+")).filter(s -> !s.isEmpty()).toList();
        for (String service : SERVICES) {
            ports.put(service, LoopbackPorts.reserve());
        }
    }

    String kafka() {
        return "127.0.0.1:" + kafkaPort;
    }

    String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + postgresPort + "/" + database;
    }

    String url(String service) {
        return "http://127.0.0.1:" + ports.get(service);
    }

    void startInfrastructure() throws IOException, InterruptedException {
        Path stackDir = workDir.resolve("stack");
        List<String> command = List.of(JAVA, "-Xmx384m", "-XX:+UseSerialGC",
                "-Drestartwatch.stack.dir=" + stackDir,
                "-Drestartwatch.kafka.port=" + kafkaPort,
                "-Drestartwatch.kafka.controller-port=" + LoopbackPorts.reserve(),
                "-Drestartwatch.postgres.port=" + postgresPort,
                "-Dlog4j2.loggerContextFactory=org.apache.logging.log4j.simple.SimpleLoggerContextFactory",
                "-cp", root.resolve("local-stack/target/classes") + ":" + root.resolve("local-stack/target/lib") + "/*",
                "io.restartwatch.localstack.LocalStackMain");
        launcher = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(workDir.resolve("local-stack.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!Files.exists(stackDir.resolve("stack.ready"))) {
            if (!launcher.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException("Local stack did not start; see " + workDir.resolve("local-stack.log"));
            }
            Thread.sleep(100);
        }
    }

    /** Per service: a dynamic AppCDS archive to start with (JDK 17 {@code -XX:SharedArchiveFile}), when trained. */
    final Map<String, Path> cdsArchives = new LinkedHashMap<>();

    /**
     * AppCDS training run: starts the service with {@code -XX:ArchiveClassesAtExit}, waits until it is ready,
     * stops it (SIGTERM, a clean exit dumps the archive) and remembers the archive for {@link #startService}.
     */
    void trainAppCds(String service, Map<String, String> extraEnv) throws IOException, InterruptedException {
        Path archive = Files.createDirectories(workDir.resolve("appcds")).resolve(service + ".jsa");
        Process process = launch(service, extraEnv, List.of("-XX:ArchiveClassesAtExit=" + archive), service + "-appcds-training.log");
        awaitReady(service, process, ports.get(service));
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        if (Files.exists(archive)) {
            cdsArchives.put(service, archive);
        }
    }

    private Process launch(String service, Map<String, String> extraEnv, List<String> extraJvmOptions, String logName) throws IOException {
        Path jar = snapshot(service).resolve("quarkus-run.jar");
        List<String> command = new ArrayList<>();
        command.add(JAVA);
        command.addAll(serviceJavaOpts);
        command.addAll(extraJvmOptions);
        command.add("-jar");
        command.add(jar.toString());
        var builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(workDir.resolve(logName).toFile());
        Map<String, String> env = builder.environment();
        env.put("QUARKUS_HTTP_PORT", String.valueOf(ports.get(service)));
        env.put("KAFKA_BOOTSTRAP_SERVERS", kafka());
        env.put("QUARKUS_DATASOURCE_JDBC_URL", jdbcUrl(database(service)));
        env.put("RESTARTWATCH_PROBE_LOCAL_BASE_DIR", workDir.resolve("fleet").toString());
        env.put("RESTARTWATCH_DEPLOY_HOOK_ADMIN_KEY", ADMIN_KEY);
        env.putAll(extraEnv);
        return builder.start();
    }

    /**
     * A private copy of the service's packaged application, taken once per run: a rebuild of the services while
     * the benchmark runs (others' {@code mvn package}) must not pull classes from under a running JVM.
     */
    private Path snapshot(String service) throws IOException {
        Path copy = workDir.resolve("apps").resolve(service);
        if (!Files.exists(copy.resolve("quarkus-run.jar"))) {
            Path app = root.resolve(service + "/target/quarkus-app");
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

    /** Starts one service and waits until it is ready; records its time to ready. */
    void startService(String service, Map<String, String> extraEnv) throws IOException, InterruptedException {
        List<String> cds = cdsArchives.containsKey(service) ? List.of("-XX:SharedArchiveFile=" + cdsArchives.get(service)) : List.of();
        long started = System.nanoTime();
        Process process = launch(service, extraEnv, cds, service + ".log");
        processes.put(service, process);
        awaitReady(service, process, ports.get(service));
        readyMillis.put(service, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    }

    private void awaitReady(String service, Process process, int port) throws InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(service + " exited; see " + workDir.resolve(service + ".log"));
            }
            try {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/health/ready"))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException(service + " was not ready within 180 s; see " + workDir.resolve(service + ".log"));
    }

    /** Resident set size of a service process in MiB, from /proc. */
    double rssMiB(String service) {
        return rssMiB(processes.get(service).pid());
    }

    double launcherRssMiB() {
        double rss = rssMiB(launcher.pid());
        try {
            Path pidFile = workDir.resolve("stack/postgres/postmaster.pid");
            if (Files.exists(pidFile)) {
                // postgres server processes: the postmaster and its children (backends, walwriter, ...)
                long pg = Long.parseLong(Files.readAllLines(pidFile).get(0).trim());
                rss += rssMiB(pg);
                rss += ProcessHandle.of(pg).map(h -> h.children().mapToDouble(c -> rssMiB(c.pid())).sum()).orElse(0.0);
            }
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

    static String database(String service) {
        return switch (service) {
            case "check-service" -> "check";
            case "priority-service" -> "priority";
            case "notification-service" -> "notification";
            case "deploy-hook-service" -> "deployhook";
            default -> throw new IllegalArgumentException(service);
        };
    }

    @Override
    public void close() {
        List<Process> stopping = new ArrayList<>(processes.values());
        stopping.forEach(Process::destroy);
        stopping.forEach(BenchStack::awaitExit);
        if (launcher != null) {
            launcher.destroy();
            awaitExit(launcher);
        }
    }

    private static void awaitExit(Process process) {
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
