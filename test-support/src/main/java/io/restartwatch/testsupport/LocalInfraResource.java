package io.restartwatch.testsupport;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.restartwatch.localstack.LocalStack;

/**
 * Points a {@code @QuarkusTest} at the real Kafka and PostgreSQL of {@link LocalInfra}. Init argument
 * {@code database}: which service database to use (check, priority, notification, deployhook, plan).
 *
 * <pre>{@code @WithTestResource(value = LocalInfraResource.class, initArgs = @ResourceArg(name = "database", value = "check"))}</pre>
 */
public class LocalInfraResource implements QuarkusTestResourceLifecycleManager {

    private String database = "postgres";

    @Override
    public void init(Map<String, String> initArgs) {
        database = initArgs.getOrDefault("database", database);
    }

    @Override
    public Map<String, String> start() {
        LocalStack stack = LocalInfra.get();
        TestCredentials.sendAdminKeyByDefault();
        return Map.of(
                "restartwatch.security.bootstrap-admin-key-sha256", TestCredentials.adminKeySha256(),
                "kafka.bootstrap.servers", stack.kafkaBootstrapServers(),
                "quarkus.datasource.jdbc.url", stack.jdbcUrl(database),
                "quarkus.datasource.username", stack.databaseUser(),
                "quarkus.datasource.password", stack.databasePassword());
    }

    @Override
    public void stop() {
        // Shared by every test class of this JVM; stopped by LocalInfra at exit.
    }
}
