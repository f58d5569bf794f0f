package io.restartwatch.localstack;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Properties;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;

/**
 * A single-node Kafka broker in KRaft mode (broker and controller in one), running in this JVM on loopback.
 * Its log directory survives restarts, so topics and committed offsets do too. Optionally its client port
 * takes only SASL/PLAIN-authenticated connections, to test clients configured for a secured cluster.
 */
public final class KafkaBroker implements LocalStack.Broker {

    private static final String SASL_LISTENER = "SASL_PLAINTEXT";

    private final int port;
    private final int controllerPort;
    private final Path logDir;
    private final SaslPlain sasl;
    private KafkaRaftServer server;

    public KafkaBroker(int port, int controllerPort, Path logDir) {
        this(port, controllerPort, logDir, null);
    }

    /**
     * @param sasl null for a PLAINTEXT client port; otherwise the client port is SASL_PLAINTEXT and accepts only
     *             this user (the broker itself uses it between its listeners too)
     */
    public KafkaBroker(int port, int controllerPort, Path logDir, SaslPlain sasl) {
        this.port = port;
        this.controllerPort = controllerPort;
        this.logDir = logDir;
        this.sasl = sasl;
    }

    @Override
    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    /** What a client needs to reach this broker: the bootstrap servers and, with SASL, the credentials. */
    @Override
    public Properties clientProperties() {
        Properties props = new Properties();
        props.put("bootstrap.servers", bootstrapServers());
        if (sasl != null) {
            props.putAll(sasl.clientProperties());
        }
        return props;
    }

    @Override
    public synchronized void start() {
        if (server != null) {
            return;
        }
        Properties props = brokerProperties();
        format(props);
        server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
        server.startup();
    }

    private Properties brokerProperties() {
        Properties props = new Properties();
        props.put("process.roles", "broker,controller");
        props.put("node.id", "1");
        props.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        // The controller listener stays PLAINTEXT: it serves only the quorum, not clients.
        String clientListener = sasl == null ? "PLAINTEXT" : SASL_LISTENER;
        props.put("listeners", clientListener + "://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        props.put("advertised.listeners", clientListener + "://127.0.0.1:" + port);
        props.put("controller.listener.names", "CONTROLLER");
        props.put("inter.broker.listener.name", clientListener);
        props.put("listener.security.protocol.map", clientListener + ":" + clientListener + ",CONTROLLER:PLAINTEXT");
        if (sasl != null) {
            props.put("sasl.enabled.mechanisms", SaslPlain.MECHANISM);
            props.put("sasl.mechanism.inter.broker.protocol", SaslPlain.MECHANISM);
            // The broker's own login (inter-broker) and the one user it accepts (user_<name>="<password>").
            props.put("listener.name." + SASL_LISTENER.toLowerCase(Locale.ROOT) + ".plain.sasl.jaas.config",
                    sasl.loginModule() + " user_" + sasl.username() + "=\"" + sasl.password() + "\";");
        }
        props.put("log.dirs", logDir.toAbsolutePath().toString());
        // One node: every internal topic has a single replica, or consumer groups never form.
        props.put("offsets.topic.replication.factor", "1");
        props.put("offsets.topic.num.partitions", "6");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("transaction.state.log.num.partitions", "6");
        props.put("share.coordinator.state.topic.replication.factor", "1");
        props.put("share.coordinator.state.topic.min.isr", "1");
        props.put("group.initial.rebalance.delay.ms", "0");
        props.put("num.partitions", "6");
        // Topics are created explicitly (TopicCreator); a typo must fail, not invent a topic.
        props.put("auto.create.topics.enable", "false");
        props.put("log.segment.bytes", String.valueOf(64 * 1024 * 1024));
        props.put("log.cleaner.dedupe.buffer.size", String.valueOf(8 * 1024 * 1024));
        return props;
    }

    /** Formats the log directory once; later starts find it formatted and keep the data. */
    private void format(Properties props) {
        try {
            Files.createDirectories(logDir);
            if (Files.exists(logDir.resolve("meta.properties"))) {
                return;
            }
            Path config = Files.createTempFile("kafka-local-", ".properties");
            try (var out = Files.newOutputStream(config)) {
                props.store(out, "restart-watch local broker");
            }
            var captured = new ByteArrayOutputStream();
            StorageTool.execute(new String[] {
                "format", "-t", Uuid.randomUuid().toString(), "-c", config.toString(), "--ignore-formatted"
            }, new PrintStream(captured, true, StandardCharsets.UTF_8));
            Files.deleteIfExists(config);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot format Kafka storage in " + logDir, e);
        }
    }

    /** A SASL/PLAIN user: the only one the broker accepts when it is started with it. */
    public record SaslPlain(String username, String password) {

        public static final String MECHANISM = "PLAIN";

        public SaslPlain {
            // The values go into a JAAS line between double quotes.
            if (!username.matches("[A-Za-z0-9._-]+") || password.contains("\"") || password.contains("\\")) {
                throw new IllegalArgumentException("SASL user names are [A-Za-z0-9._-]+, passwords have no quote or backslash");
            }
        }

        /** The JAAS line a client logs in with: the value of {@code sasl.jaas.config}. */
        public String jaasConfig() {
            return loginModule() + ";";
        }

        private String loginModule() {
            return "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"" + username
                    + "\" password=\"" + password + "\"";
        }

        /** Client settings for this user: security.protocol, sasl.mechanism and sasl.jaas.config. */
        public Properties clientProperties() {
            Properties props = new Properties();
            props.put("security.protocol", SASL_LISTENER);
            props.put("sasl.mechanism", MECHANISM);
            props.put("sasl.jaas.config", jaasConfig());
            return props;
        }
    }

    @Override
    public synchronized void close() {
        if (server != null) {
            server.shutdown();
            server.awaitShutdown();
            server = null;
        }
    }
}
