package io.restartwatch.localstack;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * A {@link KafkaBroker} alone in a JVM of its own, for a launcher that runs the broker as a child process
 * ({@link KafkaBrokerProcess}): then a fault test can SIGKILL the broker and nothing else. Writes its ready file once
 * the broker answers and stops the broker cleanly on SIGTERM.
 *
 * <p>Arguments: client port, controller port, log directory, ready file.
 */
public final class KafkaBrokerMain {

    private KafkaBrokerMain() {
    }

    public static void main(String[] args) throws Exception {
        KafkaBroker broker = new KafkaBroker(Integer.parseInt(args[0]), Integer.parseInt(args[1]), Path.of(args[2]));
        Path ready = Path.of(args[3]);
        Files.deleteIfExists(ready);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                broker.close();
            } finally {
                stopped.countDown();
            }
        }, "kafka-broker-shutdown"));
        broker.start();
        Files.writeString(ready, broker.bootstrapServers() + "\n");
        System.out.println("Kafka broker ready: " + broker.bootstrapServers());
        stopped.await();
    }
}
