package io.restartwatch.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.restartwatch.contracts.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * The raw reference: Kafka's own {@code ProducerPerformance} in a separate JVM against the same broker, 200-byte
 * records, {@code acks=all linger.ms=10 batch.size=262144}, to a topic with the pipeline's partition count. P1's
 * ratio is taken against it, in the same run.
 */
final class RawKafkaReference implements Figure {

    private static final Duration FINISH_WITHIN = Duration.ofMinutes(10);

    @Override
    public String phase() {
        return "raw";
    }

    @Override
    public String name() {
        return "raw_kafka";
    }

    @Override
    public void measure(Bench bench) throws Exception {
        String topic = "bench.raw";
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bench.stack.kafka()))) {
            admin.createTopics(List.of(new NewTopic(topic, Topics.PARTITIONS, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        Bench.log("Raw Kafka: ProducerPerformance, %d x 200 B, acks=all linger.ms=10 batch.size=262144, %d partitions...",
                bench.options.rawRecords(), Topics.PARTITIONS);
        Path logFile = bench.stack.workDir.resolve("producer-performance.log");
        Process process = new ProcessBuilder(Bench.JAVA, "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "org.apache.kafka.tools.ProducerPerformance", "--topic", topic,
                "--num-records", String.valueOf(bench.options.rawRecords()), "--record-size", "200", "--throughput", "-1",
                "--producer-props", "bootstrap.servers=" + bench.stack.kafka(), "acks=all", "linger.ms=10", "batch.size=262144")
                .redirectErrorStream(true).redirectOutput(logFile.toFile()).start();
        if (!process.waitFor(FINISH_WITHIN.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly();
            bench.results.timedOut(name(), "ProducerPerformance finished (see " + logFile + ")", FINISH_WITHIN);
            return;
        }
        String summary = Files.readAllLines(logFile).stream().filter(l -> l.contains("records sent") && l.contains("avg latency"))
                .reduce((a, b) -> b).orElseThrow(() -> new IllegalStateException("No ProducerPerformance summary in " + logFile));
        // "1000000 records sent, 254000.3 records/sec (48.45 MB/sec), 12.3 ms avg latency, 300.0 ms max latency, ..."
        bench.rawRecordsPerSecond = Double.parseDouble(summary.replaceAll(".*records sent, ([0-9.]+) records/sec.*", "$1"));
        bench.results.details.put("raw_producer_performance", summary.trim());
        bench.results.add("raw_kafka_producer_throughput", Math.round(bench.rawRecordsPerSecond), "records/s");
    }
}
