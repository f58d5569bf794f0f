package io.restartwatch.plan.runner;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.restartwatch.localstack.LoopbackPorts;
import io.restartwatch.testsupport.TestTools;

/**
 * A real Prometheus Alertmanager (Debian's {@code prometheus-alertmanager}) on a free loopback port, with its own
 * configuration and storage under {@code target/}, clustering off. plan-service is pointed at it with the matcher
 * {@code severity="critical"}. It is installed when missing ({@link TestTools}); a failed install fails the test.
 */
public class AlertmanagerResource implements QuarkusTestResourceLifecycleManager {

    private static final String CONFIG = """
            # Test Alertmanager: alerts are kept and answered by the API; nothing is notified.
            route:
              receiver: nobody
            receivers:
              - name: nobody
            """;

    private static Process process;
    private static String url;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Override
    public Map<String, String> start() {
        // Debian's prometheus-alertmanager, installed when missing; a failed install fails the test.
        Path binary = TestTools.ensure("alertmanager");
        try {
            int port = LoopbackPorts.reserve();
            Path dir = Files.createDirectories(Path.of("target", "alertmanager-" + port).toAbsolutePath());
            Path config = dir.resolve("alertmanager.yml");
            Files.writeString(config, CONFIG);
            process = new ProcessBuilder(binary.toString(), "--config.file=" + config,
                    "--storage.path=" + Files.createDirectories(dir.resolve("data")),
                    "--web.listen-address=127.0.0.1:" + port, "--cluster.listen-address=")
                    .redirectErrorStream(true).redirectOutput(dir.resolve("alertmanager.log").toFile()).start();
            url = "http://127.0.0.1:" + port;
            awaitReady(dir);
            return Map.of("restartwatch.plan.alertmanager.url", url,
                    "restartwatch.plan.alertmanager.filter", "severity=\"critical\"",
                    "restartwatch.plan.alertmanager.timeout", "2s");
        } catch (IOException e) {
            throw new IllegalStateException("Could not start Alertmanager", e);
        }
    }

    private static void awaitReady(Path dir) throws IOException {
        Instant deadline = Instant.now().plusSeconds(60);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Alertmanager exited at start: " + Files.readString(dir.resolve("alertmanager.log")));
            }
            try {
                if (HTTP.send(HttpRequest.newBuilder(URI.create(url + "/-/ready")).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new IllegalStateException("Alertmanager did not become ready within 60 s: " + Files.readString(dir.resolve("alertmanager.log")));
    }

    /** Posts alerts as Prometheus does ({@code POST /api/v2/alerts}); {@code endsAt} in the past resolves one. */
    static void post(String alertName, String severity, Instant startsAt, Instant endsAt) {
        String body = "[{\"labels\":{\"alertname\":\"" + alertName + "\",\"severity\":\"" + severity + "\"},"
                + "\"annotations\":{\"summary\":\"test alert\"},\"startsAt\":\"" + startsAt + "\""
                + (endsAt == null ? "" : ",\"endsAt\":\"" + endsAt + "\"") + "}]";
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url + "/api/v2/alerts"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("Alertmanager refused the alert: " + response.statusCode() + " " + response.body());
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Stops Alertmanager, for the test of an unreachable one. */
    static void kill() {
        if (process != null && process.isAlive()) {
            process.destroy();
            try {
                process.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void stop() {
        kill();
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
        }
    }
}
