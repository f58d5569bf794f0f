package io.restartwatch.support.migration;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restartwatch.testsupport.LocalInfraResource;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * service-support's tables come from its own location ({@code db/platform}, a repeatable migration) which every
 * service adds to its own. Databases made before that created the same tables in the services' versioned
 * migrations, which stay untouched (Flyway validates applied checksums). For each service's real migrations:
 * an "old" database (its migrations alone, as every existing database is) then migrated with the platform
 * location, and a fresh database migrated with both at once, end with the same schema; and the platform tables
 * are defined exactly as a database with nothing but the platform location gets them.
 * (@QuarkusTest only to share the test JVM's PostgreSQL with the other tests.)
 */
@QuarkusTest
@WithTestResource(LocalInfraResource.class)
class PlatformMigrationsTest {

    private static final String PLATFORM = "filesystem:src/main/resources/db/platform";
    private static final List<String> PLATFORM_TABLES = List.of("outbox_event", "outbox_position", "processed_event");

    @ConfigProperty(name = "quarkus.datasource.jdbc.url")
    String jdbcUrl;
    @ConfigProperty(name = "quarkus.datasource.username")
    String user;
    @ConfigProperty(name = "quarkus.datasource.password")
    String password;

    @ParameterizedTest
    @ValueSource(strings = {"check-service", "priority-service", "notification-service", "deploy-hook-service", "plan-service"})
    void anOldDatabaseAndAFreshOneEndWithTheSameSchema(String service) throws SQLException {
        Path migrations = Path.of("..", service, "src", "main", "resources", "db", "migration");
        assertThat(migrations).isDirectory();
        String own = "filesystem:" + migrations;
        String name = service.replace("-service", "").replace("-", "");

        String old = createDatabase("old_" + name);
        MigrateResult before = flyway(old, own).migrate();
        assertThat(before.migrationsExecuted).isPositive();
        MigrateResult upgrade = flyway(old, own, PLATFORM).migrate();
        assertThat(upgrade.migrationsExecuted).as("only the platform's repeatable migration is new").isEqualTo(1);

        String fresh = createDatabase("fresh_" + name);
        flyway(fresh, own, PLATFORM).migrate();

        String platformOnly = createDatabase("platform_only_" + name);
        flyway(platformOnly, PLATFORM).migrate();

        assertThat(schema(old, List.of())).isEqualTo(schema(fresh, List.of()));
        assertThat(schema(fresh, PLATFORM_TABLES)).isEqualTo(schema(platformOnly, PLATFORM_TABLES)).isNotEmpty();
        // Both validate (no changed checksum) and have nothing left to do.
        flyway(old, own, PLATFORM).validate();
        assertThat(flyway(old, own, PLATFORM).migrate().migrationsExecuted).isZero();
        assertThat(flyway(fresh, own, PLATFORM).migrate().migrationsExecuted).isZero();
    }

    private Flyway flyway(String url, String... locations) {
        return Flyway.configure().dataSource(url, user, password).locations(locations).load();
    }

    private String createDatabase(String database) throws SQLException {
        try (Connection connection = DriverManager.getConnection(jdbcUrl, user, password);
             Statement statement = connection.createStatement()) {
            statement.execute("drop database if exists " + database);
            statement.execute("create database " + database);
        }
        return jdbcUrl.substring(0, jdbcUrl.lastIndexOf('/') + 1) + database;
    }

    /** Columns, constraints, indexes and sequences of {@code tables} (every table when empty), as sorted text. */
    private List<String> schema(String url, List<String> tables) throws SQLException {
        List<String> facts = new ArrayList<>();
        String tableFilter = tables.isEmpty() ? "<> 'flyway_schema_history'" : "in ('" + String.join("','", tables) + "')";
        try (Connection connection = DriverManager.getConnection(url, user, password);
             Statement statement = connection.createStatement()) {
            collect(statement, facts, """
                    select 'column ' || table_name || '.' || column_name || ' ' || data_type || coalesce('(' || character_maximum_length || ')', '')
                           || ' nullable=' || is_nullable || ' default=' || coalesce(column_default, '-')
                    from information_schema.columns where table_schema = 'public' and table_name""" + " " + tableFilter);
            collect(statement, facts, """
                    select 'constraint ' || c.relname || ' ' || k.conname || ' ' || pg_get_constraintdef(k.oid)
                    from pg_constraint k join pg_class c on c.oid = k.conrelid join pg_namespace n on n.oid = c.relnamespace
                    where n.nspname = 'public' and c.relname""" + " " + tableFilter);
            collect(statement, facts, "select 'index ' || indexdef from pg_indexes where schemaname = 'public' and tablename " + tableFilter);
            if (tables.isEmpty()) {
                collect(statement, facts, "select 'sequence ' || sequence_name || ' ' || data_type from information_schema.sequences where sequence_schema = 'public'");
            }
        }
        facts.sort(String::compareTo);
        return facts;
    }

    private static void collect(Statement statement, List<String> facts, String sql) throws SQLException {
        try (ResultSet rows = statement.executeQuery(sql)) {
            while (rows.next()) {
                facts.add(rows.getString(1));
            }
        }
    }
}
