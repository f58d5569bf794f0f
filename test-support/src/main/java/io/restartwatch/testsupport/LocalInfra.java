package io.restartwatch.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import io.restartwatch.localstack.LocalStack;
import io.restartwatch.localstack.LoopbackPorts;

/**
 * One real Kafka broker and one real PostgreSQL per test JVM, on free loopback ports, with fresh data in
 * {@code target/} (never the developer's {@code ./stack} data). Started on first use, stopped at JVM exit.
 */
public final class LocalInfra {

    private static LocalStack stack;

    private LocalInfra() {
    }

    public static synchronized LocalStack get() {
        if (stack == null) {
            stack = start();
        }
        return stack;
    }

    private static LocalStack start() {
        try {
            Path target = Path.of("target");
            Files.createDirectories(target);
            Path dataDir = Files.createTempDirectory(target.toAbsolutePath(), "local-infra-");
            var settings = new LocalStack.Settings(dataDir, LocalStack.Settings.defaultBinariesDir(),
                    LoopbackPorts.reserve(), LoopbackPorts.reserve(), LoopbackPorts.reserve(), false);
            LocalStack started = new LocalStack(settings).start();
            Runtime.getRuntime().addShutdownHook(new Thread(started::close, "local-infra-stop"));
            return started;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot prepare local infrastructure", e);
        }
    }
}
