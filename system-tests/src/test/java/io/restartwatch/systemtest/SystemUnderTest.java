package io.restartwatch.systemtest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.restassured.RestAssured;
import io.restassured.specification.RequestSpecification;
import io.restartwatch.localstack.LoopbackPorts;
import io.restartwatch.localstack.SystemProcesses;

/**
 * The whole system as separate processes ({@link SystemProcesses}): the local-stack launcher and the five
 * services from their packaged jars, data and logs under {@code system-tests/target/}; plus what the tests do to
 * it: more instances of a service, {@code kill -9}, restarts.
 */
final class SystemUnderTest implements AutoCloseable {

    private static final List<String> JVM_OPTIONS = List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");
    private static final Duration READY_WITHIN = Duration.ofSeconds(120);

    final Path root = Path.of(System.getProperty("restartwatch.root", "..")).toAbsolutePath().normalize();
    final Path fleetDir;
    final int postgresPort;
    final Map<String, Integer> servicePorts = new LinkedHashMap<>();
    private final SystemProcesses processes;
    private boolean infrastructureStarted;
    private final Map<String, Instance> instances = new LinkedHashMap<>();

    private record Instance(String service, int port, Map<String, String> env, Process process) {
    }

    SystemUnderTest() {
        try {
            Files.createDirectories(root.resolve("system-tests/target"));
            Path workDir = Files.createTempDirectory(root.resolve("system-tests/target"), "system-");
            fleetDir = Files.createDirectories(workDir.resolve("fleet"));
            processes = new SystemProcesses(root, workDir);
            postgresPort = processes.postgresPort();
            for (String service : SystemProcesses.SERVICES) {
                servicePorts.put(service, LoopbackPorts.reserve());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The broker in a process of its own, child of the launcher (before {@link #start()}): {@link #sigkillKafka()}
     * kills it alone.
     */
    SystemUnderTest withKafkaInOwnProcess() {
        processes.kafkaInOwnProcess();
        return this;
    }

    /**
     * Starts Kafka, PostgreSQL and all five services. If one does not start, everything started is stopped: the
     * caller never gets this instance to close, and the processes would outlive the test run.
     */
    SystemUnderTest start() throws IOException, InterruptedException {
        try {
            startInfrastructure();
            for (String service : servicePorts.keySet()) {
                startService(service, service, servicePorts.get(service), Map.of());
            }
            awaitAllReady();
            return this;
        } catch (IOException | InterruptedException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /**
     * As {@link #start()}, with extra environment for some services (e.g. short intervals for check-service), and one
     * service after the other, each ready before the next starts: five JVMs starting at once on a loaded 2-core
     * machine can each miss the readiness deadline.
     */
    SystemUnderTest startOneByOne(Map<String, Map<String, String>> envByService) throws IOException, InterruptedException {
        try {
            startInfrastructure();
            for (String service : servicePorts.keySet()) {
                startService(service, service, servicePorts.get(service), envByService.getOrDefault(service, Map.of()));
                awaitReady(service);
            }
            return this;
        } catch (IOException | InterruptedException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /**
     * Starts one more instance of {@code service} (e.g. a second check-service sharing the same database), with
     * extra environment; returns its HTTP port once it is ready.
     */
    int startInstance(String service, String instance, Map<String, String> extraEnv) throws IOException, InterruptedException {
        startInfrastructure();
        int port = LoopbackPorts.reserve();
        startService(service, instance, port, extraEnv);
        awaitReady(instance);
        return port;
    }

    /**
     * Starts more instances at once (instance name → service), each on a port of its own, and waits until all are
     * ready: started together they join their consumer groups while the stream runs.
     */
    void startInstances(Map<String, String> serviceByInstance, Duration readyWithin) throws IOException, InterruptedException {
        for (var instance : serviceByInstance.entrySet()) {
            startService(instance.getValue(), instance.getKey(), LoopbackPorts.reserve(), Map.of());
        }
        for (String instance : serviceByInstance.keySet()) {
            Instance started = instances.get(instance);
            processes.awaitReady(instance, started.process(), started.port(), readyWithin);
        }
    }

    String jdbcUrl(String database) {
        return processes.jdbcUrl(database);
    }

    String url(String service) {
        return "http://127.0.0.1:" + servicePorts.get(service);
    }

    /** The Authorization header value an operator (here: the run's bootstrap admin key) sends on /api calls. */
    String adminAuthorization() {
        return "Bearer " + processes.adminKey();
    }

    /** A RestAssured request to a service, authenticated with the admin key. */
    RequestSpecification asAdmin(String service) {
        return RestAssured.given().baseUri(url(service)).header("Authorization", adminAuthorization());
    }

    String kafkaBootstrap() {
        return processes.kafkaBootstrap();
    }

    long postgresPid() throws IOException {
        return processes.postgresPid();
    }

    long launcherPid() {
        return processes.launcherPid();
    }

    private void startInfrastructure() throws IOException, InterruptedException {
        if (!infrastructureStarted) {
            processes.startInfrastructure();
            infrastructureStarted = true;
        }
    }

    private void startService(String service, String instance, int port, Map<String, String> extraEnv) throws IOException {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("RESTARTWATCH_PROBE_LOCAL_BASE_DIR", fleetDir.toString());
        env.putAll(extraEnv);
        Process process = processes.launch(service, processes.packagedApplication(service), port, JVM_OPTIONS, env, instance);
        instances.put(instance, new Instance(service, port, extraEnv, process));
    }

    private void awaitReady(String instance) throws InterruptedException {
        Instance started = instances.get(instance);
        processes.awaitReady(instance, started.process(), started.port(), READY_WITHIN);
    }

    /** {@code kill -9}: no shutdown hook, no draining. */
    void kill(String instance) throws InterruptedException {
        Process process = instances.get(instance).process();
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** {@code kill -9} of an instance that is not started again: it leaves the system. */
    void killForGood(String instance) throws InterruptedException {
        kill(instance);
        instances.remove(instance);
    }

    /** Where an instance writes its output. */
    Path log(String instance) {
        return processes.workDir().resolve(instance + ".log");
    }

    /** Starts a killed instance again, same port and settings, and waits until it is ready. */
    void restart(String instance) throws IOException, InterruptedException {
        Instance killed = instances.get(instance);
        startService(killed.service(), instance, killed.port(), killed.env());
        awaitReady(instance);
    }

    void awaitAllReady() throws InterruptedException {
        for (String instance : instances.keySet()) {
            awaitReady(instance);
        }
    }

    void restartKafka() throws IOException, InterruptedException {
        processes.restartKafka();
    }

    void restartPostgres() throws IOException, InterruptedException {
        processes.restartPostgres();
    }

    /** SIGKILL of the broker's process, then the launcher starts it again on the same port and log directories. */
    void sigkillKafka() throws IOException, InterruptedException {
        processes.sigkillKafka();
        processes.restartKafka();
    }

    /**
     * SIGKILL of the postmaster; the launcher's supervisor notices and starts PostgreSQL again by itself (nothing
     * asks it to): crash recovery from its WAL. {@code onceDead} runs as soon as the postmaster and its backends are
     * gone, before the restart is awaited. Returns when the supervisor logged the restart (PostgreSQL was ready again).
     */
    Instant sigkillPostgres(Runnable onceDead) throws IOException, InterruptedException {
        long restartsBefore = processes.supervisedPostgresRestarts();
        processes.sigkillPostgres();
        onceDead.run();
        return processes.awaitSupervisedPostgresRestart(restartsBefore);
    }

    /**
     * SIGKILL of the launcher, then a new launcher on the same ports and data: it stops the broker and the postmaster
     * the killed one left behind and starts both again.
     */
    void sigkillLauncher() throws IOException, InterruptedException {
        processes.sigkillLauncher();
        processes.startInfrastructure();
    }

    @Override
    public void close() {
        processes.close();
    }
}
