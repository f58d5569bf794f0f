package io.restartwatch.systemtest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.restartwatch.localstack.LoopbackPorts;

/**
 * The whole system as separate processes: the local-stack launcher (a real Kafka broker and a real
 * PostgreSQL server) and the four services from their packaged jars, on free loopback ports, with data and
 * logs under {@code system-tests/target/}.
 */
final class SystemUnderTest implements AutoCloseable {

    static final String ADMIN_KEY = "system-test-admin-key";
    private static final String JAVA = ProcessHandle.current().info().command().orElse("java");

    final Path root = Path.of(System.getProperty("restartwatch.root", "..")).toAbsolutePath().normalize();
    final Path workDir;
    final Path fleetDir;
    final int kafkaPort;
    final int postgresPort;
    final Map<String, Integer> servicePorts = new LinkedHashMap<>();
    private Process launcher;
    private java.io.PrintWriter launcherControl;
    private final Map<String, Integer> instancePorts = new LinkedHashMap<>();
    private final Map<String, Map<String, String>> instanceEnv = new LinkedHashMap<>();
    private final Map<String, String> instanceService = new LinkedHashMap<>();
    private final Map<String, Process> services = new LinkedHashMap<>();

    SystemUnderTest() {
        try {
            Files.createDirectories(root.resolve("system-tests/target"));
            workDir = Files.createTempDirectory(root.resolve("system-tests/target"), "system-");
            fleetDir = Files.createDirectories(workDir.resolve("fleet"));
            kafkaPort = LoopbackPorts.reserve();
            postgresPort = LoopbackPorts.reserve();
            for (String service : List.of("check-service", "priority-service", "notification-service", "deploy-hook-service")) {
                servicePorts.put(service, LoopbackPorts.reserve());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts Kafka, PostgreSQL and all four services. */
    SystemUnderTest start() throws IOException, InterruptedException {
        startInfrastructure();
        for (String service : servicePorts.keySet()) {
            startService(service, service, servicePorts.get(service), Map.of());
        }
        for (var service : servicePorts.entrySet()) {
            awaitReady(service.getKey(), service.getValue());
        }
        return this;
    }

    /**
     * Starts one more instance of {@code service} (e.g. a second check-service sharing the same database), with
     * extra environment; returns its HTTP port once it is ready.
     */
    int startInstance(String service, String instance, Map<String, String> extraEnv) throws IOException, InterruptedException {
        if (launcher == null) {
            startInfrastructure();
        }
        int port = LoopbackPorts.reserve();
        startService(service, instance, port, extraEnv);
        awaitReady(instance, port);
        return port;
    }

    String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + postgresPort + "/" + database;
    }

    String url(String service) {
        return "http://127.0.0.1:" + servicePorts.get(service);
    }

    String kafkaBootstrap() {
        return "127.0.0.1:" + kafkaPort;
    }

    /** Pid of the real postgres server process, read from its own pid file. */
    long postgresPid() throws IOException {
        return Long.parseLong(Files.readAllLines(workDir.resolve("stack/postgres/postmaster.pid")).get(0).trim());
    }

    long launcherPid() {
        return launcher.pid();
    }

    private void startInfrastructure() throws IOException, InterruptedException {
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
        launcherControl = new java.io.PrintWriter(launcher.getOutputStream(), true, java.nio.charset.StandardCharsets.UTF_8);
        Instant deadline = Instant.now().plusSeconds(120);
        while (!Files.exists(stackDir.resolve("stack.ready"))) {
            if (!launcher.isAlive() || Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("Local stack did not start; see " + workDir.resolve("local-stack.log"));
            }
            Thread.sleep(200);
        }
    }

    private void startService(String service, String instance, int port, Map<String, String> extraEnv) throws IOException {
        Path jar = root.resolve(service + "/target/quarkus-app/quarkus-run.jar");
        if (!Files.exists(jar)) {
            throw new IllegalStateException("Missing " + jar + ": package the services first (mvn verify does)");
        }
        var builder = new ProcessBuilder(JAVA, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-jar", jar.toString())
                .redirectErrorStream(true)
                .redirectOutput(workDir.resolve(instance + ".log").toFile());
        Map<String, String> env = builder.environment();
        env.put("QUARKUS_HTTP_PORT", String.valueOf(port));
        env.put("KAFKA_BOOTSTRAP_SERVERS", kafkaBootstrap());
        env.put("QUARKUS_DATASOURCE_JDBC_URL", jdbcUrl(database(service)));
        env.put("RESTARTWATCH_PROBE_LOCAL_BASE_DIR", fleetDir.toString());
        env.put("RESTARTWATCH_DEPLOY_HOOK_ADMIN_KEY", ADMIN_KEY);
        env.putAll(extraEnv);
        services.put(instance, builder.start());
        instancePorts.put(instance, port);
        instanceEnv.put(instance, extraEnv);
        instanceService.put(instance, service);
    }

    private static String database(String service) {
        return switch (service) {
            case "check-service" -> "check";
            case "priority-service" -> "priority";
            case "notification-service" -> "notification";
            case "deploy-hook-service" -> "deployhook";
            default -> throw new IllegalArgumentException(service);
        };
    }

    private void awaitReady(String service, int port) throws InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        Instant deadline = Instant.now().plusSeconds(120);
        while (Instant.now().isBefore(deadline)) {
            if (!services.get(service).isAlive()) {
                throw new IllegalStateException(service + " exited; see " + workDir.resolve(service + ".log") + ", which ends with:\n"
                        + logTail(service, 40));
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
            Thread.sleep(250);
        }
        throw new IllegalStateException(service + " was not ready within 120 s; see " + workDir.resolve(service + ".log") + ", which ends with:\n"
                + logTail(service, 40));
    }

    /** The log's last lines, for failure messages: CI keeps the build output, not {@code target/}. */
    String logTail(String instance, int lines) {
        try {
            List<String> all = Files.readAllLines(workDir.resolve(instance + ".log"), java.nio.charset.StandardCharsets.ISO_8859_1);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    /** {@code kill -9}: no shutdown hook, no draining. */
    void kill(String instance) throws InterruptedException {
        Process process = services.get(instance);
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** Starts a killed instance again, same port and settings, and waits until it is ready. */
    void restart(String instance) throws IOException, InterruptedException {
        startService(instanceService.get(instance), instance, instancePorts.get(instance), instanceEnv.get(instance));
        awaitReady(instance, instancePorts.get(instance));
    }

    void awaitAllReady() throws InterruptedException {
        for (var instance : instancePorts.entrySet()) {
            awaitReady(instance.getKey(), instance.getValue());
        }
    }

    /** Restarts the Kafka broker in place (same port and data), through the launcher's control input. */
    void restartKafka() throws IOException, InterruptedException {
        control("restart-kafka", "restarted kafka");
    }

    /** Restarts PostgreSQL in place (same port and data). */
    void restartPostgres() throws IOException, InterruptedException {
        control("restart-postgres", "restarted postgres");
    }

    private void control(String command, String answer) throws IOException, InterruptedException {
        Path log = workDir.resolve("local-stack.log");
        long before = Files.readAllLines(log, java.nio.charset.StandardCharsets.ISO_8859_1).stream().filter(answer::equals).count();
        launcherControl.println(command);
        Instant deadline = Instant.now().plusSeconds(120);
        while (Files.readAllLines(log, java.nio.charset.StandardCharsets.ISO_8859_1).stream().filter(answer::equals).count() == before) {
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException(command + " did not finish; see " + log);
            }
            Thread.sleep(200);
        }
    }

    @Override
    public void close() {
        List<Process> stopping = new ArrayList<>(services.values());
        stopping.forEach(Process::destroy);
        stopping.forEach(SystemUnderTest::awaitExit);
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
