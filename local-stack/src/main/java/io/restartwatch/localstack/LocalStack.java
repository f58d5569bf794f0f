package io.restartwatch.localstack;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.function.Consumer;

/**
 * Kafka and PostgreSQL for Restart Watch on loopback: one database per service, every topic created.
 * Used by {@code ./stack up} (through {@link LocalStackMain}) and by the tests (through test-support).
 */
public final class LocalStack implements AutoCloseable {

    /** One database per service: each owns its schema. */
    public static final List<String> DATABASES = List.of("check", "priority", "notification", "deployhook", "plan");

    private final Broker kafka;
    private final PostgresServer postgres;
    private Supervisor supervisor;

    public LocalStack(Settings settings) {
        this(settings, null, false);
    }

    /** @param kafkaSasl null for a PLAINTEXT broker; otherwise its client port accepts only this SASL/PLAIN user */
    public LocalStack(Settings settings, KafkaBroker.SaslPlain kafkaSasl) {
        this(settings, kafkaSasl, false);
    }

    /**
     * @param kafkaInOwnProcess run the (PLAINTEXT) broker as a child process instead of in this JVM, so a fault test
     *                          can kill it alone
     */
    public LocalStack(Settings settings, KafkaBroker.SaslPlain kafkaSasl, boolean kafkaInOwnProcess) {
        if (kafkaInOwnProcess && kafkaSasl != null) {
            throw new IllegalArgumentException("A broker in its own process is PLAINTEXT only");
        }
        this.kafka = kafkaInOwnProcess
                ? new KafkaBrokerProcess(settings.kafkaPort(), settings.kafkaControllerPort(), settings.dataDir().resolve("kafka"))
                : new KafkaBroker(settings.kafkaPort(), settings.kafkaControllerPort(), settings.dataDir().resolve("kafka"), kafkaSasl);
        this.postgres = new PostgresServer(settings.postgresPort(), settings.dataDir().resolve("postgres"),
                settings.postgresBinariesDir(), settings.durable());
    }

    /** Starts both servers (PostgreSQL first: it takes longer to recover from an unclean stop). */
    public LocalStack start() {
        postgres.start();
        postgres.createDatabases(DATABASES);
        kafka.start();
        TopicCreator.createAll(kafka.clientProperties());
        return this;
    }

    /** From now on, a PostgreSQL whose postmaster dies is started again (see {@link Supervisor}); each restart is logged. */
    public synchronized void superviseDatabase(Duration interval, Consumer<String> log) {
        if (supervisor == null) {
            supervisor = Supervisor.watch(postgres, interval, log);
        }
    }

    public String kafkaBootstrapServers() {
        return kafka.bootstrapServers();
    }

    /** Bootstrap servers and, for a SASL broker, the credentials: enough for any Kafka client. */
    public Properties kafkaClientProperties() {
        return kafka.clientProperties();
    }

    public String jdbcUrl(String database) {
        return postgres.jdbcUrl(database);
    }

    public String databaseUser() {
        return PostgresServer.USER;
    }

    public String databasePassword() {
        return PostgresServer.PASSWORD;
    }

    /** Restarts the broker in place, keeping its data: for fault tests. */
    public void restartKafka() {
        kafka.close();
        kafka.start();
    }

    /** Restarts PostgreSQL in place, keeping its data: for fault tests. */
    public void restartPostgres() {
        postgres.close();
        postgres.start();
    }

    @Override
    public void close() {
        synchronized (this) {
            if (supervisor != null) {
                supervisor.close();
                supervisor = null;
            }
        }
        try {
            kafka.close();
        } finally {
            postgres.close();
        }
    }

    /** A Kafka broker this stack starts and stops: in this JVM ({@link KafkaBroker}) or a child process. */
    public interface Broker extends AutoCloseable {

        void start();

        String bootstrapServers();

        Properties clientProperties();

        @Override
        void close();
    }

    /**
     * @param durable false turns off fsync for speed: tests only
     */
    public record Settings(Path dataDir, Path postgresBinariesDir, int kafkaPort, int kafkaControllerPort,
                           int postgresPort, boolean durable) {

        /** Where the PostgreSQL binaries are extracted: shared by every run so it happens once per machine. */
        public static Path defaultBinariesDir() {
            return Path.of(System.getProperty("user.home"), ".cache", "restart-watch", "postgres");
        }
    }
}
