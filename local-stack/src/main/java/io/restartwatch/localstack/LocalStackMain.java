package io.restartwatch.localstack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * The launcher {@code ./stack up} runs: starts Kafka and PostgreSQL, writes {@code <dir>/stack.ready}, and
 * keeps them running until the process gets SIGTERM, when it stops both cleanly. Fault tests drive it through
 * standard input: {@code restart-kafka} and {@code restart-postgres} restart one server in place (same ports,
 * same data) and answer {@code restarted kafka|postgres} on standard output. A PostgreSQL postmaster that dies (crash,
 * SIGKILL) is started again within seconds, on the same data, and the restart is logged on standard output.
 *
 * <p>Settings come from system properties: {@code restartwatch.stack.dir} (default {@code .local/stack}),
 * {@code restartwatch.kafka.port} (19092), {@code restartwatch.kafka.controller-port} (19093),
 * {@code restartwatch.postgres.port} (15432), {@code restartwatch.kafka.own-process} (false: the broker runs in this JVM;
 * true: in a child JVM, whose pid is in {@code <dir>/kafka.pid}, so a fault test can SIGKILL the broker alone).
 */
public final class LocalStackMain {

    private LocalStackMain() {
    }

    private static void obeyCommands(LocalStack stack) {
        try (var input = new java.io.BufferedReader(new java.io.InputStreamReader(System.in, java.nio.charset.StandardCharsets.UTF_8))) {
            String line;
            while ((line = input.readLine()) != null) {
                switch (line.trim()) {
                    case "restart-kafka" -> {
                        stack.restartKafka();
                        System.out.println("restarted kafka");
                    }
                    case "restart-postgres" -> {
                        stack.restartPostgres();
                        System.out.println("restarted postgres");
                    }
                    default -> System.out.println("unknown command: " + line);
                }
            }
        } catch (IOException | RuntimeException e) {
            System.err.println("Control input closed: " + e);
        }
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        Path dir = Path.of(System.getProperty("restartwatch.stack.dir", ".local/stack")).toAbsolutePath();
        Files.createDirectories(dir);
        Path ready = dir.resolve("stack.ready");
        Files.deleteIfExists(ready);

        var settings = new LocalStack.Settings(dir,
                Path.of(System.getProperty("restartwatch.postgres.binaries",
                        LocalStack.Settings.defaultBinariesDir().toString())),
                Integer.getInteger("restartwatch.kafka.port", 19092),
                Integer.getInteger("restartwatch.kafka.controller-port", 19093),
                Integer.getInteger("restartwatch.postgres.port", 15432),
                true);
        LocalStack stack = new LocalStack(settings, null, Boolean.getBoolean("restartwatch.kafka.own-process"));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                Files.deleteIfExists(ready);
                stack.close();
            } catch (IOException | RuntimeException e) {
                System.err.println("Local stack did not stop cleanly: " + e);
            } finally {
                stopped.countDown();
            }
        }, "local-stack-shutdown"));

        stack.start();
        stack.superviseDatabase(Duration.ofSeconds(1), System.out::println);
        Files.writeString(ready, "kafka=" + stack.kafkaBootstrapServers() + "\npostgres=" + stack.jdbcUrl("") + "\n");
        System.out.println("Local stack ready: Kafka " + stack.kafkaBootstrapServers()
                + ", PostgreSQL " + stack.jdbcUrl("<service>"));
        Thread control = new Thread(() -> obeyCommands(stack), "local-stack-control");
        control.setDaemon(true);
        control.start();
        stopped.await();
    }
}
