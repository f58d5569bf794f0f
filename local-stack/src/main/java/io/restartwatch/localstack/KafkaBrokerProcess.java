package io.restartwatch.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * The Kafka broker as a child process of the launcher ({@link KafkaBrokerMain}), same ports and log directory as
 * the in-process {@link KafkaBroker}: fault tests SIGKILL it alone. Its pid is kept in {@code kafka.pid} beside
 * the log directory, so a launcher started after a hard kill of the previous one stops the orphaned broker first.
 */
final class KafkaBrokerProcess implements LocalStack.Broker {

    private static final String JAVA = ProcessHandle.current().info().command().orElse("java");

    private final int port;
    private final int controllerPort;
    private final Path logDir;
    private final Path pidFile;
    private final Path readyFile;
    private Process process;

    KafkaBrokerProcess(int port, int controllerPort, Path logDir) {
        this.port = port;
        this.controllerPort = controllerPort;
        this.logDir = logDir.toAbsolutePath();
        this.pidFile = this.logDir.resolveSibling("kafka.pid");
        this.readyFile = this.logDir.resolveSibling("kafka.ready");
    }

    @Override
    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    @Override
    public Properties clientProperties() {
        Properties props = new Properties();
        props.put("bootstrap.servers", bootstrapServers());
        return props;
    }

    @Override
    public synchronized void start() {
        if (process != null && process.isAlive()) {
            return;
        }
        try {
            Files.createDirectories(logDir);
            stopOrphan();
            Files.deleteIfExists(readyFile);
            process = new ProcessBuilder(List.of(JAVA, "-Xmx256m", "-XX:+UseSerialGC",
                    "-Dlog4j2.loggerContextFactory=org.apache.logging.log4j.simple.SimpleLoggerContextFactory",
                    "-cp", System.getProperty("java.class.path"), KafkaBrokerMain.class.getName(),
                    String.valueOf(port), String.valueOf(controllerPort), logDir.toString(), readyFile.toString()))
                    .redirectErrorStream(true).redirectOutput(Redirect.appendTo(logDir.resolveSibling("kafka.log").toFile())).start();
            Files.writeString(pidFile, process.pid() + "\n");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (!Files.exists(readyFile)) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    throw new IllegalStateException("Kafka broker process did not start; see " + logDir.resolveSibling("kafka.log"));
                }
                Thread.sleep(100);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start the Kafka broker process", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A broker left running by a launcher that was killed hard: stop it (SIGTERM, then SIGKILL) so this start owns the ports. */
    private void stopOrphan() throws IOException, InterruptedException {
        Optional<ProcessHandle> orphan = Files.exists(pidFile)
                ? ProcessHandle.of(Long.parseLong(Files.readString(pidFile).trim())).filter(ProcessHandle::isAlive)
                : Optional.empty();
        if (orphan.isPresent() && orphan.get().info().command().orElse("").contains("java")) {
            orphan.get().destroy();
            if (!orphan.get().onExit().completeOnTimeout(orphan.get(), 60, TimeUnit.SECONDS).join().isAlive()) {
                return;
            }
            orphan.get().destroyForcibly();
            orphan.get().onExit().completeOnTimeout(orphan.get(), 10, TimeUnit.SECONDS).join();
        }
    }

    /** Stops the broker (SIGTERM: a clean shutdown); nothing to do if it was killed. */
    @Override
    public synchronized void close() {
        if (process == null) {
            return;
        }
        try {
            if (process.isAlive()) {
                process.destroy();
                if (!process.waitFor(60, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            }
            Files.deleteIfExists(pidFile);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            process = null;
        }
    }
}
