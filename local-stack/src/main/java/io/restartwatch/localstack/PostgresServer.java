package io.restartwatch.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * A real PostgreSQL server from the embedded binaries, with its data in a folder that survives restarts.
 * If a previous launcher was killed hard, its orphaned postmaster is stopped first; if the postmaster dies while
 * this server is meant to run (a crash, a {@code kill -9}), {@link #restartIfDied} starts it again on the same data.
 */
public final class PostgresServer implements AutoCloseable {

    public static final String USER = "postgres";
    public static final String PASSWORD = "postgres";

    private final int port;
    private final Path dataDir;
    private final Path binariesDir;
    private final boolean durable;
    private EmbeddedPostgres postgres;

    /**
     * @param durable false trades crash safety for speed (fsync off): for tests only
     */
    public PostgresServer(int port, Path dataDir, Path binariesDir, boolean durable) {
        this.port = port;
        this.dataDir = dataDir;
        this.binariesDir = binariesDir;
        this.durable = durable;
    }

    public synchronized void start() {
        if (postgres != null) {
            return;
        }
        try {
            Files.createDirectories(dataDir);
            Files.createDirectories(binariesDir);
            stopOrphanedPostmaster();
            var builder = EmbeddedPostgres.builder()
                    .setPort(port)
                    .setDataDirectory(dataDir)
                    .setCleanDataDirectory(false)
                    .setOverrideWorkingDirectory(binariesDir.toFile())
                    .setPGStartupWait(Duration.ofSeconds(60))
                    .setServerConfig("listen_addresses", "127.0.0.1")
                    .setServerConfig("unix_socket_directories", binariesDir.toAbsolutePath().toString())
                    .setServerConfig("max_connections", "200");
            if (durable) {
                // The embedded builder defaults to synchronous_commit=off, which loses the last commits on a crash
                // (a SIGKILL of the postmaster): a durable server waits for its WAL flush before answering a commit.
                builder.setServerConfig("synchronous_commit", "on");
            } else {
                builder.setServerConfig("fsync", "off")
                        .setServerConfig("synchronous_commit", "off")
                        .setServerConfig("full_page_writes", "off");
            }
            postgres = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start PostgreSQL on port " + port, e);
        }
    }

    /**
     * Starts PostgreSQL again, on the same port and data, if it should be running and its postmaster is gone;
     * PostgreSQL replays its WAL (crash recovery). Returns whether it did. Orphaned backends of the dead postmaster
     * may still hold its shared memory for a moment, which makes a start fail: it is retried until a deadline.
     */
    public synchronized boolean restartIfDied(Consumer<String> log) {
        if (postgres == null) {
            return false; // stopped on purpose, or between the two halves of a restart
        }
        Optional<Long> pid = postmasterPid();
        if (pid.flatMap(ProcessHandle::of).filter(ProcessHandle::isAlive).isPresent()) {
            return false;
        }
        log.accept("PostgreSQL :" + port + " postmaster " + pid.map(p -> "(pid " + p + ") ").orElse("")
                + "is gone: restarting it on the same data");
        try {
            postgres.close();
        } catch (IOException | RuntimeException alreadyDead) {
            // pg_ctl stop has nothing to stop; the handle is released all the same
        }
        postgres = null;
        Instant deadline = Instant.now().plusSeconds(120);
        while (true) {
            try {
                start();
                log.accept("PostgreSQL :" + port + " restarted (pid " + postmasterPid().map(String::valueOf).orElse("?") + ")");
                return true;
            } catch (RuntimeException e) {
                postgres = null;
                if (Instant.now().isAfter(deadline)) {
                    throw new IllegalStateException("PostgreSQL :" + port + " could not be restarted", e);
                }
                log.accept("PostgreSQL :" + port + " did not start yet (" + e.getMessage() + "); retrying");
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("Interrupted while restarting PostgreSQL", interrupted);
                }
            }
        }
    }

    /** The postmaster's pid, from {@code postmaster.pid}, while PostgreSQL is running. */
    public synchronized Optional<Long> postmasterPid() {
        try {
            return readPostmasterPid();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    /** Creates each database that does not exist yet. */
    public void createDatabases(List<String> databases) {
        try (Connection connection = postgres.getPostgresDatabase().getConnection()) {
            for (String database : databases) {
                try (var check = connection.prepareStatement("select 1 from pg_database where datname = ?")) {
                    check.setString(1, database);
                    if (check.executeQuery().next()) {
                        continue;
                    }
                }
                try (var create = connection.createStatement()) {
                    create.execute("create database \"" + database + "\"");
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot create databases " + databases, e);
        }
    }

    /**
     * A {@code kill -9} of the launcher leaves postgres running with our data directory; stop it fast
     * (SIGINT = "fast" shutdown, which does not wait for clients) so the new start owns it.
     */
    private void stopOrphanedPostmaster() throws IOException {
        Optional<ProcessHandle> orphan = readPostmasterPid().flatMap(ProcessHandle::of).filter(ProcessHandle::isAlive);
        if (orphan.isEmpty()) {
            return;
        }
        try {
            new ProcessBuilder("kill", "-INT", String.valueOf(orphan.get().pid())).inheritIO().start().waitFor();
            Instant deadline = Instant.now().plusSeconds(30);
            while (orphan.get().isAlive() && Instant.now().isBefore(deadline)) {
                Thread.sleep(100);
            }
            if (orphan.get().isAlive()) {
                orphan.get().destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted while stopping orphaned postgres", e);
        }
    }

    private Optional<Long> readPostmasterPid() throws IOException {
        Path pidFile = dataDir.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return Optional.empty();
        }
        List<String> lines = Files.readAllLines(pidFile);
        if (lines.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Long.parseLong(lines.get(0).trim()));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    public Map<String, String> credentials() {
        return Map.of("user", USER, "password", PASSWORD);
    }

    @Override
    public synchronized void close() {
        if (postgres != null) {
            try {
                postgres.close();
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot stop PostgreSQL", e);
            } finally {
                postgres = null;
            }
        }
    }
}
