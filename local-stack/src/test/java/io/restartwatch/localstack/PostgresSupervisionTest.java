package io.restartwatch.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;

/**
 * What {@code ./stack} relies on after a crash of the database: the launcher's supervisor notices that the PostgreSQL
 * postmaster died (SIGKILL, no shutdown at all) and starts it again on the same port and data, which survive crash
 * recovery, and logs it.
 */
class PostgresSupervisionTest {

    @Test
    void aPostmasterKilledWithSigkillIsStartedAgainOnTheSameDataAndTheRestartIsLogged() throws Exception {
        int port = LoopbackPorts.reserve();
        Path data = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "supervised-postgres-");
        PostgresServer postgres = new PostgresServer(port, data, LocalStack.Settings.defaultBinariesDir(), true);
        List<String> log = new CopyOnWriteArrayList<>();
        postgres.start();
        try (Supervisor ignored = Supervisor.watch(postgres, Duration.ofMillis(200), log::add)) {
            postgres.createDatabases(List.of("check"));
            execute(postgres, "create table survivor (id int primary key); insert into survivor values (42)");
            long killed = postgres.postmasterPid().orElseThrow();

            Process kill = new ProcessBuilder("kill", "-KILL", String.valueOf(killed)).inheritIO().start();
            assertThat(kill.waitFor()).isZero();
            await().atMost(Duration.ofSeconds(30)).until(() -> ProcessHandle.of(killed).map(p -> !p.isAlive()).orElse(true));

            // Back without anyone asking: a new postmaster, the committed row recovered from the WAL.
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                assertThat(postgres.postmasterPid()).hasValueSatisfying(pid -> assertThat(pid).isNotEqualTo(killed));
                assertThat(count(postgres, "select id from survivor where id = 42")).isEqualTo(1);
            });
            assertThat(log).anySatisfy(line -> assertThat(line).contains("postmaster (pid " + killed + ") is gone"))
                    .anySatisfy(line -> assertThat(line).contains("restarted (pid " + postgres.postmasterPid().orElseThrow() + ")"));
        } finally {
            postgres.close();
        }
        // Stopped on purpose, it is not started again.
        assertThat(postgres.restartIfDied(log::add)).isFalse();
    }

    private static void execute(PostgresServer postgres, String sql) throws SQLException {
        try (Connection connection = connect(postgres); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    /** The number of rows {@code sql} returns; an unreachable database is a failed assertion, polled again. */
    private static int count(PostgresServer postgres, String sql) {
        try (Connection connection = connect(postgres); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(sql)) {
            int count = 0;
            while (rows.next()) {
                count++;
            }
            return count;
        } catch (SQLException e) {
            throw new AssertionError("PostgreSQL not answering: " + e.getMessage(), e);
        }
    }

    private static Connection connect(PostgresServer postgres) throws SQLException {
        return DriverManager.getConnection(postgres.jdbcUrl("check"), PostgresServer.USER, PostgresServer.PASSWORD);
    }
}
