package io.restartwatch.localstack;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The whole system as separate processes, the way the system tests and the benchmark run it: the local-stack
 * launcher (a real Kafka broker and a real PostgreSQL server) and services from their packaged jars, on loopback
 * ports of their own, logs under a work directory. A developer's {@code ./stack} is never touched.
 */
public final class SystemProcesses implements AutoCloseable {

    public static final List<String> SERVICES = List.of("check-service", "priority-service", "notification-service", "deploy-hook-service",
            "plan-service");
    /** Pipeline secrets are encrypted at rest; a run's services share one key (AES-256, base64). */
    private static final String SECRET_ENCRYPTION_KEY = AdminKeys.randomBase64(32);
    private static final String JAVA = ProcessHandle.current().info().command().orElse("java");

    private final Path root;
    private final Path workDir;
    private final int kafkaPort = LoopbackPorts.reserve();
    private final int postgresPort = LoopbackPorts.reserve();
    /** Kept for the run: a relaunched broker must find its quorum where it was. */
    private final int kafkaControllerPort = LoopbackPorts.reserve();
    private boolean kafkaInOwnProcess;
    private final List<Process> started = new ArrayList<>();
    private final String adminKey = AdminKeys.generate();
    private Process launcher;
    private PrintWriter launcherControl;

    /**
     * @param root    the project's root folder (where the modules' {@code target/} folders are)
     * @param workDir data and logs of this run
     */
    public SystemProcesses(Path root, Path workDir) {
        this.root = root;
        this.workDir = workDir;
    }

    /**
     * Runs the broker as a child process of the launcher instead of inside it (before {@link #startInfrastructure()}),
     * so {@link #sigkillKafka()} kills the broker and nothing else.
     */
    public SystemProcesses kafkaInOwnProcess() {
        this.kafkaInOwnProcess = true;
        return this;
    }

    public Path workDir() {
        return workDir;
    }

    /** The bootstrap admin API key every service of this run accepts. */
    public String adminKey() {
        return adminKey;
    }

    public String kafkaBootstrap() {
        return "127.0.0.1:" + kafkaPort;
    }

    public int kafkaPort() {
        return kafkaPort;
    }

    public int postgresPort() {
        return postgresPort;
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + postgresPort + "/" + database;
    }

    public long launcherPid() {
        return launcher.pid();
    }

    /** Pid of the real postgres server process, from its own pid file. */
    public long postgresPid() throws IOException {
        return Long.parseLong(Files.readAllLines(workDir.resolve("stack/postgres/postmaster.pid")).get(0).trim());
    }

    /** The database a service owns. */
    public static String database(String service) {
        return switch (service) {
            case "check-service" -> "check";
            case "priority-service" -> "priority";
            case "notification-service" -> "notification";
            case "deploy-hook-service" -> "deployhook";
            case "plan-service" -> "plan";
            default -> throw new IllegalArgumentException(service);
        };
    }

    /**
     * Starts the launcher (Kafka + PostgreSQL, durable) and waits until both are up. Called again after
     * {@link #sigkillLauncher()}, it starts a new launcher on the same ports and data, which stops the servers the
     * killed one left running and starts them again.
     */
    public void startInfrastructure() throws IOException, InterruptedException {
        Path stackDir = workDir.resolve("stack");
        // A killed launcher leaves its ready file behind: only the new launcher's may count.
        Files.deleteIfExists(stackDir.resolve("stack.ready"));
        List<String> command = List.of(JAVA, kafkaInOwnProcess ? "-Xmx128m" : "-Xmx384m", "-XX:+UseSerialGC",
                "-Drestartwatch.stack.dir=" + stackDir,
                "-Drestartwatch.kafka.port=" + kafkaPort,
                "-Drestartwatch.kafka.controller-port=" + kafkaControllerPort,
                "-Drestartwatch.kafka.own-process=" + kafkaInOwnProcess,
                "-Drestartwatch.postgres.port=" + postgresPort,
                "-Dlog4j2.loggerContextFactory=org.apache.logging.log4j.simple.SimpleLoggerContextFactory",
                "-cp", root.resolve("local-stack/target/classes") + ":" + root.resolve("local-stack/target/lib") + "/*",
                "io.restartwatch.localstack.LocalStackMain");
        launcher = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(workDir.resolve("local-stack.log").toFile())).start();
        launcherControl = new PrintWriter(launcher.getOutputStream(), true, StandardCharsets.UTF_8);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!Files.exists(stackDir.resolve("stack.ready"))) {
            if (!launcher.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException("Local stack did not start; see " + workDir.resolve("local-stack.log")
                        + ", which ends with:\n" + logTail("local-stack", 40));
            }
            Thread.sleep(100);
        }
    }

    /**
     * Starts a service from a packaged application folder ({@code quarkus-app}) with the environment pointing it at
     * this run's Kafka and database; output goes to {@code <logName>.log}.
     */
    public Process launch(String service, Path application, int httpPort, List<String> jvmOptions, Map<String, String> extraEnv,
                          String logName) throws IOException {
        return launch(service, application, httpPort, JAVA, jvmOptions, extraEnv, logName);
    }

    /** As {@link #launch(String, Path, int, List, Map, String)}, on another JVM ({@code java}: its launcher's path). */
    public Process launch(String service, Path application, int httpPort, String java, List<String> jvmOptions,
                          Map<String, String> extraEnv, String logName) throws IOException {
        Path jar = application.resolve("quarkus-run.jar");
        if (!Files.exists(jar)) {
            throw new IllegalStateException("Missing " + jar + ": package the services first (mvn package)");
        }
        List<String> command = new ArrayList<>();
        command.add(java);
        command.addAll(jvmOptions);
        command.add("-jar");
        command.add(jar.toString());
        var builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(workDir.resolve(logName + ".log").toFile());
        Map<String, String> env = builder.environment();
        env.put("QUARKUS_HTTP_PORT", String.valueOf(httpPort));
        env.put("KAFKA_BOOTSTRAP_SERVERS", kafkaBootstrap());
        env.put("QUARKUS_DATASOURCE_JDBC_URL", jdbcUrl(database(service)));
        env.put(AdminKeys.BOOTSTRAP_ENV, AdminKeys.sha256(adminKey));
        env.put("RESTARTWATCH_DEPLOY_HOOK_SECRET_ENCRYPTION_KEY", SECRET_ENCRYPTION_KEY);
        env.putAll(extraEnv);
        Process process = builder.start();
        started.add(process);
        return process;
    }

    /**
     * Starts each service from its packaged application on a loopback port of its own (logs named after it) and waits
     * until every one is ready.
     *
     * @return each service's HTTP port
     */
    public Map<String, Integer> launchAll(List<String> services, List<String> jvmOptions, Map<String, String> extraEnv)
            throws IOException, InterruptedException {
        Map<String, Integer> ports = new java.util.LinkedHashMap<>();
        Map<String, Process> processes = new java.util.LinkedHashMap<>();
        for (String service : services) {
            int port = LoopbackPorts.reserve();
            ports.put(service, port);
            processes.put(service, launch(service, packagedApplication(service), port, jvmOptions, extraEnv, service));
        }
        for (String service : services) {
            awaitReady(service, processes.get(service), ports.get(service), Duration.ofSeconds(120));
        }
        return ports;
    }

    /** The packaged application of a service as the build left it. */
    public Path packagedApplication(String service) {
        return root.resolve(service + "/target/quarkus-app");
    }

    /** Waits until {@code /q/health/ready} answers 200; fails at once, with the log's end, if the process exits. */
    public void awaitReady(String logName, Process process, int httpPort, Duration timeout) throws InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(logName + " exited; see " + workDir.resolve(logName + ".log") + ", which ends with:\n"
                        + logTail(logName, 40));
            }
            try {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/q/health/ready"))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException(logName + " was not ready within " + timeout.toSeconds() + " s; see "
                + workDir.resolve(logName + ".log") + ", which ends with:\n" + logTail(logName, 40));
    }

    /** The log's last lines, for failure messages: CI keeps the build output, not {@code target/}. */
    public String logTail(String logName, int lines) {
        try {
            List<String> all = Files.readAllLines(workDir.resolve(logName + ".log"), StandardCharsets.ISO_8859_1);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    /** Restarts the Kafka broker in place (same port and data), through the launcher's control input. */
    public void restartKafka() throws IOException, InterruptedException {
        control("restart-kafka", "restarted kafka");
    }

    /** Restarts PostgreSQL in place (same port and data). */
    public void restartPostgres() throws IOException, InterruptedException {
        control("restart-postgres", "restarted postgres");
    }

    /** Pid of the Kafka broker's own process (with {@link #kafkaInOwnProcess()}). */
    public long kafkaPid() throws IOException {
        return Long.parseLong(Files.readString(workDir.resolve("stack/kafka.pid")).trim());
    }

    /** SIGKILL of the broker's process (with {@link #kafkaInOwnProcess()}): no shutdown, no flush; then waits until it is gone. */
    public void sigkillKafka() throws IOException {
        sigkill(ProcessHandle.of(kafkaPid()).orElseThrow(() -> new IllegalStateException("Kafka broker process not running")));
    }

    /**
     * SIGKILL of the postmaster, then waits until its backends have noticed and exited too (a new postmaster refuses
     * to start while they hold the old shared memory). The next start is PostgreSQL's crash recovery.
     */
    public void sigkillPostgres() throws IOException {
        ProcessHandle postmaster = ProcessHandle.of(postgresPid()).orElseThrow(() -> new IllegalStateException("postmaster not running"));
        List<ProcessHandle> backends = postmaster.descendants().toList();
        sigkill(postmaster);
        awaitGone(backends, Duration.ofSeconds(60));
    }

    /**
     * SIGKILL of the launcher process: its in-process broker (if any) dies with it; a broker in its own process and the
     * postmaster outlive it, as they would a crash of {@code ./stack}'s launcher. Start a new one with
     * {@link #startInfrastructure()}.
     */
    public void sigkillLauncher() {
        sigkill(launcher.toHandle());
    }

    /** How many times the launcher's supervisor has started a dead PostgreSQL again (its log lines). */
    public long supervisedPostgresRestarts() throws IOException {
        return linesMatching(workDir.resolve("local-stack.log"), SystemProcesses::isSupervisedPostgresRestart);
    }

    private static boolean isSupervisedPostgresRestart(String line) {
        return line.contains("supervisor: PostgreSQL") && line.contains(" restarted (pid ");
    }

    /**
     * Waits until the launcher's supervisor has started PostgreSQL again (after {@link #sigkillPostgres}), with no
     * command from the test: the restart an operator gets without running {@code ./stack up}. Returns when the
     * supervisor logged the restart (the time its line starts with), which is after PostgreSQL was ready again.
     */
    public Instant awaitSupervisedPostgresRestart(long restartsBefore) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (supervisedPostgresRestarts() == restartsBefore) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("The launcher's supervisor did not restart PostgreSQL; see "
                        + workDir.resolve("local-stack.log"));
            }
            Thread.sleep(200);
        }
        String restarted = Files.readAllLines(workDir.resolve("local-stack.log"), StandardCharsets.ISO_8859_1).stream()
                .filter(SystemProcesses::isSupervisedPostgresRestart).reduce((earlier, later) -> later).orElseThrow();
        return Instant.parse(restarted.substring(0, restarted.indexOf(' ')));
    }

    private static void sigkill(ProcessHandle process) {
        process.destroyForcibly(); // SIGKILL on Linux
        awaitGone(List.of(process), Duration.ofSeconds(30));
    }

    private static void awaitGone(List<ProcessHandle> processes, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (ProcessHandle process : processes) {
            long left = Math.max(0, deadline - System.nanoTime());
            if (process.onExit().completeOnTimeout(process, left, TimeUnit.NANOSECONDS).join().isAlive()) {
                throw new IllegalStateException("Process " + process.pid() + " still running " + timeout.toSeconds() + " s after its kill");
            }
        }
    }

    private void control(String command, String answer) throws IOException, InterruptedException {
        Path log = workDir.resolve("local-stack.log");
        long before = answers(log, answer);
        launcherControl.println(command);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (answers(log, answer) == before) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(command + " did not finish; see " + log);
            }
            Thread.sleep(200);
        }
    }

    private static long answers(Path log, String answer) throws IOException {
        return linesMatching(log, answer::equals);
    }

    /** Lines of the launcher's log that match: its answers to commands and its supervisor's reports. */
    private static long linesMatching(Path log, java.util.function.Predicate<String> match) throws IOException {
        return Files.readAllLines(log, StandardCharsets.ISO_8859_1).stream().filter(match).count();
    }

    /** Stops every service this started (SIGTERM, then SIGKILL after a minute), then the launcher. */
    @Override
    public void close() {
        started.forEach(Process::destroy);
        started.forEach(SystemProcesses::awaitExit);
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
